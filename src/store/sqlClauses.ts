// Pieces of SQL the store assembles at run time, in the portable dialect both engines share: numbered
// parameters, a patch's SET clauses, a lease match with its NULLs, a LIMIT both engines read alike.
import type { ImportLease } from '../domain/importRequest.js';
import { jsonOrNull, type WritableRow } from './rows.js';
import type { SqlValue } from './sqlDriver.js';
import type { RequestPatch } from './store.js';

/** Collects parameter values and hands out their `$n` placeholders. */
export class Params {
  readonly values: SqlValue[] = [];

  add(value: SqlValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Writes `row` as the one row of `table` with its key (one column or several): inserted, or replacing the one there. */
export function upsert(table: string, key: string | readonly string[], row: WritableRow): { sql: string; values: SqlValue[] } {
  const params = new Params();
  const keys: readonly string[] = typeof key === 'string' ? [key] : key;
  const columns = Object.keys(row);
  const placeholders = columns.map((column) => params.add(row[column] ?? null));
  const updates = columns.filter((column) => !keys.includes(column)).map((column) => `${column} = excluded.${column}`);
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
  return { sql, values: params.values };
}

/** SET clauses for the patch's present keys: undefined leaves a field alone, null clears it. */
export function patchAssignments(patch: RequestPatch, params: Params): string[] {
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
export function leaseConditions(lease: ImportLease | null, params: Params): string[] {
  const equals = (column: string, value: SqlValue): string => (value === null ? `${column} IS NULL` : `${column} = ${params.add(value)}`);
  return [equals('lease_owner', lease?.owner ?? null), equals('lease_expires_at', lease?.expiresAt ?? null)];
}

/** A negative LIMIT means "no limit" to SQLite and is an error to PostgreSQL: clamp it. */
export function sqlLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}

