// Storing a new request: one INSERT that does nothing when the same submission (its workspace and
// source key) was stored before, and the read that finds that earlier request.
import type { ImportRequest, RequestEvent } from '../domain/importRequest.js';
import { clusterColumns, jsonOrNull, policyColumns, toRequest, type RequestRow } from './rows.js';
import type { SqlExecutor, SqlParams } from './sqlDriver.js';
import type { NewImportRequest } from './store.js';

/** Stores a new request; DO NOTHING waits for a concurrent insert of the same key to commit, then yields no row. */
export const INSERT_REQUEST = `INSERT INTO import_requests (id, team_id, requester_id, channel_id, source_key, payload, state, version,
    approval, expires_at, cards, response_url, replaces_id, created_at, updated_at, enterprise_id,
    kind, cluster_id, cluster_name, cluster_thread, provenance, policy_hash, policy_rule)
  VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, '[]', $10, $11, $12, $12, $13, $14, $15, $16, $17, $18, $19, $20)
  ON CONFLICT (team_id, source_key) DO NOTHING
  RETURNING *`;

export function createRequestValues(input: NewImportRequest): SqlParams {
  const cluster = clusterColumns(input.cluster);
  const policy = policyColumns(input.policy);
  return [
    input.id,
    input.teamId,
    input.requesterId,
    input.channelId,
    input.sourceKey,
    input.payload,
    input.state,
    jsonOrNull(input.approval),
    input.expiresAt,
    input.responseUrl,
    input.replacesId,
    input.at,
    input.enterpriseId,
    input.kind,
    cluster.cluster_id,
    cluster.cluster_name,
    cluster.cluster_thread,
    input.provenance ?? null,
    policy.policy_hash,
    policy.policy_rule,
  ];
}

export async function existingBySourceKey(tx: SqlExecutor, input: NewImportRequest): Promise<ImportRequest> {
  const [row] = await tx.query<RequestRow>('SELECT * FROM import_requests WHERE team_id = $1 AND source_key = $2', [
    input.teamId,
    input.sourceKey,
  ]);
  if (row === undefined) throw new Error(`Request with source key ${input.sourceKey} conflicted but cannot be found`);
  return toRequest(row);
}

/** One audit entry of a request. */
export async function insertEvent(tx: SqlExecutor, e: RequestEvent): Promise<void> {
  await tx.run(
    `INSERT INTO request_events (request_id, seq, at, actor_id, from_state, to_state, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [e.requestId, e.seq, e.at, e.actorId, e.fromState, e.toState, e.note],
  );
}
