// Names a workspace gives the UUIDs people would otherwise paste into the import form: hosted zones,
// secrets (that hold kubeconfigs) and cluster-tool catalogs by category. Admins type them as
// `name = uuid` lines, checked here; the form offers them by name, and its body still carries the UUIDs.
import { impersonation, isUuid, LIMITS, TOOL_CATEGORY_PATTERN } from './clusterImport.js';
import type { ImportForm } from './importForm.js';
import { clipForMessage, clusterToolsToText, parseClusterToolsText } from './settingsText.js';

export const REFERENCE_KINDS = ['hosted_zone', 'secret', 'tool'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export interface NamedReference {
  kind: ReferenceKind;
  /** The tool catalog's category (MONITORING, ASYNC TOOLS…); '' for hosted zones and secrets. */
  category: string;
  name: string;
  uuid: string;
}

/** A name as stored: who last set the workspace's names, and when. */
export interface StoredReference extends NamedReference {
  updatedBy: string;
  updatedAt: number;
}

export const REFERENCE_LIMITS = {
  /** An option's text holds 75 characters; names stay well inside. */
  nameLength: 60,
  /** Hosted zones, and secrets: one menu each, of 100 options, one of them "Other (UUID)…". */
  perKind: 99,
  /** Each category is one menu of the import form, whose 100 blocks are counted (see importModal.ts). */
  toolCategories: 6,
  toolsPerCategory: LIMITS.toolsPerCategory,
  /** What one text input of the references form holds. */
  textLength: 3000,
} as const;

/** The references form: one text per kind, a reference per line. */
export interface ReferencesText {
  hostedZones: string;
  secrets: string;
  tools: string;
}

export type ReferencesParse =
  | { ok: true; references: NamedReference[] }
  | { ok: false; errors: Partial<Record<keyof ReferencesText, string>> };

const TEXT_OF: Record<ReferenceKind, keyof ReferencesText> = { hosted_zone: 'hostedZones', secret: 'secrets', tool: 'tools' };

/**
 * `Name = uuid` lines (hosted zones, secrets) and `CATEGORY: Name = uuid` lines (tools) → the names,
 * in the order typed; or the first problem of each text, with its line number.
 */
export function parseReferences(text: ReferencesText): ReferencesParse {
  const references: NamedReference[] = [];
  const errors: Partial<Record<keyof ReferencesText, string>> = {};
  for (const kind of REFERENCE_KINDS) {
    const field = TEXT_OF[kind];
    const parsed = parseLines(kind, text[field]);
    if (typeof parsed === 'string') errors[field] = parsed;
    else references.push(...parsed);
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, references };
}

function parseLines(kind: ReferenceKind, text: string): NamedReference[] | string {
  const out: NamedReference[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const at = `Line ${index + 1}`;
    const parsed = parseLine(kind, line);
    if (typeof parsed === 'string') return `${at}: ${parsed}`;
    const same = out.find((r) => r.category === parsed.category && r.name.toLowerCase() === parsed.name.toLowerCase());
    if (same !== undefined) return `${at}: “${clipForMessage(parsed.name)}” is named twice${kind === 'tool' ? ` in ${parsed.category}` : ''}.`;
    const twice = out.find((r) => r.category === parsed.category && r.uuid.toLowerCase() === parsed.uuid.toLowerCase());
    if (twice !== undefined) return `${at}: this UUID is already named “${clipForMessage(twice.name)}”; give each one name.`;
    out.push(parsed);
  }
  return withinLimits(kind, out) ?? out;
}

function parseLine(kind: ReferenceKind, line: string): NamedReference | string {
  let category = '';
  let rest = line;
  if (kind === 'tool') {
    const colon = line.indexOf(':');
    if (colon <= 0) return `write “CATEGORY: Name = uuid” (“${clipForMessage(line)}” has no category).`;
    category = line.slice(0, colon).trim();
    rest = line.slice(colon + 1);
    if (!TOOL_CATEGORY_PATTERN.test(category)) return `“${clipForMessage(category)}” is not a tool category: use names such as MONITORING or ASYNC TOOLS.`;
  }
  const eq = rest.lastIndexOf('=');
  if (eq < 0) return `write “Name = uuid” (“${clipForMessage(rest.trim())}” has no “=”).`;
  const name = rest.slice(0, eq).trim();
  const id = rest.slice(eq + 1).trim();
  if (name === '') return 'give a name before the “=”.';
  if (name.length > REFERENCE_LIMITS.nameLength) return `keep names to ${REFERENCE_LIMITS.nameLength} characters.`;
  // The form's menus show names where UUIDs are chosen: a name must not pass for a UUID or for the menu's own option.
  const passesFor = impersonation(name);
  if (passesFor?.kind === 'uuid') return 'a name cannot be a UUID: the import form shows it where a UUID is chosen, so it would pass for that UUID. Give it a name people recognise, e.g. Production zone.';
  if (passesFor?.kind === 'menu_option') return `“${passesFor.option}” is what the import form’s menus call their own choice for typing a UUID: choose another name.`;
  if (!isUuid(id)) return `“${clipForMessage(id)}” is not a UUID (such as b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f).`;
  return { kind, category, name, uuid: id };
}

function withinLimits(kind: ReferenceKind, refs: readonly NamedReference[]): string | undefined {
  if (kind !== 'tool') {
    return refs.length > REFERENCE_LIMITS.perKind ? `Name at most ${REFERENCE_LIMITS.perKind} (a menu holds 100 options, one is “Other”).` : undefined;
  }
  const categories = toolCategories(refs);
  if (categories.length > REFERENCE_LIMITS.toolCategories) {
    return `Name tools in at most ${REFERENCE_LIMITS.toolCategories} categories: each is a menu in the import form, which holds 100 blocks.`;
  }
  const crowded = categories.find((c) => c.tools.length > REFERENCE_LIMITS.toolsPerCategory);
  return crowded === undefined ? undefined : `${crowded.category}: name at most ${REFERENCE_LIMITS.toolsPerCategory} tools (the most one category takes).`;
}

/** The names as the form shows them again: one text per kind. */
export function referencesToText(refs: readonly NamedReference[]): ReferencesText {
  const lines = (kind: ReferenceKind) =>
    refs
      .filter((r) => r.kind === kind)
      .map((r) => `${kind === 'tool' ? `${r.category}: ` : ''}${r.name} = ${r.uuid}`)
      .join('\n');
  return { hostedZones: lines('hosted_zone'), secrets: lines('secret'), tools: lines('tool') };
}

/** The names of one kind, in their order. */
export function namedOf(refs: readonly NamedReference[], kind: Exclude<ReferenceKind, 'tool'>): NamedReference[] {
  return refs.filter((r) => r.kind === kind);
}

/** The tool catalogs by category, categories in the order first named. */
export function toolCategories(refs: readonly NamedReference[]): Array<{ category: string; tools: NamedReference[] }> {
  const byCategory = new Map<string, NamedReference[]>();
  for (const r of refs) if (r.kind === 'tool') byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r]);
  return [...byCategory].map(([category, tools]) => ({ category, tools }));
}

/**
 * The form with every typed tool that has a name moved into its category's menu (as the named UUID,
 * the menu's own value); tools without a name stay typed. For a form opened from a stored body.
 */
export function withToolChoices(form: ImportForm, refs: readonly NamedReference[]): ImportForm {
  const catalogs = toolCategories(refs);
  const typed = parseClusterToolsText(form.clusterTools);
  if (catalogs.length === 0 || !typed.ok || typed.value === undefined) return form;
  const choices = new Map(Object.entries(form.toolChoices));
  const rest = new Map<string, string[]>();
  for (const [category, ids] of Object.entries(typed.value)) {
    const named = new Map((catalogs.find((c) => c.category === category)?.tools ?? []).map((t) => [t.uuid.toLowerCase(), t.uuid]));
    const chosen = ids.flatMap((id) => named.get(id.toLowerCase()) ?? []);
    const others = ids.filter((id) => !named.has(id.toLowerCase()));
    if (chosen.length > 0) choices.set(category, [...new Set([...(choices.get(category) ?? []), ...chosen])]);
    if (others.length > 0) rest.set(category, others);
  }
  return { ...form, toolChoices: Object.fromEntries(choices), clusterTools: clusterToolsToText(Object.fromEntries(rest)) };
}
