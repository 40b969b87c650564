// The Store, written once in portable SQL over a SqlDriver: the request state machine's compare-and-set
// moves with their audit trail, votes, snapshots, sweeper listings and migrations. Rows are mapped in
// rows.ts, run-time SQL pieces built in sqlClauses.ts.
import type { ApprovalPolicy, StoredApprovalPolicy } from '../domain/approvalPolicy.js';
import { canTransition, lastDecision, type Approval, type ImportRequest, type RequestThread, type RequestEvent, type RequestSnapshot, type RequestState } from '../domain/importRequest.js';
import type { SlackInstallation } from '../domain/installation.js';
import type { NamedReference, StoredReference } from '../domain/references.js';
import type { RequestKind } from '../domain/requestKinds.js';
import { ENDED_STATES, type StepCompletionResult, type StepExecution } from '../domain/stepExecution.js';
import type { WorkspaceScope } from '../domain/workspace.js';
import type { WorkspaceConnection } from '../domain/workspaceConnection.js';
import { StoreUnavailableError } from '../errors.js';
import * as installationSql from './installationSql.js';
import { uninstalledScope } from './installationSql.js';
import { applyMigrations } from './migrations/index.js';
import {
  clusterColumns,
  policyColumns,
  connectionRow,
  jsonOrNull,
  policyRow,
  parseState,
  referenceRow,
  toApproval,
  toConnection,
  toEvent,
  toPolicy,
  toReference,
  toRequest,
  type ApprovalRow,
  type ConnectionRow,
  type EventRow,
  type PolicyRow,
  type ReferenceRow,
  type RequestRow,
} from './rows.js';
import { filterConditions, insert, leaseConditions, Params, patchAssignments, sqlLimit, upsert } from './sqlClauses.js';
import type { SqlDriver, SqlExecutor, SqlParams } from './sqlDriver.js';
import { toWorkspaceSettings, workspaceSettingsSql, type StoredWorkspaceSettings } from './workspaceSettingsRows.js';
import type { ApprovalVote, MessageClaim, NewImportRequest, RefreshClaim, RequestFilter, RequestPatch, Store, StoreWatcher, TransitionArgs } from './store.js';

/** Thrown inside recordApproval's transaction to undo the version bump of a repeated vote. */
class DuplicateVote extends Error {}

