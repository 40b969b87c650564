// "Fill from my nodes" clicked in the import form or the node-groups form: the form is read back as
// typed (the click's payload is the only time the bot sees it: the submission of the pushed modal
// carries that modal's state alone) and the small modal is pushed over it, carrying what the form held
// (views/fillFromNodes.ts). The form itself is not touched until that modal is submitted.
import type { Services } from '../../services/index.js';
import { decodeFillMeta, fillMetaFor, renderFillModal, type FillMeta } from '../../views/fillFromNodes.js';
import { CALLBACK } from '../../views/ids.js';
import { showsMoreSettings } from '../../views/importModal.js';
import { decodeMeta, encodeMeta } from '../../views/importModalMeta.js';
import { readImportForm, withOtherChoices } from '../../views/importModalRead.js';
import { message } from '../../views/message.js';
import type { ViewStateValues } from '../../views/modalState.js';
import { decodeNodeGroupsMeta, readNodeGroupsForm, withClusterChoice } from '../../views/nodeGroupsModal.js';
import { wireView } from '../../views/wire.js';
import { clickerOf, type ButtonArgs } from '../types.js';

interface ParentView {
  id: string;
  hash: string;
  callback_id: string;
  private_metadata?: string;
  state: { values: ViewStateValues };
}

/** The metadata of the modal that fills `view`, or undefined for a view this bot did not write. */
export function fillMetaOf(view: ParentView): FillMeta | undefined {
  const values = view.state.values;
  if (view.callback_id === CALLBACK.importModal) {
    const decoded = decodeMeta(view.private_metadata);
    if (decoded === undefined) return undefined;
    const meta = withOtherChoices(values, decoded);
    const { nodeGroups: _groups, toolChoices, ...fields } = readImportForm(values, meta);
    // "More settings" stays open when it shows now: its fields may be the ones left out of the carried copy.
    const kept = showsMoreSettings({ ...fields, toolChoices, nodeGroups: [] }, meta) ? { ...meta, x: 1 as const } : meta;
    return fillMetaFor('import', { id: view.id, hash: view.hash, private_metadata: encodeMeta(kept) }, fields, toolChoices);
  }
  if (view.callback_id === CALLBACK.nodeGroupsModal) {
    const decoded = decodeNodeGroupsMeta(view.private_metadata);
    if (decoded === undefined) return undefined;
    const meta = withClusterChoice(values, decoded);
    const { clusterId, org } = readNodeGroupsForm(values, meta);
    return fillMetaFor('nodegroups', { id: view.id, hash: view.hash, private_metadata: JSON.stringify(meta) }, { clusterId, org });
  }
  return undefined;
}

export async function fillFromNodes(args: ButtonArgs, services: Services): Promise<void> {
  const { ack, body, client } = args;
  await ack();
  const view = body.view;
  if (view === undefined) return;
  const meta = fillMetaOf(view);
  if (meta === undefined || decodeFillMeta(JSON.stringify(meta)) === undefined) {
    await services.notifier.to(clickerOf(args))(message('This form is out of date, so I can’t fill it. Close it and open it again, then use “Fill from my nodes”.'));
    return;
  }
  await client.views.push({ trigger_id: body.trigger_id, view: wireView(renderFillModal(meta)) });
}
