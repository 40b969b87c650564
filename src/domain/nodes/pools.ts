// Which pool each node is in, and what a pool's nodes agree on. A node goes, in order, to:
// 1. the group its `simplismart.ai/node-pool-name` label names;
// 2. else, when the other nodes of its platform pool are labelled with one Simplismart name, that group
//    (it is the node the autoscaler added after the others were labelled by hand);
// 3. else its platform's own pool (Karpenter NodePool, EKS node group, GKE/AKS/OKE node pool, eksctl);
// 4. else a group of alike nodes: same machine type, GPU model and capacity type (cluster-autoscaler's
//    "similar node groups" idea, on what a dump can show).
// Each eligible node lands in exactly one pool, in one pass over the nodes and maps keyed by strings,
// so a thousand nodes cost a few milliseconds.
import type { CapacityType } from '../clusterImport.js';
import type { Accelerator } from './accelerators.js';
import type { PoolListing, PoolRef } from './model.js';
import type { NodeReading } from './nodes.js';

export type GroupBasis = 'simplismart_label' | 'platform_pool' | 'alike_nodes' | 'listing';

export interface Pool {
  /** The grouping key: unique among pools. */
  key: string;
  basis: GroupBasis;
  simplismartName: string | undefined;
  /** The platform pools its nodes are in (usually one), by `key=value`. */
  refs: Map<string, PoolRef>;
  nodes: NodeReading[];
  listing: PoolListing | undefined;
}

/** A platform pool whose nodes are labelled for more than one Simplismart group. */
export interface LabelConflict {
  ref: PoolRef;
  names: Map<string, NodeReading[]>;
}

export function refKey(ref: PoolRef): string {
  return `${ref.kind === 'annotation' ? '@' : ''}${ref.key}=${ref.value}`;
}

function alikeKey(node: NodeReading): string {
  const gpu = node.gpu === undefined ? 'cpu' : (node.gpu.accelerator?.type ?? `gpu:${node.gpu.vendor ?? '?'}`);
  return `${node.machineType ?? '?'}|${gpu}|${node.capacityType}`;
}

export function groupNodes(eligible: readonly NodeReading[]): { pools: Pool[]; conflicts: LabelConflict[] } {
  // Pass 1: the Simplismart names used in each platform pool.
  const namesByRef = new Map<string, Map<string, NodeReading[]>>();
  const refs = new Map<string, PoolRef>();
  for (const node of eligible) {
    if (node.pool === undefined || node.simplismartName === undefined) continue;
    const key = refKey(node.pool);
    refs.set(key, node.pool);
    let names = namesByRef.get(key);
    if (names === undefined) namesByRef.set(key, (names = new Map<string, NodeReading[]>()));
    const list = names.get(node.simplismartName);
    if (list === undefined) names.set(node.simplismartName, [node]);
    else list.push(node);
  }
  // Pass 2: each node into its pool.
  const pools = new Map<string, Pool>();
  const poolFor = (key: string, basis: GroupBasis, simplismartName: string | undefined): Pool => {
    let pool = pools.get(key);
    if (pool === undefined) pools.set(key, (pool = { key, basis, simplismartName, refs: new Map(), nodes: [], listing: undefined }));
    return pool;
  };
  for (const node of eligible) {
    const ref = node.pool === undefined ? undefined : refKey(node.pool);
    let pool: Pool;
    if (node.simplismartName !== undefined) pool = poolFor(`s:${node.simplismartName}`, 'simplismart_label', node.simplismartName);
    else {
      const names = ref === undefined ? undefined : namesByRef.get(ref);
      const only = names !== undefined && names.size === 1 ? [...names.keys()][0] : undefined;
      if (only !== undefined) pool = poolFor(`s:${only}`, 'simplismart_label', only);
      else if (ref !== undefined) pool = poolFor(`p:${ref}`, 'platform_pool', undefined);
      else pool = poolFor(`a:${alikeKey(node)}`, 'alike_nodes', undefined);
    }
    pool.nodes.push(node);
    if (node.pool !== undefined && ref !== undefined) pool.refs.set(ref, node.pool);
  }
  const conflicts: LabelConflict[] = [];
  for (const [key, names] of namesByRef) {
    const ref = refs.get(key);
    if (names.size > 1 && ref !== undefined) conflicts.push({ ref, names });
  }
  return { pools: [...pools.values()], conflicts };
}

