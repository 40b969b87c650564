// SqlDriver for PostgreSQL through a pg Pool: numeric columns as JS numbers, bounded waits, transactions
// on one checked-out client, an advisory lock for migrations, and outages mapped to StoreUnavailableError.
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreUnavailableError } from '../errors.js';
import type { SqlDriver, SqlExecutor, SqlParams, SqlRow, SqlTransactor } from './sqlDriver.js';

export interface PostgresDriverOptions {
  /** Told about errors nobody is waiting for (an idle connection dying); the next query reports them. */
  onError?: (error: unknown) => void;
  /** Connections kept by this process; every replica has its own pool. */
  maxConnections?: number;
}

const CONNECT_TIMEOUT_MS = 2000;
const STATEMENT_TIMEOUT_MS = 5000;
/** Migrations may rewrite tables: they get far more time than an ordinary statement. */
const MIGRATION_TIMEOUT_MS = 10 * 60 * 1000;
/** How long a replica waits for another one to finish migrating before giving up. */
const MIGRATION_LOCK_WAIT_MS = 2 * 60 * 1000;
const MIGRATION_LOCK_POLL_MS = 100;
/** Arbitrary, constant across versions: every replica of this app must agree on it. */
const MIGRATION_LOCK_KEY = 735_120_431;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * BIGINT (timestamps in ms, COUNT(*)) and NUMERIC arrive as strings by default. Our values are far below
 * 2^53, so numbers are exact. Set per pool: the global pg.types would change every other pg user.
 */
const numericTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if ((oid === INT8_OID || oid === NUMERIC_OID) && format !== 'binary') return parseNumber;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function parseNumber(value: string): number {
  return Number(value);
}

export function openPostgresDriver(connectionString: string, options: PostgresDriverOptions = {}): PostgresDriver {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Client-side timeout catches a dead network; the server-side one stops the work on the server.
    query_timeout: STATEMENT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    application_name: 'simplismart-slack',
    types: numericTypes,
  });
  return new PostgresDriver(pool, options.onError);
}

export class PostgresDriver implements SqlDriver {
  readonly engine = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #onError: (error: unknown) => void;
  #closed = false;

  constructor(pool: pg.Pool, onError?: (error: unknown) => void) {
    this.#pool = pool;
    // Without a listener an idle client's connection error would crash the process. Nothing is
    // waiting on an idle client, so there is nobody to tell but the logger.
    this.#onError = onError ?? (() => undefined);
    this.#pool.on('error', (error) => this.#onError(error));
  }

  async query<T extends object = SqlRow>(sql: string, params: SqlParams = []): Promise<T[]> {
    try {
      return (await this.#pool.query<T>(sql, params as unknown[])).rows;
    } catch (error) {
      throw translate(error);
    }
  }

  async run(sql: string, params: SqlParams = []): Promise<number> {
    try {
      return (await this.#pool.query(sql, params as unknown[])).rowCount ?? 0;
    } catch (error) {
      throw translate(error);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      await this.#pool.query(sql);
    } catch (error) {
      throw translate(error);
    }
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#withClient((client) => runTransaction(new ClientExecutor(client, STATEMENT_TIMEOUT_MS), fn));
  }

  /**
   * Holds a session-level advisory lock on a dedicated connection and runs the migrations on that same
   * connection; if this process dies the server drops the lock with the connection.
   */
  withMigrationLock<T>(fn: (db: SqlTransactor) => Promise<T>): Promise<T> {
    return this.#withClient(async (client) => {
      const session = new MigrationSession(new ClientExecutor(client, MIGRATION_TIMEOUT_MS));
      await acquireMigrationLock(session);
      let result: T;
      try {
        result = await fn(session);
      } catch (error) {
        await releaseMigrationLock(session, error);
        throw error;
      }
      await releaseMigrationLock(session, undefined);
      return result;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  /** Checks out a client for `fn`; a client that failed mid-way is destroyed instead of reused. */
  async #withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw translate(error);
    }
    // A checked-out client has no pool listener: a connection error between two of our queries
    // would otherwise be an unhandled 'error' event.
    const onClientError = (error: Error): void => this.#onError(error);
    client.on('error', onClientError);
    let broken = false;
    try {
      return await fn(client);
    } catch (error) {
      broken = error instanceof StoreUnavailableError || error instanceof BrokenClientError;
      throw error instanceof BrokenClientError ? error.original : error;
    } finally {
      client.off('error', onClientError);
      client.release(broken);
    }
  }
}

/** pg honours a per-query `query_timeout` at run time; its type definitions do not list it. */
type TimedQuery = pg.QueryConfig<unknown[]> & { query_timeout: number };

/** Runs statements on one client, mapping outages; `timeoutMs` bounds each round trip. */
class ClientExecutor implements SqlExecutor {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly timeoutMs: number,
  ) {}

