// SqlDriver for SQLite through node:sqlite: one synchronous connection, an async mutex so that nothing
// interleaves into an open transaction, asynchronous retries while another connection holds the lock,
// and a check that the file it opened is still the one at its path.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreUnavailableError } from '../errors.js';
import type { SqlDriver, SqlExecutor, SqlParams, SqlRow, SqlTransactor } from './sqlDriver.js';
import type { StoreWatcher } from './store.js';

export interface SqliteDriverOptions {
  /** How long a statement keeps retrying while another connection holds the database lock. */
  busyRetryMs?: number;
}

const DEFAULT_BUSY_RETRY_MS = 2000;
const MAX_BACKOFF_MS = 100;
/**
 * Prepared statements are cached by SQL text; the store uses a few dozen distinct ones (lists in `IN
 * (…)` make one per length). Bound: this many; eviction: all at once when full.
 */
const STATEMENT_CACHE_LIMIT = 256;

// SQLite primary result codes (the low byte of an extended code).
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
/** Codes that mean the database cannot be used right now, as opposed to a bug in a statement. */
const UNAVAILABLE_CODES = new Map<number, string>([
  [3, 'permission denied'],
  [7, 'out of memory'],
  [8, 'the database is read-only'],
  [10, 'disk I/O error'],
  [11, 'the database file is corrupt'],
  [13, 'the disk is full'],
  [14, 'the database file cannot be opened'],
  [15, 'locking protocol error'],
  [26, 'the file is not a database'],
]);

export async function openSqliteDriver(path: string, options: SqliteDriverOptions = {}): Promise<SqliteDriver> {
  const db = openDatabase(path);
  let identity: FileIdentity | undefined;
  try {
    identity = path === ':memory:' ? undefined : fileIdentity(path);
  } catch (error) {
    db.close();
    throw error;
  }
  const driver = new SqliteDriver(db, path, options.busyRetryMs ?? DEFAULT_BUSY_RETRY_MS, identity);
  try {
    // busy_timeout 0: the connection is synchronous, so SQLite's own waiting would freeze the event
    // loop; `retrying` waits asynchronously instead. journal_mode needs the lock, hence the retry.
    await driver.exec(
      'PRAGMA busy_timeout = 0; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;',
    );
  } catch (error) {
    await driver.close();
    throw error;
  }
  return driver;
}

/** Which file is at `path` (device and inode), or undefined when there is none. */
type FileIdentity = { dev: bigint; ino: bigint };

function fileIdentity(path: string): FileIdentity | undefined {
  let stats;
  try {
    // bigint: an inode number may not fit in a double.
    stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch (error) {
    throw new StoreUnavailableError(`Cannot check the SQLite database file at ${path}: ${describe(error)}`, { cause: error });
  }
  return stats === undefined ? undefined : { dev: stats.dev, ino: stats.ino };
}

function openDatabase(path: string): DatabaseSync {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return new DatabaseSync(path, { timeout: 0, enableForeignKeyConstraints: true });
  } catch (error) {
    throw new StoreUnavailableError(`Cannot open the SQLite database at ${path}: ${describe(error)}`, { cause: error });
  }
}

export class SqliteDriver implements SqlDriver {
  readonly engine = 'sqlite' as const;
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #busyRetryMs: number;
  readonly #mutex = new Mutex();
  readonly #statements = new Map<string, StatementSync>();
  /** The file opened (undefined in memory): a different file, or none, at the path means it was lost. */
  readonly #identity: FileIdentity | undefined;
  #lost = false;
  readonly #watchers: StoreWatcher[] = [];

  constructor(db: DatabaseSync, path: string, busyRetryMs: number, identity: FileIdentity | undefined) {
    this.#db = db;
    this.#path = path;
    this.#busyRetryMs = busyRetryMs;
    this.#identity = identity;
  }

