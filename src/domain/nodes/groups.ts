// What each pool would become: a node group the API takes — a name valid as the label's value and
// unique in the cluster, and a node_config from what its nodes agree on and what its cloud listing
// says — with what was guessed said beside it. min and max are not on nodes: a listing gives them;
// otherwise they start as the pool is now and the notes say so. At most one group is suggested as
// auxiliary, and only a CPU-only one.
import { LIMITS, NODE_GROUP_NAME_PATTERN, type NodeConfig, type NodeGroup } from '../clusterImport.js';
import { acceleratorFromMachineType, acceleratorFromName, type Accelerator } from './accelerators.js';
import { LABELS, type Platform } from './labels.js';
import type { PoolListing, PoolRef } from './model.js';
import type { NodeReading } from './nodes.js';
import { refKey, summarise, type GroupBasis, type Pool, type PoolSummary } from './pools.js';

export type MissingField = 'machine_type' | 'capacity_type' | 'accelerator_type' | 'accelerator_count' | 'vcpu' | 'memory' | 'max_node_count';

/** A value beyond what the API takes (a 96-GPU reading under sharing, say): left out, and said. */
export interface OutOfRange {
  field: 'accelerator_count' | 'vcpu' | 'memory' | 'desired_count';
  value: number;
  limit: number;
}

export interface GroupDraft {
  pool: Pool;
  name: string;
  basis: GroupBasis;
  platform: Platform;
  /** The one platform pool it is, when its nodes are in exactly one (or its listing names one). */
  ref: PoolRef | undefined;
  summary: PoolSummary | undefined;
  listing: PoolListing | undefined;
  accelerator: Accelerator | undefined;
  isGpu: boolean;
  config: NodeConfig;
  /** Nodes seen: Ready, schedulable workers. */
  seen: number;
  bounds: 'listing' | 'guess';
  notes: string[];
  missing: MissingField[];
  outOfRange: OutOfRange[];
  desiredAdjusted: { seen: number; desired: number } | undefined;
  /** The cluster already has a node group of this name: not proposed, labels still checked. */
  registered: boolean;
  auxiliary: boolean;
  auxiliaryReason: string | undefined;
}

/** A name the API takes (NODE_GROUP_NAME_PATTERN, at most 63), from any text; `nodes` when none is left. */
export function sanitiseName(text: string): string {
  let name = text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/[-_.]{2,}/g, '-');
  name = name.replace(/^[^A-Za-z0-9]+/, '').slice(0, LIMITS.nodeGroupNameLength).replace(/[^A-Za-z0-9]+$/, '');
  return name !== '' && NODE_GROUP_NAME_PATTERN.test(name) ? name : 'nodes';
}

/** A short model for names: `nvidia-tesla-t4` → `t4`. */
function shortModel(type: string): string {
  return type.replace(/^(?:nvidia-tesla-|nvidia-|amd-)/, '');
}

function proposedName(draft: Pick<GroupDraft, 'pool' | 'summary' | 'listing' | 'ref' | 'accelerator' | 'isGpu' | 'config'>): string {
  const { pool } = draft;
  if (pool.simplismartName !== undefined) return pool.simplismartName;
  if (pool.basis === 'listing' && draft.listing !== undefined) return sanitiseName(draft.listing.name);
  if (pool.basis === 'platform_pool' && draft.ref !== undefined) {
    // OKE's annotation is an OCID: its unique tail makes a name.
    return draft.ref.kind === 'annotation' ? sanitiseName(`oke-pool-${draft.ref.value.slice(-8).toLowerCase()}`) : sanitiseName(draft.ref.value);
  }
  const parts = [draft.isGpu ? (draft.accelerator === undefined ? 'gpu' : shortModel(draft.accelerator.type)) : 'cpu'];
  if (draft.config.machine_type !== undefined) parts.push(draft.config.machine_type.toLowerCase());
  if (draft.config.capacity_type === 'SPOT') parts.push('spot');
  return sanitiseName(parts.join('-'));
}

function within(value: number | undefined, limit: number, field: OutOfRange['field'], out: OutOfRange[]): number | undefined {
  if (value === undefined) return undefined;
  if (value > limit) {
    out.push({ field, value, limit });
    return undefined;
  }
  return value;
}

function clampCount(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.min(Math.max(0, Math.floor(n)), LIMITS.nodeCount);
}

