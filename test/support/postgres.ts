// Throwaway PostgreSQL databases for tests: each test file gets its own, so parallel runs never see
// each other's rows. An unreachable server fails the suite loudly, naming the URL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, disconnecting whoever is still on it. */
  drop(): Promise<void>;
}

/** Creates an empty, uniquely named database (`ss_test_<pid>_<random>`). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `ss_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Ends every other connection to `database`, as a server restart or a network cut would. */
export async function terminateConnections(database: string): Promise<number> {
  const result = await withAdmin((client) =>
    client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
      database,
    ]),
  );
  return result.rowCount ?? 0;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is not reachable at ${redacted(ADMIN_DATABASE_URL)} (${String(error)}). ` +
        'Start it, or set TEST_DATABASE_URL to a server where this user may CREATE DATABASE.',
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function redacted(value: string): string {
  const url = new URL(value);
  if (url.password !== '') url.password = '***';
  return url.href;
}
