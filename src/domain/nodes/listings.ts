// The clouds' own node-pool listings, which know what nodes cannot tell (a pool's min and max, its
// machine type even when scaled to zero), each recognised by its shape alone. The shapes, as each tool
// prints them (JSON or YAML alike — the shape is what is recognised):
//
// - `aws eks describe-nodegroup`: `{"nodegroup": {nodegroupName, clusterName, nodegroupArn, scalingConfig:
//   {minSize, maxSize, desiredSize}, instanceTypes: [...], capacityType: ON_DEMAND|SPOT|CAPACITY_BLOCK,
//   labels: {...}, taints: [{key, value, effect: NO_SCHEDULE|NO_EXECUTE|PREFER_NO_SCHEDULE}]}}` (the EKS
//   API's Nodegroup).
// - `eksctl get nodegroup -o json`: an array of eksctl's `Summary` (pkg/actions/nodegroup/get.go), Go
//   field names as keys: `{StackName, Cluster, Name, Status, MaxSize, MinSize, DesiredCapacity,
//   InstanceType, ImageID, CreationTime, NodeInstanceRoleARN, AutoScalingGroupName, Version, Type}`,
//   Type `managed` or `unmanaged`. No capacity type or labels.
// - An eksctl `ClusterConfig` (apiVersion eksctl.io/v1alpha5): `metadata: {name, region}`, `nodeGroups[]`
//   (self-managed) and `managedNodeGroups[]`, each `{name, instanceType | instanceTypes, minSize, maxSize,
//   desiredCapacity, labels, taints, spot (managed), instancesDistribution: {instanceTypes,
//   onDemandBaseCapacity, onDemandPercentageAboveBaseCapacity}}`; taints a list of {key, value, effect} or
//   the older map `key: "value:Effect"`.
// - `gcloud container node-pools list --format=json`: an array of the GKE API's NodePool: `{name, config:
//   {machineType, labels, taints: [{key, value, effect: NO_SCHEDULE…}], spot, preemptible, accelerators:
//   [{acceleratorType, acceleratorCount}]}, autoscaling: {enabled, minNodeCount, maxNodeCount (per zone),
//   totalMinNodeCount, totalMaxNodeCount}, initialNodeCount, locations: [zones], selfLink}`. int64 fields
//   may print as strings ("1"), so counts are read from either. `gcloud container clusters describe`
//   (the cluster, its `nodePools[]` inside) is read too.
// - `az aks nodepool list -o json`: an array of AKS AgentPools as the CLI prints them (camelCase):
//   `{name, vmSize, count, enableAutoScaling, minCount, maxCount, mode: System|User, scaleSetPriority:
//   Spot|Regular|null, nodeLabels, nodeTaints: ["key=value:Effect"], resourceGroup, id}`. `az aks show`
//   (its `agentPoolProfiles[]`) is read too.
// - Karpenter `NodePool` (karpenter.sh/v1 and v1beta1): `spec.template.metadata.labels`,
//   `spec.template.spec.requirements[] {key, operator, values}`, `spec.template.spec.taints`,
//   `spec.limits {cpu, memory, nvidia.com/gpu, …}`; and v1alpha5 `Provisioner`: `spec.labels`,
//   `spec.requirements`, `spec.taints`, `spec.limits.resources`. Karpenter has no minimum (it launches
//   nodes for pending pods), and its limits bound resources, not nodes: the maximum becomes a node count
//   only once a node's size is known (see proposal.ts).
//
// Strings from a listing reach commands and names only through Kubernetes' syntax checks (pool names
// are label values on their nodes) or the machine-type pattern; an entry that fails them is dropped and
// counted.
import type { CapacityType } from '../clusterImport.js';
import { isLabelKey, isLabelValue, readTaint, readTaintString, type Platform, type Taint } from './labels.js';
import type { InputFormat, PoolListing } from './model.js';
import { MACHINE_TYPE } from './nodes.js';
import { parseCount, parseQuantity } from './quantities.js';

export type ListingRead = { listings: PoolListing[]; invalid: number };

const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const LOCATION = /^[a-z]+(?:-[a-z0-9]+)+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === 'string' && value.length <= 253 && pattern.test(value) ? value : undefined;
}

function labelMap(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isRecord(value)) return out;
  const keys = Object.keys(value);
  for (const key of keys.slice(0, 500)) {
    const v = value[key];
    if (typeof v === 'string' && isLabelKey(key) && isLabelValue(v)) out.set(key, v);
  }
  return out;
}

