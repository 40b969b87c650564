// DATA_DIR is checked only when something goes into it (the generated key, the default SQLite file),
// is created owner-only, and the check leaves nothing behind.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/process/config.js';
import { ensureDataDirWritable, usesDataDir } from '../../src/process/dataDir.js';
import { ConfigError } from '../../src/errors.js';

const base = { SLACK_SIGNING_SECRET: 'signing-secret-value', SLACK_BOT_TOKEN: 'xoxb-1-2-bot', DATA_DIR: '/srv/bot-data' };
const KEY = 'a1'.repeat(32);

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ss-datadir-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test.each([
  ['SQLite by default, key generated', {}, true],
  ['SQLite by default, key given', { ENCRYPTION_KEY: KEY }, true],
  ['SQLite inside DATA_DIR, key given', { ENCRYPTION_KEY: KEY, DATABASE_URL: 'sqlite:/srv/bot-data/sub/bot.db' }, true],
  ['SQLite elsewhere, key generated', { DATABASE_URL: 'sqlite:/var/lib/bot.db' }, true],
  ['SQLite elsewhere, key given', { ENCRYPTION_KEY: KEY, DATABASE_URL: 'sqlite:/var/lib/bot.db' }, false],
  ['SQLite in a sibling folder whose name starts alike, key given', { ENCRYPTION_KEY: KEY, DATABASE_URL: 'sqlite:/srv/bot-data-old/bot.db' }, false],
  ['PostgreSQL', { ENCRYPTION_KEY: KEY, DATABASE_URL: 'postgres://u@h/db' }, false],
])('%s (%j) → DATA_DIR used: %s', (_case, env, expected) => {
  expect(usesDataDir(loadConfig({ ...base, ...env }))).toBe(expected);
});

test('a missing DATA_DIR is created owner-only, and the check leaves no file behind', async () => {
  const dataDir = join(dir, 'nested', 'data');
  await ensureDataDirWritable(loadConfig({ ...base, DATA_DIR: dataDir }));
  expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  expect(readdirSync(dataDir)).toEqual([]);
});

test('a DATA_DIR that is a file: a ConfigError naming DATA_DIR', async () => {
  const file = join(dir, 'file');
  writeFileSync(file, '');
  await expect(ensureDataDirWritable(loadConfig({ ...base, DATA_DIR: file }))).rejects.toThrow(ConfigError);
  await expect(ensureDataDirWritable(loadConfig({ ...base, DATA_DIR: file }))).rejects.toThrow(/^Configuration error: DATA_DIR \(.*\) is not a folder this process can write/);
});

test('not used, not touched: PostgreSQL never creates DATA_DIR', async () => {
  const dataDir = join(dir, 'unused');
  await ensureDataDirWritable(loadConfig({ ...base, DATA_DIR: dataDir, ENCRYPTION_KEY: KEY, DATABASE_URL: 'postgres://u@h/db' }));
  expect(() => statSync(dataDir)).toThrow();
});
