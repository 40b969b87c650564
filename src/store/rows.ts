// The tables' rows as the drivers return them, and their mapping to and from the domain's types: JSON
// columns parsed, integers made numbers whatever the driver returned (BIGINT as string, say).
import type { ApprovalPolicy, NodeGroupsApproval, StoredApprovalPolicy } from '../domain/approvalPolicy.js';
import type {
  Approval,
  ApprovalRequirement,
  ClusterTarget,
  ImportLease,
  ImportOutcome,
  ImportRequest,
  MessageRef,
  RequestEvent,
  RequestState,
  RequestThread,
} from '../domain/importRequest.js';
import type { PolicyRecord } from '../domain/policyFile/record.js';
import type { NamedReference, ReferenceKind, StoredReference } from '../domain/references.js';
import type { RequestKind } from '../domain/requestKinds.js';
import type { WorkspaceConnection } from '../domain/workspaceConnection.js';
import type { SqlValue } from './sqlDriver.js';

/** A row as written: every column a value a driver binds (a type, not an interface, to be indexable). */
export type WritableRow = Record<string, SqlValue>;

export type ConnectionRow = {
  team_id: string;
  enterprise_id: string | null;
  token_ciphertext: string;
  token_hint: string;
  token_expires_at: number | null;
  org_id: string;
  default_hosted_zone: string | null;
  default_secret_id: string | null;
  connected_by: string;
  connected_at: number;
};

export type PolicyRow = {
  team_id: string;
  required: number;
  approver_user_ids: string;
  approver_group_ids: string;
  approvals_needed: number;
  expiry_seconds: number;
  approvals_channel_id: string | null;
  node_groups_approval: string;
  updated_by: string;
  updated_at: number;
};

export type ReferenceRow = {
  team_id: string;
  kind: string;
  category: string;
  name: string;
  uuid: string;
  position: number;
  updated_by: string;
  updated_at: number;
};

export interface RequestRow {
  id: string;
  kind: string;
  team_id: string;
  enterprise_id: string | null;
  requester_id: string;
  channel_id: string;
  source_key: string;
  payload: string;
  cluster_id: string | null;
  cluster_name: string | null;
  cluster_thread: string | null;
  state: string;
  /** The state before the last versioned change: `SET previous_state = state` reads the old value. */
  previous_state: string | null;
  version: number;
  approval: string | null;
  expires_at: number | null;
  thread: string | null;
  thread_permalink: string | null;
  cards: string;
  outcome: string | null;
  response_url: string | null;
  replaces_id: string | null;
  lease_owner: string | null;
  /** Migration 009; undefined on a row read before it. */
  provenance?: string | null;
  lease_expires_at: number | null;
  /** The deciding policy file's content hash (migration 008); null without a policy file. */
  policy_hash: string | null;
  /** The rest of the PolicyRecord as JSON (its hash in policy_hash). */
  policy_rule: string | null;
  created_at: number;
  updated_at: number;
}

export interface EventRow {
  request_id: string;
  seq: number;
  at: number;
  actor_id: string | null;
  from_state: string | null;
  to_state: string;
  note: string | null;
}

export interface ApprovalRow {
  request_id: string;
  approver_id: string;
  at: number;
}

export function toConnection(row: ConnectionRow): WorkspaceConnection {
  return {
    teamId: row.team_id,
    enterpriseId: row.enterprise_id,
    tokenCiphertext: row.token_ciphertext,
    tokenHint: row.token_hint,
    tokenExpiresAt: toNullableNumber(row.token_expires_at),
    orgId: row.org_id,
    defaultHostedZone: row.default_hosted_zone,
    defaultSecretId: row.default_secret_id,
    connectedBy: row.connected_by,
    connectedAt: toNumber(row.connected_at),
  };
}

export function toPolicy(row: PolicyRow): StoredApprovalPolicy {
  return {
    required: toNumber(row.required) !== 0,
    approverUserIds: parseJson<string[]>(row.approver_user_ids),
    approverGroupIds: parseJson<string[]>(row.approver_group_ids),
    approvalsNeeded: toNumber(row.approvals_needed),
    expirySeconds: toNumber(row.expiry_seconds),
    approvalsChannelId: row.approvals_channel_id,
    nodeGroupsApproval: row.node_groups_approval as NodeGroupsApproval,
    updatedBy: row.updated_by,
    updatedAt: toNumber(row.updated_at),
  };
}