function taintList(value: unknown): Taint[] {
  const out: Taint[] = [];
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 100)) {
      const taint = isRecord(item) ? readTaint(item['key'], item['value'], item['effect']) : readTaintString(item);
      if (taint !== undefined) out.push(taint);
    }
  } else if (isRecord(value)) {
    // eksctl's old map form: `key: "value:Effect"`.
    for (const key of Object.keys(value).slice(0, 100)) {
      const v = value[key];
      const taint = typeof v === 'string' ? readTaintString(`${key}=${v}`) : undefined;
      if (taint !== undefined) out.push(taint);
    }
  }
  return out;
}

function machineTypes(...values: unknown[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    const list = Array.isArray(value) ? value : [value];
    for (const item of list.slice(0, 100)) {
      if (typeof item === 'string' && MACHINE_TYPE.test(item) && !out.includes(item)) out.push(item);
    }
  }
  return out;
}

function base(format: InputFormat, platform: Platform, name: string, poolKeys: readonly string[]): PoolListing {
  return {
    format,
    platform,
    name,
    poolKeys,
    clusterName: undefined,
    location: undefined,
    resourceGroup: undefined,
    min: undefined,
    max: undefined,
    desired: undefined,
    boundsNote: undefined,
    fixedSize: false,
    machineTypes: [],
    capacityType: undefined,
    mixedCapacity: false,
    labels: new Map(),
    taints: [],
    accelerator: undefined,
    mode: undefined,
    limits: undefined,
  };
}

const EKS_KEYS = ['eks.amazonaws.com/nodegroup', 'alpha.eksctl.io/nodegroup-name'];
const EKSCTL_KEYS = ['alpha.eksctl.io/nodegroup-name'];
const GKE_KEYS = ['cloud.google.com/gke-nodepool'];
const AKS_KEYS = ['kubernetes.azure.com/agentpool', 'agentpool'];

/** `aws eks describe-nodegroup`: `{"nodegroup": {...}}`. */
function eksNodegroup(ng: Record<string, unknown>, read: ListingRead): void {
  const name = str(ng['nodegroupName'], /^.+$/);
  if (name === undefined || !isLabelValue(name)) return void read.invalid++;
  const scaling = isRecord(ng['scalingConfig']) ? ng['scalingConfig'] : {};
  const arnRegion = typeof ng['nodegroupArn'] === 'string' ? /^arn:[a-z-]+:eks:([a-z0-9-]+):/.exec(ng['nodegroupArn'])?.[1] : undefined;
  const capacity = typeof ng['capacityType'] === 'string' ? ng['capacityType'].toUpperCase() : undefined;
  read.listings.push({
    ...base('eks-describe-nodegroup', 'eks', name, EKS_KEYS),
    clusterName: str(ng['clusterName'], CLUSTER_NAME),
    location: arnRegion !== undefined && LOCATION.test(arnRegion) ? arnRegion : undefined,
    min: parseCount(scaling['minSize']),
    max: parseCount(scaling['maxSize']),
    desired: parseCount(scaling['desiredSize']),
    machineTypes: machineTypes(ng['instanceTypes']),
    capacityType: capacity === 'SPOT' ? 'SPOT' : capacity === undefined ? undefined : 'ON_DEMAND',
    labels: labelMap(ng['labels']),
    taints: taintList(ng['taints']),
  });
}

function isEksctlSummary(item: Record<string, unknown>): boolean {
  return typeof item['Name'] === 'string' && ('MinSize' in item || 'MaxSize' in item || 'DesiredCapacity' in item) && ('StackName' in item || 'Cluster' in item);
}

/** `eksctl get nodegroup -o json`: eksctl's Summary, one per node group. */
function eksctlSummary(item: Record<string, unknown>, read: ListingRead): void {
  const name = str(item['Name'], /^.+$/);
  if (name === undefined || !isLabelValue(name)) return void read.invalid++;
  const managed = item['Type'] === 'managed';
  read.listings.push({
    ...base('eksctl-get-nodegroup', managed ? 'eks' : 'eksctl', name, managed ? EKS_KEYS : EKSCTL_KEYS),
    clusterName: str(item['Cluster'], CLUSTER_NAME),
    min: parseCount(item['MinSize']),
    max: parseCount(item['MaxSize']),
    desired: parseCount(item['DesiredCapacity']),
    machineTypes: machineTypes(item['InstanceType']),
  });
}

