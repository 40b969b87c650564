// A workspace's approval policy: read (with the default when none was saved), saved by admins, and the
// gate before anyone fills or submits the form — does this workspace require approval, and can this
// requester's import ever pass (a sole approver cannot approve their own)? Says so up front.
import type { WebClient } from '@slack/web-api';
import {
  DEFAULT_POLICY,
  eligibleApproverCount,
  requirementFrom,
  type ApprovalPolicy,
  type StoredApprovalPolicy,
} from '../domain/approvalPolicy.js';
import type { RequestKind } from '../domain/requestKinds.js';
import type { Store } from '../store/store.js';
import { approverMentions } from '../views/blocks.js';
import { APPROVAL_NOTE_MAX } from '../views/requestFormMeta.js';
import { capitalised, KIND_WORDS } from '../views/requestKinds.js';
import type { PolicyFile } from './policyFile.js';
import { groupMembers } from './slackDirectory.js';

export type ApprovalGate =
  | { kind: 'open' }
  | { kind: 'approval'; note: string }
  | { kind: 'blocked'; reason: string };

/** The reason is an ephemeral reply (3000 characters a section): the list gets most of it. */
const BLOCKED_APPROVERS_MAX = 2000;

export class ApprovalPolicies {
  constructor(
    private readonly store: Store,
    /** Set: the policy file pins the policy, and the Slack-set one is neither used nor changed. */
    readonly file?: PolicyFile,
  ) {}

  /** The policy an admin saved, or undefined when none was. */
  saved(teamId: string): Promise<StoredApprovalPolicy | undefined> {
    return this.store.getApprovalPolicy(teamId);
  }

  /** The policy in force: the saved one, or the default (no approval). */
  async inForce(teamId: string): Promise<ApprovalPolicy> {
    return (await this.saved(teamId)) ?? DEFAULT_POLICY;
  }

  save(teamId: string, policy: ApprovalPolicy, updatedBy: string, at: number): Promise<void> {
    return this.store.saveApprovalPolicy(teamId, policy, updatedBy, at);
  }

  /**
   * What a form of `kind` says about approval for `requesterId`, or why their request could never pass.
   * `inForce`: the workspace's policy when the caller read it already (see WorkspaceSettingsReader).
   */
  async gate(client: WebClient, teamId: string, requesterId: string, kind: RequestKind, inForce?: ApprovalPolicy): Promise<ApprovalGate> {
    // The policy file decides by what the form will hold: at submit (ImportRequests.submit), and shown as the form changes.
    if (this.file !== undefined) return { kind: 'open' };
    const requirement = requirementFrom(inForce ?? (await this.inForce(teamId)), kind);
    const these = capitalised(KIND_WORDS[kind].plural);
    if (requirement === null) return { kind: 'open' };
    // Group members are only looked up when the named people alone cannot make the quorum.
    let eligible = eligibleApproverCount(requirement, requesterId, []);
    if (eligible < requirement.approvalsNeeded && requirement.approverGroupIds.length > 0) {
      eligible = eligibleApproverCount(requirement, requesterId, await groupMembers(client, requirement.approverGroupIds));
    }
    const needed = requirement.approvalsNeeded;
    const approvals = `${needed} approval${needed === 1 ? '' : 's'}`;
    const who = (maxChars: number) => approverMentions(requirement.approverUserIds, requirement.approverGroupIds, maxChars);
    if (eligible < needed) {
      const alone = requirement.approverUserIds.includes(requesterId);
      return {
        kind: 'blocked',
        reason: `${these} here need ${approvals} from ${who(BLOCKED_APPROVERS_MAX)}, and requesters never approve their own${alone ? ': you are the only approver, so another approver is needed' : ': there are not enough other approvers'}. Ask a workspace admin to add one with \`/simplismart approvals\`.`,
      };
    }
    // The note is kept whole in the form's metadata: the list gets what the sentence leaves of its room.
    const note = (list: string) => `:lock: ${these} here need ${approvals} from ${list} before they run.`;
    return { kind: 'approval', note: note(who(APPROVAL_NOTE_MAX - note('').length)) };
  }
}
