// The import form as people fill it (strings, as typed) and the one mapping from it to the API body —
// every problem comes back attached to the exact field it is about — and back (for "Edit and retry").
// The two settings typed as text (default node config, cluster tools) are read in settingsText.ts; the
// node groups are built here for every form that holds them (the import, the node-groups form).
import type { z } from 'zod';
import {
  CAPACITY_TYPES,
  importClusterBodySchema,
  PROVIDERS,
  REGION_PROVIDERS,
  type CapacityType,
  type ImportClusterBody,
  type NodeConfig,
  type NodeGroup,
  type Provider,
  type ServiceType,
} from './clusterImport.js';
import { defaultAvatar, deriveSlug } from './clusterDefaults.js';
import { clipForMessage, clusterToolsToText, isIntegerNodeConfigKey, nodeConfigToText, parseClusterToolsText, parseNodeConfigText } from './settingsText.js';

export interface NodeGroupForm {
  /** Stable identity of the group inside one form: its block ids derive from it, not from its position. */
  slot: number;
  name: string;
  auxiliary: boolean;
  machineType: string;
  capacityType: CapacityType | '';
  minNodes: string;
  maxNodes: string;
  desiredNodes: string;
  acceleratorType: string;
  acceleratorCount: string;
  vcpu: string;
  memory: string;
}

export interface ImportForm {
  name: string;
  slug: string;
  provider: Provider | '';
  region: string;
  org: string;
  hostedZone: string;
  secretId: string;
  serviceType: ServiceType;
  publicIp: string;
  nodePortHttp: string;
  nodePortHttps: string;
  avatarUrl: string;
  fontColor: string;
  backgroundColor: string;
  /** Cluster default node_config as `key=value` lines (or a JSON object). */
  clusterNodeConfig: string;
  /** Cluster tools as `CATEGORY: uuid, uuid` lines (or a JSON object): those not chosen by name. */
  clusterTools: string;
  /** Cluster tools chosen by name (see references.ts): category → catalog UUIDs. */
  toolChoices: Record<string, string[]>;
  nodeGroups: NodeGroupForm[];
}

/** The import form's own fields, each typed as text or chosen from a menu of one value. */
export type ClusterField = Exclude<keyof ImportForm, 'nodeGroups' | 'toolChoices'>;
export type GroupField = Exclude<keyof NodeGroupForm, 'slot'>;

export type GroupRef = { scope: 'group'; slot: number; key: GroupField };
/** A field of a form that holds node groups: one of the form's own (`K`), or one of a node group's. */
export type FieldRef<K extends string = ClusterField> = { scope: 'cluster'; key: K } | GroupRef;

export interface FieldError<K extends string = ClusterField> {
  field: FieldRef<K>;
  message: string;
}

export type BuildResult = { ok: true; body: ImportClusterBody } | { ok: false; errors: FieldError[] };

export function emptyNodeGroup(slot: number): NodeGroupForm {
  return {
    slot,
    name: '',
    auxiliary: false,
    machineType: '',
    capacityType: '',
    minNodes: '',
    maxNodes: '',
    desiredNodes: '',
    acceleratorType: '',
    acceleratorCount: '',
    vcpu: '',
    memory: '',
  };
}

export function emptyForm(): ImportForm {
  return {
    name: '',
    slug: '',
    provider: '',
    region: '',
    org: '',
    hostedZone: '',
    secretId: '',
    serviceType: 'LoadBalancer',
    publicIp: '',
    nodePortHttp: '',
    nodePortHttps: '',
    avatarUrl: '',
    fontColor: '',
    backgroundColor: '',
    clusterNodeConfig: '',
    clusterTools: '',
    toolChoices: {},
    nodeGroups: [emptyNodeGroup(0)],
  };
}

const cluster = (key: ClusterField): FieldRef => ({ scope: 'cluster', key });
const group = (slot: number, key: GroupField): GroupRef => ({ scope: 'group', slot, key });

