// What people type after `/simplismart`: the subcommand, and for `import` the `key=value` pairs that
// pre-fill the form. Unknown keys and unusable values are collected to be told back, never dropped.
import { CAPACITY_TYPES, LIMITS, PROVIDERS, SERVICE_TYPES } from './clusterImport.js';
import type { ClusterField, GroupField, ImportForm, NodeGroupForm } from './importForm.js';

export interface ParsedCommand {
  subcommand: string;
  /** Everything after the subcommand, entity-decoded. */
  rest: string;
}

export function parseCommand(text: string): ParsedCommand {
  const decoded = decodeSlackEntities(text).trim();
  const match = /^(\S+)\s*([\s\S]*)$/.exec(decoded);
  if (match === null) return { subcommand: '', rest: '' };
  return { subcommand: (match[1] ?? '').toLowerCase(), rest: (match[2] ?? '').trim() };
}

/** Slack escapes &, < and > in command text. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const CLUSTER_KEYS: Record<string, ClusterField> = {
  name: 'name',
  slug: 'slug',
  provider: 'provider',
  cluster_hosted_on: 'provider',
  region: 'region',
  org: 'org',
  hosted_zone: 'hostedZone',
  secret_id: 'secretId',
  secret: 'secretId',
  service_type: 'serviceType',
  public_ip: 'publicIp',
  node_port_http: 'nodePortHttp',
  node_port_https: 'nodePortHttps',
  avatar_url: 'avatarUrl',
  image_url: 'avatarUrl',
  font_color: 'fontColor',
  background_color: 'backgroundColor',
};

const GROUP_KEYS: Record<string, GroupField> = {
  group: 'name',
  nodegroup: 'name',
  node_group: 'name',
  machine_type: 'machineType',
  capacity_type: 'capacityType',
  min: 'minNodes',
  min_node_count: 'minNodes',
  max: 'maxNodes',
  max_node_count: 'maxNodes',
  desired: 'desiredNodes',
  desired_count: 'desiredNodes',
  accelerator_type: 'acceleratorType',
  accelerator_count: 'acceleratorCount',
  gpus: 'acceleratorCount',
  vcpu: 'vcpu',
  memory: 'memory',
  auxiliary: 'auxiliary',
};

export const IMPORT_ARG_KEYS = [...Object.keys(CLUSTER_KEYS), ...Object.keys(GROUP_KEYS)];

export interface ImportPrefill {
  cluster: Partial<Pick<ImportForm, ClusterField>>;
  /** Applied to the form's first node group. */
  firstGroup: Partial<Omit<NodeGroupForm, 'slot'>>;
  unknownKeys: string[];
  /** Values that could not be used as given (e.g. provider=aws2), each a sentence for the person. */
  problems: string[];
}

const MAX_VALUE_LENGTH = 3000;

/** `name="Prod cluster" provider=aws region=us-west-2 …` → form pre-fill. */
export function parseImportArgs(text: string): ImportPrefill {
  const prefill: ImportPrefill = { cluster: {}, firstGroup: {}, unknownKeys: [], problems: [] };
  for (const token of tokenize(text)) {
    const eq = token.indexOf('=');
    if (eq <= 0) {
      prefill.unknownKeys.push(clip(token));
      continue;
    }
    const key = token.slice(0, eq).toLowerCase().replace(/-/g, '_');
    const value = token.slice(eq + 1).slice(0, MAX_VALUE_LENGTH);
    // Own keys only: `constructor=x` or `__proto__=x` must read as unknown keys, not Object's members.
    const clusterKey = Object.hasOwn(CLUSTER_KEYS, key) ? CLUSTER_KEYS[key] : undefined;
    const groupKey = Object.hasOwn(GROUP_KEYS, key) ? GROUP_KEYS[key] : undefined;
    if (clusterKey !== undefined) applyClusterValue(prefill, clusterKey, key, value);
    else if (groupKey !== undefined) applyGroupValue(prefill, groupKey, key, value);
    else prefill.unknownKeys.push(clip(token.slice(0, eq)));
  }
  return prefill;
}

