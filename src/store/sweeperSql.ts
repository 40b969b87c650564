// What the sweeper asks of the store: pending requests past their expiry, imports whose lease lapsed,
// requests stored but never launched or approved but never sent, and the lease renewal of an import in
// progress. Each listing is oldest first and bounded, served by the (state, …) indexes.
import type { ImportRequest } from '../domain/importRequest.js';
import { toRequest, type RequestRow } from './rows.js';
import { sqlLimit } from './sqlClauses.js';
import type { SqlExecutor } from './sqlDriver.js';

export async function listExpiredPending(db: SqlExecutor, now: number, limit: number): Promise<ImportRequest[]> {
  // Inclusive: a request expires at its instant. NULL (no expiry) never comes.
  const rows = await db.query<RequestRow>(
    `SELECT * FROM import_requests WHERE state = 'pending_approval' AND expires_at <= $1
     ORDER BY expires_at, id LIMIT $2`,
    [now, sqlLimit(limit)],
  );
  return rows.map(toRequest);
}

export async function listLapsedLeases(db: SqlExecutor, now: number, limit: number): Promise<ImportRequest[]> {
  // A request importing without a lease has nobody vouching for it: it is as lapsed as can be.
  const rows = await db.query<RequestRow>(
    `SELECT * FROM import_requests
     WHERE state = 'importing' AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
     ORDER BY COALESCE(lease_expires_at, 0), id LIMIT $2`,
    [now, sqlLimit(limit)],
  );
  return rows.map(toRequest);
}

export async function renewLease(db: SqlExecutor, id: string, owner: string, expiresAt: number): Promise<boolean> {
  const changed = await db.run(
    `UPDATE import_requests SET lease_expires_at = $3
     WHERE id = $1 AND state = 'importing' AND lease_owner = $2`,
    [id, owner, expiresAt],
  );
  return changed > 0;
}

export async function listUnlaunchedPending(db: SqlExecutor, updatedBefore: number, limit: number): Promise<ImportRequest[]> {
  // Served by the (state, updated_at) index; a launched request has a thread or a card.
  const rows = await db.query<RequestRow>(
    `SELECT * FROM import_requests
     WHERE state = 'pending_approval' AND updated_at < $1 AND thread IS NULL AND cards = '[]'
     ORDER BY updated_at, id LIMIT $2`,
    [updatedBefore, sqlLimit(limit)],
  );
  return rows.map(toRequest);
}

export async function listStalledApproved(db: SqlExecutor, updatedBefore: number, limit: number): Promise<ImportRequest[]> {
  const rows = await db.query<RequestRow>(
    `SELECT * FROM import_requests WHERE state = 'approved' AND updated_at < $1
     ORDER BY updated_at, id LIMIT $2`,
    [updatedBefore, sqlLimit(limit)],
  );
  return rows.map(toRequest);
}