const NODE_CONFIG_FIELDS: Record<keyof NodeConfig, GroupField> = {
  machine_type: 'machineType',
  capacity_type: 'capacityType',
  min_node_count: 'minNodes',
  max_node_count: 'maxNodes',
  desired_count: 'desiredNodes',
  accelerator_type: 'acceleratorType',
  accelerator_count: 'acceleratorCount',
  vcpu: 'vcpu',
  memory: 'memory',
};

const TOP_LEVEL_FIELDS: Partial<Record<string, ClusterField>> = {
  org: 'org',
  name: 'name',
  slug: 'slug',
  hosted_zone: 'hostedZone',
  cluster_hosted_on: 'provider',
  region: 'region',
  secret_id: 'secretId',
  service_type: 'serviceType',
  public_ip: 'publicIp',
  node_port_http: 'nodePortHttp',
  node_port_https: 'nodePortHttps',
  node_config: 'clusterNodeConfig',
  cluster_tools: 'clusterTools',
};
const AVATAR_FIELDS: Partial<Record<string, ClusterField>> = {
  image_url: 'avatarUrl',
  font_color: 'fontColor',
  background_color: 'backgroundColor',
};

/** Form → API body, or every problem found, each attached to its field. */
export function buildImportBody(form: ImportForm): BuildResult {
  const errors: FieldError[] = [];
  const name = form.name.trim();
  const slug = form.slug.trim() === '' ? deriveSlug(name) : form.slug.trim();
  const provider = form.provider;
  const derivedAvatar = defaultAvatar(name, slug);

  const candidate: Record<string, unknown> = {
    org: form.org.trim(),
    name,
    slug,
    hosted_zone: form.hostedZone.trim(),
    cluster_hosted_on: provider === '' ? undefined : provider,
    region: provider !== '' && REGION_PROVIDERS.includes(provider) ? nonEmpty(form.region.toLowerCase()) ?? null : null,
    secret_id: form.secretId.trim(),
    avatar: {
      image_url: nonEmpty(form.avatarUrl) ?? derivedAvatar.image_url,
      font_color: normaliseColor(form.fontColor) ?? derivedAvatar.font_color,
      background_color: normaliseColor(form.backgroundColor) ?? derivedAvatar.background_color,
    },
    nodegroup_labels: form.nodeGroups.map((g) => buildNodeGroup(g, errors)),
  };
  if (slug === '' && name !== '') {
    errors.push({ field: cluster('slug'), message: 'The name has no letters or digits to make a slug from: enter one, e.g. prod-cluster.' });
  }
  if (form.serviceType === 'NodePort') {
    candidate['service_type'] = 'NodePort';
    candidate['public_ip'] = nonEmpty(form.publicIp);
    candidate['node_port_http'] = parseInteger(form.nodePortHttp, cluster('nodePortHttp'), 'The HTTP port', errors);
    candidate['node_port_https'] = parseInteger(form.nodePortHttps, cluster('nodePortHttps'), 'The HTTPS port', errors);
  }
  const defaultConfig = parseNodeConfigText(form.clusterNodeConfig);
  if (defaultConfig.ok) {
    if (defaultConfig.value !== undefined) candidate['node_config'] = defaultConfig.value;
  } else {
    errors.push({ field: cluster('clusterNodeConfig'), message: defaultConfig.message });
  }
  const tools = parseClusterToolsText(form.clusterTools);
  if (tools.ok) {
    const all = withChosenTools(tools.value, form.toolChoices);
    if (all !== undefined) candidate['cluster_tools'] = all;
  } else {
    errors.push({ field: cluster('clusterTools'), message: tools.message });
  }
  const parsed = importClusterBodySchema.safeParse(dropUndefined(candidate));
  if (!parsed.success) {
    const nameRefused = parsed.error.issues.some((issue) => issue.path[0] === 'name');
    for (const issue of parsed.error.issues) {
      // A slug derived from a refused name (none, or one shaped like a UUID) fails for the same reason:
      // the name's own error already says what to change.
      if (issue.path[0] === 'slug' && form.slug.trim() === '' && nameRefused) continue;
      const mapped = fieldForIssue(issue, form);
      // A field that already failed to parse (e.g. "abc" for a count) keeps that one, clearer message.
      if (!errors.some((e) => sameField(e.field, mapped.field))) errors.push(mapped);
    }
  }
  if (errors.length === 0 && parsed.success) return { ok: true, body: parsed.data };
  return { ok: false, errors: dedupe(errors) };
}

