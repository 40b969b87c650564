// Workflow Builder step executions' SQL: each stored with the request it asked for (see createRequest),
// its completion claimed by one replica at a time (a compare-and-set), finished once, and listed for the
// sweeper when its request ended and nobody completed it.
import { ENDED_STATES, type StepCompletionResult, type StepExecution } from '../domain/stepExecution.js';
import { sqlLimit } from './sqlClauses.js';
import type { SqlExecutor } from './sqlDriver.js';

export async function getStepExecution(db: SqlExecutor, requestId: string): Promise<StepExecution | undefined> {
  const [row] = await db.query<StepRow>('SELECT * FROM step_executions WHERE request_id = $1', [requestId]);
  return row === undefined ? undefined : toStep(row);
}

export async function claimStepCompletion(db: SqlExecutor, executionId: string, now: number, staleBefore: number): Promise<boolean> {
  // One statement: of two attempts at once (two replicas, a replica and the sweeper) one changes the row.
  const changed = await db.run(
    `UPDATE step_executions SET completion = 'claimed', claimed_at = $2, attempts = attempts + 1
     WHERE execution_id = $1 AND (completion IS NULL OR (completion = 'claimed' AND claimed_at < $3))`,
    [executionId, now, staleBefore],
  );
  return changed > 0;
}

export async function finishStepCompletion(db: SqlExecutor, executionId: string, result: StepCompletionResult | null, note: string | null, at: number): Promise<void> {
  await db.run(
    // CAST: PostgreSQL cannot deduce one type for a parameter used both as a value and in IS NULL.
    // A finished step needs its execution token no more: it is dropped, not kept encrypted forever.
    `UPDATE step_executions SET completion = CAST($2 AS TEXT), completed_at = $3, completion_note = $4,
       claimed_at = CASE WHEN CAST($2 AS TEXT) IS NULL THEN NULL ELSE claimed_at END,
       token = CASE WHEN CAST($2 AS TEXT) IS NULL THEN token ELSE NULL END
     WHERE execution_id = $1 AND completion = 'claimed'`,
    [executionId, result, result === null ? null : at, note],
  );
}

export async function listUncompletedSteps(db: SqlExecutor, staleBefore: number, limit: number): Promise<StepExecution[]> {
  const ended = ENDED_STATES.map((state) => `'${state}'`).join(', ');
  const rows = await db.query<StepRow>(
    `SELECT s.* FROM step_executions s JOIN import_requests r ON r.id = s.request_id
     WHERE r.state IN (${ended}) AND (s.completion IS NULL OR (s.completion = 'claimed' AND s.claimed_at < $1))
     ORDER BY s.created_at, s.execution_id LIMIT $2`,
    [staleBefore, sqlLimit(limit)],
  );
  return rows.map(toStep);
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
