// The policy file's schema (zod): every key it may hold, each value's shape and bounds, and the words
// that say what to write instead. Strict: an unknown key is refused where it stands (with the nearest
// known one when it looks like a typo). A condition takes one value, a list (any of them), or
// `not:` one or a list (none of them); a count takes a number or bounds (`more_than: 16`).
import { z } from 'zod';
import { POLICY_LIMITS, describeExpiry } from '../approvalPolicy.js';
import { CAPACITY_TYPES, PROVIDERS } from '../clusterImport.js';
import type { RequestKind } from '../requestKinds.js';
import { globProblem } from './glob.js';
import { DEFAULT_EXPIRY_SECONDS, type Approvals, type BoundOp, type Conditions, type Matcher, type NodeGroupConditions, type Outcome, type Range } from './policy.js';
import { AT_KEY } from './yamlPositions.js';

export const FILE_LIMITS = {
  rules: 200,
  nameLength: 80,
  messageLength: 300,
  /** Values one condition lists. */
  values: 50,
  /** The largest count a condition compares with (50 node groups × 1000 nodes × 16 GPUs is 800 000). */
  count: 1_000_000,
} as const;

/** The kinds as the file names them. */
const KINDS: Readonly<Record<string, RequestKind>> = { import: 'import_cluster', node_groups: 'add_node_groups' };

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as a message quotes it. */
function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'a value';
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The schema for the value's shape — a single value, a list or a mapping — with that schema's issues as
 * its own. (zod's unions report every branch's issues at once: "expected array, received string" beside
 * the one that matters.)
 */
function byShape<T>(shapes: { scalar?: z.ZodType<T>; list?: z.ZodType<T>; map?: z.ZodType<T> }, expected: string): z.ZodType<T> {
  return z.unknown().transform((value, ctx): T => {
    const absent = value === null || value === undefined;
    const schema = absent ? undefined : Array.isArray(value) ? shapes.list : isMapping(value) ? shapes.map : shapes.scalar;
    if (schema === undefined) {
      const what = value === undefined ? 'Missing' : value === null ? 'Nothing is given here' : `${capitalised(show(value))} is not accepted here`;
      ctx.addIssue({ code: 'custom', message: `${what}: ${expected}.` });
      return z.NEVER;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const params = issue.code === 'custom' ? (issue.params as Record<string, unknown> | undefined) : undefined;
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, ...(params === undefined ? {} : { params }) });
    }
    return z.NEVER;
  });
}

/** Edits between two short words (a typo's distance). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

export function unknownKeyMessage(key: string, known: readonly string[], what: string): string {
  const folded = key.toLowerCase().replace(/-/g, '_');
  const near = known.map((k) => ({ k, d: k === folded ? 0 : distance(folded, k) })).filter(({ d }) => d <= 2).sort((a, b) => a.d - b.d)[0];
  const guess = near === undefined ? '' : ` Did you mean "${near.k}"?`;
  return `"${key}" is not a key of ${what}: it takes ${known.join(', ')}.${guess}`;
}

/** A mapping of exactly these keys: each unknown one is its own problem, at the key. */
function mapping<S extends z.core.$ZodLooseShape>(shape: S, what: string) {
  const known = Object.keys(shape);
  return z
    .looseObject(shape, { error: (issue) => (issue.code === 'invalid_type' ? `${capitalised(what)} is a mapping (key: value lines) of ${known.join(', ')}.` : undefined) })
    .superRefine(
      (value, ctx) => {
        for (const key of Object.keys(value)) {
          if (!Object.hasOwn(shape, key)) ctx.addIssue({ code: 'custom', path: [key], message: unknownKeyMessage(key, known, what), params: AT_KEY });
        }
      },
      { when: (payload) => isMapping(payload.value) },
    );
}

