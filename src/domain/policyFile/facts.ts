// What a policy rule can ask of a request: a small object built from the frozen body (an import, or node
// groups added to a cluster) and where the request comes from. Each fact is known, known to be absent
// (`null`: no region for an oci cluster, no channel for the App Home's button) or unknown (`undefined`:
// the provider of a cluster imported outside the bot). Group membership is resolved by the caller, and
// only for the groups the policy asks about (`groupsToResolve` in evaluate.ts).
import type { CapacityType, ImportClusterBody, NodeConfig, NodeGroup, Provider } from '../clusterImport.js';
import type { RequestKind } from '../requestKinds.js';

export interface NodeGroupFacts {
  name: string;
  /** The accelerator type; null for a node group without GPUs. */
  accelerator: string | null;
  /** GPUs per node (0 without an accelerator). */
  gpusPerNode: number;
  /** undefined when the request does not say (Simplismart then decides). */
  capacityType: CapacityType | undefined;
  /** max_node_count; undefined when the request does not say. */
  maxNodes: number | undefined;
  /**
   * GPUs at maximum scale: max_node_count × accelerator_count; 0 without an accelerator; Infinity for a
   * group with GPUs and no max_node_count (nothing bounds it), so that "more than N" holds and "at most N"
   * does not.
   */
  gpus: number;
}

export interface RequestFacts {
  /** The Slack workspace (team id) the request comes from. */
  workspace: string;
  kind: RequestKind;
  /** The channel it was asked from; null for the App Home, a global shortcut, anything without one. */
  channel: string | null;
  requester: string;
  /** Whether the requester is in each group resolved; a group not in the map is unknown. */
  requesterGroups: ReadonlyMap<string, boolean>;
  provider: Provider | undefined;
  /** null for providers without regions. */
  region: string | null | undefined;
  clusterName: string | undefined;
  clusterSlug: string | undefined;
  nodeGroups: readonly NodeGroupFacts[];
}

/** Where a request comes from and who asks. */
export interface RequestOrigin {
  workspace: string;
  channel: string | null;
  requester: string;
  requesterGroups: ReadonlyMap<string, boolean>;
}

/** What an import's facts are read from: the body's fields that rules can ask about. */
export type ImportFactsBody = Pick<ImportClusterBody, 'name' | 'slug' | 'cluster_hosted_on' | 'region' | 'nodegroup_labels' | 'node_config'>;

/** What the caller knows of the cluster node groups are added to (from its import through the bot); each part may be unknown. */
export interface KnownCluster {
  name?: string;
  slug?: string;
  provider?: Provider;
  region?: string | null;
}

/**
 * One node group's facts. `defaults` is the import's cluster-wide node_config: each key a group does not
 * give falls back to it.
 */
export function nodeGroupFacts(group: NodeGroup, defaults?: NodeConfig): NodeGroupFacts {
  const config: NodeConfig = { ...defaults, ...group.node_config };
  const accelerator = config.accelerator_type ?? null;
  const gpusPerNode = accelerator === null ? 0 : (config.accelerator_count ?? 0);
  const maxNodes = config.max_node_count;
  const gpus = gpusPerNode === 0 ? 0 : maxNodes === undefined ? Number.POSITIVE_INFINITY : maxNodes * gpusPerNode;
  return { name: group.name, accelerator, gpusPerNode, capacityType: config.capacity_type, maxNodes, gpus };
}

export function importFacts(body: ImportFactsBody, origin: RequestOrigin): RequestFacts {
  return {
    ...origin,
    kind: 'import_cluster',
    provider: body.cluster_hosted_on,
    region: body.region,
    clusterName: body.name,
    clusterSlug: body.slug,
    nodeGroups: body.nodegroup_labels.map((g) => nodeGroupFacts(g, body.node_config)),
  };
}

export function nodeGroupsFacts(body: { nodegroup_labels: readonly NodeGroup[] }, cluster: KnownCluster | null, origin: RequestOrigin): RequestFacts {
  return {
    ...origin,
    kind: 'add_node_groups',
    provider: cluster?.provider,
    region: cluster?.region,
    clusterName: cluster?.name,
    clusterSlug: cluster?.slug,
    nodeGroups: body.nodegroup_labels.map((g) => nodeGroupFacts(g)),
  };
}

/** Σ max_node_count × accelerator_count over the request's node groups (Infinity when one is unbounded). */
export function totalGpus(facts: Pick<RequestFacts, 'nodeGroups'>): number {
  return facts.nodeGroups.reduce((sum, g) => sum + g.gpus, 0);
}

/** The requester's membership of `resolved` groups, from the groups they are in. */
export function membership(resolved: Iterable<string>, memberOf: Iterable<string>): Map<string, boolean> {
  const member = new Set(memberOf);
  return new Map([...resolved].map((group) => [group, member.has(group)]));
}
