// openStore's URL handling: which engine, which file, and that a password never reaches a message.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../src/errors.js';
import { openStore, parseDatabaseUrl } from '../../src/store/openStore.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseDatabaseUrl', () => {
  test.each([
    ['postgres://u:p@db:5432/app', { engine: 'postgres', url: 'postgres://u:p@db:5432/app' }],
    ['postgresql://db/app?sslmode=require', { engine: 'postgres', url: 'postgresql://db/app?sslmode=require' }],
    ['postgres:///app?host=/var/run/postgresql', { engine: 'postgres', url: 'postgres:///app?host=/var/run/postgresql' }],
    ['sqlite:/var/lib/bot.db', { engine: 'sqlite', path: '/var/lib/bot.db' }],
    ['sqlite:///var/lib/bot.db', { engine: 'sqlite', path: '/var/lib/bot.db' }],
    ['sqlite:data/bot.db', { engine: 'sqlite', path: resolve(process.cwd(), 'data/bot.db') }],
    ['sqlite://data/bot.db', { engine: 'sqlite', path: resolve(process.cwd(), 'data/bot.db') }],
    ['file:./data/bot.db', { engine: 'sqlite', path: resolve(process.cwd(), 'data/bot.db') }],
    ['file:///srv/my%20bot.db', { engine: 'sqlite', path: '/srv/my bot.db' }],
    ['./data/bot.db', { engine: 'sqlite', path: resolve(process.cwd(), 'data/bot.db') }],
    ['/abs/bot.db', { engine: 'sqlite', path: '/abs/bot.db' }],
    ['sqlite::memory:', { engine: 'sqlite', path: ':memory:' }],
  ])('%s', (input, expected) => {
    expect(parseDatabaseUrl(input)).toEqual(expected);
  });

  test.each(['', '   ', 'mysql://u:p@h/db', 'sqlite:'])('rejects %j', (input) => {
    expect(() => parseDatabaseUrl(input)).toThrow(ConfigError);
  });

  test('a malformed PostgreSQL URL is refused without repeating its password', () => {
    const error: unknown = (() => {
      try {
        return parseDatabaseUrl('postgres://admin:s3cr3t-pw@[::1');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause) })).not.toContain('s3cr3t-pw');
  });
});

describe('openStore', () => {
  test('opens SQLite for a file:// URL, creating the file', async () => {
    const file = join(dir, 'sub', 'bot.db');
    const store = await openStore(pathToFileURL(file).href);
    try {
      expect(store.engine).toBe('sqlite');
      await store.migrate();
      await store.ping();
      expect(existsSync(file)).toBe(true);
    } finally {
      await store.close();
    }
  });

  test('opens PostgreSQL lazily: no connection is made until the first query', async () => {
    const store = await openStore('postgres://nobody:pw@127.0.0.1:1/none');
    expect(store.engine).toBe('postgres');
    await store.close();
  });
});
