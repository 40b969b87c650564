// Pieces of SQL the store assembles at run time, in the portable dialect both engines share: numbered
// parameters, a patch's SET clauses, a lease match with its NULLs, a LIMIT both engines read alike.
import type { ImportLease } from '../domain/importRequest.js';
import { jsonOrNull, type WritableRow } from './rows.js';
import type { SqlValue } from './sqlDriver.js';
import type { RequestFilter, RequestPatch } from './store.js';

/** Collects parameter values and hands out their `$n` placeholders. */
export class Params {
  readonly values: SqlValue[] = [];

  add(value: SqlValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Inserts `row` into `table`: one column per key. */
export function insert(table: string, row: WritableRow): { sql: string; values: SqlValue[] } {
  const params = new Params();
  const columns = Object.keys(row);
  const placeholders = columns.map((column) => params.add(row[column] ?? null));
  return { sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`, values: params.values };
}

/** Writes `row` as the one row of `table` with its key (one column or several): inserted, or replacing the one there. */
export function upsert(table: string, key: string | readonly string[], row: WritableRow): { sql: string; values: SqlValue[] } {
  const { sql, values } = insert(table, row);
  const keys: readonly string[] = typeof key === 'string' ? [key] : key;
  const updates = Object.keys(row)
    .filter((column) => !keys.includes(column))
    .map((column) => `${column} = excluded.${column}`);
  return { sql: `${sql} ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`, values };
}

/** WHERE clauses for a request listing's filter (see RequestFilter), each value a parameter. */
export function filterConditions(filter: RequestFilter, params: Params): string[] {
  const conditions: string[] = [];
  if (filter.kind !== undefined) conditions.push(`kind = ${params.add(filter.kind)}`);
  if (filter.requesterId !== undefined) conditions.push(`requester_id = ${params.add(filter.requesterId)}`);
  if (filter.states !== undefined) conditions.push(filter.states.length === 0 ? '1 = 0' : `state IN (${filter.states.map((s) => params.add(s)).join(', ')})`);
  if (filter.clusterIds !== undefined) {
    conditions.push(filter.clusterIds.length === 0 ? '1 = 0' : `cluster_id IN (${filter.clusterIds.map((id) => params.add(id)).join(', ')})`);
  }
  return conditions;
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

