// The narrow seam between SqlStore and a database engine: run portable SQL ($1, $2… placeholders), in
// transactions, under a migration lock. Each driver maps its engine's outages to StoreUnavailableError.
import type { StoreWatcher } from './store.js';

/** What a parameter may be: booleans are stored as 0/1 and JSON as text, so nothing else is needed. */
export type SqlValue = string | number | null;
export type SqlParams = readonly SqlValue[];
export type SqlRow = Record<string, unknown>;

/** Runs statements; on a driver outside a transaction each statement commits on its own. */
export interface SqlExecutor {
  /** Rows of a SELECT or of a statement with RETURNING. */
  query<T extends object = SqlRow>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Resolves with the number of rows inserted, updated or deleted. */
  run(sql: string, params?: SqlParams): Promise<number>;
  /** Several statements without parameters, e.g. a migration script. */
  exec(sql: string): Promise<void>;
}

export interface SqlTransactor extends SqlExecutor {
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws (the error is
   * rethrown). Inside `fn` use only `tx`: the driver itself waits for the transaction to finish, so
   * calling it from inside `fn` would wait forever on SQLite.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface SqlDriver extends SqlTransactor {
  readonly engine: 'sqlite' | 'postgres';
  /**
   * Runs `fn` while holding a lock that other processes migrating the same database respect, so that
   * several replicas can start at once. `db` is where migrations must run (it may be a session that
   * owns the lock, with long statement timeouts).
   */
  withMigrationLock<T>(fn: (db: SqlTransactor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** For drivers whose database can be lost under them (a file): see StoreWatcher. */
  watch?(watcher: StoreWatcher): void;
}
