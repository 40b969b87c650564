// The import modal: ImportForm → Block Kit (with ids that stay put across updates, so Slack keeps
// what people typed) and the modal's submitted state → ImportForm.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import {
  ACCELERATOR_PATTERN,
  CAPACITY_TYPES,
  DOCUMENTED_ACCELERATORS,
  LIMITS,
  PROVIDER_LABELS,
  PROVIDERS,
  REGION_PROVIDERS,
  SERVICE_TYPES,
} from '../domain/clusterImport.js';
import { backgroundFromSlug, deriveSlug } from '../domain/clusterDefaults.js';
import {
  emptyNodeGroup,
  GROUP_FIELD_LABELS,
  isCapacityType,
  type ClusterField,
  type FieldError,
  type GroupField,
  type ImportForm,
  type NodeGroupForm,
} from '../domain/importForm.js';
import {
  actions,
  button,
  clip,
  clipMrkdwn,
  context,
  escapedWithin,
  header,
  input,
  option,
  plain,
  section,
  SLACK_LIMITS,
  textInput as plainTextInput,
} from './blocks.js';
import {
  ACTION,
  CALLBACK,
  clusterBlockId,
  groupBlockId,
  groupHeaderBlockId,
  INPUT_ACTION,
  MORE_SETTINGS_BLOCK,
  NODE_GROUP_ACTIONS_BLOCK,
} from './ids.js';

/**
 * Slack allows 100 blocks in a modal. The cluster part takes at most 20 (notes, 16 fields, the node
 * groups header and the add button), each node group 12, so six groups fit with room to spare; more
 * can be added to the cluster after the import.
 */
export const MAX_NODE_GROUPS = 6;

/** The approval note shown on top of the form, kept in its metadata (whose room is 3000 in all). */
export const APPROVAL_NOTE_MAX = 600;

const metaSchema = z.object({
  /** The channel the command ran in: where the notification thread goes. */
  c: z.string().max(30),
  /** Node group slots in display order. */
  s: z.array(z.int().min(0).max(999)).min(1).max(MAX_NODE_GROUPS),
  /** The next unused slot number. */
  n: z.int().min(0).max(1000),
  /** The request this form edits, if any. */
  r: z.string().max(40).optional(),
  /** The command's response_url, to reach the person if the channel is closed to the bot. */
  u: z.string().max(500).optional(),
  /** The approval note shown on top, kept so that form updates need no policy lookup. */
  a: z.string().max(APPROVAL_NOTE_MAX).optional(),
  /** 1 once "More settings" (avatar, default node config, cluster tools) was opened. */
  x: z.literal(1).optional(),
});
export type ImportModalMeta = z.infer<typeof metaSchema>;

export function encodeMeta(meta: ImportModalMeta): string {
  return JSON.stringify(meta);
}

/** Undefined for metadata this bot did not write (or a forged payload). */
export function decodeMeta(raw: string | undefined): ImportModalMeta | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed = metaSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return undefined;
    const { s: slots, n: next } = parsed.data;
    // Slots are distinct and below the next unused one: otherwise an added group would reuse block ids.
    return new Set(slots).size === slots.length && slots.every((slot) => slot < next) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What to tell the person whose form carries metadata this bot could not have written. A form naming
 * more node groups than fit (a forged or hand-built payload) gets the limit named; anything else is
 * an out-of-date form.
 */
export function unusableMetaMessage(raw: string | undefined): string {
  let slots: unknown;
  try {
    slots = (JSON.parse(raw ?? '') as { s?: unknown } | null)?.s;
  } catch {
    slots = undefined;
  }
  if (Array.isArray(slots) && slots.length > MAX_NODE_GROUPS) {
    return `This form holds ${slots.length} node groups; at most ${MAX_NODE_GROUPS} node groups fit in one import form. Close it, run \`/simplismart import\` again, and add the other groups in Simplismart after the import.`;
  }
  return 'This form is out of date. Close it and run `/simplismart import` again.';
}

