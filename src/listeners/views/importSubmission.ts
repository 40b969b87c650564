// The import form is submitted: errors go back inline under their fields; a valid form is stored
// (once, however often Slack delivers it) before the ack, and everything slow happens after.
import { buildImportBody } from '../../domain/importForm.js';
import type { Services } from '../../services/index.js';
import { errorsForView } from '../../views/formErrors.js';
import { decodeMeta, unusableMetaMessage } from '../../views/importModalMeta.js';
import { errorsByBlock, IMPORT_ERROR_PLACEMENT, readImportForm } from '../../views/importModalRead.js';
import type { SubmissionArgs } from '../types.js';
import { submitRequest } from './requestSubmission.js';

export async function importSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, view } = args;
  const meta = decodeMeta(view.private_metadata);
  if (meta === undefined) {
    await ack({ response_action: 'errors', errors: { [IMPORT_ERROR_PLACEMENT.formLevel]: unusableMetaMessage(view.private_metadata) } });
    return;
  }
  const built = buildImportBody(readImportForm(view.state.values, meta));
  if (!built.ok) {
    await ack({ response_action: 'errors', errors: errorsForView(errorsByBlock(built.errors), view.blocks, IMPORT_ERROR_PLACEMENT) });
    return;
  }
  await submitRequest(args, services, { kind: 'import_cluster', body: built.body }, meta, IMPORT_ERROR_PLACEMENT.formLevel);
}