/** One value or a non-empty list of them, as a list. */
function oneOrList<T>(item: z.ZodType<T>, noun: string): z.ZodType<T[]> {
  return byShape<T[]>(
    {
      scalar: item.transform((v) => [v]),
      list: z
        .array(item)
        .min(1, { error: `An empty list matches nothing: list at least one ${noun}, or leave the condition out.` })
        .max(FILE_LIMITS.values, { error: `List at most ${FILE_LIMITS.values} values.` }),
    },
    `give one ${noun} or a list of them`,
  );
}

/** `value`, `[values]`, `not: value` or `not: [values]`. */
function matcher<T extends string>(item: z.ZodType<T>, noun: string): z.ZodType<Matcher<T>> {
  const values = oneOrList(item, noun);
  const positive = values.transform((v): Matcher<T> => ({ values: v, negated: false }));
  return byShape<Matcher<T>>(
    {
      scalar: positive,
      list: positive,
      map: mapping({ not: values }, `a "not" condition`).transform((v): Matcher<T> => ({ values: v.not, negated: true })),
    },
    `give one ${noun}, a list of them, or "not:" one or a list`,
  );
}

function enumValue<T extends string>(values: readonly T[], noun: string): z.ZodType<T> {
  return z.string({ error: (issue) => `${capitalised(show(issue.input))} is not ${noun}: use ${values.join(', ')}.` }).refine((v): v is T => (values as readonly string[]).includes(v), {
    error: (issue) => {
      const input = typeof issue.input === 'string' ? issue.input : '';
      const folded = values.find((v) => v.toLowerCase() === input.toLowerCase().replace(/-/g, '_') || v.toLowerCase() === input.toLowerCase());
      return `"${input}" is not ${noun}: use ${values.join(', ')}.${folded === undefined ? '' : ` Did you mean ${folded}?`}`;
    },
  });
}

