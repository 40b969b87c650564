// The Store, written once in portable SQL over a SqlDriver: row mapping, the request state machine's
// compare-and-set moves with their audit trail, votes, sweeper listings and migrations.
import type { ApprovalPolicy, StoredApprovalPolicy } from '../domain/approvalPolicy.js';
import {
  canTransition,
  lastDecision,
  type Approval,
  type ApprovalRequirement,
  type ImportLease,
  type ImportOutcome,
  type ImportRequest,
  type MessageRef,
  type RequestEvent,
  type RequestSnapshot,
  type RequestState,
} from '../domain/importRequest.js';
import type { WorkspaceConnection } from '../domain/workspaceConnection.js';
import { StoreUnavailableError } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { SqlDriver, SqlExecutor, SqlTransactor, SqlValue } from './sqlDriver.js';
import type { ApprovalVote, NewImportRequest, RequestPatch, Store, StoreWatcher, TransitionArgs } from './store.js';

interface ConnectionRow {
  team_id: string;
  token_ciphertext: string;
  token_hint: string;
  token_expires_at: number | null;
  org_id: string;
  default_hosted_zone: string | null;
  default_secret_id: string | null;
  connected_by: string;
  connected_at: number;
}

interface PolicyRow {
  required: number;
  approver_user_ids: string;
  approver_group_ids: string;
  approvals_needed: number;
  expiry_seconds: number;
  approvals_channel_id: string | null;
  updated_by: string;
  updated_at: number;
}

interface RequestRow {
  id: string;
  team_id: string;
  requester_id: string;
  channel_id: string;
  source_key: string;
  payload: string;
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
  lease_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

interface EventRow {
  request_id: string;
  seq: number;
  at: number;
  actor_id: string | null;
  from_state: string | null;
  to_state: string;
  note: string | null;
}

interface ApprovalRow {
  request_id: string;
  approver_id: string;
  at: number;
}

/** Thrown inside recordApproval's transaction to undo the version bump of a repeated vote. */
class DuplicateVote extends Error {}

export class SqlStore implements Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly #db: SqlDriver;

  constructor(driver: SqlDriver) {
    this.#db = driver;
    this.engine = driver.engine;
  }