/** Settings most imports leave to their defaults; the form shows them on request (or once one is set). */
const MORE_SETTINGS: readonly ClusterField[] = ['avatarUrl', 'fontColor', 'backgroundColor', 'clusterNodeConfig', 'clusterTools'];

export function showsMoreSettings(form: ImportForm, meta: ImportModalMeta): boolean {
  return meta.x === 1 || MORE_SETTINGS.some((field) => form[field].trim() !== '');
}

export function metaFor(
  form: ImportForm,
  channelId: string,
  extra: { replacesId?: string; responseUrl?: string; approvalNote?: string } = {},
): ImportModalMeta {
  const slots = form.nodeGroups.map((g) => g.slot);
  return {
    c: channelId,
    s: slots,
    n: Math.max(...slots) + 1,
    ...(extra.replacesId === undefined ? {} : { r: extra.replacesId }),
    ...(extra.responseUrl === undefined || extra.responseUrl.length > 500 ? {} : { u: extra.responseUrl }),
    ...(extra.approvalNote === undefined ? {} : { a: clipMrkdwn(extra.approvalNote, APPROVAL_NOTE_MAX) }),
  };
}

/**
 * `notes` are shown once on top (what the command pre-filled or could not use); the approval note in
 * `meta` stays on every update.
 */
