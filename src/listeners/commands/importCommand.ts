// `/simplismart import [key=value …]`: opens the import form, pre-filled from the workspace's
// connection and the command's text — or says why it cannot (no token, no possible approver).
import { applyPrefill, describePrefill, parseImportArgs } from '../../domain/commandText.js';
import { emptyForm } from '../../domain/importForm.js';
import type { Services } from '../../services/index.js';
import { notConnectedMessage } from '../../views/commandReplies.js';
import { message } from '../../views/message.js';
import { renderImportModal } from '../../views/importModal.js';
import { metaFor } from '../../views/importModalMeta.js';
import { openModal } from '../openModal.js';
import { commanderOf, type CommandArgs } from '../types.js';

export async function importCommand(args: CommandArgs, services: Services, rest: string): Promise<void> {
  const { command, client } = args;
  const tell = services.notifier.to(commanderOf(args.command));
  const defaults = await services.connections.formDefaults(command.team_id);
  if (defaults === undefined) {
    await tell(notConnectedMessage());
    return;
  }
  const gate = await services.policies.gate(client, command.team_id, command.user_id);
  if (gate.kind === 'blocked') {
    await tell(message(`:lock: ${gate.reason}`));
    return;
  }
  const prefill = parseImportArgs(rest);
  const base = { ...emptyForm(), org: defaults.orgId, hostedZone: defaults.hostedZone ?? '', secretId: defaults.secretId ?? '' };
  const form = applyPrefill(base, prefill);
  const meta = metaFor(form, command.channel_id, {
    responseUrl: command.response_url,
    ...(gate.kind === 'approval' ? { approvalNote: gate.note } : {}),
  });
  await openModal(client, command.trigger_id, renderImportModal(form, meta, describePrefill(prefill)), tell);
}