/** An eksctl ClusterConfig's node groups, self-managed and managed. */
function eksctlConfig(config: Record<string, unknown>, read: ListingRead): void {
  const metadata = isRecord(config['metadata']) ? config['metadata'] : {};
  const clusterName = str(metadata['name'], CLUSTER_NAME);
  const region = str(metadata['region'], LOCATION);
  for (const [field, managed] of [['nodeGroups', false], ['managedNodeGroups', true]] as const) {
    const groups = Array.isArray(config[field]) ? config[field] : [];
    for (const group of groups.slice(0, 200)) {
      if (!isRecord(group)) continue;
      const name = str(group['name'], /^.+$/);
      if (name === undefined || !isLabelValue(name)) {
        read.invalid++;
        continue;
      }
      const distribution = isRecord(group['instancesDistribution']) ? group['instancesDistribution'] : {};
      const percentOnDemand = parseCount(distribution['onDemandPercentageAboveBaseCapacity']);
      const baseOnDemand = parseCount(distribution['onDemandBaseCapacity']) ?? 0;
      const pureSpot = group['spot'] === true || (percentOnDemand === 0 && baseOnDemand === 0);
      const mixed = !pureSpot && percentOnDemand !== undefined && percentOnDemand < 100;
      read.listings.push({
        ...base('eksctl-cluster-config', managed ? 'eks' : 'eksctl', name, managed ? EKS_KEYS : EKSCTL_KEYS),
        clusterName,
        location: region,
        min: parseCount(group['minSize']),
        max: parseCount(group['maxSize']),
        desired: parseCount(group['desiredCapacity']),
        machineTypes: machineTypes(group['instanceType'], group['instanceTypes'], distribution['instanceTypes']),
        capacityType: pureSpot ? 'SPOT' : 'ON_DEMAND',
        mixedCapacity: mixed,
        labels: labelMap(group['labels']),
        taints: taintList(group['taints']),
      });
    }
  }
}

function isGkeNodePool(item: Record<string, unknown>): boolean {
  return typeof item['name'] === 'string' && isRecord(item['config']) && ('autoscaling' in item || 'initialNodeCount' in item || 'locations' in item || 'selfLink' in item);
}

/** A GKE NodePool (`gcloud container node-pools list|describe`, or inside `clusters describe`). */
function gkeNodePool(pool: Record<string, unknown>, read: ListingRead, cluster: { name?: string; location?: string }): void {
  const name = str(pool['name'], /^.+$/);
  if (name === undefined || !isLabelValue(name)) return void read.invalid++;
  const config = isRecord(pool['config']) ? pool['config'] : {};
  const autoscaling = isRecord(pool['autoscaling']) ? pool['autoscaling'] : {};
  const zones = Array.isArray(pool['locations']) ? pool['locations'].length : undefined;
  // selfLink: …/projects/P/(locations|zones)/L/clusters/C/nodePools/N
  const link = typeof pool['selfLink'] === 'string' ? /\/(?:locations|zones)\/([a-z0-9-]+)\/clusters\/([A-Za-z0-9_.-]+)\/nodePools\//.exec(pool['selfLink']) : null;
  let min: number | undefined;
  let max: number | undefined;
  let boundsNote: string | undefined;
  let fixedSize = false;
  if (autoscaling['enabled'] === true) {
    const totalMin = parseCount(autoscaling['totalMinNodeCount']);
    const totalMax = parseCount(autoscaling['totalMaxNodeCount']);
    if (totalMin !== undefined || totalMax !== undefined) [min, max] = [totalMin ?? 0, totalMax];
    else {
      // Per-zone limits: the pool's bounds are those times its zones.
      const perZoneMin = parseCount(autoscaling['minNodeCount']) ?? 0;
      const perZoneMax = parseCount(autoscaling['maxNodeCount']);
      const z = zones !== undefined && zones > 0 ? zones : 1;
      [min, max] = [perZoneMin * z, perZoneMax === undefined ? undefined : perZoneMax * z];
      if (z > 1) boundsNote = `GKE's per-zone limits (${perZoneMin}–${perZoneMax ?? '?'}) × ${z} zones`;
    }
  } else {
    fixedSize = true;
    boundsNote = 'autoscaling is off, so both are the nodes it has';
  }
  const accelerators = Array.isArray(config['accelerators']) ? config['accelerators'] : [];
  const first = accelerators.find(isRecord);
  const acceleratorName = first !== undefined && typeof first['acceleratorType'] === 'string' ? first['acceleratorType'] : undefined;
  read.listings.push({
    ...base('gke-node-pools', 'gke', name, GKE_KEYS),
    clusterName: cluster.name ?? str(link?.[2], CLUSTER_NAME),
    location: cluster.location ?? str(link?.[1], LOCATION),
    min,
    max,
    boundsNote,
    fixedSize,
    machineTypes: machineTypes(config['machineType']),
    capacityType: config['spot'] === true || config['preemptible'] === true ? 'SPOT' : 'ON_DEMAND',
    labels: labelMap(config['labels']),
    taints: taintList(config['taints']),
    accelerator:
      acceleratorName === undefined || acceleratorName.length > 100
        ? undefined
        : { name: acceleratorName, count: parseCount(first?.['acceleratorCount']), source: 'config.accelerators' },
  });
}