/** Karpenter's limits as a node count: the smallest of each limit ÷ one node's amount of it. */
function karpenterMax(limits: ReadonlyMap<string, number>, summary: PoolSummary): { max: number; why: string } | undefined {
  // [resource, one node's amount in the limit's unit, how to say an amount]
  const GiB = 2 ** 30;
  const perNode: Array<[string, number | undefined, (n: number) => string]> = [
    ['cpu', summary.vcpu, (n) => `${n} vCPU`],
    ['memory', summary.memory === undefined ? undefined : summary.memory.gb * GiB, (n) => `${Math.round((n / GiB) * 10) / 10} GiB`],
    ['nvidia.com/gpu', summary.gpuCount, (n) => `${n} GPU${n === 1 ? '' : 's'}`],
    ['amd.com/gpu', summary.gpuCount, (n) => `${n} GPU${n === 1 ? '' : 's'}`],
  ];
  let best: { max: number; why: string } | undefined;
  for (const [key, each, say] of perNode) {
    const limit = limits.get(key);
    if (limit === undefined || each === undefined || each <= 0) continue;
    const max = Math.floor(limit / each + 1e-9);
    if (best === undefined || max < best.max) best = { max, why: `the NodePool's ${key} limit (${say(limit)}) ÷ ${say(each)} per node` };
  }
  return best;
}

function accelerators(summary: PoolSummary | undefined, listing: PoolListing | undefined): Accelerator | undefined {
  if (summary?.accelerator !== undefined) return summary.accelerator;
  if (listing?.accelerator !== undefined) {
    const found = acceleratorFromName(listing.accelerator.name, listing.accelerator.source, undefined);
    if (found !== undefined) return found;
  }
  const machine = summary?.machineType ?? listing?.machineTypes[0];
  // Inferred from the machine type only when no node said otherwise (a node's labels come first).
  if (summary !== undefined && summary.gpuNodes.length === 0) return undefined;
  return machine === undefined ? undefined : acceleratorFromMachineType(machine);
}

