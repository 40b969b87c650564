// Approvals' SQL: a vote counted in one transaction with the request's version bump (which takes the
// row lock, so votes and transitions on one request serialize), refused once per approver, with its
// audit entry; and the votes of a request.
import type { Approval } from '../domain/importRequest.js';
import { insertEvent } from './requestInsertSql.js';
import { toApproval, toRequest, type ApprovalRow, type RequestRow } from './rows.js';
import type { SqlExecutor } from './sqlDriver.js';
import type { ApprovalVote } from './store.js';

export interface VoteArgs {
  id: string;
  approverId: string;
  at: number;
  note?: string | null;
}

/** Thrown inside recordApproval's transaction to undo the version bump of a repeated vote. */
export class DuplicateVote extends Error {}

export async function voteIn(tx: SqlExecutor, args: VoteArgs): Promise<ApprovalVote> {
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

export async function approvalsOf(db: SqlExecutor, requestId: string): Promise<Approval[]> {
  const rows = await db.query<ApprovalRow>(
    'SELECT * FROM request_approvals WHERE request_id = $1 ORDER BY at, approver_id',
    [requestId],
  );
  return rows.map(toApproval);
}