function isAksPool(item: Record<string, unknown>): boolean {
  return typeof item['name'] === 'string' && typeof item['vmSize'] === 'string';
}

/** An AKS agent pool (`az aks nodepool list|show`, or `az aks show`'s agentPoolProfiles). */
function aksPool(pool: Record<string, unknown>, read: ListingRead, cluster: { name?: string; resourceGroup?: string }): void {
  const name = str(pool['name'], /^.+$/);
  if (name === undefined || !isLabelValue(name)) return void read.invalid++;
  // id: /subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/C/agentPools/N
  const id = typeof pool['id'] === 'string' ? /\/resourceGroups\/([A-Za-z0-9_.()-]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([A-Za-z0-9_.-]+)\//i.exec(pool['id']) : null;
  const autoscaling = pool['enableAutoScaling'] === true;
  const count = parseCount(pool['count']);
  const mode = typeof pool['mode'] === 'string' ? pool['mode'].toLowerCase() : undefined;
  read.listings.push({
    ...base('aks-nodepool-list', 'aks', name, AKS_KEYS),
    clusterName: cluster.name ?? str(id?.[2], CLUSTER_NAME),
    resourceGroup: cluster.resourceGroup ?? str(pool['resourceGroup'], /^[A-Za-z0-9_.()-]{1,90}$/) ?? str(id?.[1], /^[A-Za-z0-9_.()-]{1,90}$/),
    min: autoscaling ? parseCount(pool['minCount']) : count,
    max: autoscaling ? parseCount(pool['maxCount']) : count,
    desired: count,
    fixedSize: !autoscaling,
    boundsNote: autoscaling ? undefined : 'autoscaling is off, so both are its node count',
    machineTypes: machineTypes(pool['vmSize']),
    capacityType: typeof pool['scaleSetPriority'] === 'string' && pool['scaleSetPriority'].toLowerCase() === 'spot' ? 'SPOT' : 'ON_DEMAND',
    labels: labelMap(pool['nodeLabels']),
    taints: taintList(pool['nodeTaints']),
    mode: mode === 'system' ? 'system' : mode === 'user' ? 'user' : undefined,
  });
}

function requirementValues(requirements: unknown, key: string): string[] | undefined {
  if (!Array.isArray(requirements)) return undefined;
  for (const r of requirements.slice(0, 100)) {
    if (!isRecord(r) || r['key'] !== key || r['operator'] !== 'In' || !Array.isArray(r['values'])) continue;
    return r['values'].filter((v): v is string => typeof v === 'string' && v.length <= 100).slice(0, 100);
  }
  return undefined;
}

/** A Karpenter NodePool (v1, v1beta1) or v1alpha5 Provisioner. */
function karpenter(object: Record<string, unknown>, read: ListingRead, provisioner: boolean): void {
  const metadata = isRecord(object['metadata']) ? object['metadata'] : {};
  const name = str(metadata['name'], /^.+$/);
  if (name === undefined || !isLabelValue(name)) return void read.invalid++;
  const spec = isRecord(object['spec']) ? object['spec'] : {};
  const template = isRecord(spec['template']) ? spec['template'] : {};
  const templateMeta = isRecord(template['metadata']) ? template['metadata'] : {};
  const templateSpec = isRecord(template['spec']) ? template['spec'] : {};
  const labelsSource = provisioner ? spec['labels'] : templateMeta['labels'];
  const requirements = provisioner ? spec['requirements'] : templateSpec['requirements'];
  const rawLimits = provisioner ? (isRecord(spec['limits']) ? spec['limits']['resources'] : undefined) : spec['limits'];
  const limits = new Map<string, number>();
  if (isRecord(rawLimits)) {
    for (const key of ['cpu', 'memory', 'nvidia.com/gpu', 'amd.com/gpu']) {
      const value = parseQuantity(rawLimits[key]);
      if (value !== undefined && value >= 0) limits.set(key, value);
    }
  }
  const capacity = requirementValues(requirements, 'karpenter.sh/capacity-type');
  const spot = capacity?.includes('spot') === true;
  const onDemand = capacity === undefined || capacity.includes('on-demand') || capacity.includes('reserved');
  const gpuNames = requirementValues(requirements, 'karpenter.k8s.aws/instance-gpu-name');
  // Both allowed: Karpenter launches spot while it is offered, so spot is what the pool mostly runs.
  const capacityType: CapacityType = spot ? 'SPOT' : 'ON_DEMAND';
  read.listings.push({
    ...base('karpenter-nodepool', 'karpenter', name, [provisioner ? 'karpenter.sh/provisioner-name' : 'karpenter.sh/nodepool']),
    min: 0,
    boundsNote: 'Karpenter has no minimum: it launches nodes for pods that wait',
    machineTypes: machineTypes(requirementValues(requirements, 'node.kubernetes.io/instance-type') ?? []),
    capacityType,
    mixedCapacity: spot && onDemand,
    labels: labelMap(labelsSource),
    taints: taintList(provisioner ? spec['taints'] : templateSpec['taints']),
    accelerator: gpuNames !== undefined && gpuNames[0] !== undefined ? { name: gpuNames[0], count: undefined, source: 'karpenter.k8s.aws/instance-gpu-name requirement' } : undefined,
    limits: limits.size > 0 ? limits : undefined,
  });
}

/**
 * The node-pool listings a parsed value is, or undefined when it is none of them. Arrays of pools are
 * read element by element; a cluster description (GKE's, AKS') by its pools.
 */
export function readListings(value: unknown): ListingRead | undefined {
  const read: ListingRead = { listings: [], invalid: 0 };
  if (Array.isArray(value)) {
    const items = value.filter(isRecord);
    if (items.length === 0 || items.length !== value.length) return undefined;
    if (items.every(isEksctlSummary)) items.forEach((i) => eksctlSummary(i, read));
    else if (items.every(isGkeNodePool)) items.forEach((i) => gkeNodePool(i, read, {}));
    else if (items.every(isAksPool)) items.forEach((i) => aksPool(i, read, {}));
    else return undefined;
    return read;
  }
  if (!isRecord(value)) return undefined;
  const kind = value['kind'];
  const apiVersion = typeof value['apiVersion'] === 'string' ? value['apiVersion'] : '';
  if (kind === 'NodePool' && apiVersion.startsWith('karpenter.sh/')) karpenter(value, read, false);
  else if (kind === 'Provisioner' && apiVersion.startsWith('karpenter.sh/')) karpenter(value, read, true);
  else if (kind === 'ClusterConfig' && apiVersion.startsWith('eksctl.io/')) eksctlConfig(value, read);
  else if (isRecord(value['nodegroup']) && typeof value['nodegroup']['nodegroupName'] === 'string') eksNodegroup(value['nodegroup'], read);
  else if (Array.isArray(value['nodePools']) && value['nodePools'].every(isRecord)) {
    const cluster = { name: str(value['name'], CLUSTER_NAME), location: str(value['location'], LOCATION) };
    value['nodePools'].forEach((p: Record<string, unknown>) => gkeNodePool(p, read, cluster));
  } else if (Array.isArray(value['agentPoolProfiles']) && value['agentPoolProfiles'].every(isRecord)) {
    const cluster = { name: str(value['name'], CLUSTER_NAME), resourceGroup: str(value['resourceGroup'], /^[A-Za-z0-9_.()-]{1,90}$/) };
    value['agentPoolProfiles'].forEach((p: Record<string, unknown>) => aksPool(p, read, cluster));
  } else if (isEksctlSummary(value)) eksctlSummary(value, read);
  else if (isGkeNodePool(value)) gkeNodePool(value, read, {});
  else if (isAksPool(value)) aksPool(value, read, {});
  else return undefined;
  return read;
}