export function renderImportModal(form: ImportForm, meta: ImportModalMeta, notes: readonly string[] = []): ModalView {
  const blocks: KnownBlock[] = [];
  const approval = meta.a;
  const lines = [...notes, ...(approval === undefined ? [] : [approval])];
  if (lines.length > 0) blocks.push(context(...lines.map((n) => clipMrkdwn(n, APPROVAL_NOTE_MAX)).slice(0, 5)));
  blocks.push(...clusterBlocks(form, showsMoreSettings(form, meta)));
  blocks.push(header('Node groups'));
  form.nodeGroups.forEach((g, index) => blocks.push(...nodeGroupBlocks(g, index, form.nodeGroups.length)));
  if (form.nodeGroups.length < MAX_NODE_GROUPS) {
    blocks.push(actions(NODE_GROUP_ACTIONS_BLOCK, [button('➕ Add node group', ACTION.addNodeGroup, { value: 'add' })]));
  } else {
    blocks.push(
      context(
        `Up to ${MAX_NODE_GROUPS} node groups fit in one form (Slack allows 100 blocks in a form). Add more to the cluster after the import from the Simplismart console.`,
      ),
    );
  }
  return {
    type: 'modal',
    callback_id: CALLBACK.importModal,
    title: plain('Import a cluster', SLACK_LIMITS.modalTitle),
    submit: plain(approval === undefined ? 'Import' : 'Submit for approval', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    private_metadata: encodeMeta(meta),
    blocks,
  };
}

function clusterBlocks(form: ImportForm, moreSettings: boolean): KnownBlock[] {
  const name = form.name.trim();
  const derivedSlug = deriveSlug(name);
  const slug = form.slug.trim() === '' ? derivedSlug : form.slug.trim();
  const blocks: KnownBlock[] = [
    textInput('name', 'Cluster name', form.name, { placeholder: 'Production Cluster', maxLength: LIMITS.nameLength }),
    textInput('slug', 'Slug', form.slug, {
      optional: true,
      maxLength: LIMITS.slugLength,
      placeholder: derivedSlug === '' ? 'prod-cluster' : derivedSlug,
      hint:
        derivedSlug === ''
          ? 'Leave empty to derive it from the name (e.g. “Production Cluster” → production-cluster). Lower-case letters, digits and hyphens.'
          : `Leave empty to use “${derivedSlug}”, derived from the name. Lower-case letters, digits and hyphens.`,
    }),
    input({
      blockId: clusterBlockId('provider'),
      label: 'Provider',
      dispatchAction: true,
      element: {
        type: 'static_select',
        action_id: ACTION.provider,
        placeholder: plain('Where the cluster runs'),
        options: PROVIDERS.map((p) => option(PROVIDER_LABELS[p], p)),
        ...(form.provider === '' ? {} : { initial_option: option(PROVIDER_LABELS[form.provider], form.provider) }),
      },
    }),
  ];
  if (form.provider !== '' && REGION_PROVIDERS.includes(form.provider)) {
    blocks.push(
      textInput('region', 'Region', form.region, {
        placeholder: form.provider === 'gcp' ? 'us-central1' : 'us-west-2',
        maxLength: 40,
        hint: `Required for ${form.provider}.`,
      }),
    );
  }
  blocks.push(
    textInput('org', 'Organisation UUID', form.org, { maxLength: 36, placeholder: '54360212-2263-44c6-afaf-1333544854f7', hint: 'Your Simplismart organisation; pre-filled from the workspace connection.' }),
    textInput('hostedZone', 'Hosted zone UUID', form.hostedZone, { maxLength: 36, placeholder: 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f', hint: 'Simplismart → Integrations → Hosted zones.' }),
    textInput('secretId', 'Secret UUID (kubeconfig)', form.secretId, { maxLength: 36, placeholder: '9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1', hint: 'The Simplismart secret that holds this cluster’s kubeconfig.' }),
    input({
      blockId: clusterBlockId('serviceType'),
      label: 'Service type',
      hint: 'LoadBalancer (default): a cloud load balancer exposes services. NodePort: a node’s public IP and two ports.',
      dispatchAction: true,
      element: {
        type: 'radio_buttons',
        action_id: ACTION.serviceType,
        options: SERVICE_TYPES.map((s) => serviceTypeOption(s)),
        initial_option: serviceTypeOption(form.serviceType),
      },
    }),
  );
  if (form.serviceType === 'NodePort') {
    blocks.push(
      textInput('publicIp', 'Public IP', form.publicIp, { placeholder: '203.0.113.10', maxLength: 45, hint: 'An address of a node reachable from Simplismart.' }),
      numberInput(clusterBlockId('nodePortHttp'), 'NodePort for HTTP', form.nodePortHttp, { min: 1, max: 65535, hint: 'Kubernetes assigns NodePorts from 30000–32767 by default.' }),
      numberInput(clusterBlockId('nodePortHttps'), 'NodePort for HTTPS', form.nodePortHttps, { min: 1, max: 65535 }),
    );
  }
  if (!moreSettings) {
    blocks.push(
      actions(MORE_SETTINGS_BLOCK, [
        button('More settings: avatar, default node config, cluster tools', ACTION.showMoreSettings, { value: 'show' }),
      ]),
    );
    return blocks;
  }
  blocks.push(
    input({
      blockId: clusterBlockId('avatarUrl'),
      label: 'Avatar image URL',
      optional: true,
      hint: 'Leave empty for a generated avatar with the cluster’s initials.',
      element: {
        type: 'url_text_input',
        action_id: INPUT_ACTION,
        placeholder: plain('https://ui-avatars.com/api/?name=Production'),
        ...(isHttpUrl(form.avatarUrl) ? { initial_value: form.avatarUrl.trim() } : {}),
      },
    }),
    textInput('fontColor', 'Avatar text colour', form.fontColor, { optional: true, maxLength: 7, placeholder: '#FFFFFF', hint: 'Leave empty for white (#FFFFFF).' }),
    textInput('backgroundColor', 'Avatar background colour', form.backgroundColor, {
      optional: true,
      maxLength: 7,
      placeholder: backgroundFromSlug(slug === '' ? name : slug),
      hint: `Leave empty for ${backgroundFromSlug(slug === '' ? name : slug)}, derived from the slug.`,
    }),
    textInput('clusterNodeConfig', 'Cluster default node config', form.clusterNodeConfig, {
      optional: true,
      multiline: true,
      maxLength: 3000,
      placeholder: 'machine_type=m5.xlarge\ncapacity_type=ON_DEMAND\nmin_node_count=1',
      hint: 'Optional defaults for every node group, one key=value per line (API keys: machine_type, capacity_type, min_node_count, max_node_count, desired_count, accelerator_type, accelerator_count, vcpu, memory).',
    }),
    textInput('clusterTools', 'Cluster tools', form.clusterTools, {
      optional: true,
      multiline: true,
      maxLength: 3000,
      placeholder: 'MONITORING: <catalog uuid>, <catalog uuid>\nASYNC TOOLS: <catalog uuid>',
      hint: 'One category per line followed by its tool catalog UUIDs (e.g. MONITORING, ASYNC TOOLS, TRAINING). Tools can only be chosen at import time.',
    }),
  );
  return blocks;
}

function nodeGroupBlocks(g: NodeGroupForm, index: number, total: number): KnownBlock[] {
  const title = `*Node group ${index + 1}*${g.name.trim() === '' ? '' : ` · ${escapedWithin(g.name.trim(), LIMITS.nodeGroupNameLength)}`}`;
  const blocks: KnownBlock[] = [
    section(title, {
      blockId: groupHeaderBlockId(g.slot),
      ...(total > 1 ? { accessory: button('Remove', ACTION.removeNodeGroup, { value: String(g.slot), style: 'danger' }) } : {}),
    }),
    input({
      blockId: groupBlockId(g.slot, 'name'),
      label: 'Name',
      hint: 'Nodes carry the label simplismart.ai/node-pool-name=<name>.',
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        max_length: LIMITS.nodeGroupNameLength,
        placeholder: plain(index === 0 ? 'gpu-pool' : `pool-${index + 1}`),
        ...(g.name === '' ? {} : { initial_value: clip(g.name, LIMITS.nodeGroupNameLength) }),
      },
    }),
    input({
      blockId: groupBlockId(g.slot, 'auxiliary'),
      label: 'Role',
      optional: true,
      element: {
        type: 'checkboxes',
        action_id: INPUT_ACTION,
        options: [AUXILIARY_OPTION],
        ...(g.auxiliary ? { initial_options: [AUXILIARY_OPTION] } : {}),
      },
    }),
    input({
      blockId: groupBlockId(g.slot, 'machineType'),
      label: GROUP_FIELD_LABELS.machineType,
      optional: true,
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        max_length: LIMITS.machineTypeLength,
        placeholder: plain('g5.2xlarge'),
        ...(g.machineType === '' ? {} : { initial_value: clip(g.machineType, LIMITS.machineTypeLength) }),
      },
    }),
    input({
      blockId: groupBlockId(g.slot, 'capacityType'),
      label: GROUP_FIELD_LABELS.capacityType,
      optional: true,
      element: {
        type: 'static_select',
        action_id: INPUT_ACTION,
        placeholder: plain('ON_DEMAND or SPOT'),
        options: CAPACITY_TYPES.map((c) => option(c, c)),
        ...(isCapacityType(g.capacityType) ? { initial_option: option(g.capacityType, g.capacityType) } : {}),
      },
    }),
    numberInput(groupBlockId(g.slot, 'minNodes'), GROUP_FIELD_LABELS.minNodes, g.minNodes, { min: 0, max: LIMITS.nodeCount, optional: true }),
    numberInput(groupBlockId(g.slot, 'maxNodes'), GROUP_FIELD_LABELS.maxNodes, g.maxNodes, { min: 0, max: LIMITS.nodeCount, optional: true }),
    numberInput(groupBlockId(g.slot, 'desiredNodes'), GROUP_FIELD_LABELS.desiredNodes, g.desiredNodes, {
      min: 0,
      max: LIMITS.nodeCount,
      optional: true,
      hint: 'Min ≤ desired ≤ max.',
    }),
    input({
      blockId: groupBlockId(g.slot, 'acceleratorType'),
      label: GROUP_FIELD_LABELS.acceleratorType,
      optional: true,
      hint: `Documented: ${DOCUMENTED_ACCELERATORS.join(', ')}. Type another lower-case name to use it.`,
      element: {
        type: 'external_select',
        action_id: ACTION.acceleratorType,
        min_query_length: 0,
        placeholder: plain('nvidia-a10g'),
        ...(g.acceleratorType === '' ? {} : { initial_option: acceleratorOption(g.acceleratorType) }),
      },
    }),
    numberInput(groupBlockId(g.slot, 'acceleratorCount'), GROUP_FIELD_LABELS.acceleratorCount, g.acceleratorCount, {
      min: 1,
      max: LIMITS.acceleratorCount,
      optional: true,
    }),
    numberInput(groupBlockId(g.slot, 'vcpu'), GROUP_FIELD_LABELS.vcpu, g.vcpu, { min: 1, max: LIMITS.vcpu, optional: true }),
    numberInput(groupBlockId(g.slot, 'memory'), GROUP_FIELD_LABELS.memory, g.memory, { min: 1, max: LIMITS.memoryGb, optional: true }),
  ];
  return blocks;
}

const AUXILIARY_OPTION = option(
  'Auxiliary: runs the deployment controller and tooling, never models',
  'auxiliary',
);

export const NO_ACCELERATOR = 'none';

export function acceleratorOption(value: string): PlainTextOption {
  if (value === NO_ACCELERATOR) return option('No accelerator', NO_ACCELERATOR);
  return option(clip(value, SLACK_LIMITS.optionText), clip(value, 150));
}

/**
 * Options for the accelerator menu: documented types matching the query, the query itself if it is a
 * valid type (typing `none` means "No accelerator"), and "No accelerator" — each value once: Slack
 * refuses a menu that repeats a value.
 */
export function acceleratorOptions(query: string): PlainTextOption[] {
  const q = query.trim().toLowerCase();
  const documented = DOCUMENTED_ACCELERATORS.filter((a) => a.includes(q)).map((a) => acceleratorOption(a));
  const typed =
    q !== NO_ACCELERATOR && q.length <= LIMITS.acceleratorTypeLength && ACCELERATOR_PATTERN.test(q) ? [option(`Use “${q}”`, q)] : [];
  return firstOfEachValue([...documented, ...typed, acceleratorOption(NO_ACCELERATOR)]);
}

function firstOfEachValue(options: readonly PlainTextOption[]): PlainTextOption[] {
  const seen = new Set<string | undefined>();
  return options.filter((o) => {
    if (seen.has(o.value)) return false;
    seen.add(o.value);
    return true;
  });
}

function serviceTypeOption(serviceType: (typeof SERVICE_TYPES)[number]): PlainTextOption {
  return option(serviceType, serviceType);
}

function textInput(
  field: ClusterField,
  label: string,
  value: string,
  options: { optional?: boolean; placeholder?: string; hint?: string; maxLength?: number; multiline?: boolean },
): KnownBlock {
  return plainTextInput({ blockId: clusterBlockId(field), actionId: INPUT_ACTION, label, value, ...options });
}

function numberInput(
  blockId: string,
  label: string,
  value: string,
  options: { min: number; max: number; optional?: boolean; hint?: string },
): KnownBlock {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
  // Slack refuses a view whose initial value breaks the element's own bounds; such a value is dropped.
  const initial = n !== undefined && n >= options.min && n <= options.max ? String(n) : undefined;
  return input({
    blockId,
    label,
    optional: options.optional ?? false,
    ...(options.hint === undefined ? {} : { hint: options.hint }),
    element: {
      type: 'number_input',
      action_id: INPUT_ACTION,
      is_decimal_allowed: false,
      min_value: String(options.min),
      max_value: String(options.max),
      ...(initial === undefined ? {} : { initial_value: initial }),
    },
  });
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/\S+$/i.test(value.trim()) && value.trim().length <= LIMITS.urlLength;
}

// ---- reading a submitted (or updated) modal back into the form ----

/** One input's state as Slack sends it in `view.state.values[block_id][action_id]`. */
export interface InputState {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: Array<{ value?: string }> | null;
}
export type StateValues = Record<string, Record<string, InputState | undefined> | undefined>;

function read(values: StateValues, blockId: string, actionId: string): InputState | undefined {
  return values[blockId]?.[actionId];
}

function text(values: StateValues, blockId: string, actionId: string = INPUT_ACTION): string {
  const state = read(values, blockId, actionId);
  const raw = state?.value ?? state?.selected_option?.value ?? '';
  return typeof raw === 'string' ? raw : '';
}

export function readImportForm(values: StateValues, meta: ImportModalMeta): ImportForm {
  const provider = text(values, clusterBlockId('provider'), ACTION.provider);
  const serviceType = text(values, clusterBlockId('serviceType'), ACTION.serviceType);
  const c = (field: ClusterField) => text(values, clusterBlockId(field));
  return {
    name: c('name'),
    slug: c('slug'),
    provider: (PROVIDERS as readonly string[]).includes(provider) ? (provider as ImportForm['provider']) : '',
    region: c('region'),
    org: c('org'),
    hostedZone: c('hostedZone'),
    secretId: c('secretId'),
    serviceType: serviceType === 'NodePort' ? 'NodePort' : 'LoadBalancer',
    publicIp: c('publicIp'),
    nodePortHttp: c('nodePortHttp'),
    nodePortHttps: c('nodePortHttps'),
    avatarUrl: c('avatarUrl'),
    fontColor: c('fontColor'),
    backgroundColor: c('backgroundColor'),
    clusterNodeConfig: c('clusterNodeConfig'),
    clusterTools: c('clusterTools'),
    nodeGroups: meta.s.map((slot) => readNodeGroup(values, slot)),
  };
}

function readNodeGroup(values: StateValues, slot: number): NodeGroupForm {
  const g = (field: GroupField) => text(values, groupBlockId(slot, field));
  const capacity = g('capacityType');
  const accelerator = text(values, groupBlockId(slot, 'acceleratorType'), ACTION.acceleratorType);
  const auxiliary = read(values, groupBlockId(slot, 'auxiliary'), INPUT_ACTION)?.selected_options ?? [];
  return {
    ...emptyNodeGroup(slot),
    name: g('name'),
    auxiliary: auxiliary.some((o) => o.value === 'auxiliary'),
    machineType: g('machineType'),
    capacityType: isCapacityType(capacity) ? capacity : '',
    minNodes: g('minNodes'),
    maxNodes: g('maxNodes'),
    desiredNodes: g('desiredNodes'),
    acceleratorType: accelerator === NO_ACCELERATOR ? '' : accelerator,
    acceleratorCount: g('acceleratorCount'),
    vcpu: g('vcpu'),
    memory: g('memory'),
  };
}

/** Field errors → `response_action: errors` map; every key is an input block of the rendered form. */
export function errorsByBlock(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors) {
    const blockId =
      error.field.scope === 'cluster' ? clusterBlockId(error.field.key) : groupBlockId(error.field.slot, error.field.key);
    out[blockId] ??= clip(error.message, 300);
  }
  return out;
}