/** The tools typed and those chosen by name, in one object: each category once, each UUID once in it. */
function withChosenTools(typed: Record<string, string[]> | undefined, chosen: Record<string, string[]>): Record<string, string[]> | undefined {
  const tools = new Map(Object.entries(typed ?? {}));
  for (const [category, ids] of Object.entries(chosen)) {
    if (ids.length > 0) tools.set(category, [...new Set([...(tools.get(category) ?? []), ...ids])]);
  }
  return tools.size === 0 ? undefined : Object.fromEntries(tools);
}

/** One node group as typed → its API object; what cannot be read is added to `errors` under its field. */
export function buildNodeGroup<K extends string>(g: NodeGroupForm, errors: Array<FieldError<K>>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [apiKey, formKey] of Object.entries(NODE_CONFIG_FIELDS) as Array<[keyof NodeConfig, GroupField]>) {
    const raw = g[formKey];
    if (typeof raw !== 'string') continue;
    if (isIntegerNodeConfigKey(apiKey)) {
      const value = parseInteger(raw, group(g.slot, formKey), GROUP_FIELD_LABELS[formKey], errors);
      if (value !== undefined) config[apiKey] = value;
    } else {
      const value = nonEmpty(raw);
      if (value !== undefined) config[apiKey] = apiKey === 'accelerator_type' ? value.toLowerCase() : value;
    }
  }
  const nodeGroup: Record<string, unknown> = { name: g.name.trim(), is_auxilliary: g.auxiliary };
  if (Object.keys(config).length > 0) nodeGroup['node_config'] = config;
  return nodeGroup;
}

export const GROUP_FIELD_LABELS: Record<GroupField, string> = {
  name: 'Name',
  auxiliary: 'Auxiliary',
  machineType: 'Machine type',
  capacityType: 'Capacity type',
  minNodes: 'Min nodes',
  maxNodes: 'Max nodes',
  desiredNodes: 'Desired nodes',
  acceleratorType: 'Accelerator type',
  acceleratorCount: 'GPUs per node',
  vcpu: 'vCPU',
  memory: 'Memory (GB)',
};

/**
 * The node-group field an issue under `nodegroup_labels` is about (by the group's slot, not its
 * position); an issue about the list as a whole goes under the first group's name.
 */
export function groupFieldForIssue(path: readonly PropertyKey[], groups: readonly NodeGroupForm[]): GroupRef {
  const [, second, third, fourth] = path;
  if (typeof second === 'number') {
    const slot = groups[second]?.slot ?? 0;
    if (third === 'name') return group(slot, 'name');
    if (third === 'is_auxilliary') return group(slot, 'auxiliary');
    if (third === 'node_config') {
      const key = typeof fourth === 'string' ? NODE_CONFIG_FIELDS[fourth as keyof NodeConfig] : undefined;
      return group(slot, key ?? 'machineType');
    }
  }
  return group(groups[0]?.slot ?? 0, 'name');
}

function fieldForIssue(issue: z.core.$ZodIssue, form: ImportForm): FieldError {
  const path = issue.path;
  const message = issue.message;
  const [head, second] = path;
  if (head === 'nodegroup_labels') return { field: groupFieldForIssue(path, form.nodeGroups), message };
  if (head === 'avatar') {
    const key = typeof second === 'string' ? AVATAR_FIELDS[second] : undefined;
    return { field: cluster(key ?? 'avatarUrl'), message };
  }
  if (head === 'node_config') {
    return { field: cluster('clusterNodeConfig'), message: typeof second === 'string' ? `${second}: ${message}` : message };
  }
  if (head === 'cluster_tools') {
    return { field: cluster('clusterTools'), message: typeof second === 'string' ? `${second}: ${message}` : message };
  }
  if (head === 'slug' && form.slug.trim() === '') {
    return { field: cluster('slug'), message: `The slug derived from the name (${deriveSlug(form.name)}) does not work: ${message}` };
  }
  const key = typeof head === 'string' ? TOP_LEVEL_FIELDS[head] : undefined;
  return { field: cluster(key ?? 'name'), message };
}