const glob = z.string({ error: (issue) => `${capitalised(show(issue.input))} is not a pattern: write text such as prod-*.` }).superRefine((pattern, ctx) => {
  const problem = globProblem(pattern);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** Slack IDs: stable where names change, and what the bot compares with; names are for comments. */
const SLACK_IDS = {
  workspace: { pattern: /^T[A-Z0-9]{2,}$/, noun: 'a workspace ID such as T0123ABCD', find: 'the T… in app.slack.com/client/T…' },
  channel: { pattern: /^[CGD][A-Z0-9]{2,}$/, noun: 'a channel ID such as C0123ABCD', find: 'in Slack: the channel’s details, at the bottom' },
  user: { pattern: /^[UW][A-Z0-9]{2,}$/, noun: 'a user ID such as U0123ABCD', find: 'in Slack: their profile → ⋯ → Copy member ID' },
  group: { pattern: /^S[A-Z0-9]{2,}$/, noun: 'a user group ID such as S0123ABCD', find: 'in Slack: the group’s page → ⋯ → Copy group ID' },
} as const;

function slackId(kind: keyof typeof SLACK_IDS): z.ZodType<string> {
  const { pattern, noun, find } = SLACK_IDS[kind];
  return z.string({ error: (issue) => `${capitalised(show(issue.input))} is not ${noun}.` }).refine((v) => pattern.test(v), {
    error: (issue) => {
      const input = typeof issue.input === 'string' ? issue.input : '';
      const named = /^[#@]/.test(input) || /[a-z]/.test(input);
      return named
        ? `"${input}" looks like a name: write ${noun} (${find}). IDs do not change when names do; keep the name in a comment.`
        : `"${input}" is not ${noun} (${find}).`;
    },
  });
}

const count = (what: string) =>
  z
    .int({ error: (issue) => `${capitalised(show(issue.input))} is not a whole number: ${what} is a count, e.g. 16.` })
    .min(0, { error: `A count cannot be negative.` })
    .max(FILE_LIMITS.count, { error: `Keep counts to ${FILE_LIMITS.count}.` });

/** The words of each bound, as the file writes them. */
const BOUND_KEYS: ReadonlyArray<Exclude<BoundOp, 'is'>> = ['at_least', 'at_most', 'more_than', 'less_than'];

/** The counts every bound allows: [lowest, highest]. */
export function boundsInterval(bounds: Range['bounds']): [number, number] {
  let low = 0;
  let high = Number.POSITIVE_INFINITY;
  for (const { op, n } of bounds) {
    if (op === 'is' || op === 'at_least') low = Math.max(low, n);
    if (op === 'more_than') low = Math.max(low, n + 1);
    if (op === 'is' || op === 'at_most') high = Math.min(high, n);
    if (op === 'less_than') high = Math.min(high, n - 1);
  }
  return [low, high];
}

function range(what: string): z.ZodType<Range> {
  const n = count(what);
  const bounds = mapping({ at_least: n.optional(), at_most: n.optional(), more_than: n.optional(), less_than: n.optional() }, `a count condition`)
    .superRefine(
      (value, ctx) => {
        const given = BOUND_KEYS.flatMap((op) => (typeof value[op] === 'number' ? [{ op, n: value[op] }] : []));
        if (given.length === 0 && BOUND_KEYS.every((op) => value[op] === undefined)) {
          ctx.addIssue({ code: 'custom', message: `Give a bound: at_least, at_most, more_than or less_than, e.g. { more_than: 16 }.` });
          return;
        }
        const [low, high] = boundsInterval(given);
        if (given.length === BOUND_KEYS.filter((op) => value[op] !== undefined).length && low > high) {
          ctx.addIssue({ code: 'custom', message: `No count is ${given.map((b) => `${b.op.replace('_', ' ')} ${b.n}`).join(' and ')}: this condition never holds.` });
        }
      },
      { when: (payload) => isMapping(payload.value) },
    )
    .transform((value): Range => ({ bounds: BOUND_KEYS.flatMap((op) => (value[op] === undefined ? [] : [{ op, n: value[op] }])) }));
  return byShape<Range>(
    { scalar: n.transform((v): Range => ({ bounds: [{ op: 'is', n: v }] })), map: bounds },
    `give a number, or bounds such as { more_than: 16 } or { at_least: 1, at_most: 8 }`,
  );
}

const DURATION_UNITS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86400 };

const duration = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number' ? `Write the unit too, e.g. ${issue.input}h (m for minutes, h for hours, d for days).` : `${capitalised(show(issue.input))} is not a duration: write one such as 30m, 24h or 7d.`,
  })
  .transform((text, ctx) => {
    const match = /^([1-9][0-9]{0,5})([mhd])$/.exec(text.trim());
    if (match === null) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration: write one such as 30m, 24h or 7d.` });
      return z.NEVER;
    }
    const seconds = Number(match[1]) * (DURATION_UNITS[match[2] ?? 'h'] ?? 3600);
    const { min, max } = POLICY_LIMITS.expirySeconds;
    if (seconds < min || seconds > max) {
      ctx.addIssue({ code: 'custom', message: `Requests wait between ${describeExpiry(min)} and ${describeExpiry(max)}: ${text} is outside that.` });
      return z.NEVER;
    }
    return seconds;
  });

const ruleName = z
  .string({ error: 'Give the rule a name (name: …): people see it as the rule that decided.' })
  .trim()
  .min(1, { error: 'Give the rule a name: people see it as the rule that decided.' })
  .max(FILE_LIMITS.nameLength, { error: `Keep a rule's name to ${FILE_LIMITS.nameLength} characters.` })
  .refine((name) => !/[\n\r]/.test(name), { error: 'A rule’s name is one line.' });

const denyMessage = z
  .string({ error: 'deny takes the message the person sees, e.g. deny: "GPU pools on spot are not allowed in production."' })
  .trim()
  .min(1, { error: 'Say why, in the words the person will read, e.g. deny: "GPU pools on spot are not allowed in production."' })
  .max(FILE_LIMITS.messageLength, { error: `Keep the message to ${FILE_LIMITS.messageLength} characters.` });

const allow = z.literal(true, { error: 'allow takes true only (allow: true); to refuse requests, write deny: "why".' });

const approvers = mapping(
  {
    users: oneOrList(slackId('user'), 'user ID').optional(),
    groups: oneOrList(slackId('group'), 'user group ID').optional(),
  },
  '"from"',
).superRefine(
  (value, ctx) => {
    if (value.users === undefined && value.groups === undefined) ctx.addIssue({ code: 'custom', message: 'Name who approves: users, groups, or both.' });
    for (const key of ['users', 'groups'] as const) {
      const list = value[key];
      if (!Array.isArray(list)) continue;
      list.forEach((id, i) => {
        if (list.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: [key, i], message: `${id} is listed twice.` });
      });
    }
    if (Array.isArray(value.users) && value.users.length > POLICY_LIMITS.approvers) ctx.addIssue({ code: 'custom', path: ['users'], message: `At most ${POLICY_LIMITS.approvers} people.` });
    if (Array.isArray(value.groups) && value.groups.length > POLICY_LIMITS.groups) ctx.addIssue({ code: 'custom', path: ['groups'], message: `At most ${POLICY_LIMITS.groups} user groups.` });
  },
  { when: (payload) => isMapping(payload.value) },
);

const { min: fewestApprovals, max: mostApprovals } = POLICY_LIMITS.approvalsNeeded;

const approvals = mapping(
  {
    approvals: z
      .int({ error: `Say how many approvals (approvals: 1 to ${mostApprovals}).` })
      .min(fewestApprovals, { error: `At least ${fewestApprovals} approval: to let requests through without one, write allow: true.` })
      .max(mostApprovals, { error: `At most ${mostApprovals} approvals.` }),
    from: approvers,
    expires_after: duration.optional(),
    approvals_channel: slackId('channel').optional(),
  },
  '"require"',
)
  .superRefine(
    (value, ctx) => {
      const users = isMapping(value.from) && Array.isArray(value.from.users) ? value.from.users : [];
      const groups = isMapping(value.from) && Array.isArray(value.from.groups) ? value.from.groups : [];
      if (typeof value.approvals === 'number' && groups.length === 0 && users.length > 0 && value.approvals > users.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['approvals'],
          message: `${value.approvals} approvals from ${users.length} ${users.length === 1 ? 'person' : 'people'} can never be reached (and a requester never approves their own request): name more people or a group.`,
        });
      }
    },
    { when: (payload) => isMapping(payload.value) },
  )
  .transform(
    (value): Approvals => ({
      kind: 'require',
      approvals: value.approvals,
      users: value.from.users ?? [],
      groups: value.from.groups ?? [],
      expirySeconds: value.expires_after ?? DEFAULT_EXPIRY_SECONDS,
      approvalsChannel: value.approvals_channel ?? null,
    }),
  );