/** Turns one pool (with its listing, when one matched) into a draft node group. */
function draftOf(pool: Pool): GroupDraft {
  const listing = pool.listing;
  const summary = pool.nodes.length > 0 ? summarise(pool.nodes) : undefined;
  const refs = [...pool.refs.values()];
  const ref: PoolRef | undefined =
    refs.length === 1 ? refs[0] : refs.length === 0 && listing !== undefined ? { platform: listing.platform, key: listing.poolKeys[0] ?? '', value: listing.name, kind: 'label' } : undefined;
  const platform: Platform = ref?.platform ?? listing?.platform ?? pool.nodes[0]?.platform ?? 'generic';
  const accelerator = accelerators(summary, listing);
  const isGpu = (summary !== undefined && summary.gpuNodes.length > 0) || (summary === undefined && accelerator !== undefined);
  const notes: string[] = [];
  const missing: MissingField[] = [];
  const outOfRange: OutOfRange[] = [];
  const seen = pool.nodes.length;

  const config: NodeConfig = {};
  const machineType = summary?.machineType ?? listing?.machineTypes[0];
  if (machineType !== undefined) config.machine_type = machineType;
  else missing.push('machine_type');
  // Nodes always tell (no spot label is on-demand); a listing may not (eksctl's summary does not).
  const capacityType = summary?.capacityType ?? listing?.capacityType;
  if (capacityType !== undefined) config.capacity_type = capacityType;
  else missing.push('capacity_type');
  if (isGpu) {
    if (accelerator !== undefined) config.accelerator_type = accelerator.type;
    else missing.push('accelerator_type');
    const count = within(summary?.gpuCount ?? listing?.accelerator?.count, LIMITS.acceleratorCount, 'accelerator_count', outOfRange);
    if (count !== undefined && count > 0) config.accelerator_count = count;
    else missing.push('accelerator_count');
    if (summary?.gpuCountSource !== undefined && config.accelerator_count !== undefined) notes.push(`GPUs per node from ${summary.gpuCountSource}.`);
  }
  const vcpu = within(summary?.vcpu, LIMITS.vcpu, 'vcpu', outOfRange);
  if (vcpu !== undefined) config.vcpu = vcpu;
  else missing.push('vcpu');
  const memory = summary?.memory;
  const memoryGb = within(memory?.gb, LIMITS.memoryGb, 'memory', outOfRange);
  if (memoryGb !== undefined && memory !== undefined) {
    config.memory = memoryGb;
    if (memory.source === 'karpenter') notes.push(`Memory ${memoryGb} GB from ${LABELS.karpenterMemory}.`);
    else if (Math.abs(memory.readGiB - memoryGb) > 0.01) {
      notes.push(`Memory read as ${memory.readGiB.toFixed(1)} GiB (${memory.source}), rounded to the machine's nominal ${memoryGb} GB: check it against the machine type.`);
    }
  } else missing.push('memory');

  // Counts: desired is what runs now; min and max from the listing, else guessed.
  let desired = seen > 0 ? seen : (listing?.desired ?? 0);
  let min: number | undefined;
  let max: number | undefined;
  let bounds: GroupDraft['bounds'] = 'guess';
  if (listing !== undefined && listing.fixedSize) {
    [min, max, bounds] = [seen > 0 ? seen : listing.desired, seen > 0 ? seen : listing.desired, 'listing'];
    notes.push(`Min and max from ${describeListing(listing)}${listing.boundsNote === undefined ? '' : `: ${listing.boundsNote}`}.`);
  } else if (listing !== undefined && listing.platform === 'karpenter') {
    min = 0;
    bounds = 'listing';
    const fromLimits = listing.limits !== undefined && summary !== undefined ? karpenterMax(listing.limits, summary) : undefined;
    if (fromLimits !== undefined) {
      max = fromLimits.max;
      notes.push(`Min 0: Karpenter has no minimum. Max ${fromLimits.max}: ${fromLimits.why}.`);
    } else if (seen > 0) {
      max = seen;
      bounds = 'guess';
      notes.push(`Min 0: Karpenter has no minimum. Max is a guess (the ${seen} node${seen === 1 ? '' : 's'} it has now): the NodePool has no limits the bot could turn into a node count.`);
    } else {
      notes.push('Min 0: Karpenter has no minimum. Max: the NodePool has no limits the bot could turn into a node count.');
    }
  } else if (listing !== undefined && (listing.min !== undefined || listing.max !== undefined)) {
    [min, max, bounds] = [listing.min, listing.max, 'listing'];
    notes.push(`Min and max from ${describeListing(listing)}${listing.boundsNote === undefined ? '' : ` (${listing.boundsNote})`}.`);
  } else if (platform === 'karpenter') {
    [min, max] = [0, seen];
    notes.push(`Min 0: Karpenter has no minimum. Max is a guess (the ${seen} node${seen === 1 ? '' : 's'} it has now): set it to what the NodePool's limits allow.`);
  } else {
    [min, max] = [seen, seen];
    notes.push(`Min and max are a guess (the pool as it is now, ${seen} node${seen === 1 ? '' : 's'}): set them to the node group's autoscaling bounds.`);
  }
  min = clampCount(min);
  max = clampCount(max);
  let desiredAdjusted: GroupDraft['desiredAdjusted'];
  if (min !== undefined && desired < min) [desiredAdjusted, desired] = [{ seen: desired, desired: min }, min];
  if (max !== undefined && desired > max) [desiredAdjusted, desired] = [{ seen: desired, desired: max }, max];
  const desiredInRange = within(desired, LIMITS.nodeCount, 'desired_count', outOfRange);
  if (min !== undefined) config.min_node_count = min;
  if (max !== undefined) config.max_node_count = max;
  else missing.push('max_node_count');
  if (desiredInRange !== undefined) config.desired_count = desiredInRange;

  const draft: GroupDraft = {
    pool,
    name: '',
    basis: pool.basis,
    platform,
    ref,
    summary,
    listing,
    accelerator,
    isGpu,
    config,
    seen,
    bounds,
    notes,
    missing,
    outOfRange,
    desiredAdjusted,
    registered: false,
    auxiliary: false,
    auxiliaryReason: undefined,
  };
  draft.name = proposedName(draft);
  return draft;
}

export function describeListing(listing: PoolListing): string {
  switch (listing.format) {
    case 'eks-describe-nodegroup':
      return 'the EKS node group (aws eks describe-nodegroup)';
    case 'eksctl-get-nodegroup':
      return 'eksctl get nodegroup';
    case 'eksctl-cluster-config':
      return 'the eksctl ClusterConfig';
    case 'gke-node-pools':
      return 'the GKE node pool';
    case 'aks-nodepool-list':
      return 'the AKS node pool';
    case 'karpenter-nodepool':
      return 'the Karpenter NodePool';
    default:
      return 'the node-pool listing';
  }
}

/**
 * Matches listings to pools by the platform pool their nodes are in (or the Simplismart name the
 * listing's labels give), and makes a pool of each listing no node matched (a pool scaled to zero).
 */
