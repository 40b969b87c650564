// Matching: each condition (true, false, or not known), conditions together, first match wins, the
// default (the file's and the built-in one), and the groups a caller resolves.
import { importFacts, membership, nodeGroupFacts, nodeGroupsFacts, totalGpus, type RequestFacts } from '../../../src/domain/policyFile/facts.js';
import { checkConditions, evaluate, explain, groupsToResolve, type Truth } from '../../../src/domain/policyFile/evaluate.js';
import { BUILT_IN_DEFAULT } from '../../../src/domain/policyFile/policy.js';
import { facts, group, policyOf } from './support.js';

/** The one condition of a one-rule policy, against `f`: true, false, or undefined (not known). */
function truthOf(condition: string, f: RequestFacts): Truth {
  const policy = policyOf(`version: 1\nrules:\n  - name: r\n    when:\n      ${condition}\n    allow: true\n`);
  const when = policy.rules[0]?.when;
  if (!when) throw new Error('no conditions');
  const checks = checkConditions(when, f);
  expect(checks).toHaveLength(1);
  // The rule matches exactly when the condition holds; otherwise the (built-in) default decides.
  expect(evaluate(policy, f).rule.kind).toBe(checks[0]?.holds === true ? 'rule' : 'default');
  return checks[0]?.holds;
}

const groups = (entries: Record<string, boolean>) => new Map(Object.entries(entries));
const gpuGroup = (max: number | undefined, perNode = 8, accelerator = 'nvidia-a100') => group('gpu', { accelerator, perNode, ...(max === undefined ? {} : { max }), capacity: 'ON_DEMAND' });