const OUTCOME_KEYS = ['allow', 'require', 'deny'] as const;

/** Exactly one outcome among a mapping's keys: none is told at the mapping, a second at its key. */
function checkOneOutcome(value: Record<string, unknown>, ctx: z.RefinementCtx, what: string): void {
  const given = OUTCOME_KEYS.filter((k) => value[k] !== undefined);
  if (given.length === 0) {
    ctx.addIssue({ code: 'custom', message: `Say what happens to ${what}: allow: true, require: {approvals, from}, or deny: "why".` });
  }
  for (const extra of given.slice(1)) {
    ctx.addIssue({ code: 'custom', path: [extra], params: AT_KEY, message: `One outcome per rule: this one already says ${given[0] ?? ''}.` });
  }
}

function outcomeOf(value: { allow?: true | undefined; require?: Approvals | undefined; deny?: string | undefined }): Outcome {
  if (value.require !== undefined) return value.require;
  if (value.deny !== undefined) return { kind: 'deny', message: value.deny };
  return { kind: 'allow' };
}

const nodeGroupConditions = mapping(
  {
    accelerator: matcher(glob, 'accelerator type pattern').optional(),
    capacity_type: matcher(enumValue(CAPACITY_TYPES, 'a capacity type'), 'capacity type').optional(),
    gpus: range('GPUs').optional(),
  },
  '"any_node_group"',
)
  .superRefine((value, ctx) => {
    if (Object.keys(value).length === 0) ctx.addIssue({ code: 'custom', message: 'Give what one node group has: accelerator, capacity_type, gpus.' });
  })
  .transform(
    (value): NodeGroupConditions => ({
      ...(value.accelerator === undefined ? {} : { accelerator: value.accelerator }),
      ...(value.capacity_type === undefined ? {} : { capacityType: value.capacity_type }),
      ...(value.gpus === undefined ? {} : { gpus: value.gpus }),
    }),
  );

