// One node, read: from a Node object (`-o json|yaml`) or a `--show-labels` row into NodeFacts, every
// string checked against Kubernetes' syntax (what breaks it is dropped and named, never passed on), and
// then what the node says for a proposal — the pool it belongs to, its machine and capacity type, its
// GPUs, vCPUs and memory, and whether it is left out (control plane, NotReady, cordoned).
import type { CapacityType, Provider } from '../clusterImport.js';
import { acceleratorFromLabels, acceleratorFromMachineType, type Accelerator } from './accelerators.js';
import {
  isLabelKey,
  isLabelValue,
  isNodeName,
  LABELS,
  POOL_KEYS,
  READ_ANNOTATIONS,
  readTaint,
  RESOURCES,
  SIMPLISMART_LABEL,
  type Platform,
  type Taint,
} from './labels.js';
import type { InputFormat, NodeFacts, PoolRef } from './model.js';
import { clip } from './parse.js';
import { memoryFromMiB, nominalMemory, parseCount, parseQuantity, vcpuFrom, type NominalMemory } from './quantities.js';
import type { TableRow } from './parse.js';

/** More labels than any real node carries: such an entry is refused, not read. */
const MAX_LABELS = 500;
const MAX_TAINTS = 100;
/** Machine types the API takes (clusterImport's machine_type: no spaces, at most 100 characters). */
export const MACHINE_TYPE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** OKE's node-pool OCID (`ocid1.nodepool.oc1.<region>.<id>`). */
const OCID = /^ocid1\.[a-z0-9]+\.[a-z0-9-]*\.[a-z0-9-]*\.[a-z0-9._-]+$/;

export type NodeRead = { ok: true; node: NodeFacts } | { ok: false; name: string | undefined; reason: string };

/** The capacity entries a proposal reads; a Node's others (pods, hugepages, storage) are not kept. */
const READ_RESOURCES = ['cpu', 'memory', RESOURCES.nvidiaGpu, RESOURCES.nvidiaGpuShared, RESOURCES.amdGpu];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resources(value: unknown): ReadonlyMap<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  const out = new Map<string, unknown>();
  for (const key of READ_RESOURCES) if (Object.hasOwn(value, key)) out.set(key, value[key]);
  return out;
}

function isControlPlane(labels: ReadonlyMap<string, string>, taints: readonly Taint[]): boolean {
  return (
    labels.has(LABELS.roleControlPlane) ||
    labels.has(LABELS.roleMaster) ||
    labels.get(LABELS.roleLegacy) === 'master' ||
    taints.some((t) => t.key === LABELS.roleControlPlane || t.key === LABELS.roleMaster)
  );
}

