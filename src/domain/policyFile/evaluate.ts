// Which rule decides a request: the first whose conditions all hold, else the default. Total and pure:
// every request gets exactly one outcome, whatever the facts, and the same one every time.
//
// A condition on a fact that is unknown (the provider of a cluster imported outside the bot, a group
// whose membership the caller did not resolve) neither holds nor fails — with or without `not` — so
// the rule does not match and the next one is tried. A fact known to be absent (no region for an oci
// cluster, no accelerator in a CPU pool, no channel for the App Home's button) is a value: it matches no
// listed value, so `not:` holds for it.
import { totalGpus, type NodeGroupFacts, type RequestFacts } from './facts.js';
import { globMatches } from './glob.js';
import { KIND_NAMES, type Conditions, type Matcher, type NodeGroupConditions, type Outcome, type Policy, type Range, type Rule } from './policy.js';

/** true, false, or undefined: not known. */
export type Truth = boolean | undefined;

/** One condition of a rule against one request: whether it holds, and the facts in words. */
export interface Check {
  holds: Truth;
  text: string;
}

/** What decided: a rule of the file, or its default (line null: the built-in one, the file sets none). */
export type Decider = { kind: 'rule'; index: number; name: string; line: number } | { kind: 'default'; line: number | null };

export interface Evaluation {
  rule: Decider;
  outcome: Outcome;
  /** Why, in words: each condition of the rule that decided, as it held; for the default, that nothing matched. */
  why: string[];
}

/** A rule tried before the one that decided, and the first of its conditions that did not hold. */
export interface Skipped {
  rule: Rule;
  because: string;
}

export function evaluate(policy: Policy, facts: RequestFacts): Evaluation {
  return explain(policy, facts).evaluation;
}

/** The evaluation, with each rule tried before it and why it did not match (for the dry run). */
export function explain(policy: Policy, facts: RequestFacts): { evaluation: Evaluation; skipped: Skipped[] } {
  const skipped: Skipped[] = [];
  for (const rule of policy.rules) {
    const checks = rule.when === null ? [] : checkConditions(rule.when, facts);
    const failed = checks.find((c) => c.holds !== true);
    if (failed === undefined) {
      const why = checks.length === 0 ? ['the rule has no conditions: it matches every request'] : checks.map((c) => c.text);
      return { evaluation: { rule: { kind: 'rule', index: rule.index, name: rule.name, line: rule.line }, outcome: rule.outcome, why }, skipped };
    }
    skipped.push({ rule, because: failed.text });
  }
  const why = [
    policy.rules.length === 0 ? 'the policy has no rules' : 'no rule matched',
    ...(policy.fallback.line === null ? ['the file sets no default: such requests are refused'] : []),
  ];
  return { evaluation: { rule: { kind: 'default', line: policy.fallback.line }, outcome: policy.fallback.outcome, why }, skipped };
}

/** The groups whose membership the rules ask about (in `workspace`'s rules, when given): the caller resolves these, and only these. */
export function groupsToResolve(policy: Policy, workspace?: string): string[] {
  const groups = new Set<string>();
  for (const rule of policy.rules) {
    const when = rule.when;
    if (when?.requesterInGroup === undefined) continue;
    if (workspace !== undefined && when.workspace !== undefined && matchOne(when.workspace, workspace, same) === false) continue;
    for (const group of when.requesterInGroup.values) groups.add(group);
  }
  return [...groups].sort();
}

/** Every condition of `conditions` against the request, in a fixed order. */
export function checkConditions(conditions: Conditions, facts: RequestFacts): Check[] {
  const checks: Check[] = [];
  const c = conditions;
  if (c.workspace) checks.push(idCheck('workspace', c.workspace, facts.workspace));
  if (c.kind) {
    const named: Matcher = { values: c.kind.values.map((k) => KIND_NAMES[k]), negated: c.kind.negated };
    checks.push(idCheck('kind', named, KIND_NAMES[facts.kind]));
  }
  if (c.channel) checks.push(idCheck('channel', c.channel, facts.channel, 'none (not asked from a channel)'));
  if (c.requesterInGroup) checks.push(groupCheck(c.requesterInGroup, facts));
  if (c.provider) checks.push(idCheck('provider', c.provider, facts.provider));
  if (c.region) checks.push(globCheck('region', c.region, facts.region === undefined ? undefined : [facts.region], 'none'));
  if (c.cluster) checks.push(clusterCheck(c.cluster, facts));
  if (c.totalGpus) checks.push(rangeCheck('total GPUs at maximum scale', c.totalGpus, totalGpus(facts), gpusText(facts.nodeGroups)));
  if (c.nodeGroups) checks.push(rangeCheck('the number of node groups', c.nodeGroups, facts.nodeGroups.length));
  if (c.anyNodeGroup) checks.push(nodeGroupCheck(c.anyNodeGroup, facts.nodeGroups));
  return checks;
}

