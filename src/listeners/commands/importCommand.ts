// `/simplismart import [key=value …]` (and the App Home's button, the global shortcut): opens the
// import form, pre-filled from the workspace's connection and the command's text — or says why it
// cannot (no token, no possible approver).
import { applyPrefill, describePrefill, parseImportArgs } from '../../domain/commandText.js';
import { emptyForm } from '../../domain/importForm.js';
import type { Services } from '../../services/index.js';
import { notConnectedMessage } from '../../views/commandReplies.js';
import { message } from '../../views/message.js';
import { renderImportModal } from '../../views/importModal.js';
import { metaFor } from '../../views/importModalMeta.js';
import { openModal } from '../openModal.js';
import { fromCommand, type CommandArgs, type Invocation } from '../types.js';

export function importCommand(args: CommandArgs, services: Services, rest: string): Promise<void> {
  const { command } = args;
  return openImportForm(fromCommand(args, services), services, { text: rest, channelId: command.channel_id, responseUrl: command.response_url });
}

/**
 * The import form for `asked`, its thread going to `channelId` (a channel, or the person's own id for
 * their DM with the app); `text` pre-fills it as the command's does; `notes` are shown on top.
 */
export async function openImportForm(
  asked: Invocation,
  services: Services,
  where: { text: string; channelId: string; responseUrl?: string; notes?: readonly string[] },
): Promise<void> {
  const { teamId } = asked.workspace;
  const defaults = await services.connections.formDefaults(teamId);
  if (defaults === undefined) {
    await asked.tell(notConnectedMessage());
    return;
  }
  const gate = await services.policies.gate(asked.client, teamId, asked.userId);
  if (gate.kind === 'blocked') {
    await asked.tell(message(`:lock: ${gate.reason}`));
    return;
  }
  const prefill = parseImportArgs(where.text);
  const base = { ...emptyForm(), org: defaults.orgId, hostedZone: defaults.hostedZone ?? '', secretId: defaults.secretId ?? '' };
  const form = applyPrefill(base, prefill);
  const meta = metaFor(form, where.channelId, {
    ...(where.responseUrl === undefined ? {} : { responseUrl: where.responseUrl }),
    ...(gate.kind === 'approval' ? { approvalNote: gate.note } : {}),
  });
  await openModal(asked.client, asked.triggerId, renderImportModal(form, meta, [...(where.notes ?? []), ...describePrefill(prefill)]), asked.tell);
}
