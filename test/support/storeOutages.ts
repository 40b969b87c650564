// Ways to take a real store away from a running bot and give it back: another process holding the
// SQLite write lock, and PostgreSQL behind a TCP proxy that is cut (a stopped server, to its clients).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createTestDatabase } from './postgres.js';
import { startTcpProxy } from './tcpProxy.js';
import type { BotDatabase } from './world.js';

/** A store a test can take away: a world's database (useBot({ database })) that breaks and mends. */
export interface StoreOutage extends BotDatabase {
  /** DATABASE_URL for the bot: through the proxy for PostgreSQL. */
  databaseUrl: string;
  breakIt(): Promise<void>;
  mendIt(): Promise<void>;
  /** Mends, then removes whatever the outage created (the throwaway PostgreSQL database). */
  tearDown(): Promise<void>;
}

/**
 * A SQLite file in a folder of its own, which another connection can lock for writing (BEGIN
 * EXCLUSIVE): writes fail, reads go on (WAL).
 */
export function sqliteWriteLock(): StoreOutage {
  const dir = mkdtempSync(join(tmpdir(), 'ss-locked-'));
  const file = join(dir, 'bot.db');
  let locker: DatabaseSync | undefined;
  const mend = async () => {
    locker?.exec('ROLLBACK');
    locker?.close();
    locker = undefined;
  };
  return {
    databaseUrl: `sqlite:${file}`,
    breakIt: async () => {
      locker = new DatabaseSync(file);
      locker.exec('BEGIN EXCLUSIVE');
    },
    mendIt: mend,
    tearDown: async () => {
      await mend();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway PostgreSQL database reached through a proxy: cut, every connection drops and new ones are refused. */
export async function postgresBehindProxy(): Promise<StoreOutage> {
  const db = await createTestDatabase();
  const proxy = await startTcpProxy('127.0.0.1', Number(new URL(db.url).port || 5432));
  const url = new URL(db.url);
  url.host = `127.0.0.1:${proxy.port}`;
  return {
    databaseUrl: url.href,
    breakIt: () => proxy.cut(),
    mendIt: () => proxy.restore(),
    tearDown: async () => {
      await proxy.close();
      await db.drop();
    },
  };
}
