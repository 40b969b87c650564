// The data folder (DATA_DIR): created owner-only and proven writable at start, so that a folder the bot
// cannot write is named at once, with what to do, instead of failing later inside SQLite or the key file.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Config } from './config.js';
import { ConfigError } from '../errors.js';
import { parseDatabaseUrl } from '../store/openStore.js';

/** Whether anything goes into DATA_DIR: the generated key, or the SQLite file (the default database). */
export function usesDataDir(config: Config): boolean {
  if (config.database.engine !== 'sqlite') return false;
  if (config.encryptionKey === undefined) return true;
  const location = parseDatabaseUrl(config.database.url);
  if (location.engine !== 'sqlite' || location.path === ':memory:') return false;
  const inside = relative(resolve(config.dataDir), dirname(location.path));
  return inside !== '..' && !inside.startsWith('../') && !isAbsolute(inside);
}

/** Creates DATA_DIR when missing (mode 0700) and writes and removes a probe file in it. */
export async function ensureDataDirWritable(config: Config): Promise<void> {
  if (!usesDataDir(config)) return;
  const dir = config.dataDir;
  const probe = join(dir, `.write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(probe, '', { flag: 'wx', mode: 0o600 });
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      `Configuration error: DATA_DIR (${dir}) is not a folder this process can write (${code}${hint(code)}): ` +
        'give it to the user the bot runs as, or set DATA_DIR to a writable folder',
      { cause: error },
    );
  }
}

function hint(code: string): string {
  if (code === 'EACCES' || code === 'EPERM') return ': permission denied';
  if (code === 'ENOTDIR' || code === 'EEXIST') return ': a file stands where a folder is needed';
  if (code === 'EROFS') return ': read-only file system';
  if (code === 'ENOSPC') return ': the disk is full';
  return '';
}
