// The entry point of the node-group proposal (issue 18's domain part): what a person pastes or attaches
// — `kubectl get nodes` output and, optionally, their cloud's node-pool listings — in; the node groups
// their cluster's nodes make, with the findings to act on before sending, out. Or a refusal that says
// why, when the input cannot be read. Pure: no Slack, no HTTP, no store; it never throws and is linear
// in the input, so the Slack side (a "Fill from my nodes" modal, a file carrier, `/simplismart nodes`)
// can call it as it is. Escaping what it returns for display is the views' job: every name, label and
// command in it passed Kubernetes' syntax checks, but free text quoted back (an error line kubectl
// printed) is raw.
import { LIMITS, REGION_PATTERN, type NodeGroup, type Provider } from '../clusterImport.js';
import type { NodeGroupForm } from '../importForm.js';
import { MAX_NODES, readInput, type InputContents } from './documents.js';
import { findingsFor, type ClusterContext } from './findings.js';
import { attachListings, buildDrafts, nodeGroupOf, type GroupDraft, type MissingField } from './groups.js';
import { LABELS, type Platform } from './labels.js';
import type { Finding, InputFormat, NodeFacts, NodeInputRefusal, PoolListing, PoolRef } from './model.js';
import { readNode, type NodeReading } from './nodes.js';
import { INPUT_LIMITS, size } from './parse.js';
import { groupNodes, type GroupBasis } from './pools.js';

export type { Finding, FindingCode, InputFormat, NodeInputRefusal, RefusalCode, Severity } from './model.js';
export { INPUT_LIMITS } from './parse.js';
export { MAX_NODES } from './documents.js';

export interface ProposeOptions {
  /** Node groups the cluster already has (the node-groups form): their pools are not proposed again. */
  existingGroupNames?: readonly string[];
  /** The cluster's auxiliary group, when it has one: no other is suggested. */
  existingAuxiliary?: string | null;
}

export interface ProposedNodeGroup {
  /** The node group as the API takes it. */
  nodeGroup: NodeGroup;
  /** Why these nodes are one group: their Simplismart label, their platform's pool, alike nodes, a listing. */
  basis: GroupBasis;
  platform: Platform;
  /** The platform pool it is (its label, or OKE's annotation), when it is one. */
  platformPool: PoolRef | undefined;
  /** Its Ready, schedulable worker nodes, by name. */
  nodes: readonly string[];
  /** How many of them already carry `simplismart.ai/node-pool-name=<name>`. */
  labelled: number;
  /** What was read from where, guessed or rounded — one sentence each, for hints beside the fields. */
  notes: readonly string[];
  /** node_config fields nothing said: the form asks for them. */
  missing: readonly MissingField[];
  /** Where min and max came from. */
  bounds: 'listing' | 'guess';
  /** The node-pool listing merged into it, when one was given. */
  listing: InputFormat | undefined;
}

/** A pool the cluster already has as a node group (by name): reported, not proposed. */
export interface RegisteredPool {
  name: string;
  nodes: number;
  /** Its nodes without the Simplismart label (the findings give the commands). */
  missingLabel: number;
}

export interface NodeProposal {
  ok: true;
  /** The node groups to propose, in order: from Simplismart labels, platform pools, alike nodes, listings. At most one is auxiliary. */
  groups: readonly ProposedNodeGroup[];
  registered: readonly RegisteredPool[];
  /** Actions first, then warnings, then the rest. */
  findings: readonly Finding[];
  nodes: { read: number; eligible: number; controlPlane: number; notReady: number; cordoned: number; invalid: number };
  /** What the nodes and listings say of the cluster, to pre-fill the import form's fields. */
  cluster: { provider: Provider | undefined; region: string | undefined; name: string | undefined };
  /** Each input as recognised. */
  inputs: readonly { format: InputFormat; nodes: number; pools: number }[];
}

function refuse(code: NodeInputRefusal['code'], message: string, input?: number): NodeInputRefusal {
  return { ok: false, code, message, input };
}

/** The most common value, or undefined. */
function mostCommon(values: Iterable<string | undefined>): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  let n = 0;
  for (const [v, c] of counts) if (c > n) [best, n] = [v, c];
  return best;
}

const BASIS_ORDER: Record<GroupBasis, number> = { simplismart_label: 0, platform_pool: 1, alike_nodes: 2, listing: 3 };

