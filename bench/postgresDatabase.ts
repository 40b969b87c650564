// The PostgreSQL phase's database: created empty for the run (the bot migrates it as it starts) and
// dropped after it, on the server named by BENCH_POSTGRES_URL (default: the local one, user postgres).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  /** The new database's URL, straight to the server. */
  url: string;
  host: string;
  port: number;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `ss_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    host: url.hostname,
    port: Number(url.port || 5432),
    drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** The same URL with the host and port of the proxy in front of the server. */
export function throughProxy(url: string, port: number): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return proxied.href;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const shown = new URL(ADMIN_URL);
    if (shown.password !== '') shown.password = '***';
    throw new Error(`PostgreSQL is not reachable at ${shown.href} (${String(error)}): start it, or set BENCH_POSTGRES_URL`, { cause: error });
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
