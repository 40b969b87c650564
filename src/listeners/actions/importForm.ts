// Changes inside the open import form (provider, service type, add/remove a node group): the form
// is re-rendered from what is typed, with the same block ids, so nothing typed is lost.
import type { Services } from '../../services/index.js';
import { slackErrorCode } from '../../slackErrors.js';
import { renderImportModal } from '../../views/importModal.js';
import { decodeMeta, withMoreSettings } from '../../views/importModalMeta.js';
import { readImportForm } from '../../views/importModalRead.js';
import { withAddedGroup, withRemovedGroup } from '../../views/nodeGroupEditor.js';
import { wireView } from '../../views/wire.js';
import type { ElementArgs } from '../types.js';

export type FormChange = 'refresh' | 'add' | 'remove' | 'more';

export async function changeImportForm(change: FormChange, args: ElementArgs, services: Services): Promise<void> {
  const { ack, body, client, action } = args;
  await ack();
  const view = body.view;
  const meta = decodeMeta(view?.private_metadata);
  if (view === undefined || meta === undefined) return;
  let form = readImportForm(view.state.values, meta);
  let next = meta;
  if (change === 'add') ({ form, meta: next } = withAddedGroup(form, meta));
  if (change === 'more') ({ form, meta: next } = withMoreSettings(form, meta));
  if (change === 'remove') {
    const slot = Number('value' in action ? action.value : NaN);
    if (Number.isInteger(slot)) ({ form, meta: next } = withRemovedGroup(form, meta, slot));
  }
  try {
    // The hash makes Slack refuse this update if the view changed since this click was sent.
    await client.views.update({ view_id: view.id, hash: view.hash, view: wireView(renderImportModal(form, next)) });
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'hash_conflict') {
      // Another update of this view (another click) went through first; this click can be repeated.
      services.logger.debug({ viewId: view.id }, 'form update superseded by another one');
      return;
    }
    // The person closed (or submitted) the form before this update landed: nothing left to update.
    if (code === 'not_found') {
      services.logger.debug({ viewId: view.id }, 'form closed before its update');
      return;
    }
    throw error;
  }
}