const kind = enumValue(Object.keys(KINDS), 'a request kind').transform((k) => KINDS[k] ?? 'import_cluster');

const conditions = mapping(
  {
    workspace: matcher(slackId('workspace'), 'workspace ID').optional(),
    kind: matcher(kind, 'request kind').optional(),
    channel: matcher(slackId('channel'), 'channel ID').optional(),
    requester_in_group: matcher(slackId('group'), 'user group ID').optional(),
    provider: matcher(enumValue(PROVIDERS, 'a provider'), 'provider').optional(),
    region: matcher(glob, 'region pattern').optional(),
    cluster: matcher(glob, 'cluster name or slug pattern').optional(),
    total_gpus: range('total GPUs').optional(),
    node_groups: range('the number of node groups').optional(),
    any_node_group: nodeGroupConditions.optional(),
  },
  '"when"',
)
  .superRefine((value, ctx) => {
    if (Object.keys(value).length === 0) ctx.addIssue({ code: 'custom', message: 'An empty "when" matches every request: leave "when" out for a rule that does.' });
  })
  .transform(
    (value): Conditions => ({
      ...(value.workspace === undefined ? {} : { workspace: value.workspace }),
      ...(value.kind === undefined ? {} : { kind: value.kind }),
      ...(value.channel === undefined ? {} : { channel: value.channel }),
      ...(value.requester_in_group === undefined ? {} : { requesterInGroup: value.requester_in_group }),
      ...(value.provider === undefined ? {} : { provider: value.provider }),
      ...(value.region === undefined ? {} : { region: value.region }),
      ...(value.cluster === undefined ? {} : { cluster: value.cluster }),
      ...(value.total_gpus === undefined ? {} : { totalGpus: value.total_gpus }),
      ...(value.node_groups === undefined ? {} : { nodeGroups: value.node_groups }),
      ...(value.any_node_group === undefined ? {} : { anyNodeGroup: value.any_node_group }),
    }),
  );

/** A rule as the file has it; its position is added by the reader. */
export interface RuleEntry {
  name: string;
  when: Conditions | null;
  outcome: Outcome;
}

const rule = mapping({ name: ruleName, when: conditions.optional(), allow: allow.optional(), require: approvals.optional(), deny: denyMessage.optional() }, 'a rule')
  .superRefine((value, ctx) => checkOneOutcome(value, ctx, 'the requests this rule matches'), { when: (payload) => isMapping(payload.value) })
  .transform((value): RuleEntry => ({ name: value.name, when: value.when ?? null, outcome: outcomeOf(value) }));

const fallback = mapping({ allow: allow.optional(), require: approvals.optional(), deny: denyMessage.optional() }, '"default"')
  .superRefine((value, ctx) => checkOneOutcome(value, ctx, 'requests no rule matches'), { when: (payload) => isMapping(payload.value) })
  .transform(outcomeOf);

export const policyFileSchema = mapping(
  {
    version: z.literal(1, { error: 'The file starts with version: 1 (the only version of this format so far).' }),
    rules: z
      .array(rule, { error: 'rules is a list of rules, each starting with "- name: …".' })
      .max(FILE_LIMITS.rules, { error: `At most ${FILE_LIMITS.rules} rules.` }),
    default: fallback.optional(),
  },
  'the policy file',
);

export type PolicyFile = z.infer<typeof policyFileSchema>;
