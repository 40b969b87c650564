// The schema's history, in the order it is applied, and how a database is brought up to it (the ones
// it lacks, under a lock that replicas starting at once respect).
import type { SqlDriver, SqlTransactor } from '../sqlDriver.js';
import { initial } from './001_initial.js';
import { importLease } from './002_import_lease.js';
import { installations } from './003_installations.js';
import { clustersAndReferences } from './004_clusters_and_references.js';
import { installationGenerations } from './005_installation_generations.js';
import { requestMessages } from './006_request_messages.js';
import { stepExecutions } from './007_step_executions.js';
import { requestPolicy } from './008_request_policy.js';
import { requestProvenance } from './009_request_provenance.js';

export interface Migration {
  /** Applied in ascending order; never renumber or edit a migration once it has shipped. */
  version: number;
  name: string;
  /** Portable DDL (TEXT, INTEGER, BIGINT only), run in one transaction on SQLite and PostgreSQL alike. */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initial, importLease, installations, clustersAndReferences, installationGenerations, requestMessages, stepExecutions, requestPolicy, requestProvenance];

/** Applies the migrations a database lacks; safe when several replicas start at once. */
export async function applyMigrations(driver: SqlDriver): Promise<void> {
  await driver.withMigrationLock(async (db) => {
    await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => Number(row.version)));
    for (const migration of MIGRATIONS) {
      if (!applied.has(migration.version)) await applyMigration(db, migration);
    }
  });
}

async function applyMigration(db: SqlTransactor, migration: Migration): Promise<void> {
  await db.transaction(async (tx) => {
    // Checked again inside the transaction: another process may have applied it since we looked.
    const done = await tx.query('SELECT version FROM schema_migrations WHERE version = $1', [migration.version]);
    if (done.length > 0) return;
    await tx.exec(migration.sql);
    await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      Date.now(),
    ]);
  });
}
