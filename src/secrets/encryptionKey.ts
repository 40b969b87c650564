// Where the token encryption key comes from: ENCRYPTION_KEY when set; on the SQLite default, a key
// generated once into the data folder (owner-only), so that a one-process install needs no setup.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../process/config.js';
import { decodeKey } from '../process/config.js';
import { ConfigError } from '../errors.js';

export const KEY_FILE = 'encryption.key';

export async function resolveEncryptionKey(config: Config): Promise<{ key: Buffer; source: 'env' | 'file' | 'generated' }> {
  if (config.encryptionKey !== undefined) return { key: config.encryptionKey, source: 'env' };
  if (config.database.engine === 'postgres') {
    // Config validation already demands it; this guards callers that build a Config by hand.
    throw new ConfigError('Configuration error: ENCRYPTION_KEY is required with PostgreSQL');
  }
  const path = join(config.dataDir, KEY_FILE);
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new ConfigError(`Configuration error: cannot read ${path} (${error.code ?? 'error'}); fix its permissions or set ENCRYPTION_KEY`);
  });
  if (existing !== undefined) {
    const key = decodeKey(existing);
    if (key === undefined) {
      throw new ConfigError(`Configuration error: ${path} does not hold a 32-byte key; restore it or set ENCRYPTION_KEY`);
    }
    return { key, source: 'file' };
  }
  const key = randomBytes(32);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // `wx`: never overwrite a key another process wrote a moment ago (tokens encrypted under it would be lost).
  await writeFile(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(path, 0o600);
  const stored = decodeKey(await readFile(path, 'utf8'));
  if (stored === undefined) throw new ConfigError(`Configuration error: ${path} does not hold a 32-byte key`);
  return { key: stored, source: stored.equals(key) ? 'generated' : 'file' };
}
