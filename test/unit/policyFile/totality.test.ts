// Property tests: evaluation is total — any valid policy (random, written out as YAML and read back) and
// any request get exactly one outcome, from the first rule whose conditions all hold or else the
// default, the same every time; `X` and `not: X` split every known fact between them; and reading any
// text never throws, every problem inside the file.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PROVIDERS, type Provider } from '../../../src/domain/clusterImport.js';
import { checkConditions, evaluate } from '../../../src/domain/policyFile/evaluate.js';
import type { NodeGroupFacts, RequestFacts } from '../../../src/domain/policyFile/facts.js';
import { readPolicy } from '../../../src/domain/policyFile/read.js';
import { boundsInterval } from '../../../src/domain/policyFile/schema.js';
import { ROOT } from '../../support/builtBot.js';
import { policyOf } from './support.js';

const WORKSPACES = ['T0TEAMONE1', 'T0TEAMTWO2'];
const CHANNELS = ['C0INFRAREQ', 'C0RANDOM01'];
const GROUPS = ['S0GPULEADS', 'S0PLATFORM'];
const REGIONS = ['us-east-1', 'us-west-2', 'europe-west1'];
const NAMES = ['prod-east', 'Payments prod', 'staging', 'ml-training'];
const ACCELERATORS = ['nvidia-a100', 'nvidia-h100', 'nvidia-l4'];

/** A condition's value as the file writes it: one, a list, or not: one or a list. */
function matcherOf<T>(value: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  const list = fc.uniqueArray(value, { minLength: 1, maxLength: 3 });
  return fc.oneof(value, list, value.map((v) => ({ not: v })), list.map((v) => ({ not: v })));
}

const BOUNDS = ['at_least', 'at_most', 'more_than', 'less_than'] as const;
const countCondition: fc.Arbitrary<unknown> = fc.oneof(
  fc.nat(40),
  fc
    .record({ at_least: fc.nat(40), at_most: fc.nat(40), more_than: fc.nat(40), less_than: fc.nat(40) }, { requiredKeys: [] })
    .filter((r) => {
      const bounds = BOUNDS.flatMap((op) => (r[op] === undefined ? [] : [{ op, n: r[op] }]));
      const [low, high] = boundsInterval(bounds);
      return bounds.length > 0 && low <= high;
    }),
);

const nonEmpty = (r: object) => Object.keys(r).length > 0;

const conditions = fc
  .record(
    {
      workspace: matcherOf(fc.constantFrom(...WORKSPACES)),
      kind: matcherOf(fc.constantFrom('import', 'node_groups')),
      channel: matcherOf(fc.constantFrom(...CHANNELS)),
      requester_in_group: matcherOf(fc.constantFrom(...GROUPS)),
      provider: matcherOf(fc.constantFrom(...PROVIDERS)),
      region: matcherOf(fc.constantFrom('us-*', 'eu*', 'us-east-?', '*')),
      cluster: matcherOf(fc.constantFrom('prod-*', '*-prod', '*prod*', 'staging')),
      total_gpus: countCondition,
      node_groups: countCondition,
      any_node_group: fc
        .record(
          { accelerator: matcherOf(fc.constantFrom('nvidia-*', 'nvidia-h100', '*')), capacity_type: matcherOf(fc.constantFrom('ON_DEMAND', 'SPOT')), gpus: countCondition },
          { requiredKeys: [] },
        )
        .filter(nonEmpty),
    },
    { requiredKeys: [] },
  )
  .filter(nonEmpty);

const outcome = fc.oneof(
  fc.constant({ allow: true }),
  fc.constant({ deny: 'Not here.' }),
  fc.record({
    require: fc.record({ approvals: fc.integer({ min: 1, max: 3 }), from: fc.constant({ groups: ['S0GPULEADS'] }), expires_after: fc.constantFrom('30m', '24h', '7d') }, { requiredKeys: ['approvals', 'from'] }),
  }),
);

/** A valid policy file's data: rules with conditions, maybe a catch-all last, a default unless there is one. */
const policyData = fc
  .tuple(fc.array(fc.tuple(conditions, outcome), { maxLength: 8 }), fc.option(outcome, { nil: undefined }), fc.option(outcome, { nil: undefined }))
  .map(([rules, catchAll, fallback]) => ({
    version: 1,
    rules: [
      ...rules.map(([when, then], i) => ({ name: `rule ${i + 1}`, when, ...then })),
      ...(catchAll === undefined ? [] : [{ name: 'everything else', ...catchAll }]),
    ],
    ...(catchAll === undefined && fallback !== undefined ? { default: fallback } : {}),
  }));

const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });

const nodeGroup: fc.Arbitrary<NodeGroupFacts> = fc
  .record({
    accelerator: fc.option(fc.constantFrom(...ACCELERATORS), { nil: null }),
    gpusPerNode: fc.integer({ min: 1, max: 16 }),
    capacityType: maybe(fc.constantFrom('ON_DEMAND' as const, 'SPOT' as const)),
    maxNodes: maybe(fc.nat(20)),
  })
  .map((g): NodeGroupFacts => {
    const perNode = g.accelerator === null ? 0 : g.gpusPerNode;
    const gpus = perNode === 0 ? 0 : g.maxNodes === undefined ? Number.POSITIVE_INFINITY : g.maxNodes * perNode;
    return { name: 'g', accelerator: g.accelerator, gpusPerNode: perNode, capacityType: g.capacityType, maxNodes: g.maxNodes, gpus };
  });

