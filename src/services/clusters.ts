// The clusters this workspace imported through the bot, as its requests tell them (workspaceCluster.ts):
// listed, found by name or UUID, and what a change to one must know before anything is sent — the
// cluster's thread and name (frozen into the request) and the node-group names it cannot take.
import { isUuid } from '../domain/clusterImport.js';
import type { ClusterTarget, ImportRequest } from '../domain/importRequest.js';
import type { KnownNodeGroups } from '../domain/nodeGroupsForm.js';
import { clusterOf, clusterThreadOf, knownNodeGroups, matchClusters, type WorkspaceCluster } from '../domain/workspaceCluster.js';
import type { Store } from '../store/store.js';

/** The most recent successful imports read: far more clusters than a workspace runs. */
export const CLUSTER_LIMIT = 200;
/** The most node-group requests read for those clusters. */
const CHANGES_LIMIT = 2000;

/** What a node-groups form for one cluster needs to know. */
export interface ClusterForChange {
  /** The cluster, when this workspace imported it through the bot. */
  cluster: WorkspaceCluster | undefined;
  /** The names its new node groups cannot take, and its auxiliary group. */
  known: KnownNodeGroups;
  /** What the request freezes about the cluster: its UUID, name and thread. */
  target: ClusterTarget;
}

export class Clusters {
  constructor(private readonly store: Store) {}

  /** The workspace's clusters, the most recently imported first, each with its changes. */
  async list(teamId: string): Promise<WorkspaceCluster[]> {
    const imports = await this.store.listRequests(teamId, CLUSTER_LIMIT, { kind: 'import_cluster', states: ['succeeded'] });
    const uuids = imports.flatMap((r) => (r.outcome?.kind === 'imported' && r.outcome.cluster.uuid !== null ? [r.outcome.cluster.uuid.toLowerCase()] : []));
    const changes = uuids.length === 0 ? [] : await this.store.listRequests(teamId, CHANGES_LIMIT, { kind: 'add_node_groups', clusterIds: uuids });
    return imports.flatMap((r) => clusterOf(r, changes) ?? []);
  }

  /** The clusters a name, slug or UUID stands for (several when names repeat). */
  async find(teamId: string, query: string): Promise<WorkspaceCluster[]> {
    return matchClusters(await this.list(teamId), query);
  }

  /**
   * The UUID a cluster is given by — a UUID as it is, or the name or slug of one cluster this workspace
   * imported — or why not: no cluster by that name, or several.
   */
  async uuidFor(teamId: string, query: string): Promise<{ ok: true; uuid: string } | { ok: false; found: 'none' | 'several' }> {
    if (isUuid(query)) return { ok: true, uuid: query };
    const uuids = [...new Set((await this.find(teamId, query)).flatMap((c) => (c.uuid === null ? [] : [c.uuid])))];
    if (uuids.length === 1) return { ok: true, uuid: uuids[0]! };
    return { ok: false, found: uuids.length === 0 ? 'none' : 'several' };
  }

  /**
   * What adding node groups to cluster `clusterId` (a UUID, imported here or elsewhere) must know. The
   * request of the form `sourceKey` itself does not count: a redelivered submission finds its own
   * names taken by the request its first delivery stored (or even sent) otherwise.
   */
  async forChange(teamId: string, clusterId: string, sourceKey: string): Promise<ClusterForChange> {
    const id = clusterId.trim().toLowerCase();
    const others = (changes: readonly ImportRequest[]) => changes.filter((r) => r.sourceKey !== sourceKey);
    const listed = (await this.list(teamId)).find((c) => c.uuid?.toLowerCase() === id);
    const cluster = listed === undefined ? undefined : clusterOf(listed.imported, others(listed.changes));
    if (cluster !== undefined) {
      return { cluster, known: knownNodeGroups(cluster, cluster.changes), target: { id, name: cluster.name, thread: clusterThreadOf(cluster) } };
    }
    const changes = id === '' ? [] : await this.store.listRequests(teamId, CHANGES_LIMIT, { kind: 'add_node_groups', clusterIds: [id] });
    return { cluster: undefined, known: knownNodeGroups(undefined, others(changes)), target: { id, name: null, thread: null } };
  }
}
