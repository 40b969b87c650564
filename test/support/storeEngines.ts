// Suites that run on both engines: an empty database of each, made on demand, and a migrated store on
// it (with a second, raw connection for looking under the hood) opened before the suite's tests and
// closed, its database removed, after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlDriver, openStore } from '../../src/store/openStore.js';
import type { SqlDriver } from '../../src/store/sqlDriver.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase } from './postgres.js';
import { late } from './world.js';

export type PrepareDatabase = () => Promise<{ url: string; cleanup(): Promise<void> }>;

/** A fresh SQLite file in a folder of its own, and a throwaway PostgreSQL database: `describe.each` them. */
export function storeEngines(name: string): Array<[string, PrepareDatabase]> {
  return [
    [
      'sqlite',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), `ss-${name}-`));
        return { url: `sqlite:${join(dir, `${name}.db`)}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    ],
    [
      'postgres',
      async () => {
        const db = await createTestDatabase();
        return { url: db.url, cleanup: () => db.drop() };
      },
    ],
  ];
}

/** A migrated store on a database `prepare` makes, for the tests of the enclosing describe. */
export function useMigratedStore(prepare: PrepareDatabase): { store: Store; raw: SqlDriver } {
  let opened: { store: Store; raw: SqlDriver; cleanup(): Promise<void> } | undefined;
  const current = () => {
    if (opened === undefined) throw new Error('useMigratedStore: used before its beforeAll opened it');
    return opened;
  };
  beforeAll(async () => {
    const prepared = await prepare();
    const store = await openStore(prepared.url);
    await store.migrate();
    opened = { store, raw: await openSqlDriver(prepared.url), cleanup: () => prepared.cleanup() };
  });
  afterAll(async () => {
    await opened?.store.close();
    await opened?.raw.close();
    await opened?.cleanup();
  });
  return { store: late(() => current().store), raw: late(() => current().raw) };
}
