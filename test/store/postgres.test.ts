// Runs the Store contract on PostgreSQL (a throwaway database per file), plus what only PostgreSQL
// has: replicas migrating at once, an unreachable server, connections dying, per-pool type parsers.
import pg from 'pg';
import { StoreUnavailableError } from '../../src/errors.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openSqlDriver, openStore } from '../../src/store/openStore.js';
import { freePort } from '../support/localServer.js';
import { createTestDatabase, terminateConnections, type TestDatabase } from '../support/postgres.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('postgres', async () => {
  const db = await createTestDatabase();
  return { url: db.url, cleanup: () => db.drop() };
});

describe('PostgreSQL specifics', () => {
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  test('two replicas migrating one empty database at once both succeed', async () => {
    const [a, b] = await Promise.all([openStore(db!.url), openStore(db!.url)]);
    try {
      await Promise.all([a.migrate(), b.migrate()]);
      await Promise.all([a.ping(), b.ping()]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    const raw = await openSqlDriver(db!.url);
    try {
      const rows = await raw.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await raw.close();
    }
  });

  test('an idle connection dying does not crash the process; the next query reconnects', async () => {
    const errors: unknown[] = [];
    const store = await openStore(db!.url, { onError: (e) => errors.push(e) });
    try {
      await store.migrate();
      await store.ping();
      expect(await terminateConnections(db!.name)).toBeGreaterThan(0);
      await waitFor(() => errors.length > 0);
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });

  test('a connection lost inside a transaction is StoreUnavailableError, and the pool recovers', async () => {
    const raw = await openSqlDriver(db!.url);
    try {
      const lost = raw.transaction((tx) => tx.query('SELECT pg_terminate_backend(pg_backend_pid())'));
      await expect(lost).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(raw.transaction((tx) => tx.query('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
    } finally {
      await raw.close();
    }
  });

  test('SQL errors and constraint violations stay ordinary errors', async () => {
    const raw = await openSqlDriver(db!.url);
    try {
      await expect(raw.query('SELEC 1')).rejects.not.toBeInstanceOf(StoreUnavailableError);
      await expect(raw.query('SELEC 1')).rejects.toThrow(/syntax/);
    } finally {
      await raw.close();
    }
  });

  test('BIGINT and COUNT come back as numbers, without touching pg’s global parsers', async () => {
    const raw = await openSqlDriver(db!.url);
    try {
      const [row] = await raw.query<{ big: unknown; n: unknown; num: unknown }>(
        'SELECT 1900000000000::BIGINT AS big, COUNT(*) AS n, 2.5::NUMERIC AS num FROM schema_migrations',
      );
      expect(row).toEqual({ big: 1_900_000_000_000, n: MIGRATIONS.length, num: 2.5 });
      expect(pg.types.getTypeParser(20, 'text')('42')).toBe('42');
    } finally {
      await raw.close();
    }
  });

  test('an unreachable server makes ping() throw StoreUnavailableError, without the password', async () => {
    const port = await freePort();
    const store = await openStore(`postgres://postgres:hunter2-secret@127.0.0.1:${port}/postgres`);
    try {
      const started = Date.now();
      const error: unknown = await store.ping().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
      expect(`${String(error)} ${String((error as Error).cause)}`).not.toContain('hunter2-secret');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await store.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
