// Changes inside an open form that holds the node-group editor — the import form and the node-groups
// form, told apart by the view's callback id — handled once: the form is read back from what is typed,
// changed (a node group added or removed, a menu's "Other (UUID)…" chosen, More settings opened) and
// re-rendered with the same block ids, so nothing typed is lost.
import type { ModalView } from '@slack/types';
import { buildImportBody, type ImportForm } from '../../domain/importForm.js';
import { buildNodeGroupsBody, type NodeGroupsForm } from '../../domain/nodeGroupsForm.js';
import type { Asked } from '../../services/importRequests.js';
import type { Services } from '../../services/index.js';
import { slackErrorCode } from '../../slack/errors.js';
import { CALLBACK } from '../../views/ids.js';
import { renderImportModal } from '../../views/importModal.js';
import { decodeMeta, withMoreSettings } from '../../views/importModalMeta.js';
import { readImportForm, withOtherChoices } from '../../views/importModalRead.js';
import type { ViewStateValues } from '../../views/modalState.js';
import { decodeNodeGroupsMeta, readNodeGroupsForm, renderNodeGroupsModal, withClusterChoice } from '../../views/nodeGroupsModal.js';
import { withAddedGroup, withRemovedGroup, type NodeGroupSlots, type WithNodeGroups } from '../../views/nodeGroupEditor.js';
import { wireView } from '../../views/wire.js';
import { tenantOf } from '../tenant.js';
import { type ElementArgs } from '../types.js';

export type FormChange = 'refresh' | 'add' | 'remove' | 'more';

/** One form that holds the node-group editor: how its metadata is read, its fields read back, and it is rendered. */
interface EditorForm<F extends WithNodeGroups, M extends NodeGroupSlots> {
  decode(raw: string | undefined): M | undefined;
  /** The form as typed, and the metadata with what its menus now say. */
  read(values: ViewStateValues, meta: M): { form: F; meta: M };
  /** "More settings": only the import form has them. */
  more?(form: F, meta: M): { form: F; meta: M };
  render(form: F, meta: M, who: Who, services: Services): Promise<ModalView>;
}

/** Who changes the form, where it was opened from: what the policy file's preview asks about. */
interface Who {
  teamId: string;
  enterpriseId: string | null;
  userId: string;
  viewId: string;
}

type Edit = (change: FormChange, view: { id: string; private_metadata?: string; state: { values: ViewStateValues } }, slot: number, who: Who, services: Services) => Promise<ModalView | undefined>;

/** The policy file's preview of what the form holds now (import forms and node-groups forms), as notes on top. */
async function policyNotes(services: Services, who: Who, channelId: string, asked: Asked | undefined): Promise<string[]> {
  const note = await services.decisions.previewNote(asked === undefined ? undefined : { ...asked, teamId: who.teamId, enterpriseId: who.enterpriseId, userId: who.userId, channelId });
  return note === undefined ? [] : [note];
}

/** The form's node groups without those not named yet (one just added): the preview is of what is filled in so far. */
function named<F extends WithNodeGroups>(form: F): F {
  return { ...form, nodeGroups: form.nodeGroups.filter((g) => g.name.trim() !== '') };
}

function importAsked(form: ImportForm): Asked | undefined {
  const built = buildImportBody(named(form));
  return built.ok ? { kind: 'import_cluster', body: built.body } : undefined;
}

async function nodeGroupsAsked(form: NodeGroupsForm, who: Who, services: Services): Promise<Asked | undefined> {
  if (services.decisions.file === undefined) return undefined;
  const change = await services.clusters.forChange(who.teamId, form.clusterId, who.viewId);
  const built = buildNodeGroupsBody(named(form), change.known);
  return built.ok ? { kind: 'add_node_groups', body: built.body, cluster: change.target } : undefined;
}

/** A form's changes, its types kept inside. */
function editing<F extends WithNodeGroups, M extends NodeGroupSlots>(spec: EditorForm<F, M>): Edit {
  return async (change, view, slot, who, services) => {
    const decoded = spec.decode(view.private_metadata);
    if (decoded === undefined) return undefined;
    let { form, meta } = spec.read(view.state.values, decoded);
    if (change === 'add') ({ form, meta } = withAddedGroup(form, meta));
    if (change === 'remove' && Number.isInteger(slot)) ({ form, meta } = withRemovedGroup(form, meta, slot));
    if (change === 'more' && spec.more !== undefined) ({ form, meta } = spec.more(form, meta));
    return spec.render(form, meta, who, services);
  };
}

const FORMS: ReadonlyMap<string, Edit> = new Map([
  [
    CALLBACK.importModal,
    editing({
      decode: decodeMeta,
      read: (values, meta) => ({ form: readImportForm(values, meta), meta: withOtherChoices(values, meta) }),
      more: withMoreSettings,
      // What the tool menus hold stays as chosen: Slack keeps an input's state over its initial value.
      render: async (form, meta, who, services) => renderImportModal(form, meta, await policyNotes(services, who, meta.c, importAsked(form)), await services.references.list(who.teamId)),
    }),
  ],
  [
    CALLBACK.nodeGroupsModal,
    editing({
      decode: decodeNodeGroupsMeta,
      read: (values, meta) => ({ form: readNodeGroupsForm(values, meta), meta: withClusterChoice(values, meta) }),
      render: async (form, meta, who, services) =>
        renderNodeGroupsModal(form, meta, await services.clusters.list(who.teamId), await policyNotes(services, who, meta.c, await nodeGroupsAsked(form, who, services))),
    }),
  ],
]);

export async function changeForm(change: FormChange, args: ElementArgs, services: Services): Promise<void> {
  const { ack, body, client, action } = args;
  await ack();
  const view = body.view;
  const edit = view === undefined ? undefined : FORMS.get(view.callback_id);
  if (view === undefined || edit === undefined) return;
  const { teamId, enterpriseId } = tenantOf(args);
  const next = await edit(change, view, Number('value' in action ? action.value : NaN), { teamId, enterpriseId, userId: body.user.id, viewId: view.id }, services);
  if (next === undefined) return;
  try {
    // The hash makes Slack refuse this update if the view changed since this click was sent.
    await client.views.update({ view_id: view.id, hash: view.hash, view: wireView(next) });
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
