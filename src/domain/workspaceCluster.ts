// A cluster the workspace imported through the bot, as its requests tell it: the successful import
// (name, UUID, provider, region, who and when, its thread) and every later change to it (node groups
// added). Derived from the stored requests, whose payloads are frozen, instead of being kept twice.
import { isUuid, type NodeGroup } from './clusterImport.js';
import { STATE_LABELS, type ImportRequest, type MessageRef, type RequestState } from './importRequest.js';
import type { KnownNodeGroups } from './nodeGroupsForm.js';
import { bodyOf, bodyOfKind } from './requestKinds.js';

/** A node group of the cluster: one of its import's, or one a later request added. */
export interface ClusterNodeGroup {
  group: NodeGroup;
  /** The request that added it after the import; null for the import's own groups. */
  addedBy: ImportRequest | null;
}

export interface WorkspaceCluster {
  /** Null when Simplismart's answer did not say it (the import happened; its UUID is in the console). */
  uuid: string | null;
  name: string;
  slug: string;
  provider: string;
  region: string | null;
  /** The successful import: who (requesterId), when (updatedAt), its thread. */
  imported: ImportRequest;
  /** The import's groups, then those added since, in the order they were added. */
  nodeGroups: ClusterNodeGroup[];
  /** Every node-group request made on it in this workspace, oldest first, whatever its state. */
  changes: ImportRequest[];
}

/** The cluster a successful import made, with its changes among `changes`; undefined for any other request. */
export function clusterOf(imported: ImportRequest, changes: readonly ImportRequest[]): WorkspaceCluster | undefined {
  const outcome = imported.outcome;
  if (imported.kind !== 'import_cluster' || imported.state !== 'succeeded' || outcome?.kind !== 'imported') return undefined;
  const body = bodyOfKind(imported, 'import_cluster');
  const { uuid } = outcome.cluster;
  const mine = uuid === null ? [] : changesOf(uuid, changes);
  const added = mine.filter((r) => r.state === 'succeeded').flatMap((r) => groupsOf(r).map((group) => ({ group, addedBy: r })));
  return {
    uuid,
    name: outcome.cluster.name,
    slug: body.slug,
    provider: outcome.cluster.provider,
    region: outcome.cluster.region,
    imported,
    nodeGroups: [...body.nodegroup_labels.map((group) => ({ group, addedBy: null })), ...added],
    changes: mine,
  };
}

/** The node-group requests among `requests` that change cluster `uuid`, oldest first. */
export function changesOf(uuid: string, requests: readonly ImportRequest[]): ImportRequest[] {
  return requests
    .filter((r) => r.kind === 'add_node_groups' && r.cluster?.id.toLowerCase() === uuid.toLowerCase())
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** The node groups a request sends, whatever its kind (both bodies carry them). */
export function groupsOf(request: ImportRequest): NodeGroup[] {
  return bodyOf(request).body.nodegroup_labels;
}

/** Requests that may still add their groups: a name they carry is taken until they end otherwise. */
const IN_FLIGHT: readonly RequestState[] = ['pending_approval', 'approved', 'importing'];

/**
 * The names a new node group of this cluster cannot take — the cluster's (known to this workspace:
 * its import's, those added since) and those of requests still under way — and its auxiliary group.
 * `cluster` is undefined for a cluster imported elsewhere: then only this workspace's changes count.
 */
export function knownNodeGroups(cluster: WorkspaceCluster | undefined, changes: readonly ImportRequest[]): KnownNodeGroups {
  const names = new Map<string, string>();
  let auxiliary: string | null = null;
  const take = (group: NodeGroup, why: string) => {
    if (!names.has(group.name)) names.set(group.name, why);
    if (group.is_auxilliary) auxiliary ??= group.name;
  };
  for (const g of cluster?.nodeGroups ?? []) take(g.group, `is already a node group of ${cluster?.name ?? 'this cluster'}`);
  for (const r of changes) {
    if (r.state === 'succeeded' && cluster === undefined) for (const g of groupsOf(r)) take(g, `was already added to this cluster (request ${r.id})`);
    if (IN_FLIGHT.includes(r.state)) for (const g of groupsOf(r)) take(g, `is already being added in request ${r.id} (${STATE_LABELS[r.state].toLowerCase()})`);
    if (r.state === 'outcome_unknown') for (const g of groupsOf(r)) take(g, `may already be in the cluster: request ${r.id}’s outcome is unknown (check the Simplismart console)`);
  }
  return { names, auxiliary };
}

/**
 * Where changes to the cluster are told: its import's thread, when that thread is in the channel the
 * import was requested in (not a DM the bot fell back to) — one thread per cluster.
 */
export function clusterThreadOf(cluster: WorkspaceCluster): MessageRef | null {
  const thread = cluster.imported.thread;
  if (thread === null || thread.root !== undefined || thread.channel !== cluster.imported.channelId) return null;
  return { channel: thread.channel, ts: thread.ts };
}

/**
 * The clusters `query` names: by UUID, by name or by slug (case aside), whichever it matches. A UUID
 * means that UUID and nothing else: a cluster whose name or slug is shaped like another cluster's UUID
 * (imported before such names were refused, or so named by Simplismart's answer) must not stand in for
 * a cluster imported elsewhere — an empty answer then lets the caller take the UUID as typed.
 */
export function matchClusters(clusters: readonly WorkspaceCluster[], query: string): WorkspaceCluster[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const byUuid = clusters.filter((c) => c.uuid?.toLowerCase() === q);
  if (byUuid.length > 0 || isUuid(q)) return byUuid;
  const byName = clusters.filter((c) => c.name.toLowerCase() === q);
  return byName.length > 0 ? byName : clusters.filter((c) => c.slug.toLowerCase() === q);
}
