// The clouds' node-pool listings, each recognised by its shape (JSON or YAML alike): min and max, the
// machine type, capacity type, labels and taints, GPUs — what nodes cannot tell.
import { parse } from 'yaml';
import { readListings } from '../../../src/domain/nodes/listings.js';
import type { PoolListing } from '../../../src/domain/nodes/model.js';
import { fixture } from './builders.js';

function listings(value: unknown): PoolListing[] {
  const read = readListings(value);
  if (read === undefined) throw new Error('not a listing');
  return read.listings;
}

const byName = (all: PoolListing[], name: string) => all.find((l) => l.name === name);

test('aws eks describe-nodegroup', () => {
  const [ng] = listings(JSON.parse(fixture('eks-describe-nodegroup.json')));
  expect(ng).toMatchObject({
    format: 'eks-describe-nodegroup',
    platform: 'eks',
    name: 'gpu-a10g',
    clusterName: 'prod',
    location: 'us-west-2',
    min: 0,
    max: 4,
    desired: 2,
    machineTypes: ['g5.2xlarge'],
    capacityType: 'ON_DEMAND',
    taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
  });
  expect(ng?.poolKeys).toContain('eks.amazonaws.com/nodegroup');
  expect(ng?.labels.get('simplismart.ai/node-pool-name')).toBe('gpu-a10g');
});

test('eksctl get nodegroup -o json: managed and self-managed', () => {
  const all = listings(JSON.parse(fixture('eksctl-get-nodegroup.json')));
  expect(byName(all, 'system')).toMatchObject({ format: 'eksctl-get-nodegroup', platform: 'eks', min: 2, max: 4, desired: 3, machineTypes: ['m5.xlarge'], clusterName: 'prod', capacityType: undefined });
  expect(byName(all, 'gpu-spot')).toMatchObject({ platform: 'eksctl', poolKeys: ['alpha.eksctl.io/nodegroup-name'], min: 0, max: 2 });
});

test('an eksctl ClusterConfig: spot, instance distributions, both taint forms', () => {
  const all = listings(parse(fixture('eksctl-cluster-config.yaml')));
  expect(all.map((l) => l.name)).toEqual(['gpu-spot', 'system', 'gpu-a10g']);
  expect(byName(all, 'gpu-spot')).toMatchObject({ platform: 'eksctl', capacityType: 'SPOT', location: 'us-west-2', taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }] });
  expect(byName(all, 'gpu-a10g')).toMatchObject({ platform: 'eks', min: 0, max: 4, desired: 2, taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] });
  const mixed = listings({ apiVersion: 'eksctl.io/v1alpha5', kind: 'ClusterConfig', metadata: { name: 'c' }, nodeGroups: [{ name: 'mixed', instancesDistribution: { onDemandPercentageAboveBaseCapacity: 50 } }] });
  expect(mixed[0]).toMatchObject({ capacityType: 'ON_DEMAND', mixedCapacity: true });
  expect(listings({ apiVersion: 'eksctl.io/v1alpha5', kind: 'ClusterConfig', managedNodeGroups: [{ name: 'm', spot: true, instanceTypes: ['g5.xlarge', 'g5.2xlarge'] }] })[0]).toMatchObject({
    capacityType: 'SPOT',
    machineTypes: ['g5.xlarge', 'g5.2xlarge'],
  });
});

test('gcloud container node-pools list: total and per-zone limits, accelerators, spot', () => {
  const all = listings(JSON.parse(fixture('gke-node-pools.json')));
  expect(byName(all, 'default-pool')).toMatchObject({ min: 3, max: 9, boundsNote: expect.stringContaining('× 3 zones'), clusterName: 'ml', location: 'us-central1' });
  expect(byName(all, 'gpu-l4')).toMatchObject({ min: 0, max: 4, accelerator: { name: 'nvidia-l4', count: 1 }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] });
  expect(byName(all, 't4-spot')).toMatchObject({ capacityType: 'SPOT', min: 0, max: 2 });
  const fixed = listings([{ name: 'fixed', config: { machineType: 'e2-medium' }, initialNodeCount: 2, autoscaling: {} }]);
  expect(fixed[0]).toMatchObject({ fixedSize: true, min: undefined });
});

