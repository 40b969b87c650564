// `/simplismart approvals`: anyone reads the approval policy; admins get the form to change it.
import type { Services } from '../../services/index.js';
import { isWorkspaceAdmin } from '../../services/slackDirectory.js';
import { policyMessage } from '../../views/commandReplies.js';
import { policyModal, type UserGroupChoice } from '../../views/policyModal.js';
import { DEFAULT_POLICY } from '../../domain/approvalPolicy.js';
import { openModal } from '../openModal.js';
import { commanderOf, type CommandArgs } from '../types.js';

export async function approvalsCommand(args: CommandArgs, services: Services): Promise<void> {
  const { command, client } = args;
  const tell = services.notifier.to(commanderOf(args.command));
  const [policy, admin] = await Promise.all([
    services.policies.saved(command.team_id),
    isWorkspaceAdmin(client, command.user_id),
  ]);
  if (!admin) {
    await tell(policyMessage(policy, false));
    return;
  }
  const groups = await userGroups(args, services);
  await openModal(client, command.trigger_id, policyModal(policy ?? DEFAULT_POLICY, groups), tell);
}

/** The workspace's user groups; none when the plan has no groups or the scope is missing. */
async function userGroups(args: CommandArgs, services: Services): Promise<UserGroupChoice[]> {
  try {
    const result = await args.client.usergroups.list({ include_disabled: false });
    return (result.usergroups ?? []).flatMap((g) =>
      g.id === undefined ? [] : [{ id: g.id, handle: g.handle ?? g.id, name: g.name ?? g.handle ?? g.id }],
    );
  } catch (error) {
    services.logger.info({ err: error }, 'user groups unavailable; the policy form offers people only');
    return [];
  }
}