describe('each condition', () => {
  test.each<[string, string, Partial<RequestFacts>, Truth]>([
    // workspace: exact team ids
    ['workspace: same', 'workspace: T0TEAMONE1', {}, true],
    ['workspace: another', 'workspace: T0TEAMTWO2', {}, false],
    ['workspace: one of a list', 'workspace: [T0TEAMTWO2, T0TEAMONE1]', {}, true],
    ['workspace: not', 'workspace: { not: T0TEAMTWO2 }', {}, true],
    ['workspace: not, listed', 'workspace: { not: [T0TEAMONE1] }', {}, false],
    // kind
    ['kind: import', 'kind: import', {}, true],
    ['kind: import, a node-groups request', 'kind: import', { kind: 'add_node_groups' }, false],
    ['kind: both', 'kind: [import, node_groups]', { kind: 'add_node_groups' }, true],
    ['kind: not node groups', 'kind: { not: node_groups }', {}, true],
    // channel: null is "no channel", a known value
    ['channel: same', 'channel: C0INFRAREQ', {}, true],
    ['channel: another', 'channel: C0INFRAREQ', { channel: 'C0RANDOM01' }, false],
    ['channel: none', 'channel: C0INFRAREQ', { channel: null }, false],
    ['channel: not, another', 'channel: { not: C0INFRAREQ }', { channel: 'C0RANDOM01' }, true],
    ['channel: not, none (App Home)', 'channel: { not: C0INFRAREQ }', { channel: null }, true],
    ['channel: not, that one', 'channel: { not: C0INFRAREQ }', {}, false],
    // requester_in_group: resolved true/false, or not resolved (unknown)
    ['group: member', 'requester_in_group: S0GPULEADS', { requesterGroups: groups({ S0GPULEADS: true }) }, true],
    ['group: not a member', 'requester_in_group: S0GPULEADS', { requesterGroups: groups({ S0GPULEADS: false }) }, false],
    ['group: not resolved', 'requester_in_group: S0GPULEADS', {}, undefined],
    ['groups: member of the second', 'requester_in_group: [S0AAAAAAA, S0BBBBBBB]', { requesterGroups: groups({ S0AAAAAAA: false, S0BBBBBBB: true }) }, true],
    ['groups: one unknown, member of the other', 'requester_in_group: [S0AAAAAAA, S0BBBBBBB]', { requesterGroups: groups({ S0BBBBBBB: true }) }, true],
    ['groups: one unknown, not in the other', 'requester_in_group: [S0AAAAAAA, S0BBBBBBB]', { requesterGroups: groups({ S0BBBBBBB: false }) }, undefined],
    ['group: not, not a member', 'requester_in_group: { not: S0GPULEADS }', { requesterGroups: groups({ S0GPULEADS: false }) }, true],
    ['group: not, a member', 'requester_in_group: { not: S0GPULEADS }', { requesterGroups: groups({ S0GPULEADS: true }) }, false],
    ['group: not, not resolved', 'requester_in_group: { not: S0GPULEADS }', {}, undefined],
    // provider: unknown for a cluster imported elsewhere
    ['provider: same', 'provider: aws', {}, true],
    ['provider: another', 'provider: aws', { provider: 'gcp' }, false],
    ['provider: not known', 'provider: aws', { provider: undefined }, undefined],
    ['provider: not, another', 'provider: { not: [aws, gcp] }', { provider: 'oci' }, true],
    ['provider: not, not known', 'provider: { not: aws }', { provider: undefined }, undefined],
    // region: globs; null is "no region"
    ['region: glob', 'region: us-*', {}, true],
    ['region: glob, another', 'region: us-*', { region: 'europe-west1' }, false],
    ['region: none', 'region: us-*', { region: null }, false],
    ['region: not known', 'region: us-*', { region: undefined }, undefined],
    ['region: not, none', 'region: { not: us-* }', { region: null }, true],
    ['region: ? is one character', 'region: us-east-?', {}, true],
    ['region: ? is exactly one', 'region: us-east-?', { region: 'us-east-12' }, false],
    // cluster: name or slug, ignoring case
    ['cluster: slug matches', 'cluster: prod-*', { clusterName: 'Prod east', clusterSlug: 'prod-east' }, true],
    ['cluster: name matches, any case', 'cluster: prod-*', { clusterName: 'PROD-East', clusterSlug: 'east' }, true],
    ['cluster: neither', 'cluster: prod-*', {}, false],
    ['cluster: suffix', 'cluster: "*-prod"', { clusterName: 'Payments prod', clusterSlug: 'payments-prod' }, true],
    ['cluster: a list', 'cluster: [prod-*, "*-prod"]', { clusterName: 'x', clusterSlug: 'eu-prod' }, true],
    ['cluster: not known', 'cluster: prod-*', { clusterName: undefined, clusterSlug: undefined }, undefined],
    ['cluster: name known only, matching', 'cluster: prod-*', { clusterName: 'prod-1', clusterSlug: undefined }, true],
    ['cluster: name known only, not matching (the slug might)', 'cluster: prod-*', { clusterName: 'Payments', clusterSlug: undefined }, undefined],
    ['cluster: not, neither matches', 'cluster: { not: prod-* }', {}, true],
    ['cluster: not, slug matches', 'cluster: { not: prod-* }', { clusterName: 'Main', clusterSlug: 'prod-main' }, false],
    ['cluster: not, name known only', 'cluster: { not: prod-* }', { clusterName: 'Main', clusterSlug: undefined }, undefined],
    // total_gpus: Σ max_node_count × accelerator_count; unbounded without max_node_count
    ['total GPUs: 0, a CPU pool', 'total_gpus: 0', {}, true],
    ['total GPUs: 0, a GPU pool', 'total_gpus: 0', { nodeGroups: [gpuGroup(1, 1)] }, false],
    ['total GPUs: more than 16, 32', 'total_gpus: { more_than: 16 }', { nodeGroups: [gpuGroup(4)] }, true],
    ['total GPUs: more than 16, 16', 'total_gpus: { more_than: 16 }', { nodeGroups: [gpuGroup(2)] }, false],
    ['total GPUs: at least 16, 16', 'total_gpus: { at_least: 16 }', { nodeGroups: [gpuGroup(2)] }, true],
    ['total GPUs: less than 8, 8', 'total_gpus: { less_than: 8 }', { nodeGroups: [gpuGroup(1)] }, false],
    ['total GPUs: at most 8, 8', 'total_gpus: { at_most: 8 }', { nodeGroups: [gpuGroup(1)] }, true],
    ['total GPUs: a range, inside', 'total_gpus: { more_than: 8, at_most: 16 }', { nodeGroups: [gpuGroup(2)] }, true],
    ['total GPUs: a range, above', 'total_gpus: { more_than: 8, at_most: 16 }', { nodeGroups: [gpuGroup(3)] }, false],
    ['total GPUs: summed over groups', 'total_gpus: 32', { nodeGroups: [gpuGroup(1, 8), group('t4', { accelerator: 'nvidia-tesla-t4', perNode: 4, max: 6 }), group('cpu', { max: 9 })] }, true],
    ['total GPUs: unbounded is more than any number', 'total_gpus: { more_than: 100000 }', { nodeGroups: [gpuGroup(undefined)] }, true],
    ['total GPUs: unbounded is not at most any number', 'total_gpus: { at_most: 1000000 }', { nodeGroups: [gpuGroup(undefined)] }, false],
    // node_groups: how many
    ['node groups: more than 2, 3', 'node_groups: { more_than: 2 }', { nodeGroups: [group('a'), group('b'), group('c')] }, true],
    ['node groups: more than 2, 2', 'node_groups: { more_than: 2 }', { nodeGroups: [group('a'), group('b')] }, false],
    ['node groups: exactly 1', 'node_groups: 1', {}, true],
    // any_node_group: one group meets all of its conditions
    ['accelerator: exact', 'any_node_group: { accelerator: nvidia-h100 }', { nodeGroups: [group('cpu'), gpuGroup(1, 8, 'nvidia-h100')] }, true],
    ['accelerator: another', 'any_node_group: { accelerator: nvidia-h100 }', { nodeGroups: [gpuGroup(1)] }, false],
    ['accelerator: none in a CPU pool', 'any_node_group: { accelerator: "*" }', {}, false],
    ['accelerator: glob', 'any_node_group: { accelerator: "nvidia-a*" }', { nodeGroups: [gpuGroup(1, 8, 'nvidia-a10g')] }, true],
    ['accelerator: not, a CPU pool has none', 'any_node_group: { accelerator: { not: nvidia-h100 } }', {}, true],
    ['spot GPUs: a spot CPU pool beside on-demand GPUs', 'any_node_group: { accelerator: "*", capacity_type: SPOT }', { nodeGroups: [group('cpu', { capacity: 'SPOT', max: 2 }), gpuGroup(1)] }, false],
    ['spot GPUs: a spot GPU pool', 'any_node_group: { accelerator: "*", capacity_type: SPOT }', { nodeGroups: [group('gpu', { accelerator: 'nvidia-l4', max: 2, capacity: 'SPOT' })] }, true],
    ['spot GPUs: a GPU pool that gives no capacity type', 'any_node_group: { accelerator: "*", capacity_type: SPOT }', { nodeGroups: [group('gpu', { accelerator: 'nvidia-l4', max: 2 })] }, undefined],
    ['spot GPUs: unknown beside a match', 'any_node_group: { accelerator: "*", capacity_type: SPOT }', { nodeGroups: [group('a', { accelerator: 'nvidia-l4', max: 2 }), group('b', { accelerator: 'nvidia-l4', max: 1, capacity: 'SPOT' })] }, true],
    ['capacity type: not spot', 'any_node_group: { capacity_type: { not: SPOT } }', {}, true],
    ['one group’s GPUs', 'any_node_group: { gpus: { more_than: 8 } }', { nodeGroups: [gpuGroup(1), gpuGroup(2)] }, true],
    ['one group’s GPUs, not summed', 'any_node_group: { gpus: { more_than: 8 } }', { nodeGroups: [gpuGroup(1), gpuGroup(1)] }, false],
  ])('%s', (_name, condition, over, expected) => {
    expect(truthOf(condition, facts(over))).toBe(expected);
  });
});