/** A Node object as `kubectl get nodes -o json|yaml` prints it. */
export function nodeFromObject(object: Record<string, unknown>, format: InputFormat): NodeRead {
  const metadata = isRecord(object['metadata']) ? object['metadata'] : {};
  const spec = isRecord(object['spec']) ? object['spec'] : {};
  const status = isRecord(object['status']) ? object['status'] : {};
  const name = metadata['name'];
  if (typeof name !== 'string' || !isNodeName(name)) {
    return { ok: false, name: typeof name === 'string' ? clip(name, 80) : undefined, reason: 'its name is not a valid node name' };
  }
  const invalid: string[] = [];
  const labels = new Map<string, string>();
  const rawLabels = isRecord(metadata['labels']) ? metadata['labels'] : {};
  const labelKeys = Object.keys(rawLabels);
  if (labelKeys.length > MAX_LABELS) return { ok: false, name, reason: `it has more than ${MAX_LABELS} labels` };
  for (const key of labelKeys) {
    const value = rawLabels[key];
    if (typeof value === 'string' && isLabelKey(key) && isLabelValue(value)) labels.set(key, value);
    else invalid.push(clip(key, 80));
  }
  const annotations = new Map<string, string>();
  const rawAnnotations = isRecord(metadata['annotations']) ? metadata['annotations'] : {};
  for (const key of READ_ANNOTATIONS) {
    if (!Object.hasOwn(rawAnnotations, key)) continue;
    const value = rawAnnotations[key];
    if (typeof value === 'string' && value.length <= 255 && OCID.test(value)) annotations.set(key, value);
    else invalid.push(clip(key, 80));
  }
  const taints: Taint[] = [];
  const rawTaints = Array.isArray(spec['taints']) ? spec['taints'] : [];
  if (rawTaints.length > MAX_TAINTS) return { ok: false, name, reason: `it has more than ${MAX_TAINTS} taints` };
  for (const raw of rawTaints) {
    const taint = isRecord(raw) ? readTaint(raw['key'], raw['value'], raw['effect']) : undefined;
    if (taint !== undefined) taints.push(taint);
    else invalid.push(`taint ${clip(isRecord(raw) && typeof raw['key'] === 'string' ? raw['key'] : '?', 80)}`);
  }
  const conditions = Array.isArray(status['conditions']) ? status['conditions'] : [];
  const readyCondition = conditions.find((c): c is Record<string, unknown> => isRecord(c) && c['type'] === 'Ready');
  const providerId = spec['providerID'];
  return {
    ok: true,
    node: {
      name,
      labels,
      annotations,
      taints,
      unschedulable: spec['unschedulable'] === true || taints.some((t) => t.key === 'node.kubernetes.io/unschedulable'),
      ready: readyCondition === undefined ? undefined : readyCondition['status'] === 'True',
      controlPlane: isControlPlane(labels, taints),
      capacity: resources(status['capacity']),
      allocatable: resources(status['allocatable']),
      providerId: typeof providerId === 'string' && providerId.length <= 300 ? providerId : undefined,
      invalid,
      format,
    },
  };
}

/** A row of `kubectl get nodes --show-labels`: labels, status and roles, nothing of capacity. */
export function nodeFromRow(row: TableRow): NodeRead {
  if (!isNodeName(row.name)) return { ok: false, name: clip(row.name, 80), reason: 'its name is not a valid node name' };
  const labels = new Map<string, string>();
  const invalid: string[] = [];
  if (row.labels !== '<none>') {
    const pairs = row.labels.split(',');
    if (pairs.length > MAX_LABELS) return { ok: false, name: row.name, reason: `it has more than ${MAX_LABELS} labels` };
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? undefined : pair.slice(eq + 1);
      if (value !== undefined && isLabelKey(key) && isLabelValue(value)) labels.set(key, value);
      else invalid.push(clip(key, 80));
    }
  }
  const roles = row.roles.split(',');
  return {
    ok: true,
    node: {
      name: row.name,
      labels,
      annotations: new Map(),
      taints: [],
      unschedulable: row.status.endsWith(',SchedulingDisabled'),
      ready: row.status.startsWith('Ready'),
      controlPlane: roles.includes('control-plane') || roles.includes('master') || isControlPlane(labels, []),
      capacity: undefined,
      allocatable: undefined,
      providerId: undefined,
      invalid,
      format: 'kubectl-show-labels',
    },
  };
}

// ---------------------------------------------------------------- what a node says

export type Exclusion = 'control_plane' | 'not_ready' | 'cordoned';

export interface GpuReading {
  accelerator: Accelerator | undefined;
  /** Physical GPUs per node, when known. */
  count: number | undefined;
  /** Where the count was read. */
  countSource: string | undefined;
  /** The GPU extended resource in capacity (undefined when the input had no capacity). */
  resource: number | undefined;
  /** Time-slicing replicas per GPU, when more than one. */
  replicas: number | undefined;
  /** Capacity was read and offers no GPU although the node has GPUs: the device plugin is not (yet) serving. */
  resourceMissing: boolean;
  /** Only the vendor is known (AKS' `kubernetes.azure.com/accelerator`). */
  vendor: string | undefined;
}