  async migrate(): Promise<void> {
    await this.#db.withMigrationLock(async (db) => {
      await db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => Number(row.version)));
      for (const migration of MIGRATIONS) {
        if (!applied.has(migration.version)) await applyMigration(db, migration);
      }
    });
  }

  async ping(): Promise<void> {
    try {
      await this.#db.run(
        'INSERT INTO store_health (id, pinged_at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET pinged_at = excluded.pinged_at',
        [Date.now()],
      );
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      // Readiness is the question: a store that cannot take this write (not migrated…) is not ready.
      throw new StoreUnavailableError(`The store did not accept a write: ${errorMessage(error)}`, { cause: error });
    }
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  watch(watcher: StoreWatcher): void {
    this.#db.watch?.(watcher);
  }

  async getConnection(teamId: string): Promise<WorkspaceConnection | undefined> {
    const [row] = await this.#db.query<ConnectionRow>('SELECT * FROM workspace_connections WHERE team_id = $1', [teamId]);
    return row === undefined ? undefined : toConnection(row);
  }

  async saveConnection(c: WorkspaceConnection): Promise<void> {
    await this.#db.run(
      `INSERT INTO workspace_connections (team_id, token_ciphertext, token_hint, token_expires_at, org_id,
         default_hosted_zone, default_secret_id, connected_by, connected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (team_id) DO UPDATE SET
         token_ciphertext = excluded.token_ciphertext, token_hint = excluded.token_hint,
         token_expires_at = excluded.token_expires_at, org_id = excluded.org_id,
         default_hosted_zone = excluded.default_hosted_zone, default_secret_id = excluded.default_secret_id,
         connected_by = excluded.connected_by, connected_at = excluded.connected_at`,
      [
        c.teamId,
        c.tokenCiphertext,
        c.tokenHint,
        c.tokenExpiresAt,
        c.orgId,
        c.defaultHostedZone,
        c.defaultSecretId,
        c.connectedBy,
        c.connectedAt,
      ],
    );
  }

  async deleteConnection(teamId: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM workspace_connections WHERE team_id = $1', [teamId])) > 0;
  }

  async getApprovalPolicy(teamId: string): Promise<StoredApprovalPolicy | undefined> {
    const [row] = await this.#db.query<PolicyRow>('SELECT * FROM approval_policies WHERE team_id = $1', [teamId]);
    return row === undefined ? undefined : toPolicy(row);
  }

  async saveApprovalPolicy(teamId: string, policy: ApprovalPolicy, updatedBy: string, at: number): Promise<void> {
    await this.#db.run(
      `INSERT INTO approval_policies (team_id, required, approver_user_ids, approver_group_ids, approvals_needed,
         expiry_seconds, approvals_channel_id, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (team_id) DO UPDATE SET
         required = excluded.required, approver_user_ids = excluded.approver_user_ids,
         approver_group_ids = excluded.approver_group_ids, approvals_needed = excluded.approvals_needed,
         expiry_seconds = excluded.expiry_seconds, approvals_channel_id = excluded.approvals_channel_id,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [
        teamId,
        policy.required ? 1 : 0,
        JSON.stringify(policy.approverUserIds),
        JSON.stringify(policy.approverGroupIds),
        policy.approvalsNeeded,
        policy.expirySeconds,
        policy.approvalsChannelId,
        updatedBy,
        at,
      ],
    );
  }

  createRequest(input: NewImportRequest): Promise<{ request: ImportRequest; created: boolean }> {
    return this.#db.transaction(async (tx) => {
      // DO NOTHING waits for a concurrent insert of the same key to commit, then yields no row.
      const [row] = await tx.query<RequestRow>(
        `INSERT INTO import_requests (id, team_id, requester_id, channel_id, source_key, payload, state, version,
           approval, expires_at, cards, response_url, replaces_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, '[]', $10, $11, $12, $12)
         ON CONFLICT (team_id, source_key) DO NOTHING
         RETURNING *`,
        [
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
        ],
      );
      if (row === undefined) return { request: await existingBySourceKey(tx, input), created: false };
      await insertEvent(tx, {
        requestId: input.id,
        seq: row.version,
        at: input.at,
        actorId: input.requesterId,
        fromState: null,
        toState: input.state,
        note: input.note,
      });
      return { request: toRequest(row), created: true };
    });
  }

  async getRequest(id: string): Promise<ImportRequest | undefined> {
    const [row] = await this.#db.query<RequestRow>('SELECT * FROM import_requests WHERE id = $1', [id]);
    return row === undefined ? undefined : toRequest(row);
  }

  async getSnapshot(id: string): Promise<RequestSnapshot | undefined> {
    const request = await this.getRequest(id);
    if (request === undefined) return undefined;
    // A request that never needed approval has no votes and no decision; one still waiting has no decision.
    if (request.approval === null) return { request, approvals: [], decision: undefined };
    const approvals = await this.listApprovals(id);
    const events = request.state === 'pending_approval' ? [] : await this.listEvents(id);
    return { request, approvals, decision: lastDecision(events) };
  }

  async listRequests(teamId: string, limit: number): Promise<ImportRequest[]> {
    const rows = await this.#db.query<RequestRow>(
      'SELECT * FROM import_requests WHERE team_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
      [teamId, sqlLimit(limit)],
    );
    return rows.map(toRequest);
  }

  async listEvents(requestId: string): Promise<RequestEvent[]> {
    const rows = await this.#db.query<EventRow>('SELECT * FROM request_events WHERE request_id = $1 ORDER BY seq', [requestId]);
    return rows.map(toEvent);
  }

  listApprovals(requestId: string): Promise<Approval[]> {
    return approvalsOf(this.#db, requestId);
  }

  async transition(args: TransitionArgs): Promise<ImportRequest | undefined> {
    assertReachable(args.from, args.to);
    return this.#db.transaction(async (tx) => {
      const params = new Params();
      const assignments = [
        'previous_state = state',
        `state = ${params.add(args.to)}`,
        'version = version + 1',
        `updated_at = ${params.add(args.at)}`,
        ...patchAssignments(args.patch ?? {}, params),
      ];
      const conditions = [`id = ${params.add(args.id)}`, `state IN (${args.from.map((s) => params.add(s)).join(', ')})`];
      if (args.ifLease !== undefined) conditions.push(...leaseConditions(args.ifLease, params));
      // One conditional UPDATE is the compare-and-set: concurrent movers serialize on the row and
      // re-check `state` (and the lease, when asked), so exactly one of them gets a row back.
      const [row] = await tx.query<RequestRow>(
        `UPDATE import_requests SET ${assignments.join(', ')} WHERE ${conditions.join(' AND ')} RETURNING *`,
        params.values,
      );
      if (row === undefined) return undefined;
      await insertEvent(tx, {
        requestId: args.id,
        seq: row.version,
        at: args.at,
        actorId: args.actorId,
        fromState: parseState(row.previous_state),
        toState: args.to,
        note: args.note ?? null,
      });
      return toRequest(row);
    });
  }

  async recordApproval(args: { id: string; approverId: string; at: number; note?: string | null }): Promise<ApprovalVote> {
    const vote = await this.#db.transaction((tx) => this.#vote(tx, args)).catch((error: unknown) => {
      if (error instanceof DuplicateVote) return undefined;
      throw error;
    });
    if (vote !== undefined) return vote;
    // Rolled back: this approver had voted already. Report the request as it stands now.
    const request = await this.getRequest(args.id);
    if (request === undefined) throw new Error(`Request ${args.id} vanished while counting a vote`);
    return { outcome: 'duplicate', request, approvals: await this.listApprovals(args.id) };
  }

  async #vote(tx: SqlExecutor, args: { id: string; approverId: string; at: number; note?: string | null }): Promise<ApprovalVote> {
    // Bumping the version first takes the row lock, so votes and transitions on this request serialize.
    const [row] = await tx.query<RequestRow>(
      `UPDATE import_requests SET previous_state = state, version = version + 1, updated_at = $2
       WHERE id = $1 AND state = 'pending_approval'
       RETURNING *`,
      [args.id, args.at],
    );
    if (row === undefined) {
      const [current] = await tx.query<RequestRow>('SELECT * FROM import_requests WHERE id = $1', [args.id]);
      return { outcome: 'not_pending', request: current && toRequest(current), approvals: await approvalsOf(tx, args.id) };
    }
    const inserted = await tx.run(
      `INSERT INTO request_approvals (request_id, approver_id, at) VALUES ($1, $2, $3)
       ON CONFLICT (request_id, approver_id) DO NOTHING`,
      [args.id, args.approverId, args.at],
    );
    if (inserted === 0) throw new DuplicateVote();
    await insertEvent(tx, {
      requestId: args.id,
      seq: row.version,
      at: args.at,
      actorId: args.approverId,
      fromState: 'pending_approval',
      toState: 'pending_approval',
      note: args.note ?? null,
    });
    return { outcome: 'recorded', request: toRequest(row), approvals: await approvalsOf(tx, args.id) };
  }

  async updateRequest(id: string, patch: RequestPatch): Promise<void> {
    const params = new Params();
    const assignments = patchAssignments(patch, params);
    if (assignments.length === 0) return;
    await this.#db.run(`UPDATE import_requests SET ${assignments.join(', ')} WHERE id = ${params.add(id)}`, params.values);
  }

  async listExpiredPending(now: number, limit: number): Promise<ImportRequest[]> {
    // Inclusive: a request expires at its instant. NULL (no expiry) never comes.
    const rows = await this.#db.query<RequestRow>(
      `SELECT * FROM import_requests WHERE state = 'pending_approval' AND expires_at <= $1
       ORDER BY expires_at, id LIMIT $2`,
      [now, sqlLimit(limit)],
    );
    return rows.map(toRequest);
  }

  async listLapsedLeases(now: number, limit: number): Promise<ImportRequest[]> {
    // A request importing without a lease has nobody vouching for it: it is as lapsed as can be.
    const rows = await this.#db.query<RequestRow>(
      `SELECT * FROM import_requests
       WHERE state = 'importing' AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
       ORDER BY COALESCE(lease_expires_at, 0), id LIMIT $2`,
      [now, sqlLimit(limit)],
    );
    return rows.map(toRequest);
  }

  async renewLease(id: string, owner: string, expiresAt: number): Promise<boolean> {
    const changed = await this.#db.run(
      `UPDATE import_requests SET lease_expires_at = $3
       WHERE id = $1 AND state = 'importing' AND lease_owner = $2`,
      [id, owner, expiresAt],
    );
    return changed > 0;
  }

  async listStalledApproved(updatedBefore: number, limit: number): Promise<ImportRequest[]> {
    const rows = await this.#db.query<RequestRow>(
      `SELECT * FROM import_requests WHERE state = 'approved' AND updated_at < $1
       ORDER BY updated_at, id LIMIT $2`,
      [updatedBefore, sqlLimit(limit)],
    );
    return rows.map(toRequest);
  }
}

async function applyMigration(db: SqlTransactor, migration: Migration): Promise<void> {
  await db.transaction(async (tx) => {
    // Checked again inside the transaction: another process may have applied it since we looked.
    const done = await tx.query('SELECT version FROM schema_migrations WHERE version = $1', [migration.version]);
    if (done.length > 0) return;
    await tx.exec(migration.sql);
    await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      Date.now(),
    ]);
  });
}

async function existingBySourceKey(tx: SqlExecutor, input: NewImportRequest): Promise<ImportRequest> {
  const [row] = await tx.query<RequestRow>('SELECT * FROM import_requests WHERE team_id = $1 AND source_key = $2', [
    input.teamId,
    input.sourceKey,
  ]);
  if (row === undefined) throw new Error(`Request with source key ${input.sourceKey} conflicted but cannot be found`);
  return toRequest(row);
}

async function insertEvent(tx: SqlExecutor, e: RequestEvent): Promise<void> {
  await tx.run(
    `INSERT INTO request_events (request_id, seq, at, actor_id, from_state, to_state, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [e.requestId, e.seq, e.at, e.actorId, e.fromState, e.toState, e.note],
  );
}