test('gcloud container clusters describe: its node pools, the cluster’s name and location', () => {
  const pools = JSON.parse(fixture('gke-node-pools.json')) as unknown[];
  const all = listings({ name: 'ml', location: 'us-central1-a', nodePools: pools });
  expect(all).toHaveLength(4);
  expect(all[0]).toMatchObject({ clusterName: 'ml', location: 'us-central1-a' });
});

test('az aks nodepool list: autoscaling bounds, a fixed size, spot, the system mode', () => {
  const all = listings(JSON.parse(fixture('aks-nodepool-list.json')));
  expect(byName(all, 'nodepool1')).toMatchObject({ mode: 'system', min: 1, max: 3, desired: 2, clusterName: 'aks-prod', resourceGroup: 'rg-ml' });
  expect(byName(all, 'gpuspot')).toMatchObject({ capacityType: 'SPOT', mode: 'user', taints: [{ key: 'kubernetes.azure.com/scalesetpriority', value: 'spot', effect: 'NoSchedule' }] });
  expect(byName(all, 'userpool')).toMatchObject({ fixedSize: true, min: 1, max: 1 });
});

test('az aks show: its agent pool profiles', () => {
  const profiles = JSON.parse(fixture('aks-nodepool-list.json')) as Array<Record<string, unknown>>;
  const all = listings({ name: 'aks-prod', resourceGroup: 'rg-ml', agentPoolProfiles: profiles.map(({ id: _id, ...rest }) => rest) });
  expect(all.every((l) => l.clusterName === 'aks-prod' && l.resourceGroup === 'rg-ml')).toBe(true);
});

test('Karpenter NodePools (v1): no minimum, limits, capacity requirements, GPU name, template labels', () => {
  const list = parse(fixture('karpenter-nodepools.yaml')) as { items: unknown[] };
  const all = list.items.flatMap((i) => listings(i));
  expect(byName(all, 'default')).toMatchObject({ min: 0, capacityType: 'SPOT', mixedCapacity: true, limits: new Map([['cpu', 1000], ['memory', 1000 * 2 ** 30]]) });
  expect(byName(all, 'gpu')).toMatchObject({ capacityType: 'ON_DEMAND', machineTypes: ['g6.xlarge'], accelerator: { name: 'l4' }, limits: new Map([['nvidia.com/gpu', 8]]) });
  expect(byName(all, 'gpu')?.labels.get('workload')).toBe('inference');
});

test('a Karpenter v1alpha5 Provisioner', () => {
  const [p] = listings({ apiVersion: 'karpenter.sh/v1alpha5', kind: 'Provisioner', metadata: { name: 'old' }, spec: { labels: { team: 'ml' }, limits: { resources: { cpu: '100' } }, requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }] } });
  expect(p).toMatchObject({ poolKeys: ['karpenter.sh/provisioner-name'], capacityType: 'SPOT', mixedCapacity: false, limits: new Map([['cpu', 100]]) });
});

test('entries that break the syntax are counted, not read', () => {
  const read = readListings([{ name: '<!channel>', vmSize: 'Standard_D4s_v3' }, { name: 'ok', vmSize: 'Standard_D4s_v3; rm -rf /', count: 1 }]);
  expect(read?.invalid).toBe(1);
  expect(read?.listings.map((l) => [l.name, l.machineTypes])).toEqual([['ok', []]]);
});

test('what is not a listing', () => {
  for (const value of [null, 'text', 42, [], [1, 2], { kind: 'Pod' }, { nodegroups: ['a', 'b'] }, { apiVersion: 'example.com/v1', kind: 'NodePool' }, [{ name: 'a' }, { vmSize: 'x' }]]) {
    expect(readListings(value)).toBeUndefined();
  }
});