  query<T extends object = SqlRow>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.#mutex.run(async () => {
      this.#checkFile();
      return this.#query<T>(sql, params);
    });
  }

  run(sql: string, params: SqlParams = []): Promise<number> {
    return this.#mutex.run(async () => {
      this.#checkFile();
      return this.#run(sql, params);
    });
  }

  exec(sql: string): Promise<void> {
    return this.#mutex.run(async () => {
      this.#checkFile();
      return this.#exec(sql);
    });
  }

  watch(watcher: StoreWatcher): void {
    this.#watchers.push(watcher);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // The mutex is held for the whole transaction: on a single connection any statement issued while
    // `fn` awaits would otherwise run inside this transaction (and be rolled back with it).
    return this.#mutex.run(async () => {
      this.#checkFile();
      // IMMEDIATE takes the write lock up front, so no statement inside can fail on a lock upgrade.
      await this.#exec('BEGIN IMMEDIATE');
      const tx = new ScopedExecutor(this.#query.bind(this), this.#run.bind(this), this.#exec.bind(this));
      try {
        const result = await fn(tx);
        await this.#exec('COMMIT');
        return result;
      } catch (error) {
        this.#rollbackQuietly();
        throw error;
      } finally {
        tx.end();
      }
    });
  }

  /**
   * No lock beyond SQLite's own: every migration runs in a BEGIN IMMEDIATE transaction that re-checks
   * whether it was applied, so processes sharing the file serialize on the write lock.
   */
  withMigrationLock<T>(fn: (db: SqlTransactor) => Promise<T>): Promise<T> {
    return fn(this);
  }

  close(): Promise<void> {
    return this.#mutex.run(async () => {
      this.#statements.clear();
      if (this.#db.isOpen) this.#db.close();
    });
  }

  async #query<T extends object>(sql: string, params: SqlParams): Promise<T[]> {
    // node:sqlite returns plain objects keyed by column name, which is what T describes.
    return this.#retrying(() => this.#prepare(sql).all(...params) as T[]);
  }

  async #run(sql: string, params: SqlParams): Promise<number> {
    return this.#retrying(() => Number(this.#prepare(sql).run(...params).changes));
  }

  async #exec(sql: string): Promise<void> {
    return this.#retrying(() => this.#db.exec(sql));
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(toSqlitePlaceholders(sql));
      if (this.#statements.size >= STATEMENT_CACHE_LIMIT) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Refuses to go on when the file at the path is no longer the one this connection has open. An open
   * SQLite connection keeps reading and writing a deleted (or replaced) file as if nothing happened, and
   * everything written then is gone at the next start; so nothing is read or written until it is back.
   * One stat per call, under the mutex: a few microseconds.
   */
  #checkFile(): void {
    const opened = this.#identity;
    if (opened === undefined) return;
    const now = fileIdentity(this.#path);
    const what = now === undefined ? 'deleted' : now.dev !== opened.dev || now.ino !== opened.ino ? 'replaced by another file' : undefined;
    if (what === undefined) {
      if (this.#lost) {
        this.#lost = false;
        for (const watcher of this.#watchers) watcher.back();
      }
      return;
    }
    const error = new StoreUnavailableError(
      `The SQLite database file ${this.#path} was ${what} while the bot was running, so nothing is read from it or saved to it any more. ` +
        `Put the file back where it was (or restore it from a backup) and restart the bot; until then /readyz answers 503.`,
    );
    if (!this.#lost) {
      this.#lost = true;
      for (const watcher of this.#watchers) watcher.lost(error);
    }
    throw error;
  }

  /** Runs a synchronous step, retrying with backoff while the database is locked by another connection. */
  async #retrying<T>(step: () => T): Promise<T> {
    const deadline = Date.now() + this.#busyRetryMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return step();
      } catch (error) {
        if (!isBusy(error)) throw this.#translate(error);
        const wait = Math.min(backoffMs(attempt), deadline - Date.now());
        if (wait <= 0) {
          throw new StoreUnavailableError(
            `The SQLite database at ${this.#path} stayed locked by another connection for ${this.#busyRetryMs} ms`,
            { cause: error },
          );
        }
        await sleep(wait);
      }
    }
  }

  /** Outages become StoreUnavailableError; constraint violations and SQL errors stay as they are (bugs). */
  #translate(error: unknown): unknown {
    const code = primaryCode(error);
    const reason = code === undefined ? undefined : UNAVAILABLE_CODES.get(code);
    if (reason !== undefined) {
      return new StoreUnavailableError(`The SQLite database at ${this.#path} is unavailable: ${reason}`, { cause: error });
    }
    if (isClosedDatabase(error)) {
      return new StoreUnavailableError(`The SQLite database at ${this.#path} is closed`, { cause: error });
    }
    return error;
  }

  #rollbackQuietly(): void {
    // Some errors (disk full, I/O) already ended the transaction; a failed ROLLBACK changes nothing more.
    try {
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec('ROLLBACK');
    } catch {
      // The original error is the one worth reporting.
    }
  }
}

/** The executor handed to a transaction's callback; it refuses use after the transaction ended. */
class ScopedExecutor implements SqlExecutor {
  #active = true;

  constructor(
    private readonly queryFn: <T extends object>(sql: string, params: SqlParams) => Promise<T[]>,
    private readonly runFn: (sql: string, params: SqlParams) => Promise<number>,
    private readonly execFn: (sql: string) => Promise<void>,
  ) {}

  query<T extends object = SqlRow>(sql: string, params: SqlParams = []): Promise<T[]> {
    this.#check();
    return this.queryFn<T>(sql, params);
  }

  run(sql: string, params: SqlParams = []): Promise<number> {
    this.#check();
    return this.runFn(sql, params);
  }

  exec(sql: string): Promise<void> {
    this.#check();
    return this.execFn(sql);
  }

  end(): void {
    this.#active = false;
  }

  #check(): void {
    if (!this.#active) throw new Error('This transaction has already ended');
  }
}

/** Serializes async critical sections in call order. */
class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * `$1` → `?1`: numbered parameters bind by number, whatever order they appear in. Quoted strings and
 * identifiers are skipped so that a literal '$1' stays a literal.
 */
export function toSqlitePlaceholders(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g, (match, index: string | undefined) =>
    index === undefined ? match : `?${index}`,
  );
}

function backoffMs(attempt: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 5 * 2 ** attempt);
  // Jitter keeps two waiting processes from retrying in lockstep.
  return Math.ceil(base * (0.5 + Math.random() / 2));
}

function primaryCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

function isBusy(error: unknown): boolean {
  const code = primaryCode(error);
  return code === SQLITE_BUSY || code === SQLITE_LOCKED;
}

function isClosedDatabase(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_INVALID_STATE';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
