// Reading a policy file: YAML with positions, then the schema, then the checks across rules (names
// unique, no rule hidden behind one that matches everything). Every problem is returned, each with its
// line and column; a file with any problem yields no policy. Pure: the caller reads the file.
import { isPair, isScalar, isSeq, visit, type visitorFn } from 'yaml';
import { contentHash } from './hash.js';
import { BUILT_IN_DEFAULT, type Policy, type Rule } from './policy.js';
import { policyFileSchema } from './schema.js';
import { formatPath, positionOf, problemAt, problemsFromIssues, readYaml, sortProblems, type Problem, type YamlSource } from './yamlPositions.js';

export type PolicyRead = { ok: true; policy: Policy } | { ok: false; problems: Problem[] };

export function readPolicy(text: string): PolicyRead {
  const yaml = readYaml(text);
  if (!yaml.ok) return yaml;
  const { source } = yaml;
  if (source.doc.contents === null) {
    return { ok: false, problems: [{ line: 1, column: 1, path: '', message: 'The file is empty: a policy file starts with version: 1 and lists its rules (see docs/policy-file.md).' }] };
  }
  const data: unknown = source.doc.toJS();
  const parsed = policyFileSchema.safeParse(data);
  // Every problem at once: the checks across rules and of YAML comments run on the data as written,
  // whatever the schema found.
  const problems = [...(parsed.success ? [] : problemsFromIssues(source, parsed.error.issues)), ...acrossRules(source, data), ...textCutByComments(source, text)];
  if (!parsed.success || problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  const rules: Rule[] = parsed.data.rules.map((entry, index) => ({ ...entry, index, line: positionOf(source, ['rules', index]).line }));
  const fallback = parsed.data.default === undefined ? { outcome: BUILT_IN_DEFAULT, line: null } : { outcome: parsed.data.default, line: positionOf(source, ['default'], true).line };
  return { ok: true, policy: { rules, fallback, hash: contentHash(data) } };
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What no single rule shows: a name used twice (in any case), rules and a default that can never be reached. */
function acrossRules(source: YamlSource, data: unknown): Problem[] {
  if (!isMapping(data) || !Array.isArray(data['rules'])) return [];
  const entries = (data['rules'] as unknown[]).map((rule, index) => ({
    index,
    name: isMapping(rule) && typeof rule['name'] === 'string' ? rule['name'].trim() : undefined,
    catchAll: isMapping(rule) && rule['when'] === undefined,
    line: positionOf(source, ['rules', index]).line,
  }));
  const problems: Problem[] = [];
  const names = new Map<string, (typeof entries)[number]>();
  for (const entry of entries) {
    if (entry.name === undefined || entry.name === '') continue;
    const first = names.get(entry.name.toLowerCase());
    if (first === undefined) names.set(entry.name.toLowerCase(), entry);
    else problems.push(problemAt(source, ['rules', entry.index, 'name'], `The rule on line ${first.line} is already named "${first.name ?? ''}": each rule has its own name, the one people see.`));
  }
  const catchAll = entries.find((e) => e.catchAll);
  if (catchAll !== undefined) {
    const called = catchAll.name === undefined ? `the rule on line ${catchAll.line}` : `rule "${catchAll.name}" (line ${catchAll.line})`;
    for (const entry of entries.slice(catchAll.index + 1)) {
      problems.push(problemAt(source, ['rules', entry.index], `${entry.name === undefined ? 'This rule' : `Rule "${entry.name}"`} is never reached: ${called} has no "when", so it matches every request first.`));
    }
    if (data['default'] !== undefined) {
      problems.push(problemAt(source, ['default'], `The default is never used: ${called} has no "when", so it matches every request.`, true));
    }
  }
  return problems;
}

/** Keys whose values are prose, where a channel's name is likely: `#name` after a space starts a YAML comment there. */
const PROSE_KEYS = new Set(['name', 'deny']);

/**
 * `deny: ask in #platform` is the text "ask in" and a comment: a name or message left unquoted and cut
 * at " #" is refused, quoting the whole line to write instead. (A comment has a space after its "#" in
 * this file's style, so "# note" after a value is not taken for this.)
 */
function textCutByComments(source: YamlSource, text: string): Problem[] {
  const problems: Problem[] = [];
  visit(source.doc, {
    Pair(_key, pair, ancestors) {
      if (!isScalar(pair.key) || !PROSE_KEYS.has(String(pair.key.value)) || !isScalar(pair.value)) return;
      const value = pair.value;
      if (value.type !== 'PLAIN' || typeof value.comment !== 'string' || !/^\S/.test(value.comment) || !value.range) return;
      const hash = text.indexOf('#', value.range[1]);
      const { line, col } = source.lineCounter.linePos(hash);
      const whole = `${String(value.value)} #${value.comment}`;
      problems.push({ line, column: col, path: formatPath([...pathOf(ancestors), String(pair.key.value)]), message: `The ${pair.key.value === 'name' ? 'rule’s name' : 'message'} stops before "#${value.comment}": in YAML " #" starts a comment. Put the whole text in quotes: "${whole.replace(/"/g, '\\"')}".` });
    },
  });
  return problems;
}

/** The document path of a visited node, from its ancestors (the document, mappings, pairs, lists). */
function pathOf(ancestors: Parameters<visitorFn<unknown>>[2]): Array<string | number> {
  const path: Array<string | number> = [];
  ancestors.forEach((node, i) => {
    if (isPair(node) && isScalar(node.key)) path.push(String(node.key.value));
    const child = ancestors[i + 1];
    if (isSeq(node) && child !== undefined) path.push(node.items.indexOf(child));
  });
  return path;
}
