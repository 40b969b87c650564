// The schema's history, in the order it is applied; SqlStore.migrate() runs the ones a database lacks.
import { initial } from './001_initial.js';
import { importLease } from './002_import_lease.js';

export interface Migration {
  /** Applied in ascending order; never renumber or edit a migration once it has shipped. */
  version: number;
  name: string;
  /** Portable DDL (TEXT, INTEGER, BIGINT only), run in one transaction on SQLite and PostgreSQL alike. */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initial, importLease];