function clusterContext(readings: readonly NodeReading[], listings: readonly PoolListing[]): ClusterContext {
  // Only a region the import form takes (`us-west-2`, `us-central1`): OKE labels nodes `iad`.
  const region = mostCommon(readings.map((r) => (r.region !== undefined && REGION_PATTERN.test(r.region) ? r.region : undefined)));
  return {
    name: listings.find((l) => l.clusterName !== undefined)?.clusterName ?? mostCommon(readings.map((r) => r.facts.labels.get(LABELS.eksctlCluster))),
    region: region ?? listings.find((l) => l.platform !== 'gke' && l.location !== undefined)?.location,
    location: listings.find((l) => l.platform === 'gke' && l.location !== undefined)?.location,
    resourceGroup: listings.find((l) => l.resourceGroup !== undefined)?.resourceGroup,
  };
}

/**
 * Proposes node groups from what `inputs` hold: `kubectl get nodes -o json` (or one node, `-o yaml`, or
 * `--show-labels`), and/or node-pool listings (EKS, eksctl, GKE, AKS, Karpenter), each recognised
 * without being told. Several inputs are merged: a node dump and listings, or dumps of parts of one
 * cluster. Gives a refusal instead when an input cannot be read (too large, too deep, cut off, not
 * nodes: "this is a list of Pods, not Nodes") or nothing is left to propose.
 */
export function proposeNodeGroups(inputs: readonly string[], options: ProposeOptions = {}): NodeProposal | NodeInputRefusal {
  if (inputs.length === 0 || inputs.every((i) => i.trim() === '')) {
    return refuse('empty', 'There is nothing to read: paste what `kubectl get nodes -o json` prints, or attach it as a file.');
  }
  if (inputs.length > INPUT_LIMITS.inputs) return refuse('too_many_inputs', `At most ${INPUT_LIMITS.inputs} inputs are read at once; this was ${inputs.length}.`);
  const total = inputs.reduce((sum, i) => sum + i.length, 0);
  if (total > INPUT_LIMITS.totalChars) {
    return refuse(
      'too_large',
      `This is ${size(total)}; the bot reads up to ${size(INPUT_LIMITS.totalChars)}. Node images make dumps large: \`kubectl get nodes -o json | jq 'del(.items[].status.images, .items[].metadata.managedFields)'\` prints the same nodes in a fraction of the size.`,
    );
  }

  // Read every input; any one that cannot be read refuses the whole (nothing is half-read).
  const contents: InputContents[] = [];
  for (const [index, input] of inputs.entries()) {
    if (input.trim() === '') continue;
    const read = readInput(input);
    if ('ok' in read) return refuse(read.code, read.message, index);
    contents.push(read);
  }

  // Merge: a node given twice is read once; a listing of the same pool, once.
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const facts: NodeFacts[] = [];
  for (const c of contents) {
    for (const node of c.nodes) {
      if (seen.has(node.name)) {
        duplicates.push(node.name);
        continue;
      }
      seen.add(node.name);
      facts.push(node);
    }
  }
  if (facts.length > MAX_NODES) return refuse('too_many_nodes', `These inputs hold ${facts.length} nodes; the bot reads up to ${MAX_NODES} (Kubernetes' own limit per cluster).`);
  const listingKeys = new Set<string>();
  const listings: PoolListing[] = [];
  for (const c of contents) {
    for (const l of c.listings) {
      const key = `${l.platform}\0${l.name}`;
      if (listingKeys.has(key)) continue;
      listingKeys.add(key);
      listings.push(l);
    }
  }

  const readings = facts.map(readNode);
  const eligible = readings.filter((r) => r.exclusion === undefined);
  const { pools, conflicts } = groupNodes(eligible);
  const existing = new Set(options.existingGroupNames ?? []);
  const drafts = buildDrafts(attachListings(pools, listings), { existingGroupNames: existing, existingAuxiliary: options.existingAuxiliary ?? null });
  drafts.sort((a, b) => BASIS_ORDER[a.basis] - BASIS_ORDER[b.basis] || a.name.localeCompare(b.name));

  // A request takes at most LIMITS.nodeGroups groups: the largest pools first, the rest named.
  const proposed = drafts.filter((d) => !d.registered);
  const dropped = new Set<GroupDraft>();
  if (proposed.length > LIMITS.nodeGroups) {
    const bySize = [...proposed].sort((a, b) => b.seen - a.seen || Number(b.auxiliary) - Number(a.auxiliary));
    for (const d of bySize.slice(LIMITS.nodeGroups)) dropped.add(d);
    // The auxiliary suggestion stays with a group that is kept.
    for (const d of dropped) d.auxiliary = false;
  }
  const kept = drafts.filter((d) => !dropped.has(d));
  if (kept.length === 0) {
    const excluded = readings.length - eligible.length;
    return refuse(
      'nothing_to_propose',
      readings.length === 0
        ? 'No nodes and no node pools were found to propose groups from.'
        : `None of the ${readings.length} nodes can run models: ${excluded} are control-plane, NotReady or cordoned. Paste again once worker nodes are Ready.`,
    );
  }

  const cluster = clusterContext(readings, listings);
  const findings = findingsFor({
    drafts: kept,
    excluded: {
      controlPlane: readings.filter((r) => r.exclusion === 'control_plane'),
      notReady: readings.filter((r) => r.exclusion === 'not_ready'),
      cordoned: readings.filter((r) => r.exclusion === 'cordoned'),
    },
    readinessUnknown: eligible.filter((r) => r.facts.ready === undefined),
    conflicts,
    invalidNodes: contents.flatMap((c) => c.invalidNodes),
    invalidLabels: facts.filter((f) => f.invalid.length > 0).map((f) => ({ node: f.name, keys: f.invalid })),
    invalidListings: contents.reduce((n, c) => n + c.invalidListings, 0),
    duplicates,
    others: contents.reduce((all, c) => {
      for (const [k, n] of c.others) all.set(k, (all.get(k) ?? 0) + n);
      return all;
    }, new Map<string, number>()),
    unread: { lines: contents.reduce((n, c) => n + c.unreadLines, 0), first: contents.find((c) => c.firstUnread !== undefined)?.firstUnread },
    cluster,
    droppedGroups: [...dropped].map((d) => d.name),
    nodesGiven: readings.length > 0,
  });

  return {
    ok: true,
    groups: kept.filter((d) => !d.registered).map(toProposed),
    registered: kept
      .filter((d) => d.registered)
      .map((d) => ({ name: d.name, nodes: d.pool.nodes.length, missingLabel: d.pool.nodes.filter((n) => n.simplismartName === undefined).length })),
    findings,
    nodes: {
      read: readings.length,
      eligible: eligible.length,
      controlPlane: readings.filter((r) => r.exclusion === 'control_plane').length,
      notReady: readings.filter((r) => r.exclusion === 'not_ready').length,
      cordoned: readings.filter((r) => r.exclusion === 'cordoned').length,
      invalid: contents.reduce((n, c) => n + c.invalidNodes.length, 0),
    },
    cluster: {
      provider: (mostCommon(readings.map((r) => r.provider)) as Provider | undefined) ?? providerOfListings(listings),
      region: cluster.region,
      name: cluster.name,
    },
    inputs: contents.map((c) => ({ format: c.format, nodes: c.nodes.length, pools: c.listings.length })),
  };
}