export interface NodeReading {
  facts: NodeFacts;
  exclusion: Exclusion | undefined;
  /** The value of simplismart.ai/node-pool-name, when set. */
  simplismartName: string | undefined;
  /** The platform's pool the node belongs to, by the first pool label (or annotation) it carries. */
  pool: PoolRef | undefined;
  platform: Platform;
  machineType: string | undefined;
  capacityType: CapacityType;
  /** How spot was said (`karpenter.sh/capacity-type=spot`), for people. */
  capacitySpelling: string | undefined;
  gpu: GpuReading | undefined;
  vcpu: number | undefined;
  memory: (NominalMemory & { source: 'capacity' | 'allocatable' | 'karpenter' }) | undefined;
  region: string | undefined;
  provider: Provider | undefined;
}

function poolOf(facts: NodeFacts): PoolRef | undefined {
  for (const { platform, key, kind } of POOL_KEYS) {
    const value = kind === 'label' ? facts.labels.get(key) : facts.annotations.get(key);
    if (value !== undefined && value !== '') return { platform, key, value, kind };
  }
  return undefined;
}

function platformOf(labels: ReadonlyMap<string, string>, pool: PoolRef | undefined): Platform {
  if (pool !== undefined) return pool.platform;
  for (const key of labels.keys()) {
    if (key.startsWith('karpenter.sh/')) return 'karpenter';
    if (key.startsWith('eks.amazonaws.com/')) return 'eks';
    if (key.startsWith('cloud.google.com/gke-')) return 'gke';
    if (key.startsWith('kubernetes.azure.com/')) return 'aks';
    if (key.startsWith('oci.oraclecloud.com/') || key.startsWith('oke.oraclecloud.com/')) return 'oke';
  }
  return 'generic';
}

function providerOf(platform: Platform, labels: ReadonlyMap<string, string>, providerId: string | undefined): Provider | undefined {
  switch (platform) {
    case 'eks':
    case 'eksctl':
      return 'aws';
    case 'gke':
      return 'gcp';
    case 'aks':
      return 'azure';
    case 'oke':
      return 'oci';
    case 'karpenter':
      // Karpenter runs on AWS, Azure and others: its provider labels say which.
      if ([...labels.keys()].some((k) => k.startsWith('karpenter.k8s.aws/'))) return 'aws';
      if ([...labels.keys()].some((k) => k.startsWith('karpenter.azure.com/'))) return 'azure';
      break;
    case 'generic':
      break;
  }
  const scheme = providerId?.split(':')[0];
  return scheme === 'aws' ? 'aws' : scheme === 'gce' ? 'gcp' : scheme === 'azure' ? 'azure' : scheme === 'oci' ? 'oci' : undefined;
}

/** Every platform's spelling of spot; anything else is on-demand (reserved and capacity blocks included). */
function capacityOf(labels: ReadonlyMap<string, string>): { type: CapacityType; spelling: string | undefined } {
  const spot: Array<[string, string]> = [
    [LABELS.karpenterCapacity, 'spot'],
    [LABELS.eksCapacity, 'spot'],
    [LABELS.gkeSpot, 'true'],
    [LABELS.gkeProvisioning, 'spot'],
    [LABELS.gkePreemptible, 'true'],
    [LABELS.aksPriority, 'spot'],
    [LABELS.okePreemptible, 'true'],
    [LABELS.lifecycle, 'spot'],
  ];
  for (const [key, value] of spot) {
    const found = labels.get(key);
    if (found !== undefined && found.toLowerCase() === value) return { type: 'SPOT', spelling: `${key}=${found}` };
  }
  return { type: 'ON_DEMAND', spelling: undefined };
}

function resourceCount(map: ReadonlyMap<string, unknown> | undefined): number | undefined {
  if (map === undefined) return undefined;
  for (const key of [RESOURCES.nvidiaGpu, RESOURCES.nvidiaGpuShared, RESOURCES.amdGpu]) {
    const count = parseCount(map.get(key));
    if (count !== undefined && count > 0) return count;
  }
  return 0;
}

/**
 * A node's GPUs. The model from its labels (else its machine type's family); the count from GPU Feature
 * Discovery's `nvidia.com/gpu.count` (physical GPUs), else Karpenter's instance GPU count, else the
 * extended resource divided by GFD's time-slicing replicas. Under MIG the resource and GFD's count are
 * slices, so neither is taken for a GPU count.
 */
