// The two settings people type as text in the import form, both ways: the cluster's default node
// config as `key=value` pairs with the API's own keys, and cluster tools as `CATEGORY: uuid, uuid`
// lines — or either pasted as a JSON object. Typed names are kept in Maps: `__proto__` stays a name.
import { nodeConfigSchema, type NodeConfig } from './clusterImport.js';

/** The API's node_config keys in the order they are named to people, and which take whole numbers. */
const NODE_CONFIG_KINDS: Record<keyof NodeConfig, 'text' | 'integer'> = {
  machine_type: 'text',
  capacity_type: 'text',
  min_node_count: 'integer',
  max_node_count: 'integer',
  desired_count: 'integer',
  accelerator_type: 'text',
  accelerator_count: 'integer',
  vcpu: 'integer',
  memory: 'integer',
};
const NODE_CONFIG_KEYS = Object.keys(NODE_CONFIG_KINDS) as Array<keyof NodeConfig>;

export function isIntegerNodeConfigKey(key: string): key is keyof NodeConfig {
  return (NODE_CONFIG_KEYS as string[]).includes(key) && NODE_CONFIG_KINDS[key as keyof NodeConfig] === 'integer';
}

type TextParse<T> = { ok: true; value: T | undefined } | { ok: false; message: string };


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
      pairs.set(key, isIntegerNodeConfigKey(key) && /^[+-]?\d+$/.test(value) ? Number(value) : value);
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

export function nodeConfigToText(config: NodeConfig): string {
  return Object.entries(config)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n');
}

export function clusterToolsToText(tools: Record<string, string[]>): string {
  return Object.entries(tools)
    .map(([category, ids]) => `${category}: ${ids.join(', ')}`)
    .join('\n');
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A bit of what was typed, quoted back in a message. */
export function clipForMessage(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