describe('conditions together', () => {
  const policy = policyOf(`version: 1
rules:
  - name: big aws imports
    when:
      kind: import
      provider: aws
      total_gpus: { more_than: 16 }
    deny: no
default:
  allow: true
`);
  const big = [gpuGroup(4)];

  test.each<[string, Partial<RequestFacts>, string]>([
    ['all hold', { nodeGroups: big }, 'rule'],
    ['kind fails', { nodeGroups: big, kind: 'add_node_groups' }, 'default'],
    ['provider fails', { nodeGroups: big, provider: 'gcp' }, 'default'],
    ['provider unknown', { nodeGroups: big, provider: undefined }, 'default'],
    ['GPUs fail', {}, 'default'],
  ])('%s → %s', (_name, over, decider) => {
    expect(evaluate(policy, facts(over)).rule.kind).toBe(decider);
  });

  test('the why of a match lists every condition as it held', () => {
    expect(evaluate(policy, facts({ nodeGroups: big })).why).toEqual(['kind is import', 'provider is aws', 'total GPUs at maximum scale is 32, more than 16']);
  });
});

describe('first match wins', () => {
  const policy = policyOf(`version: 1
rules:
  - name: more than 16 GPUs
    when: { total_gpus: { more_than: 16 } }
    require: { approvals: 2, from: { groups: S0GPULEADS } }
  - name: aws needs platform
    when: { provider: aws }
    require: { approvals: 1, from: { groups: S0PLATFORM } }
  - name: everything else
    allow: true
`);

  test.each<[string, Partial<RequestFacts>, string]>([
    ['both of the first two match: the first decides', { nodeGroups: [gpuGroup(4)] }, 'more than 16 GPUs'],
    ['the second only', {}, 'aws needs platform'],
    ['neither: the catch-all', { provider: 'gcp' }, 'everything else'],
    ['an unknown fact falls through to the next rule', { provider: undefined }, 'everything else'],
  ])('%s', (_name, over, name) => {
    const { rule } = evaluate(policy, facts(over));
    expect(rule.kind === 'rule' ? rule.name : 'default').toBe(name);
  });

  test('explain lists the rules tried before, each with the condition that did not hold', () => {
    const { evaluation, skipped } = explain(policy, facts({ provider: 'gcp' }));
    expect(evaluation.rule).toEqual({ kind: 'rule', index: 2, name: 'everything else', line: 9 });
    expect(evaluation.why).toEqual(['the rule has no conditions: it matches every request']);
    expect(skipped.map((s) => [s.rule.name, s.because])).toEqual([
      ['more than 16 GPUs', 'total GPUs at maximum scale is 0, not more than 16'],
      ['aws needs platform', 'provider is gcp, not aws'],
    ]);
  });
});

