// The import form is submitted: errors go back inline under their fields; a valid form is stored
// (once, however often Slack delivers it) before the ack, and everything slow happens after.
import { buildImportBody } from '../../domain/importForm.js';
import type { Services } from '../../services/index.js';
import { clip } from '../../views/blocks.js';
import { clusterBlockId } from '../../views/ids.js';
import { submittedModal } from '../../views/importMessages.js';
import { decodeMeta, unusableMetaMessage } from '../../views/importModalMeta.js';
import { errorsByBlock, readImportForm } from '../../views/importModalRead.js';
import { workspaceOf, type SubmissionArgs } from '../types.js';

/** Problems that concern the whole form appear under its first field. */
const FORM_LEVEL_BLOCK = clusterBlockId('name');

/**
 * Fields that only appear once another field is set (via dispatch_action and views.update). A submit
 * that races that update sends e.g. provider=aws from a view without the Region field: its error then
 * goes under the field that reveals it, since Slack refuses an errors map naming a block the view lacks.
 */
const REVEALED_BY: Partial<Record<string, { label: string; blockId: string }>> = {
  [clusterBlockId('region')]: { label: 'Region', blockId: clusterBlockId('provider') },
  [clusterBlockId('publicIp')]: { label: 'Public IP', blockId: clusterBlockId('serviceType') },
  [clusterBlockId('nodePortHttp')]: { label: 'NodePort for HTTP', blockId: clusterBlockId('serviceType') },
  [clusterBlockId('nodePortHttps')]: { label: 'NodePort for HTTPS', blockId: clusterBlockId('serviceType') },
};

/** Keeps every error under an input block of the submitted view (the only place Slack can show it). */
export function errorsForView(
  errors: Record<string, string>,
  blocks: ReadonlyArray<{ type: string; block_id?: string }> | undefined,
): Record<string, string> {
  const inputs = new Set((blocks ?? []).flatMap((b) => (b.type === 'input' && b.block_id !== undefined ? [b.block_id] : [])));
  const out: Record<string, string> = {};
  const moved: Array<[string, string]> = [];
  for (const [blockId, message] of Object.entries(errors)) {
    if (inputs.has(blockId)) out[blockId] = message;
    else {
      const revealer = REVEALED_BY[blockId];
      const target = revealer !== undefined && inputs.has(revealer.blockId) ? revealer.blockId : FORM_LEVEL_BLOCK;
      moved.push([target, `${revealer?.label ?? 'Form'}: ${message}`]);
    }
  }
  for (const [target, message] of moved) out[target] = clip(out[target] === undefined ? message : `${out[target]} ${message}`, 300);
  return out;
}

export async function importSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const formError = (text: string) => ack({ response_action: 'errors', errors: { [FORM_LEVEL_BLOCK]: text } });
  const meta = decodeMeta(view.private_metadata);
  if (meta === undefined) {
    await formError(unusableMetaMessage(view.private_metadata));
    return;
  }
  const built = buildImportBody(readImportForm(view.state.values, meta));
  if (!built.ok) {
    await ack({ response_action: 'errors', errors: errorsForView(errorsByBlock(built.errors), view.blocks) });
    return;
  }
  const { teamId, enterpriseId } = workspaceOf(body);
  // A store outage from here on reaches reportErrorsToPeople, which says so under the form's first field.
  if (!(await services.connections.isConnected(teamId))) {
    await formError('This workspace is not connected to Simplismart any more: a workspace admin must run `/simplismart connect`. Your form stays open.');
    return;
  }
  const gate = await services.policies.gate(client, teamId, body.user.id);
  if (gate.kind === 'blocked') {
    await formError(gate.reason);
    return;
  }
  const { request, created } = await services.requests.submit({
    teamId,
    enterpriseId,
    userId: body.user.id,
    channelId: meta.c,
    sourceKey: view.id,
    body: built.body,
    replacesId: meta.r ?? null,
    responseUrl: meta.u ?? null,
  });
  await ack({ response_action: 'update', view: submittedModal(request) });
  if (created) {
    services.background.run('launch import request', () => services.requests.launch(request), { requestId: request.id });
  }
}
