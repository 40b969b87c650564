// One node read: every string checked against Kubernetes' syntax (what breaks it is dropped and named),
// then what it says — its pool, capacity type (each platform's spelling of spot), GPUs, size, and
// whether it is left out.
import { isLabelKey, isLabelValue, isNodeName, readTaint, readTaintString } from '../../../src/domain/nodes/labels.js';
import type { NodeFacts } from '../../../src/domain/nodes/model.js';
import { nodeFromObject, nodeFromRow, readNode } from '../../../src/domain/nodes/nodes.js';
import { aNode, type NodeSpec } from './builders.js';

/** A node from a spec, or a raw Node object as it is (a raw one has `kind`). */
function facts(spec: NodeSpec | Record<string, unknown>): NodeFacts {
  const object = 'kind' in spec ? spec : aNode(spec as NodeSpec);
  const read = nodeFromObject(object, 'kubectl-json');
  if (!read.ok) throw new Error(read.reason);
  return read.node;
}

const reading = (spec: NodeSpec) => readNode(facts(spec));

describe('Kubernetes syntax', () => {
  test('label keys and values', () => {
    for (const key of ['app', 'simplismart.ai/node-pool-name', 'node-role.kubernetes.io/control-plane', 'a_b.c-d']) expect(isLabelKey(key)).toBe(true);
    for (const key of ['', '/a', 'a/', 'Simplismart.AI/x', 'a b', '*bold*', '<!channel>', 'a/b/c', `${'a'.repeat(64)}`, `x/${'a'.repeat(64)}`, `${'a'.repeat(254)}/b`]) {
      expect(isLabelKey(key)).toBe(false);
    }
    for (const value of ['', 'gpu-a10g', 'A.b_c-1', 'a'.repeat(63)]) expect(isLabelValue(value)).toBe(true);
    for (const value of ['-a', 'a-', 'a b', 'a'.repeat(64), '<!channel>', '*bold*', 'a,b', 'café']) expect(isLabelValue(value)).toBe(false);
  });

  test('node names are DNS subdomains', () => {
    for (const name of ['ip-10-0-1-5.us-west-2.compute.internal', '10.0.10.21', 'aks-nodepool1-12345678-vmss000000']) expect(isNodeName(name)).toBe(true);
    for (const name of ['', 'Node-A', 'a_b', '-a', 'a..b', `${'a'.repeat(254)}`, 'a b', 'node;rm -rf /']) expect(isNodeName(name)).toBe(false);
  });

  test('taints in every spelling the inputs use', () => {
    expect(readTaint('nvidia.com/gpu', 'true', 'NoSchedule')).toEqual({ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' });
    expect(readTaint('nvidia.com/gpu', undefined, 'NO_SCHEDULE')?.effect).toBe('NoSchedule');
    expect(readTaint('a', '', 'PREFER_NO_SCHEDULE')?.effect).toBe('PreferNoSchedule');
    expect(readTaintString('kubernetes.azure.com/scalesetpriority=spot:NoSchedule')).toEqual({ key: 'kubernetes.azure.com/scalesetpriority', value: 'spot', effect: 'NoSchedule' });
    expect(readTaintString('CriticalAddonsOnly:NoExecute')).toEqual({ key: 'CriticalAddonsOnly', value: '', effect: 'NoExecute' });
    expect(readTaint('a', 'b', 'Sometimes')).toBeUndefined();
    expect(readTaint('<!here>', 'b', 'NoSchedule')).toBeUndefined();
    expect(readTaintString('x'.repeat(500))).toBeUndefined();
  });
});

describe('reading a Node object', () => {
  test('labels that break the syntax are dropped and named, never kept', () => {
    const node = facts({
      name: 'node-a',
      labels: {
        good: 'yes',
        'simplismart.ai/node-pool-name': '<!channel> *everyone*',
        long: 'v'.repeat(200),
        'bad key': 'x',
        [`${'k'.repeat(400)}`]: 'x',
      },
    });
    expect(node.labels.get('good')).toBe('yes');
    expect(node.labels.has('simplismart.ai/node-pool-name')).toBe(false);
    expect(node.labels.has('long')).toBe(false);
    expect(node.invalid).toEqual(expect.arrayContaining(['simplismart.ai/node-pool-name', 'long', 'bad key']));
    expect(node.invalid.every((k) => k.length <= 80)).toBe(true);
  });

  test('non-string label values and a __proto__ key stay data', () => {
    const raw = aNode({ name: 'node-a' });
    const meta = raw['metadata'] as Record<string, unknown>;
    meta['labels'] = JSON.parse('{"__proto__": "x", "n": 5, "ok": "v"}') as unknown;
    const node = facts(raw);
    expect(node.labels.get('ok')).toBe('v');
    expect(node.labels.has('n')).toBe(false);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  test('an entry that cannot be a node is refused with why', () => {
    expect(nodeFromObject(aNode({ name: 'Bad Name' }), 'kubectl-json')).toMatchObject({ ok: false, reason: expect.stringContaining('not a valid node name') });
    expect(nodeFromObject({ kind: 'Node' }, 'kubectl-json')).toMatchObject({ ok: false, name: undefined });
    const many = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`l${i}`, 'v']));
    expect(nodeFromObject(aNode({ name: 'node-a', labels: many }), 'kubectl-json')).toMatchObject({ ok: false, reason: expect.stringContaining('500 labels') });
  });

  test('only the annotations read are kept, and OKE’s pool id only when it is an OCID', () => {
    const ocid = 'ocid1.nodepool.oc1.iad.aaaaaaaa5mii6bdzr72n4wbf5fgkagxrqqfxbtktfzgkymqesnli2morxp6q';
    expect(facts({ name: 'n', annotations: { 'oci.oraclecloud.com/node-pool-id': ocid, other: 'x' } }).annotations).toEqual(new Map([['oci.oraclecloud.com/node-pool-id', ocid]]));
    const bad = facts({ name: 'n', annotations: { 'oci.oraclecloud.com/node-pool-id': "ocid1'; rm -rf /" } });
    expect(bad.annotations.size).toBe(0);
    expect(bad.invalid).toContain('oci.oraclecloud.com/node-pool-id');
  });

  test('readiness, cordons and the control plane', () => {
    expect(facts({ name: 'n' }).ready).toBe(true);
    expect(facts({ name: 'n', ready: false }).ready).toBe(false);
    const noConditions = aNode({ name: 'n' });
    (noConditions['status'] as Record<string, unknown>)['conditions'] = [];
    expect(facts(noConditions).ready).toBeUndefined();
    expect(facts({ name: 'n', unschedulable: true }).unschedulable).toBe(true);
    expect(facts({ name: 'n', taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }).unschedulable).toBe(true);
    expect(facts({ name: 'n', labels: { 'node-role.kubernetes.io/control-plane': '' } }).controlPlane).toBe(true);
    expect(facts({ name: 'n', labels: { 'node-role.kubernetes.io/master': '' } }).controlPlane).toBe(true);
    expect(facts({ name: 'n', labels: { 'kubernetes.io/role': 'master' } }).controlPlane).toBe(true);
    expect(facts({ name: 'n', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }).controlPlane).toBe(true);
    expect(facts({ name: 'n', labels: { 'kubernetes.io/role': 'agent', 'node-role.kubernetes.io/agent': '' } }).controlPlane).toBe(false);
  });
});

describe('reading a --show-labels row', () => {
  test('status, roles, labels', () => {
    const read = nodeFromRow({ name: 'cp-1', status: 'Ready,SchedulingDisabled', roles: 'control-plane', labels: 'a=b,c=,bad key=x,novalue' });
    expect(read.ok && read.node).toMatchObject({ ready: true, unschedulable: true, controlPlane: true, capacity: undefined, format: 'kubectl-show-labels' });
    expect(read.ok && [...read.node.labels]).toEqual([['a', 'b'], ['c', '']]);
    expect(read.ok && read.node.invalid).toEqual(['bad key', 'novalue']);
    const none = nodeFromRow({ name: 'n', status: 'NotReady', roles: '<none>', labels: '<none>' });
    expect(none.ok && none.node).toMatchObject({ ready: false, controlPlane: false });
    expect(none.ok && none.node.labels.size).toBe(0);
  });
});

describe('what a node says', () => {
  test('its pool: the first pool label it carries, in the platforms’ order', () => {
    expect(reading({ name: 'n', labels: { 'karpenter.sh/nodepool': 'default' } }).pool).toMatchObject({ platform: 'karpenter', key: 'karpenter.sh/nodepool', value: 'default' });
    expect(reading({ name: 'n', labels: { 'karpenter.sh/provisioner-name': 'old' } }).pool?.value).toBe('old');
    expect(reading({ name: 'n', labels: { 'eks.amazonaws.com/nodegroup': 'ng', 'alpha.eksctl.io/nodegroup-name': 'ng' } }).pool?.platform).toBe('eks');
    expect(reading({ name: 'n', labels: { 'alpha.eksctl.io/nodegroup-name': 'self' } }).pool?.platform).toBe('eksctl');
    expect(reading({ name: 'n', labels: { 'cloud.google.com/gke-nodepool': 'p' } }).pool?.platform).toBe('gke');
    expect(reading({ name: 'n', labels: { agentpool: 'legacy' } }).pool).toMatchObject({ platform: 'aks', key: 'agentpool' });
    expect(reading({ name: 'n', labels: { 'oke.oraclecloud.com/pool.name': 'w' } }).pool?.platform).toBe('oke');
    const ocid = 'ocid1.nodepool.oc1.iad.aaaaaaaa5mii6bdzr72n4wbf5fgkagxrqqfxbtktfzgkymqesnli2morxp6q';
    expect(reading({ name: 'n', annotations: { 'oci.oraclecloud.com/node-pool-id': ocid } }).pool).toMatchObject({ platform: 'oke', kind: 'annotation', value: ocid });
    expect(reading({ name: 'n' }).pool).toBeUndefined();
    expect(reading({ name: 'n' }).platform).toBe('generic');
  });

  test.each([
    ['karpenter.sh/capacity-type', 'spot', 'SPOT'],
    ['karpenter.sh/capacity-type', 'on-demand', 'ON_DEMAND'],
    ['karpenter.sh/capacity-type', 'reserved', 'ON_DEMAND'],
    ['eks.amazonaws.com/capacityType', 'SPOT', 'SPOT'],
    ['eks.amazonaws.com/capacityType', 'CAPACITY_BLOCK', 'ON_DEMAND'],
    ['cloud.google.com/gke-spot', 'true', 'SPOT'],
    ['cloud.google.com/gke-provisioning', 'spot', 'SPOT'],
    ['cloud.google.com/gke-preemptible', 'true', 'SPOT'],
    ['kubernetes.azure.com/scalesetpriority', 'spot', 'SPOT'],
    ['kubernetes.azure.com/scalesetpriority', 'regular', 'ON_DEMAND'],
    ['oci.oraclecloud.com/oke-is-preemptible', 'true', 'SPOT'],
    ['node.kubernetes.io/lifecycle', 'spot', 'SPOT'],
  ])('capacity: %s=%s is %s', (key, value, expected) => {
    const read = reading({ name: 'n', labels: { [key]: value } });
    expect(read.capacityType).toBe(expected);
    if (expected === 'SPOT') expect(read.capacitySpelling).toBe(`${key}=${value}`);
  });

  test('GPUs: GFD’s count of physical GPUs first', () => {
    const gpu = reading({ name: 'n', gpu: '8', labels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3', 'nvidia.com/gpu.count': '8' } }).gpu;
    expect(gpu).toMatchObject({ count: 8, countSource: 'nvidia.com/gpu.count', resource: 8, resourceMissing: false });
    expect(gpu?.accelerator?.type).toBe('nvidia-h100');
  });

  test('GPUs: the extended resource, divided by time-slicing replicas', () => {
    expect(reading({ name: 'n', gpu: '4', labels: { 'nvidia.com/gpu.replicas': '4', 'nvidia.com/gpu.product': 'Tesla-T4-SHARED' } }).gpu).toMatchObject({ count: 1, replicas: 4 });
    expect(reading({ name: 'n', gpu: '2', labels: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' } }).gpu).toMatchObject({ count: 2, countSource: 'the GPU resource in capacity' });
    const shared = aNode({ name: 'n', labels: { 'nvidia.com/gpu.replicas': '2' } });
    ((shared['status'] as Record<string, Record<string, string>>)['capacity'] ?? {})['nvidia.com/gpu.shared'] = '4';
    expect(readNode(facts(shared)).gpu).toMatchObject({ count: 2, replicas: 2 });
  });

  test('GPUs: Karpenter’s instance count; AMD’s resource', () => {
    expect(reading({ name: 'n', labels: { 'karpenter.k8s.aws/instance-gpu-name': 'a10g', 'karpenter.k8s.aws/instance-gpu-count': '4' } }).gpu).toMatchObject({ count: 4 });
    const amd = aNode({ name: 'n', labels: { 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X_OAM' } });
    ((amd['status'] as Record<string, Record<string, string>>)['capacity'] ?? {})['amd.com/gpu'] = '8';
    expect(readNode(facts(amd)).gpu).toMatchObject({ count: 8, accelerator: { type: 'amd-mi300x' } });
  });

  test('GPUs under MIG: slices are not GPUs', () => {
    const gpu = reading({ name: 'n', gpu: '56', labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', 'nvidia.com/gpu.count': '56' } }).gpu;
    expect(gpu?.count).toBeUndefined();
    expect(gpu?.accelerator?.mig).toBe(true);
  });

  test('a GPU node the device plugin does not serve yet', () => {
    expect(reading({ name: 'n', gpu: '0', labels: { 'node.kubernetes.io/instance-type': 'g5.xlarge' } }).gpu).toMatchObject({ resourceMissing: true, count: undefined, accelerator: { type: 'nvidia-a10g', inferred: true } });
    expect(reading({ name: 'n', labels: { 'nvidia.com/gpu.present': 'true', 'nvidia.com/gpu.product': 'NVIDIA-L4', 'nvidia.com/gpu.count': '1' } }).gpu).toMatchObject({ resourceMissing: true, count: 1 });
  });

  test('AKS says the vendor only; a CPU node has no GPU reading', () => {
    expect(reading({ name: 'n', gpu: '1', labels: { 'kubernetes.azure.com/accelerator': 'nvidia' } }).gpu).toMatchObject({ vendor: 'nvidia', accelerator: undefined, count: 1 });
    expect(reading({ name: 'n', labels: { 'node.kubernetes.io/instance-type': 'm5.large' } }).gpu).toBeUndefined();
  });

  test('size: vCPUs and memory from capacity; Karpenter’s labels when there is none', () => {
    expect(reading({ name: 'n', cpu: '8', memory: '32386476Ki' })).toMatchObject({ vcpu: 8, memory: { gb: 32, source: 'capacity' } });
    const row = nodeFromRow({ name: 'n', status: 'Ready', roles: '<none>', labels: 'karpenter.k8s.aws/instance-cpu=4,karpenter.k8s.aws/instance-memory=16384' });
    expect(row.ok && readNode(row.node)).toMatchObject({ vcpu: 4, memory: { gb: 16, source: 'karpenter' } });
  });

  test('left out: control plane first, then NotReady, then cordoned', () => {
    expect(reading({ name: 'n', ready: false, unschedulable: true, labels: { 'node-role.kubernetes.io/control-plane': '' } }).exclusion).toBe('control_plane');
    expect(reading({ name: 'n', ready: false, unschedulable: true }).exclusion).toBe('not_ready');
    expect(reading({ name: 'n', unschedulable: true }).exclusion).toBe('cordoned');
    expect(reading({ name: 'n' }).exclusion).toBeUndefined();
  });

  test('the provider, from labels or the providerID', () => {
    expect(reading({ name: 'n', labels: { 'cloud.google.com/gke-nodepool': 'p' } }).provider).toBe('gcp');
    expect(reading({ name: 'n', labels: { 'karpenter.sh/nodepool': 'p', 'karpenter.k8s.aws/instance-cpu': '4' } }).provider).toBe('aws');
    const withId = aNode({ name: 'n' });
    (withId['spec'] as Record<string, unknown>)['providerID'] = 'azure:///subscriptions/x';
    expect(readNode(facts(withId)).provider).toBe('azure');
    expect(reading({ name: 'n' }).provider).toBeUndefined();
  });
});