describe('defaults', () => {
  const rules = `rules:
  - name: no spot
    when: { any_node_group: { capacity_type: SPOT } }
    deny: Spot capacity is not allowed.
`;

  test("the file's default decides when no rule matches, with its line", () => {
    const policy = policyOf(`version: 1\n${rules}default:\n  require: { approvals: 1, from: { users: [U0ALICE001, U0CAROL003] }, expires_after: 12h }\n`);
    const evaluation = evaluate(policy, facts());
    expect(evaluation).toEqual({
      rule: { kind: 'default', line: 6 },
      outcome: { kind: 'require', approvals: 1, users: ['U0ALICE001', 'U0CAROL003'], groups: [], expirySeconds: 12 * 3600, approvalsChannel: null },
      why: ['no rule matched'],
    });
  });

  test('without one, the built-in default refuses, and says so', () => {
    const policy = policyOf(`version: 1\n${rules}`);
    expect(policy.fallback).toEqual({ outcome: BUILT_IN_DEFAULT, line: null });
    expect(evaluate(policy, facts())).toEqual({
      rule: { kind: 'default', line: null },
      outcome: BUILT_IN_DEFAULT,
      why: ['no rule matched', 'the file sets no default: such requests are refused'],
    });
  });

  test('no rules at all: the default decides everything', () => {
    const policy = policyOf('version: 1\nrules: []\ndefault:\n  allow: true\n');
    expect(evaluate(policy, facts())).toEqual({ rule: { kind: 'default', line: 3 }, outcome: { kind: 'allow' }, why: ['the policy has no rules'] });
  });
});

