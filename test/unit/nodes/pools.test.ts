// Grouping: the Simplismart label first, then the platform's pool, then alike nodes; and the
// invariants over any cluster — every eligible node in exactly one group, desired counts summing to the
// eligible nodes, names valid and unique, at most one auxiliary group.
import fc from 'fast-check';
import { addNodeGroupsBodySchema, nodeGroupSchema } from '../../../src/domain/clusterImport.js';
import { nodeFromObject, readNode } from '../../../src/domain/nodes/nodes.js';
import { groupNodes, summarise } from '../../../src/domain/nodes/pools.js';
import { proposeNodeGroups, type NodeProposal } from '../../../src/domain/nodes/proposal.js';
import { aNode, dump, type NodeSpec } from './builders.js';

function readings(specs: NodeSpec[]) {
  return specs.map((s) => {
    const read = nodeFromObject(aNode(s), 'kubectl-json');
    if (!read.ok) throw new Error(read.reason);
    return readNode(read.node);
  });
}

const keysOf = (specs: NodeSpec[]) => groupNodes(readings(specs)).pools.map((p) => [p.key, p.nodes.map((n) => n.facts.name)]);

describe('grouping', () => {
  test('by the Simplismart label first, whatever the platform pool', () => {
    expect(
      keysOf([
        { name: 'a', labels: { 'simplismart.ai/node-pool-name': 'gpu', 'eks.amazonaws.com/nodegroup': 'ng1' } },
        { name: 'b', labels: { 'simplismart.ai/node-pool-name': 'gpu', 'eks.amazonaws.com/nodegroup': 'ng2' } },
      ]),
    ).toEqual([['s:gpu', ['a', 'b']]]);
  });

  test('an unlabelled node joins the group its pool’s labelled nodes agree on (the autoscaler added it)', () => {
    expect(
      keysOf([
        { name: 'a', labels: { 'simplismart.ai/node-pool-name': 'gpu', 'cloud.google.com/gke-nodepool': 'p' } },
        { name: 'b', labels: { 'cloud.google.com/gke-nodepool': 'p' } },
      ]),
    ).toEqual([['s:gpu', ['a', 'b']]]);
  });

  test('a pool labelled for two groups: its unlabelled nodes form their own, and the conflict is said', () => {
    const read = readings([
      { name: 'a', labels: { 'simplismart.ai/node-pool-name': 'x', 'cloud.google.com/gke-nodepool': 'p' } },
      { name: 'b', labels: { 'simplismart.ai/node-pool-name': 'y', 'cloud.google.com/gke-nodepool': 'p' } },
      { name: 'c', labels: { 'cloud.google.com/gke-nodepool': 'p' } },
    ]);
    const { pools, conflicts } = groupNodes(read);
    expect(pools.map((p) => p.key)).toEqual(['s:x', 's:y', 'p:cloud.google.com/gke-nodepool=p']);
    expect(conflicts).toHaveLength(1);
    expect([...(conflicts[0]?.names.keys() ?? [])]).toEqual(['x', 'y']);
  });

  test('then by the platform’s own pool', () => {
    expect(
      keysOf([
        { name: 'a', labels: { 'karpenter.sh/nodepool': 'default', 'node.kubernetes.io/instance-type': 'm5.large' } },
        { name: 'b', labels: { 'karpenter.sh/nodepool': 'default', 'node.kubernetes.io/instance-type': 'c5.large' } },
        { name: 'c', labels: { 'kubernetes.azure.com/agentpool': 'sys' } },
      ]),
    ).toEqual([
      ['p:karpenter.sh/nodepool=default', ['a', 'b']],
      ['p:kubernetes.azure.com/agentpool=sys', ['c']],
    ]);
  });

  test('then alike nodes: machine type, GPU model and capacity type', () => {
    const gpu = { 'nvidia.com/gpu.product': 'NVIDIA-L4', 'nvidia.com/gpu.count': '1' };
    expect(
      keysOf([
        { name: 'a', labels: { 'node.kubernetes.io/instance-type': 'g6.xlarge', ...gpu } },
        { name: 'b', labels: { 'node.kubernetes.io/instance-type': 'g6.xlarge', ...gpu } },
        { name: 'c', labels: { 'node.kubernetes.io/instance-type': 'g6.xlarge', ...gpu, 'node.kubernetes.io/lifecycle': 'spot' } },
        // No GPU label and no GPU resource yet: its family (g6) still says L4.
        { name: 'd', labels: { 'node.kubernetes.io/instance-type': 'g6.xlarge' } },
        { name: 'e' },
      ]),
    ).toEqual([
      ['a:g6.xlarge|nvidia-l4|ON_DEMAND', ['a', 'b', 'd']],
      ['a:g6.xlarge|nvidia-l4|SPOT', ['c']],
      ['a:?|cpu|ON_DEMAND', ['e']],
    ]);
  });

  test('a summary follows most of the nodes, and sizes come from those', () => {
    const summary = summarise(
      readings([
        { name: 'a', cpu: '4', labels: { 'node.kubernetes.io/instance-type': 'm5.xlarge' } },
        { name: 'b', cpu: '4', labels: { 'node.kubernetes.io/instance-type': 'm5.xlarge' } },
        { name: 'c', cpu: '8', labels: { 'node.kubernetes.io/instance-type': 'c5.2xlarge' } },
      ]),
    );
    expect(summary).toMatchObject({ machineType: 'm5.xlarge', vcpu: 4, capacityType: 'ON_DEMAND' });
    expect([...summary.machineTypes.keys()]).toEqual(['m5.xlarge', 'c5.2xlarge']);
    expect(summary.representative.map((n) => n.facts.name)).toEqual(['a', 'b']);
  });
});

