// The form that adds node groups to a cluster: the cluster (a menu of those this workspace imported
// through the bot, by name, or "Other (UUID)…" for one imported elsewhere), the org, and the very
// node-group editor the import form holds. Rendered, its metadata written and checked, read back, and
// its errors placed under their blocks.
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { OTHER_OPTION_TEXT } from '../domain/menuOptions.js';
import type { NodeGroupsFieldError, NodeGroupsForm } from '../domain/nodeGroupsForm.js';
import type { WorkspaceCluster } from '../domain/workspaceCluster.js';
import { clip, clipMrkdwn, code, context, escapedWithin, listWithin, plain, SLACK_LIMITS, textInput } from './blocks.js';
import { errorsByBlock, type ErrorPlacement } from './formErrors.js';
import { CALLBACK, INPUT_ACTION, NODE_GROUPS_BLOCK } from './ids.js';
import { APPROVAL_NOTE_MAX, requestFormMetaFor, requestFormMetaShape, type RequestFormExtra } from './requestFormMeta.js';
import { ModalState, type ViewStateValues } from './modalState.js';
import { namedChoiceBlocks, readNamedChoice, type NamedValue } from './namedChoice.js';
import { decodeEditorMeta, nodeGroupEditorBlocks, readNodeGroups, unusableEditorMeta } from './nodeGroupEditor.js';

const metaSchema = z.object({
  ...requestFormMetaShape,
  /** 1 while the cluster menu says "Other (UUID)…". */
  o: z.literal(1).optional(),
});
export type NodeGroupsModalMeta = z.infer<typeof metaSchema>;

export const NODE_GROUPS_COMMAND = '/simplismart nodegroups';

export function nodeGroupsMetaFor(form: NodeGroupsForm, channelId: string, extra: RequestFormExtra = {}): NodeGroupsModalMeta {
  return requestFormMetaFor(form, channelId, extra);
}

export function decodeNodeGroupsMeta(raw: string | undefined): NodeGroupsModalMeta | undefined {
  return decodeEditorMeta(metaSchema, raw);
}

export function unusableNodeGroupsMeta(raw: string | undefined): string {
  return unusableEditorMeta(raw, NODE_GROUPS_COMMAND);
}

/**
 * The form: notes on top (what the command could not find, the approval note), the cluster, what the
 * chosen cluster already has, the org, the node groups. At most 1 + 2 + 1 + 1 + 74 = 79 blocks.
 */
export function renderNodeGroupsModal(form: NodeGroupsForm, meta: NodeGroupsModalMeta, clusters: readonly WorkspaceCluster[], notes: readonly string[] = []): ModalView {
  const lines = [...notes, ...(meta.a === undefined ? [] : [meta.a])];
  const chosen = clusters.find((c) => c.uuid !== null && c.uuid.toLowerCase() === form.clusterId.trim().toLowerCase());
  const blocks: KnownBlock[] = [
    ...(lines.length > 0 ? [context(...lines.map((n) => clipMrkdwn(n, APPROVAL_NOTE_MAX)).slice(0, 5))] : []),
    ...namedChoiceBlocks({
      menuBlockId: NODE_GROUPS_BLOCK.cluster,
      label: 'Cluster',
      hint: `The clusters imported through the bot in this workspace; “${OTHER_OPTION_TEXT}” for one imported elsewhere.`,
      placeholder: 'Choose a cluster',
      named: clusters.flatMap(clusterValue),
      value: form.clusterId,
      other: meta.o === 1,
      typed: (value) =>
        textInput({
          blockId: NODE_GROUPS_BLOCK.clusterId,
          actionId: INPUT_ACTION,
          label: 'Cluster UUID',
          value,
          maxLength: 36,
          placeholder: '1e99a854-26de-4c19-b6b6-68c7e03c39c3',
          hint: 'The cluster’s UUID, from the Simplismart console (or `/simplismart clusters`).',
        }),
    }),
    ...(chosen === undefined ? [] : [knownGroupsNote(chosen)]),
    textInput({
      blockId: NODE_GROUPS_BLOCK.org,
      actionId: INPUT_ACTION,
      label: 'Organisation UUID',
      value: form.org,
      maxLength: 36,
      placeholder: '54360212-2263-44c6-afaf-1333544854f7',
      hint: 'Your Simplismart organisation; pre-filled from the workspace connection.',
    }),
    ...nodeGroupEditorBlocks(form.nodeGroups),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK.nodeGroupsModal,
    title: plain('Add node groups', SLACK_LIMITS.modalTitle),
    submit: plain(meta.a === undefined ? 'Add' : 'Submit for approval', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

function clusterValue(cluster: WorkspaceCluster): NamedValue[] {
  if (cluster.uuid === null) return [];
  const where = [cluster.provider, cluster.region].filter((p): p is string => p !== null).join(' · ');
  return [{ name: cluster.name, value: cluster.uuid, description: `${where} · ${cluster.nodeGroups.length} node group${cluster.nodeGroups.length === 1 ? '' : 's'}` }];
}

/** The chosen cluster's node groups: new ones need other names. */
function knownGroupsNote(cluster: WorkspaceCluster): KnownBlock {
  const names = cluster.nodeGroups.map((g) => code(clip(g.group.name, 63)));
  return context(`Already in *${escapedWithin(cluster.name, 100)}*: ${listWithin(names, 2000)}. New node groups need other names.`);
}

export function readNodeGroupsForm(values: ViewStateValues, meta: NodeGroupsModalMeta): NodeGroupsForm {
  const state = new ModalState(values);
  return {
    clusterId: readNamedChoice(state, NODE_GROUPS_BLOCK.cluster, NODE_GROUPS_BLOCK.clusterId).value,
    org: state.text(NODE_GROUPS_BLOCK.org),
    nodeGroups: readNodeGroups(state, meta.s),
  };
}

/** The metadata with whether the cluster menu now says "Other (UUID)…". */
export function withClusterChoice(values: ViewStateValues, meta: NodeGroupsModalMeta): NodeGroupsModalMeta {
  const { o: _previous, ...rest } = meta;
  return readNamedChoice(new ModalState(values), NODE_GROUPS_BLOCK.cluster, NODE_GROUPS_BLOCK.clusterId).other ? { ...rest, o: 1 } : rest;
}

/** Field errors → `response_action: errors` map; every key is an input block of the form. */
export function nodeGroupsErrorsByBlock(errors: readonly NodeGroupsFieldError[]): Record<string, string> {
  return errorsByBlock(errors, (key) => (key === 'org' ? NODE_GROUPS_BLOCK.org : NODE_GROUPS_BLOCK.clusterId));
}

/** Where errors go when their block is not in the submitted view: the typed UUID is revealed by the menu. */
export const NODE_GROUPS_ERROR_PLACEMENT: ErrorPlacement = {
  formLevel: NODE_GROUPS_BLOCK.org,
  revealedBy: { [NODE_GROUPS_BLOCK.clusterId]: { label: 'Cluster UUID', blockId: NODE_GROUPS_BLOCK.cluster } },
};