describe('groupsToResolve: only the groups the rules ask about', () => {
  const policy = policyOf(`version: 1
rules:
  - name: leads
    when: { requester_in_group: [S0LEADS01, S0PLATFORM] }
    allow: true
  - name: other workspace
    when: { workspace: T0TEAMTWO2, requester_in_group: { not: S0OTHER01 } }
    allow: true
  - name: approvers are not asked about
    when: { kind: import }
    require: { approvals: 1, from: { groups: S0APPROVE1 } }
  - name: leads again
    when: { requester_in_group: S0PLATFORM }
    allow: true
`);

  test('every group in a requester_in_group condition, once, sorted; approver groups are not among them', () => {
    expect(groupsToResolve(policy)).toEqual(['S0LEADS01', 'S0OTHER01', 'S0PLATFORM']);
  });

  test("a workspace's rules only: a rule for another workspace asks nothing of this one", () => {
    expect(groupsToResolve(policy, 'T0TEAMONE1')).toEqual(['S0LEADS01', 'S0PLATFORM']);
    expect(groupsToResolve(policy, 'T0TEAMTWO2')).toEqual(['S0LEADS01', 'S0OTHER01', 'S0PLATFORM']);
  });
});

describe('facts from request bodies', () => {
  const origin = { workspace: 'T0TEAMONE1', channel: 'C0INFRAREQ', requester: 'U0BOB00002', requesterGroups: membership(['S0A', 'S0B'], ['S0B', 'S0C']) };

  test('membership: the groups resolved, each true or false; others unknown', () => {
    expect([...origin.requesterGroups]).toEqual([
      ['S0A', false],
      ['S0B', true],
    ]);
  });

  test("an import: its provider, region, name, slug, and node groups with the cluster's default node config under each", () => {
    const f = importFacts(
      {
        name: 'ML',
        slug: 'ml',
        cluster_hosted_on: 'oci',
        region: null,
        node_config: { accelerator_type: 'nvidia-a100', accelerator_count: 8, capacity_type: 'SPOT' },
        nodegroup_labels: [
          { name: 'inherits', is_auxilliary: false, node_config: { max_node_count: 2 } },
          { name: 'own', is_auxilliary: false, node_config: { accelerator_type: 'nvidia-h100', accelerator_count: 4, max_node_count: 3, capacity_type: 'ON_DEMAND' } },
          { name: 'no config', is_auxilliary: true },
        ],
      },
      origin,
    );
    expect(f).toMatchObject({ kind: 'import_cluster', provider: 'oci', region: null, clusterName: 'ML', clusterSlug: 'ml' });
    expect(f.nodeGroups).toEqual([
      { name: 'inherits', accelerator: 'nvidia-a100', gpusPerNode: 8, capacityType: 'SPOT', maxNodes: 2, gpus: 16 },
      { name: 'own', accelerator: 'nvidia-h100', gpusPerNode: 4, capacityType: 'ON_DEMAND', maxNodes: 3, gpus: 12 },
      { name: 'no config', accelerator: 'nvidia-a100', gpusPerNode: 8, capacityType: 'SPOT', maxNodes: undefined, gpus: Number.POSITIVE_INFINITY },
    ]);
    expect(totalGpus(f)).toBe(Number.POSITIVE_INFINITY);
  });

  test('node groups: what is known of the cluster, the rest unknown', () => {
    const body = { nodegroup_labels: [{ name: 'cpu', is_auxilliary: false, node_config: { max_node_count: 5 } }] };
    expect(nodeGroupsFacts(body, { name: 'Prod', provider: 'aws' }, origin)).toMatchObject({
      kind: 'add_node_groups',
      clusterName: 'Prod',
      clusterSlug: undefined,
      provider: 'aws',
      region: undefined,
    });
    expect(nodeGroupsFacts(body, null, origin)).toMatchObject({ clusterName: undefined, provider: undefined, region: undefined });
  });

  test('a GPU group counts max × per node; a CPU group counts 0 whatever its size', () => {
    expect(nodeGroupFacts({ name: 'g', is_auxilliary: false, node_config: { accelerator_type: 'nvidia-l4', accelerator_count: 2, max_node_count: 7 } }).gpus).toBe(14);
    expect(nodeGroupFacts({ name: 'c', is_auxilliary: false, node_config: { max_node_count: 1000 } }).gpus).toBe(0);
    expect(nodeGroupFacts({ name: 'c', is_auxilliary: false }).gpus).toBe(0);
  });
});
