// The kinds of request the bot sends to Simplismart, and what differs between them at the API: the
// endpoint each is POSTed to and the body it carries (frozen at submission, read back here by kind).
// Storing, approving, telling and sending exactly once are the same for every kind.
import type { AddNodeGroupsBody, ImportClusterBody } from './clusterImport.js';
import type { ClusterTarget } from './importRequest.js';

export const REQUEST_KINDS = ['import_cluster', 'add_node_groups'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** The body each kind sends. */
export interface RequestBodies {
  import_cluster: ImportClusterBody;
  add_node_groups: AddNodeGroupsBody;
}

/** A request as far as its kind goes: what it is, what it sends, and (node groups) to which cluster. */
export type KindOf<K extends RequestKind = RequestKind> = { kind: K; payload: string; cluster: ClusterTarget | null };

/** A request with its body read back, narrowed by kind. */
export type KindedBody = { [K in RequestKind]: { kind: K; body: RequestBodies[K] } }[RequestKind];

export const IMPORT_CLUSTER_PATH = 'infrastructure/clusters/existing';

/** `POST /infrastructure/node-groups/{cluster_id}/import-cluster`, relative to the API's base URL. */
export function nodeGroupsPath(clusterId: string): string {
  return `infrastructure/node-groups/${encodeURIComponent(clusterId)}/import-cluster`;
}

/**
 * The most of one answer the bot reads from Simplismart, in bytes as they arrive (after any
 * decompression). Every answer it documents is a few kilobytes; past this, what it said is unknown.
 */
export const ANSWER_BYTE_LIMIT = 1024 * 1024;
/** The limit as people read it. */
export const ANSWER_LIMIT_WORDS = `${ANSWER_BYTE_LIMIT / (1024 * 1024)} MB`;

/** Each kind's endpoint as a route template, ids as placeholders: what metrics name it by (never a URL with an id). */
export const ENDPOINT_TEMPLATES: Readonly<Record<RequestKind, string>> = {
  import_cluster: `/${IMPORT_CLUSTER_PATH}`,
  add_node_groups: '/infrastructure/node-groups/{cluster_id}/import-cluster',
};

/** Where each kind is POSTed (relative to the API's base URL). */
const ENDPOINTS: Record<RequestKind, (request: KindOf) => string> = {
  import_cluster: () => IMPORT_CLUSTER_PATH,
  add_node_groups: (request) => nodeGroupsPath(request.cluster?.id ?? ''),
};

export function endpointOf(request: KindOf): string {
  return ENDPOINTS[request.kind](request);
}

/** The frozen body, read back with its kind (the store only holds bodies that passed their schema). */
export function bodyOf(request: KindOf): KindedBody {
  const body: unknown = JSON.parse(request.payload);
  return { kind: request.kind, body } as KindedBody;
}

/** The body of a request known to be of `kind`; a request of another kind is a programming error. */
export function bodyOfKind<K extends RequestKind>(request: KindOf, kind: K): RequestBodies[K] {
  if (request.kind !== kind) throw new Error(`a ${request.kind} request read as ${kind}`);
  return JSON.parse(request.payload) as RequestBodies[K];
}
