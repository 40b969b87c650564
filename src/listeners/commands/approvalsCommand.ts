// `/simplismart approvals` (and the App Home's Approval policy button): anyone reads the approval
// policy; admins get the form to change it.
import { DEFAULT_POLICY } from '../../domain/approvalPolicy.js';
import type { Services } from '../../services/index.js';
import type { PolicyFile } from '../../services/policyFile.js';
import { checkPolicyNames } from '../../services/policyNames.js';
import { isWorkspaceAdmin } from '../../services/slackDirectory.js';
import { policyFileMessage, policyFileModal } from '../../views/policyFileView.js';
import { policyMessage } from '../../views/commandReplies.js';
import { policyModal, type UserGroupChoice } from '../../views/policyModal.js';
import { openModal } from '../openModal.js';
import { fromCommand, type CommandArgs, type Invocation } from '../types.js';

export function approvalsCommand(args: CommandArgs, services: Services): Promise<void> {
  return showOrEditPolicy(fromCommand(args, services), services);
}

export async function showOrEditPolicy(asked: Invocation, services: Services): Promise<void> {
  if (services.decisions.file !== undefined) {
    await showPolicyFile(asked, services, services.decisions.file);
    return;
  }
  const [policy, admin] = await Promise.all([services.policies.saved(asked.workspace.teamId), isWorkspaceAdmin(asked.client, asked.userId)]);
  if (!admin) {
    await asked.tell(policyMessage(policy, false));
    return;
  }
  const groups = await userGroups(asked, services);
  await openModal(asked.client, asked.triggerId, policyModal(policy ?? DEFAULT_POLICY, groups), asked.tell);
}

/** With POLICY_FILE: its rules, read-only (a modal for admins, who would have had the form; a message for anyone else). */
async function showPolicyFile(asked: Invocation, services: Services, file: PolicyFile): Promise<void> {
  const { inForce, failure } = file;
  const [problems, admin] = await Promise.all([checkPolicyNames(asked.client, inForce.policy, asked.workspace.teamId), isWorkspaceAdmin(asked.client, asked.userId)]);
  if (admin) await openModal(asked.client, asked.triggerId, policyFileModal(inForce, failure, problems), asked.tell);
  else await asked.tell(policyFileMessage(inForce, failure, problems));
}

/** The workspace's user groups; none when the plan has no groups or the scope is missing. */
async function userGroups(asked: Invocation, services: Services): Promise<UserGroupChoice[]> {
  try {
    const result = await asked.client.usergroups.list({ include_disabled: false });
    return (result.usergroups ?? []).flatMap((g) =>
      g.id === undefined ? [] : [{ id: g.id, handle: g.handle ?? g.id, name: g.name ?? g.handle ?? g.id }],
    );
  } catch (error) {
    services.logger.info({ err: error }, 'user groups unavailable; the policy form offers people only');
    return [];
  }
}