  async query<T extends object = SqlRow>(sql: string, params: SqlParams = []): Promise<T[]> {
    return (await this.#send<T>(this.#config(sql, params))).rows;
  }

  async run(sql: string, params: SqlParams = []): Promise<number> {
    return (await this.#send(this.#config(sql, params))).rowCount ?? 0;
  }

  async exec(sql: string): Promise<void> {
    // No `values`: the simple query protocol, which accepts several statements.
    await this.#send({ text: sql, query_timeout: this.timeoutMs });
  }

  #config(sql: string, params: SqlParams): TimedQuery {
    return { text: sql, values: [...params], query_timeout: this.timeoutMs };
  }

  async #send<T extends object = SqlRow>(config: TimedQuery): Promise<pg.QueryResult<T>> {
    try {
      return await this.client.query<T>(config);
    } catch (error) {
      throw translate(error);
    }
  }
}

/** The migration lock's connection: statements and transactions with migration-sized timeouts. */
class MigrationSession implements SqlTransactor {
  constructor(private readonly executor: ClientExecutor) {}

  query<T extends object = SqlRow>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.executor.query<T>(sql, params);
  }

  run(sql: string, params?: SqlParams): Promise<number> {
    return this.executor.run(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.executor.exec(sql);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return runTransaction(this.executor, async (tx) => {
      // The connection was opened with a 5 s statement_timeout; SET LOCAL lifts it for this transaction only.
      await tx.exec(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`);
      return fn(tx);
    });
  }
}

/** Wraps an error after which the connection's state is unknown (a failed ROLLBACK): destroy it. */
class BrokenClientError extends Error {
  constructor(readonly original: unknown) {
    super('The connection could not be rolled back');
  }
}

async function runTransaction<T>(executor: SqlExecutor, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  await executor.exec('BEGIN');
  try {
    const result = await fn(executor);
    await executor.exec('COMMIT');
    return result;
  } catch (error) {
    try {
      await executor.exec('ROLLBACK');
    } catch {
      throw new BrokenClientError(error);
    }
    throw error;
  }
}

/** Waits for the lock with try-lock polling, so no statement timeout can cut the wait short. */
async function acquireMigrationLock(session: SqlExecutor): Promise<void> {
  const deadline = Date.now() + MIGRATION_LOCK_WAIT_MS;
  for (;;) {
    const [row] = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
    if (row?.locked === true) return;
    if (Date.now() >= deadline) {
      throw new StoreUnavailableError(`Another process held the migration lock for ${MIGRATION_LOCK_WAIT_MS / 1000} s`);
    }
    await sleep(MIGRATION_LOCK_POLL_MS);
  }
}

/**
 * A lock that cannot be released must not go back to the pool with its connection: the client is
 * destroyed instead (BrokenClientError), which makes the server drop the lock. `pending` is the error
 * already on its way out, if any; it stays the one reported.
 */
async function releaseMigrationLock(session: SqlExecutor, pending: unknown): Promise<void> {
  try {
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  } catch (error) {
    throw new BrokenClientError(pending ?? error);
  }
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

/**
 * SQLSTATEs that mean "the database cannot serve us now", not "this statement is wrong": connection
 * exceptions (08), insufficient resources (53), operator intervention incl. statement timeout (57),
 * system errors (58), a read-only standby (25006), authentication (28) and a missing database (3D000).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58|28)|^25006$|^3D000$/;

/** pg's own messages for a connection that died, timed out or was closed. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client was closed|after calling end on the pool/i;

function isUnavailable(error: unknown): boolean {
  if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  return error instanceof Error && UNAVAILABLE_MESSAGE.test(error.message);
}

/** Outages become StoreUnavailableError (the cause kept); SQL errors and constraint violations stay. */
function translate(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  // pg's messages name hosts and users, never passwords.
  const detail = error instanceof Error && error.message !== '' ? error.message : String(error);
  return new StoreUnavailableError(`PostgreSQL is unavailable: ${detail}`, { cause: error });
}