/** Any request's facts: every fact known, absent or unknown; groups resolved or not. */
const requestFacts: fc.Arbitrary<RequestFacts> = fc.record({
  workspace: fc.constantFrom(...WORKSPACES),
  kind: fc.constantFrom('import_cluster' as const, 'add_node_groups' as const),
  channel: fc.option(fc.constantFrom(...CHANNELS), { nil: null }),
  requester: fc.constant('U0BOB00002'),
  requesterGroups: fc.dictionary(fc.constantFrom(...GROUPS), fc.boolean()).map((d) => new Map(Object.entries(d))),
  provider: maybe(fc.constantFrom<Provider>(...PROVIDERS)),
  region: fc.oneof(fc.constant(undefined), fc.constant(null), fc.constantFrom(...REGIONS)),
  clusterName: maybe(fc.constantFrom(...NAMES)),
  clusterSlug: maybe(fc.constantFrom('prod-east', 'payments-prod', 'staging')),
  nodeGroups: fc.array(nodeGroup, { maxLength: 4 }).map((gs) => gs.map((g, i) => ({ ...g, name: `group-${i}` }))),
});

/** Written out without anchors and aliases (the file refuses them; shared objects would otherwise be aliased). */
const yamlOf = (data: unknown) => stringify(data, { aliasDuplicateObjects: false });

test('every valid policy, written as YAML, reads back', () => {
  fc.assert(
    fc.property(policyData, (data) => {
      const read = readPolicy(yamlOf(data));
      if (!read.ok) throw new Error(`${yamlOf(data)}\n${JSON.stringify(read.problems)}`);
      expect(read.policy.rules).toHaveLength(data.rules.length);
    }),
    { numRuns: 300 },
  );
});

test('evaluation is total: exactly one outcome, from the first rule whose conditions all hold, else the default; the same every time', () => {
  fc.assert(
    fc.property(policyData, fc.array(requestFacts, { minLength: 1, maxLength: 5 }), (data, requests) => {
      const policy = policyOf(yamlOf(data));
      for (const facts of requests) {
        const evaluation = evaluate(policy, facts);
        expect(['allow', 'require', 'deny']).toContain(evaluation.outcome.kind);
        expect(evaluation.why.length).toBeGreaterThan(0);
        // The oracle: each rule's conditions, checked one by one.
        const first = policy.rules.find((rule) => rule.when === null || checkConditions(rule.when, facts).every((c) => c.holds === true));
        if (first === undefined) {
          expect(evaluation.rule).toEqual({ kind: 'default', line: policy.fallback.line });
          expect(evaluation.outcome).toBe(policy.fallback.outcome);
        } else {
          expect(evaluation.rule).toEqual({ kind: 'rule', index: first.index, name: first.name, line: first.line });
          expect(evaluation.outcome).toBe(first.outcome);
        }
        expect(evaluate(policy, facts)).toEqual(evaluation);
      }
    }),
    { numRuns: 300 },
  );
});

test('X and not: X split every known fact between them; neither holds when it is unknown', () => {
  const condition = fc.oneof(
    fc.constantFrom(...PROVIDERS).map((p) => ['provider', p] as const),
    fc.constantFrom('us-*', 'europe-*').map((r) => ['region', r] as const),
    fc.constantFrom(...CHANNELS).map((c) => ['channel', c] as const),
    fc.constantFrom(...GROUPS).map((g) => ['requester_in_group', g] as const),
    fc.constantFrom('prod-*', 'staging').map((c) => ['cluster', c] as const),
  );
  fc.assert(
    fc.property(condition, requestFacts, ([key, value], facts) => {
      const policy = policyOf(`version: 1
rules:
  - name: is
    when: { ${key}: "${value}" }
    allow: true
  - name: is not
    when: { ${key}: { not: "${value}" } }
    allow: true
`);
      const [is, isNot] = policy.rules.map((r) => (r.when === null ? undefined : checkConditions(r.when, facts)[0]?.holds));
      if (is === undefined) expect(isNot).toBeUndefined();
      else expect(isNot).toBe(!is);
    }),
    { numRuns: 1000 },
  );
});

describe('reading never throws, and every problem is inside the file', () => {
  const example = readFileSync(join(ROOT, 'test/fixtures/policy/example.yaml'), 'utf8');

  function checkProblems(text: string): void {
    const read = readPolicy(text);
    if (read.ok) return;
    expect(read.problems.length).toBeGreaterThan(0);
    const lines = text.split(/\r\n|\r|\n/).length;
    for (const p of read.problems) {
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.line).toBeLessThanOrEqual(lines);
      expect(p.column).toBeGreaterThanOrEqual(1);
      expect(p.message.length).toBeGreaterThan(0);
    }
  }

  test('any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), checkProblems), { numRuns: 500 });
  });

  test('the example with a slice cut out or characters put in', () => {
    const edit = fc.tuple(fc.nat(example.length), fc.nat(40), fc.string({ unit: fc.constantFrom(' ', '\n', ':', '-', '#', '{', '[', '*', 'x', '"', '1'), maxLength: 6 }));
    fc.assert(
      fc.property(edit, ([at, cut, put]) => checkProblems(example.slice(0, at) + put + example.slice(at + cut))),
      { numRuns: 1000 },
    );
  });
});
