// Runs the Store contract on SQLite, plus what only SQLite has: pragmas, the transaction mutex,
// placeholder rewriting, lock contention with another connection turning into StoreUnavailableError, and
// the database file deleted or replaced under an open store.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StoreUnavailableError } from '../../src/errors.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store, StoreWatcher } from '../../src/store/store.js';
import { openSqliteDriver, toSqlitePlaceholders } from '../../src/store/sqliteDriver.js';
import { describeStoreContract } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let contractFiles = 0;
describeStoreContract('sqlite', async () => ({ url: `sqlite:${join(dir, `contract-${++contractFiles}.db`)}`, cleanup: async () => undefined }));

describe('SQLite driver', () => {
  test('creates missing folders and sets WAL, foreign keys, synchronous NORMAL, busy_timeout 0', async () => {
    const driver = await openSqliteDriver(join(dir, 'nested', 'deeper', 'pragmas.db'));
    try {
      const pragma = async (name: string) => Object.values((await driver.query(`PRAGMA ${name}`))[0] ?? {})[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('synchronous')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(0);
    } finally {
      await driver.close();
    }
  });

  test('rewrites $n to ?n outside quotes, binding by number', async () => {
    expect(toSqlitePlaceholders(`SELECT $2, '$1', "$3", $1, 'it''s $4'`)).toBe(`SELECT ?2, '$1', "$3", ?1, 'it''s $4'`);
    const driver = await openSqliteDriver(':memory:');
    try {
      expect(await driver.query(`SELECT $2 AS b, $1 AS a, '$1' AS lit`, ['x', 'y'])).toEqual([{ b: 'y', a: 'x', lit: '$1' }]);
    } finally {
      await driver.close();
    }
  });

  test('a statement issued while a transaction awaits runs after it, not inside it', async () => {
    const driver = await openSqliteDriver(join(dir, 'mutex.db'));
    try {
      await driver.exec('CREATE TABLE t (v TEXT PRIMARY KEY)');
      let outside: Promise<number> | undefined;
      const failing = driver.transaction(async (tx) => {
        await tx.run('INSERT INTO t (v) VALUES ($1)', ['inside']);
        outside = driver.run('INSERT INTO t (v) VALUES ($1)', ['outside']);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('roll back');
      });
      await expect(failing).rejects.toThrow('roll back');
      expect(await outside).toBe(1);
      expect(await driver.query('SELECT v FROM t')).toEqual([{ v: 'outside' }]);
    } finally {
      await driver.close();
    }
  });

  test('constraint violations stay ordinary errors (they are bugs, not outages)', async () => {
    const driver = await openSqliteDriver(':memory:');
    try {
      await driver.exec('CREATE TABLE t (v TEXT PRIMARY KEY)');
      await driver.run('INSERT INTO t (v) VALUES ($1)', ['a']);
      const failure = driver.run('INSERT INTO t (v) VALUES ($1)', ['a']);
      await expect(failure).rejects.toThrow(/UNIQUE/);
      await expect(failure).rejects.not.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await driver.close();
    }
  });

  test('a closed database is unavailable', async () => {
    const driver = await openSqliteDriver(':memory:');
    await driver.close();
    await expect(driver.query('SELECT 1')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  test('a file that cannot be created is unavailable', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    await expect(openStore(join(blocker, 'bot.db'))).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('SQLite under lock contention', () => {
  const file = join(dir, 'busy.db');
  let other: DatabaseSync;

  beforeAll(async () => {
    const store = await openStore(`sqlite:${file}`);
    await store.migrate();
    await store.close();
    other = new DatabaseSync(file);
  });
  afterAll(() => other.close());
  afterEach(() => {
    if (other.isTransaction) other.exec('ROLLBACK');
  });

  /** Runs `use` on a store of its own on the file, once another connection holds the write lock. */
  async function whileLocked(use: (store: Store) => Promise<void>): Promise<void> {
    const store = await openStore(file);
    try {
      other.exec('BEGIN EXCLUSIVE');
      await use(store);
    } finally {
      await store.close();
    }
  }

  test('a write waits (without blocking the event loop) for a lock released within the window', () =>
    whileLocked(async (store) => {
      const started = Date.now();
      setTimeout(() => other.exec('ROLLBACK'), 300);
      await store.ping();
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    }));

  test('reads still answer while another connection holds the write lock', () =>
    whileLocked(async (store) => {
      const started = Date.now();
      expect(await store.getRequest('ir-none')).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(500);
    }));

  test('a lock held past the ~2 s window becomes StoreUnavailableError', () =>
    whileLocked(async (store) => {
      const started = Date.now();
      const error: unknown = await store.ping().catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).message).toMatch(/locked/);
      expect(((error as StoreUnavailableError).cause as { errcode?: number }).errcode).toBe(5);
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(4000);

      other.exec('ROLLBACK');
      await expect(store.ping()).resolves.toBeUndefined();
    }));
});

describe('the database file deleted or replaced under an open store', () => {
  let file: string;
  let store: Store;
  let told: string[];

  beforeEach(async () => {
    file = join(mkdtempSync(join(dir, 'lost-')), 'bot.db');
    store = await openStore(`sqlite:${file}`);
    await store.migrate();
    await store.saveApprovalPolicy('T1', { required: true, approverUserIds: ['U1'], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 60, approvalsChannelId: null, nodeGroupsApproval: 'same' }, 'U0', 1);
    told = [];
    const watcher: StoreWatcher = { lost: (error) => told.push(`lost: ${error.message}`), back: () => told.push('back') };
    store.watch(watcher);
  });
  afterEach(() => store.close());

  /** Every kind of call: reads, writes, transactions, readiness. */
  const everyCall = (s: Store) => [
    s.ping(),
    s.getApprovalPolicy('T1'),
    s.saveApprovalPolicy('T1', { required: false, approverUserIds: [], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 60, approvalsChannelId: null, nodeGroupsApproval: 'same' }, 'U0', 2),
    s.listRequests('T1', 10),
    s.transition({ id: 'ir-x', from: ['approved'], to: 'importing', actorId: null, at: 3 }),
  ];

  test('deleted: every call, reads included, fails with what happened and what to do; watchers are told once', async () => {
    unlinkSync(file);
    for (let round = 0; round < 3; round++) {
      for (const result of await Promise.allSettled(everyCall(store))) {
        expect(result.status).toBe('rejected');
        const error = (result as PromiseRejectedResult).reason as Error;
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(error.message).toContain(`${file} was deleted while the bot was running`);
        expect(error.message).toMatch(/restore it from a backup\) and restart the bot/);
      }
    }
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^lost: The SQLite database file .* was deleted/);
    // Nothing was written anywhere: no new file appeared at the path.
    expect(existsSync(file)).toBe(false);
  });

  test('replaced by another file: refused, the other file untouched; the same file put back works again', async () => {
    const aside = `${file}.aside`;
    renameSync(file, aside);
    copyFileSync(aside, file); // same content, another file
    const errors = await Promise.allSettled(everyCall(store));
    expect(errors.every((r) => r.status === 'rejected' && /was replaced by another file/.test(String(r.reason)))).toBe(true);
    expect(told).toEqual([expect.stringMatching(/^lost: .*replaced by another file/)]);

    // Not opened here: a second connection would take over this store's -wal file, which goes by path.
    expect(readFileSync(file)).toEqual(readFileSync(aside));

    // The file this store opened goes back where it was (a rename keeps it the same file).
    rmSync(file);
    renameSync(aside, file);
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await store.getApprovalPolicy('T1')).toMatchObject({ required: true });
    expect(told).toHaveLength(2);
    expect(told[1]).toBe('back');
  });

  test('a file left in place (written to, its WAL checkpointed) passes the check on every call; nobody is told', async () => {
    for (let i = 0; i < 50; i++) {
      await store.ping();
      expect(await store.getApprovalPolicy('T1')).toMatchObject({ required: true });
    }
    const raw = new DatabaseSync(file);
    raw.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    raw.close();
    await expect(store.ping()).resolves.toBeUndefined();
    expect(told).toEqual([]);
  });
});
