// The import form as people fill it (strings, as typed) and the one mapping from it to the API body:
// every problem comes back attached to the exact field it is about.
import type { z } from 'zod';
import {
  CAPACITY_TYPES,
  importClusterBodySchema,
  nodeConfigSchema,
  PROVIDERS,
  REGION_PROVIDERS,
  type CapacityType,
  type ImportClusterBody,
  type NodeConfig,
  type Provider,
  type ServiceType,
} from './clusterImport.js';
import { defaultAvatar, deriveSlug } from './clusterDefaults.js';

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
  /** Cluster tools as `CATEGORY: uuid, uuid` lines (or a JSON object). */
  clusterTools: string;
  nodeGroups: NodeGroupForm[];
}

export type ClusterField = Exclude<keyof ImportForm, 'nodeGroups'>;
export type GroupField = Exclude<keyof NodeGroupForm, 'slot'>;

export type FieldRef = { scope: 'cluster'; key: ClusterField } | { scope: 'group'; slot: number; key: GroupField };

export interface FieldError {
  field: FieldRef;
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
    nodeGroups: [emptyNodeGroup(0)],
  };
}

const cluster = (key: ClusterField): FieldRef => ({ scope: 'cluster', key });
const group = (slot: number, key: GroupField): FieldRef => ({ scope: 'group', slot, key });

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
const INTEGER_NODE_FIELDS = new Set<keyof NodeConfig>([
  'min_node_count',
  'max_node_count',
  'desired_count',
  'accelerator_count',
  'vcpu',
  'memory',
]);

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
    if (tools.value !== undefined) candidate['cluster_tools'] = tools.value;
  } else {
    errors.push({ field: cluster('clusterTools'), message: tools.message });
  }
  const parsed = importClusterBodySchema.safeParse(dropUndefined(candidate));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // With no name and no slug, "give a name" already explains the missing slug.
      if (issue.path[0] === 'slug' && name === '' && form.slug.trim() === '') continue;
      const mapped = fieldForIssue(issue, form);
      // A field that already failed to parse (e.g. "abc" for a count) keeps that one, clearer message.
      if (!errors.some((e) => sameField(e.field, mapped.field))) errors.push(mapped);
    }
  }
  if (errors.length === 0 && parsed.success) return { ok: true, body: parsed.data };
  return { ok: false, errors: dedupe(errors) };
}