function gpuOf(facts: NodeFacts, machineType: string | undefined): GpuReading | undefined {
  const labels = facts.labels;
  const accelerator = acceleratorFromLabels(labels) ?? (machineType === undefined ? undefined : acceleratorFromMachineType(machineType));
  const vendor = labels.get(LABELS.aksAccelerator);
  const gfdCount = parseCount(labels.get(LABELS.gfdCount));
  const karpenterCount = parseCount(labels.get(LABELS.karpenterGpuCount));
  const resource = resourceCount(facts.capacity) ?? (facts.allocatable === undefined ? undefined : resourceCount(facts.allocatable));
  const isGpu =
    accelerator !== undefined ||
    vendor !== undefined ||
    labels.get(LABELS.gfdPresent) === 'true' ||
    (gfdCount ?? 0) > 0 ||
    (karpenterCount ?? 0) > 0 ||
    (resource ?? 0) > 0;
  if (!isGpu) return undefined;
  const replicasLabel = parseCount(labels.get(LABELS.gfdReplicas));
  const replicas = replicasLabel !== undefined && replicasLabel > 1 ? replicasLabel : undefined;
  const mig = accelerator?.mig === true;
  let count: number | undefined;
  let countSource: string | undefined;
  if (!mig && gfdCount !== undefined && gfdCount > 0) [count, countSource] = [gfdCount, LABELS.gfdCount];
  else if (karpenterCount !== undefined && karpenterCount > 0) [count, countSource] = [karpenterCount, LABELS.karpenterGpuCount];
  else if (!mig && resource !== undefined && resource > 0) {
    const physical = replicas === undefined ? resource : resource / replicas;
    if (Number.isInteger(physical)) [count, countSource] = [physical, replicas === undefined ? 'the GPU resource in capacity' : `the GPU resource ÷ ${replicas} replicas`];
  }
  return {
    accelerator,
    count,
    countSource,
    resource,
    replicas,
    resourceMissing: resource === 0,
    vendor,
  };
}

function exclusionOf(facts: NodeFacts): Exclusion | undefined {
  if (facts.controlPlane) return 'control_plane';
  if (facts.ready === false) return 'not_ready';
  if (facts.unschedulable) return 'cordoned';
  return undefined;
}

function memoryOf(facts: NodeFacts): NodeReading['memory'] {
  const karpenter = parseCount(facts.labels.get(LABELS.karpenterMemory));
  if (karpenter !== undefined) {
    const nominal = memoryFromMiB(karpenter);
    if (nominal !== undefined) return { ...nominal, source: 'karpenter' };
  }
  for (const [map, source] of [[facts.capacity, 'capacity'], [facts.allocatable, 'allocatable']] as const) {
    const bytes = parseQuantity(map?.get('memory'));
    const nominal = bytes === undefined ? undefined : nominalMemory(bytes);
    if (nominal !== undefined) return { ...nominal, source };
  }
  return undefined;
}

export function readNode(facts: NodeFacts): NodeReading {
  const labels = facts.labels;
  const pool = poolOf(facts);
  const platform = platformOf(labels, pool);
  const typeLabel = labels.get(LABELS.instanceType) ?? labels.get(LABELS.instanceTypeBeta);
  const machineType = typeLabel !== undefined && MACHINE_TYPE.test(typeLabel) ? typeLabel : undefined;
  const capacity = capacityOf(labels);
  const region = labels.get(LABELS.region) ?? labels.get(LABELS.regionBeta);
  const simplismart = labels.get(SIMPLISMART_LABEL);
  return {
    facts,
    exclusion: exclusionOf(facts),
    simplismartName: simplismart === undefined || simplismart === '' ? undefined : simplismart,
    pool,
    platform,
    machineType,
    capacityType: capacity.type,
    capacitySpelling: capacity.spelling,
    gpu: gpuOf(facts, machineType),
    vcpu: vcpuFrom(facts.capacity?.get('cpu'), facts.allocatable?.get('cpu')) ?? parseCount(labels.get(LABELS.karpenterCpu)),
    memory: memoryOf(facts),
    region: region !== undefined && region !== '' ? region : undefined,
    provider: providerOf(platform, labels, facts.providerId),
  };
}