async function approvalsOf(db: SqlExecutor, requestId: string): Promise<Approval[]> {
  const rows = await db.query<ApprovalRow>(
    'SELECT * FROM request_approvals WHERE request_id = $1 ORDER BY at, approver_id',
    [requestId],
  );
  return rows.map((row) => ({ requestId: row.request_id, approverId: row.approver_id, at: toNumber(row.at) }));
}

/** Throws for a move the state machine forbids from any of the states the caller allows. */
function assertReachable(from: readonly RequestState[], to: RequestState): void {
  if (from.length === 0) throw new Error(`A transition to ${to} needs at least one state to move from`);
  const impossible = from.filter((state) => !canTransition(state, to));
  if (impossible.length > 0) throw new Error(`Cannot move a request from ${impossible.join(', ')} to ${to}`);
}

/** Collects parameter values and hands out their `$n` placeholders. */
class Params {
  readonly values: SqlValue[] = [];

  add(value: SqlValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** SET clauses for the patch's present keys: undefined leaves a field alone, null clears it. */
function patchAssignments(patch: RequestPatch, params: Params): string[] {
  const sets: string[] = [];
  const set = (column: string, value: SqlValue): void => {
    sets.push(`${column} = ${params.add(value)}`);
  };
  if (patch.thread !== undefined) set('thread', jsonOrNull(patch.thread));
  if (patch.threadPermalink !== undefined) set('thread_permalink', patch.threadPermalink);
  if (patch.cards !== undefined) set('cards', JSON.stringify(patch.cards));
  if (patch.outcome !== undefined) set('outcome', jsonOrNull(patch.outcome));
  if (patch.lease !== undefined) {
    set('lease_owner', patch.lease?.owner ?? null);
    set('lease_expires_at', patch.lease?.expiresAt ?? null);
  }
  return sets;
}

/** WHERE clauses matching exactly `lease` (null: none), NULLs included, in SQL both engines share. */
function leaseConditions(lease: ImportLease | null, params: Params): string[] {
  const equals = (column: string, value: SqlValue): string => (value === null ? `${column} IS NULL` : `${column} = ${params.add(value)}`);
  return [equals('lease_owner', lease?.owner ?? null), equals('lease_expires_at', lease?.expiresAt ?? null)];
}

function toConnection(row: ConnectionRow): WorkspaceConnection {
  return {
    teamId: row.team_id,
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

function toPolicy(row: PolicyRow): StoredApprovalPolicy {
  return {
    required: toNumber(row.required) !== 0,
    approverUserIds: parseJson<string[]>(row.approver_user_ids),
    approverGroupIds: parseJson<string[]>(row.approver_group_ids),
    approvalsNeeded: toNumber(row.approvals_needed),
    expirySeconds: toNumber(row.expiry_seconds),
    approvalsChannelId: row.approvals_channel_id,
    updatedBy: row.updated_by,
    updatedAt: toNumber(row.updated_at),
  };
}

function toRequest(row: RequestRow): ImportRequest {
  return {
    id: row.id,
    teamId: row.team_id,
    requesterId: row.requester_id,
    channelId: row.channel_id,
    sourceKey: row.source_key,
    payload: row.payload,
    state: row.state as RequestState,
    version: toNumber(row.version),
    approval: row.approval === null ? null : parseJson<ApprovalRequirement>(row.approval),
    expiresAt: toNullableNumber(row.expires_at),
    thread: row.thread === null ? null : parseJson<MessageRef>(row.thread),
    threadPermalink: row.thread_permalink,
    cards: parseJson<MessageRef[]>(row.cards),
    outcome: row.outcome === null ? null : parseJson<ImportOutcome>(row.outcome),
    responseUrl: row.response_url,
    replacesId: row.replaces_id,
    lease: toLease(row),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

function toLease(row: RequestRow): ImportLease | null {
  const expiresAt = toNullableNumber(row.lease_expires_at);
  return expiresAt === null ? null : { owner: row.lease_owner, expiresAt };
}

function toEvent(row: EventRow): RequestEvent {
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

function parseState(value: string | null): RequestState | null {
  // Only this module writes states, always from the RequestState union.
  return value as RequestState | null;
}

/** JSON columns hold what this module serialized; they are trusted to have the typed shape. */
function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Defensive: a driver that returned an integer as string or bigint still yields a number. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`Expected a number from the database, got ${typeof value}`);
}

function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** A negative LIMIT means "no limit" to SQLite and is an error to PostgreSQL: clamp it. */
function sqlLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
