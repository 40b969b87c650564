// Where the token key comes from: ENCRYPTION_KEY, or on SQLite a key generated once into the data
// folder (owner-only) and reused afterwards.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/process/config.js';
import { ConfigError } from '../../src/errors.js';
import { KEY_FILE, resolveEncryptionKey } from '../../src/secrets/encryptionKey.js';

const base = { SLACK_SIGNING_SECRET: 'signing-secret', SLACK_BOT_TOKEN: 'xoxb-1-2-abc' };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simplismart-key-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveEncryptionKey', () => {
  it('uses ENCRYPTION_KEY when set, and writes nothing', async () => {
    const hex = 'b2'.repeat(32);
    const dataDir = join(dir, 'data');
    const result = await resolveEncryptionKey(loadConfig({ ...base, ENCRYPTION_KEY: hex, DATA_DIR: dataDir }));
    expect(result).toEqual({ key: Buffer.from(hex, 'hex'), source: 'env' });
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('on SQLite without a key: generates one into a 0600 file in a 0700 data folder, once, and reuses it', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const config = loadConfig({ ...base, DATA_DIR: dataDir });
    const first = await resolveEncryptionKey(config);
    expect(first.source).toBe('generated');
    expect(first.key).toHaveLength(32);

    const path = join(dataDir, KEY_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(Buffer.from((await readFile(path, 'utf8')).trim(), 'base64')).toEqual(first.key);

    const second = await resolveEncryptionKey(config);
    expect(second).toEqual({ key: first.key, source: 'file' });
    expect(Buffer.from((await readFile(path, 'utf8')).trim(), 'base64')).toEqual(first.key);
  });

  it('two starts at the same moment end up with the same key', async () => {
    const config = loadConfig({ ...base, DATA_DIR: dir });
    const [a, b] = await Promise.all([resolveEncryptionKey(config), resolveEncryptionKey(config)]);
    expect(a.key).toEqual(b.key);
  });

  it('reads a key file put there by hand (hex or base64)', async () => {
    const key = Buffer.alloc(32, 9);
    await writeFile(join(dir, KEY_FILE), `${key.toString('hex')}\n`, { mode: 0o600 });
    expect(await resolveEncryptionKey(loadConfig({ ...base, DATA_DIR: dir }))).toEqual({ key, source: 'file' });
  });

  it('refuses a key file that does not hold a 32-byte key', async () => {
    await writeFile(join(dir, KEY_FILE), 'not a key\n', { mode: 0o600 });
    await expect(resolveEncryptionKey(loadConfig({ ...base, DATA_DIR: dir }))).rejects.toThrow(ConfigError);
  });

  it('never generates a key for PostgreSQL', async () => {
    const config = { ...loadConfig({ ...base, DATA_DIR: dir, DATABASE_URL: 'postgres://u@h/db', ENCRYPTION_KEY: 'c3'.repeat(32) }), encryptionKey: undefined };
    await expect(resolveEncryptionKey(config)).rejects.toThrow(/ENCRYPTION_KEY is required with PostgreSQL/);
    await expect(stat(join(dir, KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