// --- three-valued logic --------------------------------------------------------------------------------

const not = (t: Truth): Truth => (t === undefined ? undefined : !t);
const anyOf = (ts: Truth[]): Truth => (ts.includes(true) ? true : ts.includes(undefined) ? undefined : false);
const allOf = (ts: Truth[]): Truth => (ts.includes(false) ? false : ts.includes(undefined) ? undefined : true);

const same = (pattern: string, value: string) => pattern === value;

/** Whether a known value (null: known to be absent) is one of the matcher's values, before `not`. */
function hit(m: Matcher, value: string | null, equal: (pattern: string, value: string) => boolean): boolean {
  return value !== null && m.values.some((v) => equal(v, value));
}

function matchOne(m: Matcher, value: string | null | undefined, equal: (pattern: string, value: string) => boolean): Truth {
  if (value === undefined) return undefined;
  const found = hit(m, value, equal);
  return m.negated ? !found : found;
}

// --- words -----------------------------------------------------------------------------------------------

/** "a", "a or b", "a, b or c". */
export function orList(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1] ?? ''}`;
}

function notKnown(label: string): Check {
  return { holds: undefined, text: `${label} is not known for this request` };
}

/** `label is value`, and how it stands to the listed values (exact values: ids, kinds, providers). */
function idCheck(label: string, m: Matcher, value: string | null | undefined, none = 'none'): Check {
  if (value === undefined) return notKnown(label);
  const found = hit(m, value, same);
  const shown = value ?? none;
  const [only] = m.values;
  const relation = m.values.length === 1 ? (found ? '' : `, not ${only ?? ''}`) : found ? `, one of ${orList(m.values)}` : `, none of ${orList(m.values)}`;
  return { holds: m.negated ? !found : found, text: `${label} is ${shown}${relation}${m.negated && found ? ' (which the rule excludes)' : ''}` };
}

/** Patterns against one or more values (all known), any of which may match. */
function globCheck(label: string, m: Matcher, values: ReadonlyArray<string | null> | undefined, none: string, shown?: string): Check {
  if (values === undefined) return notKnown(label);
  const matching = m.values.filter((pattern) => values.some((v) => v !== null && globMatches(pattern, v)));
  const found = matching.length > 0;
  const what = shown ?? values.map((v) => v ?? none).join(' / ');
  const relation = found ? `, matching ${orList(matching)}` : `, not matching ${m.values.length === 1 ? (m.values[0] ?? '') : `any of ${orList(m.values)}`}`;
  return { holds: m.negated ? !found : found, text: `${label} is ${what}${relation}${m.negated && found ? ' (which the rule excludes)' : ''}` };
}

function clusterCheck(m: Matcher, facts: RequestFacts): Check {
  const known = [facts.clusterName, facts.clusterSlug].filter((v): v is string => v !== undefined);
  if (known.length === 0) return notKnown('the cluster’s name');
  const shown =
    facts.clusterName !== undefined && facts.clusterSlug !== undefined
      ? facts.clusterName === facts.clusterSlug
        ? `"${facts.clusterName}"`
        : `"${facts.clusterName}" (${facts.clusterSlug})`
      : facts.clusterName !== undefined
        ? `"${facts.clusterName}" (its slug not known)`
        : `${facts.clusterSlug ?? ''} (its name not known)`;
  const { text } = globCheck('cluster', m, known, '', shown);
  const found = known.some((v) => hit(m, v, globMatches));
  // Name or slug unknown and the other one not matching: the unknown one might.
  if (!found && known.length < 2) return { holds: undefined, text };
  return { holds: m.negated ? !found : found, text };
}

function groupCheck(m: Matcher, facts: RequestFacts): Check {
  const truths = m.values.map((g) => facts.requesterGroups.get(g));
  const found = anyOf(truths);
  const who = `requester ${facts.requester}`;
  if (found === undefined) {
    const unknown = m.values.filter((_, i) => truths[i] === undefined);
    return { holds: undefined, text: `whether ${who} is in ${orList(unknown)} is not known` };
  }
  const memberOf = m.values.filter((_, i) => truths[i] === true);
  const text = found ? `${who} is in ${orList(memberOf)}` : m.values.length === 1 ? `${who} is not in ${m.values[0] ?? ''}` : `${who} is in none of ${orList(m.values)}`;
  return { holds: m.negated ? not(found) : found, text: `${text}${m.negated && found ? ' (which the rule excludes)' : ''}` };
}

/** The bounds as the file wrote them: "more than 16", "at least 1 and at most 8", "0". */
export function rangeText(range: Range): string {
  return range.bounds.map(({ op, n }) => (op === 'is' ? String(n) : `${op.replace('_', ' ')} ${n}`)).join(' and ');
}

function inRange(range: Range, n: number): boolean {
  return range.bounds.every(({ op, n: bound }) => {
    switch (op) {
      case 'is':
        return n === bound;
      case 'at_least':
        return n >= bound;
      case 'at_most':
        return n <= bound;
      case 'more_than':
        return n > bound;
      case 'less_than':
        return n < bound;
    }
  });
}

function rangeCheck(label: string, range: Range, n: number, shown = String(n)): Check {
  const holds = inRange(range, n);
  const exact = range.bounds.length === 1 && range.bounds[0]?.op === 'is';
  const relation = holds ? (exact ? '' : `, ${rangeText(range)}`) : `, not ${rangeText(range)}`;
  return { holds, text: `${label} is ${shown}${relation}` };
}

/** The total in words: a number, or "unbounded" and why. */
function gpusText(groups: readonly NodeGroupFacts[]): string {
  const unbounded = groups.filter((g) => g.gpus === Number.POSITIVE_INFINITY).map((g) => g.name);
  if (unbounded.length === 0) return String(totalGpus({ nodeGroups: groups }));
  return `unbounded (${orList(unbounded)} ${unbounded.length === 1 ? 'has' : 'have'} GPUs and no max_node_count)`;
}

/** What a node-group condition asks, in words. */
function nodeGroupWanted(c: NodeGroupConditions): string {
  const parts: string[] = [];
  if (c.accelerator) parts.push(`accelerator ${c.accelerator.negated ? 'not ' : ''}matching ${orList(c.accelerator.values)}`);
  if (c.capacityType) parts.push(`capacity type ${c.capacityType.negated ? 'not ' : ''}${orList(c.capacityType.values)}`);
  if (c.gpus) parts.push(`GPUs at maximum scale ${rangeText(c.gpus)}`);
  return parts.join(' and ');
}

function nodeGroupTruth(c: NodeGroupConditions, g: NodeGroupFacts): Truth {
  return allOf([
    c.accelerator ? matchOne(c.accelerator, g.accelerator, globMatches) : true,
    c.capacityType ? matchOne(c.capacityType, g.capacityType, same) : true,
    c.gpus ? inRange(c.gpus, g.gpus) : true,
  ]);
}

function nodeGroupCheck(c: NodeGroupConditions, groups: readonly NodeGroupFacts[]): Check {
  const truths = groups.map((g) => nodeGroupTruth(c, g));
  const holds = anyOf(truths);
  const wanted = nodeGroupWanted(c);
  if (holds === true) {
    const g = groups[truths.indexOf(true)];
    const gpus = g === undefined ? '' : g.gpus === Number.POSITIVE_INFINITY ? 'unbounded' : String(g.gpus);
    const facts = g === undefined ? '' : `${g.accelerator ?? 'no accelerator'}, ${g.capacityType ?? 'capacity type not given'}, ${gpus} GPUs at maximum scale`;
    return { holds, text: `node group ${g?.name ?? ''} has ${wanted} (${facts})` };
  }
  if (holds === undefined) {
    const unsure = groups.filter((_, i) => truths[i] === undefined).map((g) => g.name);
    return { holds, text: `whether a node group has ${wanted} is not known (${orList(unsure)} ${unsure.length === 1 ? 'gives' : 'give'} no capacity type)` };
  }
  return { holds, text: `no node group has ${wanted}` };
}