function parseInteger<K extends string>(raw: string, field: FieldRef<K>, label: string, errors: Array<FieldError<K>>): number | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  if (!/^[+-]?\d+$/.test(text)) {
    errors.push({ field, message: `${label} must be a whole number (got “${clipForMessage(text)}”).` });
    return undefined;
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    errors.push({ field, message: `${label} is far too large.` });
    return undefined;
  }
  return value;
}

/** API body → form, for "Edit and retry": derived values (slug, avatar) are left empty to re-derive. */
export function formFromBody(body: ImportClusterBody): ImportForm {
  const form = emptyForm();
  form.name = body.name;
  form.slug = body.slug === deriveSlug(body.name) ? '' : body.slug;
  form.provider = (PROVIDERS as readonly string[]).includes(body.cluster_hosted_on) ? body.cluster_hosted_on : '';
  form.region = body.region ?? '';
  form.org = body.org;
  form.hostedZone = body.hosted_zone;
  form.secretId = body.secret_id;
  form.serviceType = body.service_type ?? 'LoadBalancer';
  form.publicIp = body.public_ip ?? '';
  form.nodePortHttp = body.node_port_http?.toString() ?? '';
  form.nodePortHttps = body.node_port_https?.toString() ?? '';
  const derived = defaultAvatar(body.name, body.slug);
  form.avatarUrl = body.avatar.image_url === derived.image_url ? '' : body.avatar.image_url;
  form.fontColor = body.avatar.font_color.toUpperCase() === derived.font_color ? '' : body.avatar.font_color;
  form.backgroundColor = body.avatar.background_color.toUpperCase() === derived.background_color ? '' : body.avatar.background_color;
  form.clusterNodeConfig = body.node_config === undefined ? '' : nodeConfigToText(body.node_config);
  form.clusterTools = body.cluster_tools === undefined ? '' : clusterToolsToText(body.cluster_tools);
  form.nodeGroups = body.nodegroup_labels.map(nodeGroupFromBody);
  return form;
}

/** One API node group → its fields in the form, as text, under `slot`. */
export function nodeGroupFromBody(g: NodeGroup, slot: number): NodeGroupForm {
  const c = g.node_config ?? {};
  const text = (value: string | number | undefined) => value?.toString() ?? '';
  const counts = { minNodes: text(c.min_node_count), maxNodes: text(c.max_node_count), desiredNodes: text(c.desired_count) };
  const resources = { acceleratorCount: text(c.accelerator_count), vcpu: text(c.vcpu), memory: text(c.memory) };
  return { slot, name: g.name, auxiliary: g.is_auxilliary, machineType: text(c.machine_type), capacityType: c.capacity_type ?? '', acceleratorType: text(c.accelerator_type), ...counts, ...resources };
}

export function isCapacityType(value: string): value is CapacityType {
  return (CAPACITY_TYPES as readonly string[]).includes(value);
}

function nonEmpty(value: string): string | undefined {
  const v = value.trim();
  return v === '' ? undefined : v;
}

function normaliseColor(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  // People paste "2563eb" as often as "#2563EB"; both mean the same colour.
  return /^[0-9A-Fa-f]{6}$/.test(v) ? `#${v.toUpperCase()}` : v.startsWith('#') ? v.toUpperCase() : v;
}

export function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function sameField<K extends string>(a: FieldRef<K>, b: FieldRef<K>): boolean {
  if (a.scope === 'cluster' && b.scope === 'cluster') return a.key === b.key;
  if (a.scope === 'group' && b.scope === 'group') return a.slot === b.slot && a.key === b.key;
  return false;
}

/** The first error of each field: a field that failed to parse keeps that one, clearer message. */
export function dedupe<K extends string>(errors: Array<FieldError<K>>): Array<FieldError<K>> {
  const out: Array<FieldError<K>> = [];
  for (const error of errors) if (!out.some((e) => sameField(e.field, error.field))) out.push(error);
  return out;
}