function providerOfListings(listings: readonly PoolListing[]): Provider | undefined {
  const platform = listings[0]?.platform;
  return platform === 'eks' || platform === 'eksctl' ? 'aws' : platform === 'gke' ? 'gcp' : platform === 'aks' ? 'azure' : undefined;
}

function toProposed(draft: GroupDraft): ProposedNodeGroup {
  return {
    nodeGroup: nodeGroupOf(draft),
    basis: draft.basis,
    platform: draft.platform,
    platformPool: draft.ref,
    nodes: draft.pool.nodes.map((n) => n.facts.name),
    labelled: draft.pool.nodes.filter((n) => n.simplismartName !== undefined).length,
    notes: draft.notes,
    missing: draft.missing,
    bounds: draft.bounds,
    listing: draft.listing?.format,
  };
}

/**
 * The proposed groups as the forms' node-group rows (strings, as typed), slots from `firstSlot`: what
 * "Fill from my nodes" puts in the import form or the node-groups form.
 */
export function toNodeGroupForms(groups: readonly ProposedNodeGroup[], firstSlot = 0): NodeGroupForm[] {
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  return groups.map((g, i) => {
    const c = g.nodeGroup.node_config ?? {};
    return {
      slot: firstSlot + i,
      name: g.nodeGroup.name,
      auxiliary: g.nodeGroup.is_auxilliary,
      machineType: c.machine_type ?? '',
      capacityType: c.capacity_type ?? '',
      minNodes: text(c.min_node_count),
      maxNodes: text(c.max_node_count),
      desiredNodes: text(c.desired_count),
      acceleratorType: c.accelerator_type ?? '',
      acceleratorCount: text(c.accelerator_count),
      vcpu: text(c.vcpu),
      memory: text(c.memory),
    };
  });
}