function buildNodeGroup(g: NodeGroupForm, errors: FieldError[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [apiKey, formKey] of Object.entries(NODE_CONFIG_FIELDS) as Array<[keyof NodeConfig, GroupField]>) {
    const raw = g[formKey];
    if (typeof raw !== 'string') continue;
    if (INTEGER_NODE_FIELDS.has(apiKey)) {
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

function fieldForIssue(issue: z.core.$ZodIssue, form: ImportForm): FieldError {
  const path = issue.path;
  const message = issue.message;
  const [head, second, third, fourth] = path;
  if (head === 'nodegroup_labels') {
    if (typeof second === 'number') {
      const slot = form.nodeGroups[second]?.slot ?? 0;
      if (third === 'name') return { field: group(slot, 'name'), message };
      if (third === 'is_auxilliary') return { field: group(slot, 'auxiliary'), message };
      if (third === 'node_config') {
        const key = typeof fourth === 'string' ? NODE_CONFIG_FIELDS[fourth as keyof NodeConfig] : undefined;
        return { field: group(slot, key ?? 'machineType'), message };
      }
    }
    return { field: group(form.nodeGroups[0]?.slot ?? 0, 'name'), message };
  }
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

function parseInteger(raw: string, field: FieldRef, label: string, errors: FieldError[]): number | undefined {
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

type TextParse<T> = { ok: true; value: T | undefined } | { ok: false; message: string };

const NODE_CONFIG_KEYS = Object.keys(NODE_CONFIG_FIELDS) as Array<keyof NodeConfig>;

/**
 * The cluster's default node_config, typed as `key=value` pairs (one per line, or separated by
 * spaces/commas) with the API's own keys, or pasted as a JSON object.
 */
export function parseNodeConfigText(text: string): TextParse<NodeConfig> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  let record: Record<string, unknown>;
  if (trimmed.startsWith('{')) {
    const json = parseJsonObject(trimmed);
    if (json === undefined) return { ok: false, message: 'That is not a valid JSON object; or use key=value lines.' };
    record = json;
  } else {
    // A Map, then own properties: a typed `__proto__=x` must be an unknown key, not a prototype change.
    const pairs = new Map<string, unknown>();
    for (const pair of trimmed.split(/[\s,]+/).filter((p) => p !== '')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) return { ok: false, message: `Write each setting as key=value (“${clipForMessage(pair)}” has no “=”).` };
      const key = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      pairs.set(key, INTEGER_NODE_FIELDS.has(key as keyof NodeConfig) && /^[+-]?\d+$/.test(value) ? Number(value) : value);
    }
    record = Object.fromEntries(pairs);
  }
  const unknown = Object.keys(record).filter((k) => !NODE_CONFIG_KEYS.includes(k as keyof NodeConfig));
  if (unknown.length > 0) {
    return { ok: false, message: `Unknown key ${unknown.map((k) => `“${clipForMessage(k)}”`).join(', ')}: use ${NODE_CONFIG_KEYS.join(', ')}.` };
  }
  if (typeof record['capacity_type'] === 'string') record['capacity_type'] = record['capacity_type'].toUpperCase();
  const parsed = nodeConfigSchema.safeParse(record);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const key = first?.path[0];
    return { ok: false, message: `${typeof key === 'string' ? `${key}: ` : ''}${first?.message ?? 'invalid'}` };
  }
  return { ok: true, value: parsed.data };
}

/** Cluster tools as `CATEGORY: uuid, uuid` lines (category names may contain spaces), or JSON. */
export function parseClusterToolsText(text: string): TextParse<Record<string, string[]>> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  if (trimmed.startsWith('{')) {
    const json = parseJsonObject(trimmed);
    if (json === undefined) return { ok: false, message: 'That is not a valid JSON object; or use “CATEGORY: uuid, uuid” lines.' };
    const tools = new Map<string, string[]>();
    for (const [category, list] of Object.entries(json)) {
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) {
        return { ok: false, message: `${clipForMessage(category)}: give a list of catalog UUIDs.` };
      }
      tools.set(category, list);
    }
    return toolsByCategory(tools);
  }
  // Categories are whatever was typed: collected in a Map, so that `constructor:` or `__proto__:` are
  // plain names rather than Object's members.
  const tools = new Map<string, string[]>();
  for (const line of trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, message: `Write each line as “CATEGORY: uuid, uuid” (“${clipForMessage(line)}” has no category).` };
    const category = line.slice(0, colon).trim();
    const ids = line
      .slice(colon + 1)
      .split(/[\s,]+/)
      .filter((id) => id !== '');
    tools.set(category, [...(tools.get(category) ?? []), ...ids]);
  }
  return toolsByCategory(tools);
}

function toolsByCategory(tools: Map<string, string[]>): TextParse<Record<string, string[]>> {
  // No API category is called __proto__, and an object cannot carry it as a plain key on its way through JSON tooling.
  if (tools.has('__proto__')) return { ok: false, message: '“__proto__” is not a tool category: use the category names of the Simplismart catalog, such as MONITORING.' };
  return { ok: true, value: Object.fromEntries(tools) };
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
  form.clusterTools =
    body.cluster_tools === undefined
      ? ''
      : Object.entries(body.cluster_tools)
          .map(([category, ids]) => `${category}: ${ids.join(', ')}`)
          .join('\n');
  form.nodeGroups = body.nodegroup_labels.map((g, slot) => {
    const c = g.node_config ?? {};
    return {
      slot,
      name: g.name,
      auxiliary: g.is_auxilliary,
      machineType: c.machine_type ?? '',
      capacityType: c.capacity_type ?? '',
      minNodes: c.min_node_count?.toString() ?? '',
      maxNodes: c.max_node_count?.toString() ?? '',
      desiredNodes: c.desired_count?.toString() ?? '',
      acceleratorType: c.accelerator_type ?? '',
      acceleratorCount: c.accelerator_count?.toString() ?? '',
      vcpu: c.vcpu?.toString() ?? '',
      memory: c.memory?.toString() ?? '',
    };
  });
  return form;
}

export function nodeConfigToText(config: NodeConfig): string {
  return Object.entries(config)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n');
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

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function sameField(a: FieldRef, b: FieldRef): boolean {
  if (a.scope === 'cluster' && b.scope === 'cluster') return a.key === b.key;
  if (a.scope === 'group' && b.scope === 'group') return a.slot === b.slot && a.key === b.key;
  return false;
}

function dedupe(errors: FieldError[]): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) if (!out.some((e) => sameField(e.field, error.field))) out.push(error);
  return out;
}

function clipForMessage(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