/** Opens the "More settings" part of the form. */
export function withMoreSettings(form: ImportForm, meta: ImportModalMeta): { form: ImportForm; meta: ImportModalMeta } {
  return { form, meta: { ...meta, x: 1 } };
}

/** Adds a node group (a fresh slot) unless the form is full. */
export function withAddedGroup(form: ImportForm, meta: ImportModalMeta): { form: ImportForm; meta: ImportModalMeta } {
  if (form.nodeGroups.length >= MAX_NODE_GROUPS) return { form, meta };
  const slot = meta.n;
  return {
    form: { ...form, nodeGroups: [...form.nodeGroups, emptyNodeGroup(slot)] },
    meta: { ...meta, s: [...meta.s, slot], n: slot + 1 },
  };
}

/** Removes a node group by slot; the last one stays (an import needs at least one). */
export function withRemovedGroup(form: ImportForm, meta: ImportModalMeta, slot: number): { form: ImportForm; meta: ImportModalMeta } {
  if (form.nodeGroups.length <= 1 || !meta.s.includes(slot)) return { form, meta };
  return {
    form: { ...form, nodeGroups: form.nodeGroups.filter((g) => g.slot !== slot) },
    meta: { ...meta, s: meta.s.filter((s) => s !== slot) },
  };
}