export class SqlStore implements Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly #db: SqlDriver;

  constructor(driver: SqlDriver) {
    this.#db = driver;
    this.engine = driver.engine;
  }

  migrate(): Promise<void> {
    return applyMigrations(this.#db);
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

  getConnection(teamId: string): Promise<WorkspaceConnection | undefined> {
    return this.#first<ConnectionRow, WorkspaceConnection>('SELECT * FROM workspace_connections WHERE team_id = $1', [teamId], toConnection);
  }

  async saveConnection(c: WorkspaceConnection): Promise<void> {
    const { sql, values } = upsert('workspace_connections', 'team_id', connectionRow(c));
    await this.#db.run(sql, values);
  }

  async deleteConnection(teamId: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM workspace_connections WHERE team_id = $1', [teamId])) > 0;
  }

  deleteConnections(scope: WorkspaceScope): Promise<number> {
    const params = new Params();
    return this.#db.run(`DELETE FROM workspace_connections WHERE ${uninstalledScope(scope, 'workspace_connections', params)}`, params.values);
  }

  getInstallation(key: string): Promise<SlackInstallation | undefined> {
    return installationSql.getInstallation(this.#db, key);
  }

  saveInstallation(installation: SlackInstallation): Promise<void> {
    return installationSql.saveInstallation(this.#db, installation);
  }

  replaceInstallation(installation: SlackInstallation, generation: string): Promise<boolean> {
    return installationSql.replaceInstallation(this.#db, installation, generation);
  }

  claimInstallationRefresh(claim: RefreshClaim): Promise<boolean> {
    return installationSql.claimInstallationRefresh(this.#db, claim);
  }

  releaseInstallationRefresh(key: string, owner: string): Promise<void> {
    return installationSql.releaseInstallationRefresh(this.#db, key, owner);
  }

  async deleteInstallation(key: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM slack_installations WHERE install_key = $1', [key])) > 0;
  }

  async noteHomeOpened(teamId: string, userId: string, at: number): Promise<void> {
    const { sql, values } = upsert('home_tab_visits', ['team_id', 'user_id'], { team_id: teamId, user_id: userId, opened_at: at });
    await this.#db.run(sql, values);
  }

  async homeViewers(teamId: string, userIds: readonly string[], since: number): Promise<string[]> {
    if (userIds.length === 0) return [];
    const params = new Params();
    const team = params.add(teamId);
    const after = params.add(since);
    const users = userIds.map((id) => params.add(id)).join(', ');
    const rows = await this.#db.query<{ user_id: string }>(
      `SELECT user_id FROM home_tab_visits WHERE team_id = ${team} AND opened_at >= ${after} AND user_id IN (${users}) ORDER BY opened_at DESC, user_id`,
      params.values,
    );
    return rows.map((row) => row.user_id);
  }

  consumeOAuthState(stateHash: string, expiresAt: number, now: number): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      await tx.run('DELETE FROM oauth_states_used WHERE expires_at < $1', [now]);
      // DO NOTHING waits for a concurrent insert of the same state to commit, then inserts nothing.
      const inserted = await tx.run('INSERT INTO oauth_states_used (state_hash, expires_at) VALUES ($1, $2) ON CONFLICT (state_hash) DO NOTHING', [stateHash, expiresAt]);
      return inserted > 0;
    });
  }

  getApprovalPolicy(teamId: string): Promise<StoredApprovalPolicy | undefined> {
    return this.#first<PolicyRow, StoredApprovalPolicy>('SELECT * FROM approval_policies WHERE team_id = $1', [teamId], toPolicy);
  }

  async saveApprovalPolicy(teamId: string, policy: ApprovalPolicy, updatedBy: string, at: number): Promise<void> {
    const { sql, values } = upsert('approval_policies', 'team_id', policyRow(teamId, policy, updatedBy, at));
    await this.#db.run(sql, values);
  }

  async getWorkspaceSettings(teamId: string, withReferences: boolean): Promise<StoredWorkspaceSettings> {
    return toWorkspaceSettings(await this.#db.query(workspaceSettingsSql(withReferences), [teamId]));
  }

  async listReferences(teamId: string): Promise<StoredReference[]> {
    const rows = await this.#db.query<ReferenceRow>('SELECT * FROM workspace_references WHERE team_id = $1 ORDER BY kind, category, position', [teamId]);
    return rows.map(toReference);
  }

  replaceReferences(teamId: string, references: readonly NamedReference[], updatedBy: string, at: number): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.run('DELETE FROM workspace_references WHERE team_id = $1', [teamId]);
      for (const [position, reference] of references.entries()) {
        const { sql, values } = insert('workspace_references', referenceRow(teamId, reference, position, updatedBy, at));
        await tx.run(sql, values);
      }
    });
  }

  async createRequest(input: NewImportRequest): Promise<{ request: ImportRequest; created: boolean }> {
    const values = createRequestValues(input);
    if (this.engine === 'postgres') {
      // One statement, so one round trip (a transaction would be four: BEGIN, two INSERTs, COMMIT), and
      // as atomic: both inserts commit together or not at all. SQLite has no INSERT in a WITH clause,
      // and its transactions cost no round trip.
      const step = input.step;
      const [row] = await this.#db.query<RequestRow>(
        `WITH inserted AS (${INSERT_REQUEST}),
           first_event AS (
             INSERT INTO request_events (request_id, seq, at, actor_id, from_state, to_state, note)
             SELECT id, version, created_at, requester_id, NULL, state, CAST($${values.length + 1} AS TEXT) FROM inserted
           )${
             step === undefined
               ? ''
               : `,
           step AS (
             INSERT INTO step_executions (execution_id, request_id, team_id, callback_id, token, created_at)
             SELECT CAST($${values.length + 2} AS TEXT), id, team_id, CAST($${values.length + 3} AS TEXT), CAST($${values.length + 4} AS TEXT), created_at FROM inserted
           )`
           }
         SELECT * FROM inserted`,
        step === undefined ? [...values, input.note] : [...values, input.note, step.executionId, step.callbackId, step.sealedToken],
      );
      // Nothing inserted: the same submission was stored before (a redelivery). DO NOTHING waited for
      // that insert to commit, so the next statement (a snapshot of its own) reads the row.
      if (row === undefined) return { request: await existingBySourceKey(this.#db, input), created: false };
      return { request: toRequest(row), created: true };
    }
    return this.#db.transaction(async (tx) => {
      const [row] = await tx.query<RequestRow>(INSERT_REQUEST, values);
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
      if (input.step !== undefined) {
        await tx.run('INSERT INTO step_executions (execution_id, request_id, team_id, callback_id, token, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
          input.step.executionId,
          input.id,
          input.teamId,
          input.step.callbackId,
          input.step.sealedToken,
          input.at,
        ]);
      }
      return { request: toRequest(row), created: true };
    });
  }

  getRequest(id: string): Promise<ImportRequest | undefined> {
    return this.#first<RequestRow, ImportRequest>('SELECT * FROM import_requests WHERE id = $1', [id], toRequest);
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

  async listRequests(teamId: string, limit: number, filter: RequestFilter = {}): Promise<ImportRequest[]> {
    const params = new Params();
    const conditions = [`team_id = ${params.add(teamId)}`, ...filterConditions(filter, params)];
    const rows = await this.#db.query<RequestRow>(
      `SELECT * FROM import_requests WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${params.add(sqlLimit(limit))}`,
      params.values,
    );
    return rows.map(toRequest);
  }

  async countPending(): Promise<Partial<Record<RequestKind, number>>> {
    // One index range scan (state, expires_at); COUNT comes back as a string from PostgreSQL.
    const rows = await this.#db.query<{ kind: string; n: number | string }>(
      "SELECT kind, COUNT(*) AS n FROM import_requests WHERE state = 'pending_approval' GROUP BY kind",
    );
    return Object.fromEntries(rows.map((row) => [row.kind, Number(row.n)]));
  }

  async listPending(scope: WorkspaceScope, limit: number): Promise<ImportRequest[]> {
    const params = new Params();
    const rows = await this.#db.query<RequestRow>(
      `SELECT * FROM import_requests WHERE ${uninstalledScope(scope, 'import_requests', params)} AND state = 'pending_approval' ORDER BY created_at, id LIMIT ${params.add(sqlLimit(limit))}`,
      params.values,
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

  /** The first row of a query, mapped; undefined when there is none. */
  async #first<R extends object, T>(sql: string, params: SqlParams, map: (row: R) => T): Promise<T | undefined> {
    const [row] = await this.#db.query<R>(sql, params);
    return row === undefined ? undefined : map(row);
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

  async claimMessage(requestId: string, key: string, now: number, staleBefore: number): Promise<MessageClaim> {
    // Each step is a compare-and-set of its own: of two attempts at once, one inserts (or takes over) and the other reads.
    const inserted = await this.#db.run(
      'INSERT INTO request_messages (request_id, message_key, claimed_at) VALUES ($1, $2, $3) ON CONFLICT (request_id, message_key) DO NOTHING',
      [requestId, key, now],
    );
    if (inserted > 0) return { claimed: true, retaken: false };
    const retaken = await this.#db.run(
      'UPDATE request_messages SET claimed_at = $3 WHERE request_id = $1 AND message_key = $2 AND posted IS NULL AND claimed_at < $4',
      [requestId, key, now, staleBefore],
    );
    if (retaken > 0) return { claimed: true, retaken: true };
    const rows = await this.#db.query<{ posted: string | null }>('SELECT posted FROM request_messages WHERE request_id = $1 AND message_key = $2', [requestId, key]);
    const posted = rows[0]?.posted ?? null;
    return { claimed: false, posted: posted === null ? null : (JSON.parse(posted) as RequestThread) };
  }

  async recordMessage(requestId: string, key: string, ref: RequestThread): Promise<void> {
    const posted = JSON.stringify({ channel: ref.channel, ts: ref.ts, ...(ref.root === undefined ? {} : { root: ref.root }) });
    await this.#db.run('UPDATE request_messages SET posted = $3 WHERE request_id = $1 AND message_key = $2', [requestId, key, posted]);
  }

  async releaseMessage(requestId: string, key: string): Promise<void> {
    await this.#db.run('DELETE FROM request_messages WHERE request_id = $1 AND message_key = $2 AND posted IS NULL', [requestId, key]);
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

  async listUnlaunchedPending(updatedBefore: number, limit: number): Promise<ImportRequest[]> {
    // Served by the (state, updated_at) index; a launched request has a thread or a card.
    const rows = await this.#db.query<RequestRow>(
      `SELECT * FROM import_requests
       WHERE state = 'pending_approval' AND updated_at < $1 AND thread IS NULL AND cards = '[]'
       ORDER BY updated_at, id LIMIT $2`,
      [updatedBefore, sqlLimit(limit)],
    );
    return rows.map(toRequest);
  }

  getStepExecution(requestId: string): Promise<StepExecution | undefined> {
    return this.#first<StepRow, StepExecution>('SELECT * FROM step_executions WHERE request_id = $1', [requestId], toStep);
  }

  async claimStepCompletion(executionId: string, now: number, staleBefore: number): Promise<boolean> {
    // One statement: of two attempts at once (two replicas, a replica and the sweeper) one changes the row.
    const changed = await this.#db.run(
      `UPDATE step_executions SET completion = 'claimed', claimed_at = $2, attempts = attempts + 1
       WHERE execution_id = $1 AND (completion IS NULL OR (completion = 'claimed' AND claimed_at < $3))`,
      [executionId, now, staleBefore],
    );
    return changed > 0;
  }

  async finishStepCompletion(executionId: string, result: StepCompletionResult | null, note: string | null, at: number): Promise<void> {
    await this.#db.run(
      // CAST: PostgreSQL cannot deduce one type for a parameter used both as a value and in IS NULL.
      // A finished step needs its execution token no more: it is dropped, not kept encrypted forever.
      `UPDATE step_executions SET completion = CAST($2 AS TEXT), completed_at = $3, completion_note = $4,
         claimed_at = CASE WHEN CAST($2 AS TEXT) IS NULL THEN NULL ELSE claimed_at END,
         token = CASE WHEN CAST($2 AS TEXT) IS NULL THEN token ELSE NULL END
       WHERE execution_id = $1 AND completion = 'claimed'`,
      [executionId, result, result === null ? null : at, note],
    );
  }

  async listUncompletedSteps(staleBefore: number, limit: number): Promise<StepExecution[]> {
    const ended = ENDED_STATES.map((state) => `'${state}'`).join(', ');
    const rows = await this.#db.query<StepRow>(
      `SELECT s.* FROM step_executions s JOIN import_requests r ON r.id = s.request_id
       WHERE r.state IN (${ended}) AND (s.completion IS NULL OR (s.completion = 'claimed' AND s.claimed_at < $1))
       ORDER BY s.created_at, s.execution_id LIMIT $2`,
      [staleBefore, sqlLimit(limit)],
    );
    return rows.map(toStep);
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

