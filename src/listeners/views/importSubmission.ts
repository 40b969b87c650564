// The import form is submitted: errors go back inline under their fields; a valid form is stored
// (once, however often Slack delivers it) before the ack, and everything slow happens after.
import { buildImportBody } from '../../domain/importForm.js';
import { StoreUnavailableError } from '../../errors.js';
import { approvalGate } from '../../services/approvalGate.js';
import type { Services } from '../../services/index.js';
import { clusterBlockId } from '../../views/ids.js';
import { submittedModal } from '../../views/importMessages.js';
import { decodeMeta, errorsByBlock, readImportForm } from '../../views/importModal.js';
import { teamOf, type SubmissionArgs } from '../types.js';

/** Problems that concern the whole form appear under its first field. */
const FORM_LEVEL_BLOCK = clusterBlockId('name');

export async function importSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const formError = (text: string) => ack({ response_action: 'errors', errors: { [FORM_LEVEL_BLOCK]: text } });
  const meta = decodeMeta(view.private_metadata);
  if (meta === undefined) {
    await formError('This form is out of date. Close it and run `/simplismart import` again.');
    return;
  }
  const built = buildImportBody(readImportForm(view.state.values, meta));
  if (!built.ok) {
    await ack({ response_action: 'errors', errors: errorsByBlock(built.errors) });
    return;
  }
  const teamId = teamOf(body);
  try {
    if (!(await services.connections.isConnected(teamId))) {
      await formError('This workspace is not connected to Simplismart any more: a workspace admin must run `/simplismart connect`. Your form stays open.');
      return;
    }
    const gate = await approvalGate(services.store, client, teamId, body.user.id);
    if (gate.kind === 'blocked') {
      await formError(gate.reason);
      return;
    }
    const { request, created } = await services.requests.submit({
      teamId,
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
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    services.logger.warn({ err: error }, 'store unavailable on import submission');
    await formError('The bot’s database isn’t answering, so this import was not saved. Your form is kept: submit again in a minute.');
  }
}
