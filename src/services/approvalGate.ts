// Before anyone fills or submits the form: does this workspace require approval, and can this
// requester's import ever pass (a sole approver cannot approve their own)? Says so up front.
import type { WebClient } from '@slack/web-api';
import { DEFAULT_POLICY, eligibleApproverCount, requirementFrom } from '../domain/approvalPolicy.js';
import type { Store } from '../store/store.js';
import { groupMention, userMention } from '../views/blocks.js';
import { groupMembers } from './slackDirectory.js';

export type ApprovalGate =
  | { kind: 'open' }
  | { kind: 'approval'; note: string }
  | { kind: 'blocked'; reason: string };

export async function approvalGate(store: Store, client: WebClient, teamId: string, requesterId: string): Promise<ApprovalGate> {
  const policy = (await store.getApprovalPolicy(teamId)) ?? DEFAULT_POLICY;
  const requirement = requirementFrom(policy);
  if (requirement === null) return { kind: 'open' };
  // Group members are only looked up when the named people alone cannot make the quorum.
  let eligible = eligibleApproverCount(requirement, requesterId, []);
  if (eligible < requirement.approvalsNeeded && requirement.approverGroupIds.length > 0) {
    eligible = eligibleApproverCount(requirement, requesterId, await groupMembers(client, requirement.approverGroupIds));
  }
  const who = [...requirement.approverUserIds.map(userMention), ...requirement.approverGroupIds.map(groupMention)].join(', ');
  const needed = requirement.approvalsNeeded;
  if (eligible < needed) {
    const alone = requirement.approverUserIds.includes(requesterId);
    return {
      kind: 'blocked',
      reason: `Imports here need ${needed} approval${needed === 1 ? '' : 's'} from ${who === '' ? 'approvers' : who}, and requesters never approve their own${alone ? ': you are the only approver, so another approver is needed' : ': there are not enough other approvers'}. Ask a workspace admin to add one with \`/simplismart approvals\`.`,
    };
  }
  return {
    kind: 'approval',
    note: `:lock: Imports here need ${needed} approval${needed === 1 ? '' : 's'} from ${who} before they run.`,
  };
}
