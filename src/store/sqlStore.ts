// The Store, written once in portable SQL over a SqlDriver: the request state machine's compare-and-set
// moves with their audit trail, snapshots and migrations. Rows are mapped in rows.ts, run-time SQL
// pieces built in sqlClauses.ts; the SQL of installations, votes, thread messages, Workflow Builder
// steps, the sweeper's listings and a request's insert lives beside it (*Sql.ts), one concern a file.
import type { ApprovalPolicy, StoredApprovalPolicy } from '../domain/approvalPolicy.js';
import { canTransition, lastDecision, type Approval, type ImportRequest, type RequestThread, type RequestEvent, type RequestSnapshot, type RequestState } from '../domain/importRequest.js';
import type { SlackInstallation } from '../domain/installation.js';
import type { NamedReference, StoredReference } from '../domain/references.js';
import type { RequestKind } from '../domain/requestKinds.js';
import type { StepCompletionResult, StepExecution } from '../domain/stepExecution.js';
import type { WorkspaceScope } from '../domain/workspace.js';
import type { WorkspaceConnection } from '../domain/workspaceConnection.js';
import { StoreUnavailableError } from '../errors.js';
import * as installationSql from './installationSql.js';
import { uninstalledScope } from './installationSql.js';
import { applyMigrations } from './migrations/index.js';
import { approvalsOf, DuplicateVote, voteIn, type VoteArgs } from './approvalSql.js';
import { createRequestValues, existingBySourceKey, insertEvent, INSERT_REQUEST } from './requestInsertSql.js';
import * as requestMessageSql from './requestMessageSql.js';
import * as stepSql from './stepSql.js';
import * as sweeperSql from './sweeperSql.js';
import {
  connectionRow,
  policyRow,
  parseState,
  referenceRow,
  toConnection,
  toEvent,
  toPolicy,
  toReference,
  toRequest,
  type ConnectionRow,
  type EventRow,
  type PolicyRow,
  type ReferenceRow,
  type RequestRow,
} from './rows.js';
import { filterConditions, insert, leaseConditions, Params, patchAssignments, sqlLimit, upsert } from './sqlClauses.js';
import type { SqlDriver, SqlParams } from './sqlDriver.js';
import { toWorkspaceSettings, workspaceSettingsSql, type StoredWorkspaceSettings } from './workspaceSettingsRows.js';
import type { ApprovalVote, MessageClaim, NewImportRequest, RefreshClaim, RequestFilter, RequestPatch, Store, StoreWatcher, TransitionArgs } from './store.js';


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

  async recordApproval(args: VoteArgs): Promise<ApprovalVote> {
    const vote = await this.#db.transaction((tx) => voteIn(tx, args)).catch((error: unknown) => {
      if (error instanceof DuplicateVote) return undefined;
      throw error;
    });
    if (vote !== undefined) return vote;
    // Rolled back: this approver had voted already. Report the request as it stands now.
    const request = await this.getRequest(args.id);
    if (request === undefined) throw new Error(`Request ${args.id} vanished while counting a vote`);
    return { outcome: 'duplicate', request, approvals: await this.listApprovals(args.id) };
  }

  async updateRequest(id: string, patch: RequestPatch): Promise<void> {
    const params = new Params();
    const assignments = patchAssignments(patch, params);
    if (assignments.length === 0) return;
    await this.#db.run(`UPDATE import_requests SET ${assignments.join(', ')} WHERE id = ${params.add(id)}`, params.values);
  }

  claimMessage(requestId: string, key: string, now: number, staleBefore: number): Promise<MessageClaim> {
    return requestMessageSql.claimMessage(this.#db, requestId, key, now, staleBefore);
  }

  recordMessage(requestId: string, key: string, ref: RequestThread): Promise<void> {
    return requestMessageSql.recordMessage(this.#db, requestId, key, ref);
  }

  releaseMessage(requestId: string, key: string): Promise<void> {
    return requestMessageSql.releaseMessage(this.#db, requestId, key);
  }

  listExpiredPending(now: number, limit: number): Promise<ImportRequest[]> {
    return sweeperSql.listExpiredPending(this.#db, now, limit);
  }

  listLapsedLeases(now: number, limit: number): Promise<ImportRequest[]> {
    return sweeperSql.listLapsedLeases(this.#db, now, limit);
  }

  renewLease(id: string, owner: string, expiresAt: number): Promise<boolean> {
    return sweeperSql.renewLease(this.#db, id, owner, expiresAt);
  }

  listUnlaunchedPending(updatedBefore: number, limit: number): Promise<ImportRequest[]> {
    return sweeperSql.listUnlaunchedPending(this.#db, updatedBefore, limit);
  }

  getStepExecution(requestId: string): Promise<StepExecution | undefined> {
    return stepSql.getStepExecution(this.#db, requestId);
  }

  claimStepCompletion(executionId: string, now: number, staleBefore: number): Promise<boolean> {
    return stepSql.claimStepCompletion(this.#db, executionId, now, staleBefore);
  }

  finishStepCompletion(executionId: string, result: StepCompletionResult | null, note: string | null, at: number): Promise<void> {
    return stepSql.finishStepCompletion(this.#db, executionId, result, note, at);
  }

  listUncompletedSteps(staleBefore: number, limit: number): Promise<StepExecution[]> {
    return stepSql.listUncompletedSteps(this.#db, staleBefore, limit);
  }

  listStalledApproved(updatedBefore: number, limit: number): Promise<ImportRequest[]> {
    return sweeperSql.listStalledApproved(this.#db, updatedBefore, limit);
  }
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