export function attachListings(pools: Pool[], listings: readonly PoolListing[]): Pool[] {
  const byRef = new Map<string, PoolListing>();
  const bySimplismart = new Map<string, PoolListing>();
  for (const listing of listings) {
    for (const key of listing.poolKeys) {
      const k = refKey({ platform: listing.platform, key, value: listing.name, kind: 'label' });
      if (!byRef.has(k)) byRef.set(k, listing);
    }
    const name = listing.labels.get('simplismart.ai/node-pool-name');
    if (name !== undefined && name !== '' && !bySimplismart.has(name)) bySimplismart.set(name, listing);
  }
  const used = new Set<PoolListing>();
  for (const pool of pools) {
    const refs = [...pool.refs.keys()];
    const found = (refs.length === 1 && refs[0] !== undefined ? byRef.get(refs[0]) : undefined) ?? (pool.simplismartName === undefined ? undefined : bySimplismart.get(pool.simplismartName));
    if (found !== undefined && !used.has(found)) {
      pool.listing = found;
      used.add(found);
    }
  }
  const alone: Pool[] = [];
  for (const listing of listings) {
    if (used.has(listing)) continue;
    used.add(listing);
    const name = listing.labels.get('simplismart.ai/node-pool-name');
    const simplismartName = name !== undefined && name !== '' ? name : undefined;
    alone.push({
      key: `l:${listing.platform}:${listing.name}`,
      basis: simplismartName === undefined ? 'listing' : 'simplismart_label',
      simplismartName,
      refs: new Map(),
      nodes: [],
      listing,
    });
  }
  return [...pools, ...alone];
}

export interface DraftOptions {
  existingGroupNames: ReadonlySet<string>;
  existingAuxiliary: string | null;
}

/**
 * Drafts for every pool, named uniquely: a pool named by its Simplismart label keeps that name; a
 * derived name the cluster already has is taken to be that group (registered, not proposed again: it
 * is most likely the group the nodes were meant for, still unlabelled); a derived name another pool
 * took gets `-2`, `-3`.
 */
export function buildDrafts(pools: readonly Pool[], options: DraftOptions): GroupDraft[] {
  const drafts = pools.map(draftOf);
  const taken = new Set<string>();
  for (const draft of drafts) if (draft.pool.simplismartName !== undefined) taken.add(draft.name);
  for (const draft of drafts) {
    if (options.existingGroupNames.has(draft.name)) {
      draft.registered = true;
      continue;
    }
    if (draft.pool.simplismartName !== undefined) continue;
    let name = draft.name;
    for (let n = 2; taken.has(name) || options.existingGroupNames.has(name); n++) {
      const suffix = `-${n}`;
      name = `${draft.name.slice(0, LIMITS.nodeGroupNameLength - suffix.length).replace(/[^A-Za-z0-9]+$/, '')}${suffix}`;
    }
    draft.name = name;
    taken.add(name);
  }
  for (const draft of drafts) if (draft.pool.simplismartName !== undefined && options.existingGroupNames.has(draft.name)) draft.registered = true;
  suggestAuxiliary(drafts, options.existingAuxiliary);
  return drafts;
}

function isSystemPool(draft: GroupDraft): boolean {
  if (draft.listing?.mode === 'system') return true;
  const nodes = draft.pool.nodes;
  return nodes.length > 0 && nodes.filter((n: NodeReading) => n.facts.labels.get(LABELS.aksMode) === 'system').length * 2 > nodes.length;
}

/**
 * One auxiliary group at most, and only a CPU-only one: an AKS system pool first, then on-demand before
 * spot, then the largest, then by name. None when the cluster already has one.
 */
function suggestAuxiliary(drafts: GroupDraft[], existingAuxiliary: string | null): void {
  if (existingAuxiliary !== null) return;
  const candidates = drafts.filter((d) => !d.registered && !d.isGpu && d.accelerator === undefined);
  candidates.sort(
    (a, b) =>
      Number(isSystemPool(b)) - Number(isSystemPool(a)) ||
      Number(a.config.capacity_type === 'SPOT') - Number(b.config.capacity_type === 'SPOT') ||
      b.seen - a.seen ||
      a.name.localeCompare(b.name),
  );
  const chosen = candidates[0];
  if (chosen === undefined) return;
  chosen.auxiliary = true;
  chosen.auxiliaryReason = isSystemPool(chosen) ? 'it is the AKS system pool, where the cluster’s own add-ons already run' : 'it has no GPUs';
}

/** The API's node group of a draft. */
export function nodeGroupOf(draft: GroupDraft): NodeGroup {
  return { name: draft.name, is_auxilliary: draft.auxiliary, node_config: { ...draft.config } };
}
