// Chooses the engine from DATABASE_URL and opens the store (without migrating it); URLs with passwords
// never reach an error message.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { openPostgresDriver } from './postgresDriver.js';
import type { SqlDriver } from './sqlDriver.js';
import { openSqliteDriver } from './sqliteDriver.js';
import { SqlStore } from './sqlStore.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** Told about background database errors nobody awaits (an idle PostgreSQL connection dying). */
  onError?: (err: unknown) => void;
}

export type DatabaseLocation = { engine: 'postgres'; url: string } | { engine: 'sqlite'; path: string };

/**
 * Opens the store behind `databaseUrl`. PostgreSQL connects lazily (the first query, or `ping()`,
 * tells whether it is reachable); SQLite opens the file now and throws StoreUnavailableError if it cannot.
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  return new SqlStore(await openSqlDriver(databaseUrl, options));
}

/** The driver under a store; for tools and tests that need raw SQL on the same database. */
export async function openSqlDriver(databaseUrl: string, options: OpenStoreOptions = {}): Promise<SqlDriver> {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.engine === 'postgres') {
    return openPostgresDriver(location.url, options.onError ? { onError: options.onError } : {});
  }
  return openSqliteDriver(location.path);
}

/**
 * `postgres://…` and `postgresql://…` → PostgreSQL. `sqlite:<path>`, `file:<path>` (or a `file://` URL)
 * and a plain path → SQLite, relative paths resolved from the working directory. `sqlite:///abs` and
 * `sqlite://rel` drop the two slashes, as `sqlite:` URLs usually mean.
 */
export function parseDatabaseUrl(databaseUrl: string): DatabaseLocation {
  const value = databaseUrl.trim();
  if (value === '') throw new ConfigError('DATABASE_URL is empty: give a postgres:// URL or a path for SQLite.');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return { engine: 'postgres', url: checkedPostgresUrl(value) };
  if (scheme === 'sqlite') return sqlite(value.slice('sqlite:'.length).replace(/^\/\//, ''));
  if (scheme === 'file') return sqlite(value.startsWith('file://') ? fileUrlPath(value) : value.slice('file:'.length));
  if (scheme !== undefined && value.slice(scheme.length + 1).startsWith('//')) {
    throw new ConfigError(
      `DATABASE_URL has an unsupported scheme "${scheme}:": use postgres://, postgresql://, sqlite:, file: or a path.`,
    );
  }
  return sqlite(value);
}

function sqlite(path: string): DatabaseLocation {
  const clean = path.replace(/\?.*$/, '');
  if (clean === '') throw new ConfigError('DATABASE_URL names no SQLite file.');
  if (clean === ':memory:') return { engine: 'sqlite', path: clean };
  return { engine: 'sqlite', path: isAbsolute(clean) ? clean : resolve(process.cwd(), clean) };
}

function fileUrlPath(value: string): string {
  try {
    return fileURLToPath(value);
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid file:// URL.');
  }
}

/** Validated here so that a malformed URL fails with a message that does not repeat it (or its password). */
function checkedPostgresUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`DATABASE_URL is not a valid PostgreSQL URL (${redactedShape(value)}).`);
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    throw new ConfigError(`DATABASE_URL names no PostgreSQL host (${redactUrl(url)}).`);
  }
  return value;
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  return copy.href;
}

/** For a URL that did not even parse: only its scheme, so nothing secret can leak. */
function redactedShape(value: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(value)?.[0] ?? '';
  return `${scheme}//…`;
}