/** Stores a new request; DO NOTHING waits for a concurrent insert of the same key to commit, then yields no row. */
const INSERT_REQUEST = `INSERT INTO import_requests (id, team_id, requester_id, channel_id, source_key, payload, state, version,
    approval, expires_at, cards, response_url, replaces_id, created_at, updated_at, enterprise_id,
    kind, cluster_id, cluster_name, cluster_thread, provenance, policy_hash, policy_rule)
  VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, '[]', $10, $11, $12, $12, $13, $14, $15, $16, $17, $18, $19, $20)
  ON CONFLICT (team_id, source_key) DO NOTHING
  RETURNING *`;

function createRequestValues(input: NewImportRequest): SqlParams {
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
  return rows.map(toApproval);
}

/** Throws for a move the state machine forbids from any of the states the caller allows. */
function assertReachable(from: readonly RequestState[], to: RequestState): void {
  if (from.length === 0) throw new Error(`A transition to ${to} needs at least one state to move from`);
  const impossible = from.filter((state) => !canTransition(state, to));
  if (impossible.length > 0) throw new Error(`Cannot move a request from ${impossible.join(', ')} to ${to}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface StepRow {
  execution_id: string;
  request_id: string;
  team_id: string;
  callback_id: string;
  token: string | null;
  created_at: number | string;
  completion: string | null;
  claimed_at: number | string | null;
  attempts: number | string;
  completed_at: number | string | null;
  completion_note: string | null;
}

function toStep(row: StepRow): StepExecution {
  const num = (value: number | string | null) => (value === null ? null : Number(value));
  return {
    executionId: row.execution_id,
    requestId: row.request_id,
    teamId: row.team_id,
    callbackId: row.callback_id,
    sealedToken: row.token,
    createdAt: Number(row.created_at),
    completion: row.completion as StepExecution['completion'],
    claimedAt: num(row.claimed_at),
    attempts: Number(row.attempts),
    completedAt: num(row.completed_at),
    note: row.completion_note,
  };
}