// ---------------------------------------------------------------- invariants over any cluster

const nodeSpec = fc.record({
  simplismart: fc.constantFrom(undefined, 'alpha', 'beta', 'gpu-a10g'),
  pool: fc.constantFrom(undefined, ['karpenter.sh/nodepool', 'default'], ['karpenter.sh/nodepool', 'gpu'], ['eks.amazonaws.com/nodegroup', 'ng-1'], ['cloud.google.com/gke-nodepool', 'pool-a'], ['kubernetes.azure.com/agentpool', 'sys']),
  instanceType: fc.constantFrom(undefined, 'm5.xlarge', 'g5.2xlarge', 'c5.large'),
  product: fc.constantFrom(undefined, 'NVIDIA-A10G', 'NVIDIA-L4', 'NVIDIA-L40S', 'Tesla-T4-SHARED'),
  spot: fc.boolean(),
  ready: fc.constantFrom(true, true, true, false),
  cordoned: fc.constantFrom(false, false, false, true),
  controlPlane: fc.constantFrom(false, false, false, false, true),
  systemMode: fc.boolean(),
});
type Spec = typeof nodeSpec extends fc.Arbitrary<infer T> ? T : never;

function toNode(spec: Spec, i: number): Record<string, unknown> {
  const labels: Record<string, string> = {};
  if (spec.simplismart !== undefined) labels['simplismart.ai/node-pool-name'] = spec.simplismart;
  if (spec.pool !== undefined) labels[spec.pool[0]] = spec.pool[1];
  if (spec.instanceType !== undefined) labels['node.kubernetes.io/instance-type'] = spec.instanceType;
  if (spec.product !== undefined) Object.assign(labels, { 'nvidia.com/gpu.product': spec.product, 'nvidia.com/gpu.count': '1' });
  if (spec.spot) labels['karpenter.sh/capacity-type'] = 'spot';
  if (spec.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
  if (spec.systemMode) labels['kubernetes.azure.com/mode'] = 'system';
  return aNode({ name: `node-${i}`, labels, ready: spec.ready, unschedulable: spec.cordoned, gpu: spec.product === undefined ? undefined : '1' });
}

const eligibleNames = (specs: Spec[]) => specs.flatMap((s, i) => (s.ready && !s.cordoned && !s.controlPlane ? [`node-${i}`] : []));

describe('invariants (fast-check)', () => {
  test('every eligible node is in exactly one group, and desired counts sum to the eligible nodes', () => {
    fc.assert(
      fc.property(fc.array(nodeSpec, { minLength: 1, maxLength: 40 }), (specs) => {
        const result = proposeNodeGroups([dump(specs.map(toNode))]);
        const eligible = eligibleNames(specs);
        if (eligible.length === 0) {
          expect(result).toMatchObject({ ok: false, code: 'nothing_to_propose' });
          return;
        }
        if (!result.ok) throw new Error(result.message);
        const placed = result.groups.flatMap((g) => g.nodes);
        expect([...placed].sort()).toEqual([...eligible].sort());
        expect(new Set(placed).size).toBe(placed.length);
        expect(result.groups.reduce((sum, g) => sum + (g.nodeGroup.node_config?.desired_count ?? 0), 0)).toBe(eligible.length);
        for (const g of result.groups) expect(g.nodeGroup.node_config?.desired_count).toBe(g.nodes.length);
        expect(result.nodes).toMatchObject({ read: specs.length, eligible: eligible.length });
        expect(result.nodes.controlPlane + result.nodes.notReady + result.nodes.cordoned + result.nodes.eligible).toBe(specs.length);
      }),
      { numRuns: 300 },
    );
  });

  test('names are valid and unique, at most one group is auxiliary and it has no GPU; the body passes the API’s schema', () => {
    fc.assert(
      fc.property(fc.array(nodeSpec, { minLength: 1, maxLength: 40 }), (specs) => {
        const result = proposeNodeGroups([dump(specs.map(toNode))]);
        if (!result.ok) return;
        checkGroups(result);
      }),
      { numRuns: 300 },
    );
  });

  test('with names the cluster has: none is proposed again, and every eligible node is still accounted for', () => {
    fc.assert(
      fc.property(fc.array(nodeSpec, { minLength: 1, maxLength: 30 }), fc.subarray(['alpha', 'beta', 'gpu-a10g', 'default', 'ng-1', 'pool-a', 'sys', 'cpu-m5-xlarge']), (specs, existing) => {
        const result = proposeNodeGroups([dump(specs.map(toNode))], { existingGroupNames: existing });
        if (!result.ok) return;
        for (const g of result.groups) expect(existing).not.toContain(g.nodeGroup.name);
        const accounted = result.groups.reduce((n, g) => n + g.nodes.length, 0) + result.registered.reduce((n, r) => n + r.nodes, 0);
        expect(accounted).toBe(eligibleNames(specs).length);
        checkGroups(result);
      }),
      { numRuns: 200 },
    );
  });
});

function checkGroups(result: NodeProposal): void {
  const names = result.groups.map((g) => g.nodeGroup.name);
  expect(new Set(names).size).toBe(names.length);
  const auxiliary = result.groups.filter((g) => g.nodeGroup.is_auxilliary);
  expect(auxiliary.length).toBeLessThanOrEqual(1);
  for (const g of auxiliary) expect(g.nodeGroup.node_config?.accelerator_type).toBeUndefined();
  for (const g of result.groups) {
    // A group the person must complete (a GPU count nothing said) fails only on that pair.
    const config = { ...g.nodeGroup.node_config };
    if (g.missing.includes('accelerator_count') || g.missing.includes('accelerator_type')) {
      delete config.accelerator_type;
      delete config.accelerator_count;
    }
    const parsed = nodeGroupSchema.safeParse({ ...g.nodeGroup, node_config: config });
    expect(parsed.error?.issues ?? []).toEqual([]);
  }
  if (result.groups.length > 0) {
    const body = addNodeGroupsBodySchema.safeParse({
      org: '54360212-2263-44c6-afaf-1333544854f7',
      nodegroup_labels: result.groups.map((g) => ({ name: g.nodeGroup.name, is_auxilliary: g.nodeGroup.is_auxilliary })),
    });
    expect(body.error?.issues ?? []).toEqual([]);
  }
}