function applyClusterValue(prefill: ImportPrefill, field: ClusterField, key: string, value: string): void {
  if (field === 'provider') {
    const provider = PROVIDERS.find((p) => p === value.toLowerCase());
    if (provider === undefined) prefill.problems.push(`${key}=${clip(value)} is not a provider; use one of ${PROVIDERS.join(', ')}.`);
    else prefill.cluster.provider = provider;
    return;
  }
  if (field === 'serviceType') {
    const serviceType = SERVICE_TYPES.find((s) => s.toLowerCase() === value.toLowerCase());
    if (serviceType === undefined) prefill.problems.push(`${key}=${clip(value)} is not a service type; use LoadBalancer or NodePort.`);
    else prefill.cluster.serviceType = serviceType;
    return;
  }
  if (field === 'avatarUrl' && !/^https?:\/\/\S+$/i.test(value)) {
    prefill.problems.push(`${key}=${clip(value)} is not an http(s) URL.`);
    return;
  }
  prefill.cluster[field] = value;
}

function applyGroupValue(prefill: ImportPrefill, field: GroupField, key: string, value: string): void {
  if (field === 'capacityType') {
    const capacity = CAPACITY_TYPES.find((c) => c === value.toUpperCase().replace(/-/g, '_'));
    if (capacity === undefined) prefill.problems.push(`${key}=${clip(value)} is not a capacity type; use ON_DEMAND or SPOT.`);
    else prefill.firstGroup.capacityType = capacity;
    return;
  }
  if (field === 'auxiliary') {
    const yes = ['true', 'yes', '1', 'y'].includes(value.toLowerCase());
    const no = ['false', 'no', '0', 'n'].includes(value.toLowerCase());
    if (!yes && !no) prefill.problems.push(`${key}=${clip(value)}: use auxiliary=true or auxiliary=false.`);
    else prefill.firstGroup.auxiliary = yes;
    return;
  }
  const bounds = NUMERIC_GROUP_BOUNDS[field];
  if (bounds !== undefined) {
    // Any run of digits is a whole number, however long: the bounds check says it is too large.
    if (!/^\d+$/.test(value)) {
      prefill.problems.push(`${key}=${clip(value)} is not a whole number.`);
      return;
    }
    if (Number(value) < bounds[0] || Number(value) > bounds[1]) {
      prefill.problems.push(`${key}=${clip(value)} is out of range: use ${bounds[0]} to ${bounds[1]}.`);
      return;
    }
  }
  prefill.firstGroup[field] = value;
}

/** The same bounds the form's number inputs have: a value outside them could not be shown in the form. */
const NUMERIC_GROUP_BOUNDS: Partial<Record<GroupField, readonly [number, number]>> = {
  minNodes: [0, LIMITS.nodeCount],
  maxNodes: [0, LIMITS.nodeCount],
  desiredNodes: [0, LIMITS.nodeCount],
  acceleratorCount: [1, LIMITS.acceleratorCount],
  vcpu: [1, LIMITS.vcpu],
  memory: [1, LIMITS.memoryGb],
};

/** The form a command opens: connection defaults first, then what the command said. */
export function applyPrefill(form: ImportForm, prefill: ImportPrefill): ImportForm {
  const [first, ...others] = form.nodeGroups;
  return {
    ...form,
    ...prefill.cluster,
    nodeGroups: first === undefined ? form.nodeGroups : [{ ...first, ...prefill.firstGroup }, ...others],
  };
}

/** Sentences telling people what their command text pre-filled and what it could not use. */
export function describePrefill(prefill: ImportPrefill): string[] {
  const lines: string[] = [];
  const used = Object.keys(prefill.cluster).length + Object.keys(prefill.firstGroup).length;
  if (used > 0) lines.push(`Pre-filled ${used} field${used === 1 ? '' : 's'} from your command.`);
  if (prefill.unknownKeys.length > 0) {
    lines.push(`Not understood (ignored): ${prefill.unknownKeys.join(', ')}. Known keys: ${IMPORT_ARG_KEYS.join(', ')}.`);
  }
  lines.push(...prefill.problems);
  return lines;
}

/** Splits on whitespace, keeping "quoted values" (straight or typographic quotes, which Slack may send) together. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quote: string | null = null;
  let started = false;
  const closing: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '”': '”' };
  for (const ch of decodeSlackEntities(text)) {
    if (quote !== null) {
      if (ch === closing[quote] || (quote === '“' && ch === '"')) quote = null;
      else current += ch;
      continue;
    }
    // A quote opens a value only at its start (`"a b"`, `name="a b"`): an apostrophe inside a word
    // (`name=Bob's`) is a letter, not the start of a value that would swallow the rest of the line.
    if (ch in closing && (current === '' || current.endsWith('='))) {
      quote = ch;
      started = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (started) tokens.push(current);
      current = '';
      started = false;
      continue;
    }
    current += ch;
    started = true;
  }
  if (started) tokens.push(current);
  return tokens;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