// ---------------------------------------------------------------- what a pool's nodes agree on

export interface PoolSummary {
  /** The machine type most of its nodes have; others are in `machineTypes`. */
  machineType: string | undefined;
  machineTypes: Map<string, NodeReading[]>;
  accelerator: Accelerator | undefined;
  /** Nodes by accelerator type (`none` for CPU nodes, `unknown` for GPUs of no known model). */
  accelerators: Map<string, NodeReading[]>;
  capacityType: CapacityType;
  capacityTypes: Map<CapacityType, NodeReading[]>;
  /** Its nodes with GPUs. */
  gpuNodes: NodeReading[];
  gpuCount: number | undefined;
  gpuCountSource: string | undefined;
  vcpu: number | undefined;
  memory: NodeReading['memory'];
  /** The nodes that have the majority machine type and GPU model: the sizes are theirs. */
  representative: NodeReading[];
}

function bucket<K>(nodes: readonly NodeReading[], keyOf: (n: NodeReading) => K): Map<K, NodeReading[]> {
  const out = new Map<K, NodeReading[]>();
  for (const node of nodes) {
    const key = keyOf(node);
    const list = out.get(key);
    if (list === undefined) out.set(key, [node]);
    else list.push(node);
  }
  return out;
}

/** The most common key (the first seen of equals). */
function majority<K>(buckets: ReadonlyMap<K, readonly unknown[]>): K | undefined {
  let best: K | undefined;
  let size = -1;
  for (const [key, list] of buckets) {
    if (list.length > size) [best, size] = [key, list.length];
  }
  return best;
}

/** The most common defined value of `read` among `nodes`. */
function common<T>(nodes: readonly NodeReading[], read: (n: NodeReading) => T | undefined, keyOf: (v: T) => string): T | undefined {
  const counts = new Map<string, { value: T; n: number }>();
  for (const node of nodes) {
    const value = read(node);
    if (value === undefined) continue;
    const key = keyOf(value);
    const entry = counts.get(key);
    if (entry === undefined) counts.set(key, { value, n: 1 });
    else entry.n++;
  }
  let best: { value: T; n: number } | undefined;
  for (const entry of counts.values()) if (best === undefined || entry.n > best.n) best = entry;
  return best?.value;
}

export function acceleratorKey(node: NodeReading): string {
  return node.gpu === undefined ? 'none' : (node.gpu.accelerator?.type ?? 'unknown');
}

export function summarise(nodes: readonly NodeReading[]): PoolSummary {
  const machineTypes = bucket(nodes, (n) => n.machineType ?? 'unknown');
  const accelerators = bucket(nodes, acceleratorKey);
  const capacityTypes = bucket(nodes, (n) => n.capacityType);
  const machineKey = majority(machineTypes);
  const acceleratorKeyChosen = majority(accelerators);
  const representative = nodes.filter((n) => (n.machineType ?? 'unknown') === machineKey && acceleratorKey(n) === acceleratorKeyChosen);
  const sized = representative.length > 0 ? representative : [...nodes];
  const gpuNodes = nodes.filter((n) => n.gpu !== undefined);
  const counted = common(sized, (n) => (n.gpu?.count === undefined ? undefined : { count: n.gpu.count, source: n.gpu.countSource }), (v) => String(v.count));
  return {
    machineType: machineKey === 'unknown' ? undefined : machineKey,
    machineTypes,
    accelerator: common(sized, (n) => n.gpu?.accelerator, (a) => a.type),
    accelerators,
    capacityType: majority(capacityTypes) ?? 'ON_DEMAND',
    capacityTypes,
    gpuNodes,
    gpuCount: counted?.count,
    gpuCountSource: counted?.source,
    vcpu: common(sized, (n) => n.vcpu, String),
    memory: common(sized, (n) => n.memory, (m) => String(m.gb)),
    representative: sized,
  };
}