export function toRequest(row: RequestRow): ImportRequest {
  return {
    id: row.id,
    kind: row.kind as RequestKind,
    teamId: row.team_id,
    enterpriseId: row.enterprise_id,
    requesterId: row.requester_id,
    channelId: row.channel_id,
    sourceKey: row.source_key,
    payload: row.payload,
    cluster: toClusterTarget(row),
    state: row.state as RequestState,
    version: toNumber(row.version),
    approval: row.approval === null ? null : parseJson<ApprovalRequirement>(row.approval),
    policy: toPolicyRecord(row),
    expiresAt: toNullableNumber(row.expires_at),
    thread: row.thread === null ? null : parseJson<RequestThread>(row.thread),
    threadPermalink: row.thread_permalink,
    cards: parseJson<MessageRef[]>(row.cards),
    outcome: row.outcome === null ? null : parseJson<ImportOutcome>(row.outcome),
    responseUrl: row.response_url,
    replacesId: row.replaces_id,
    lease: toLease(row),
    ...(row.provenance === null || row.provenance === undefined ? {} : { provenance: row.provenance }),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

function toPolicyRecord(row: RequestRow): PolicyRecord | null {
  if (row.policy_hash === null || row.policy_hash === undefined || row.policy_rule === null || row.policy_rule === undefined) return null;
  return { ...parseJson<Omit<PolicyRecord, 'hash'>>(row.policy_rule), hash: row.policy_hash };
}

/** The policy columns of a request as written (both null without a policy file). */
export function policyColumns(record: PolicyRecord | null | undefined): Pick<RequestRow, 'policy_hash' | 'policy_rule'> {
  if (record === null || record === undefined) return { policy_hash: null, policy_rule: null };
  const { hash, ...rest } = record;
  return { policy_hash: hash, policy_rule: JSON.stringify(rest) };
}

function toClusterTarget(row: RequestRow): ClusterTarget | null {
  if (row.cluster_id === null) return null;
  return { id: row.cluster_id, name: row.cluster_name, thread: row.cluster_thread === null ? null : parseJson<MessageRef>(row.cluster_thread) };
}

/** The cluster columns of a request as written (all null for an import). */
export function clusterColumns(cluster: ClusterTarget | null): Pick<RequestRow, 'cluster_id' | 'cluster_name' | 'cluster_thread'> {
  return { cluster_id: cluster?.id ?? null, cluster_name: cluster?.name ?? null, cluster_thread: jsonOrNull(cluster?.thread ?? null) };
}

function toLease(row: RequestRow): ImportLease | null {
  const expiresAt = toNullableNumber(row.lease_expires_at);
  return expiresAt === null ? null : { owner: row.lease_owner, expiresAt };
}

export function toEvent(row: EventRow): RequestEvent {
  return {
    requestId: row.request_id,
    seq: toNumber(row.seq),
    at: toNumber(row.at),
    actorId: row.actor_id,
    fromState: parseState(row.from_state),
    toState: row.to_state as RequestState,
    note: row.note,
  };
}

export function parseState(value: string | null): RequestState | null {
  // Only this module writes states, always from the RequestState union.
  return value as RequestState | null;
}

/** JSON columns hold what this module serialized; they are trusted to have the typed shape. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Defensive: a driver that returned an integer as string or bigint still yields a number. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`Expected a number from the database, got ${typeof value}`);
}

function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

export function toApproval(row: ApprovalRow): Approval {
  return { requestId: row.request_id, approverId: row.approver_id, at: toNumber(row.at) };
}

export function connectionRow(c: WorkspaceConnection): ConnectionRow {
  return {
    team_id: c.teamId,
    enterprise_id: c.enterpriseId,
    token_ciphertext: c.tokenCiphertext,
    token_hint: c.tokenHint,
    token_expires_at: c.tokenExpiresAt,
    org_id: c.orgId,
    default_hosted_zone: c.defaultHostedZone,
    default_secret_id: c.defaultSecretId,
    connected_by: c.connectedBy,
    connected_at: c.connectedAt,
  };
}

/** Booleans as 0/1, lists as JSON. */
export function policyRow(teamId: string, p: ApprovalPolicy, updatedBy: string, at: number): PolicyRow {
  return {
    team_id: teamId,
    required: p.required ? 1 : 0,
    approver_user_ids: JSON.stringify(p.approverUserIds),
    approver_group_ids: JSON.stringify(p.approverGroupIds),
    approvals_needed: p.approvalsNeeded,
    expiry_seconds: p.expirySeconds,
    approvals_channel_id: p.approvalsChannelId,
    node_groups_approval: p.nodeGroupsApproval,
    updated_by: updatedBy,
    updated_at: at,
  };
}

export function toReference(row: ReferenceRow): StoredReference {
  return {
    kind: row.kind as ReferenceKind,
    category: row.category,
    name: row.name,
    uuid: row.uuid,
    updatedBy: row.updated_by,
    updatedAt: toNumber(row.updated_at),
  };
}

/** A workspace's reference as written, with its place among those of its kind. */
export function referenceRow(teamId: string, r: NamedReference, position: number, updatedBy: string, at: number): ReferenceRow {
  return { team_id: teamId, kind: r.kind, category: r.category, name: r.name, uuid: r.uuid, position, updated_by: updatedBy, updated_at: at };
}
