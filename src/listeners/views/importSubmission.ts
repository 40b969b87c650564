// The import form is submitted: errors go back inline under their fields; a valid form is stored
// (once, however often Slack delivers it) before the ack, and everything slow happens after.
import { buildImportBody } from '../../domain/importForm.js';
import type { Services } from '../../services/index.js';
import { errorsForView } from '../../views/formErrors.js';
import { submittedModal } from '../../views/importMessages.js';
import { decodeMeta, unusableMetaMessage } from '../../views/importModalMeta.js';
import { errorsByBlock, IMPORT_ERROR_PLACEMENT, readImportForm } from '../../views/importModalRead.js';
import { teamOf, type SubmissionArgs } from '../types.js';

export async function importSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const formError = (text: string) => ack({ response_action: 'errors', errors: { [IMPORT_ERROR_PLACEMENT.formLevel]: text } });
  const meta = decodeMeta(view.private_metadata);
  if (meta === undefined) {
    await formError(unusableMetaMessage(view.private_metadata));
    return;
  }
  const built = buildImportBody(readImportForm(view.state.values, meta));
  if (!built.ok) {
    await ack({ response_action: 'errors', errors: errorsForView(errorsByBlock(built.errors), view.blocks, IMPORT_ERROR_PLACEMENT) });
    return;
  }
  const teamId = teamOf(body);
  // A store outage from here on reaches reportErrorsToPeople, which says so under the form's first field.
  if (!(await services.connections.isConnected(teamId))) {
    await formError('This workspace is not connected to Simplismart any more: a workspace admin must run `/simplismart connect`. Your form stays open.');
    return;
  }
  const gate = await services.policies.gate(client, teamId, body.user.id, 'import_cluster');
  if (gate.kind === 'blocked') {
    await formError(gate.reason);
    return;
  }
  const { request, created } = await services.requests.submit({
    kind: 'import_cluster',
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
}
