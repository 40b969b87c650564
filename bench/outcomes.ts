// Where the bench learns that an import ended: the bot's own database (the request's state), read over
// a connection of its own. Messages in Slack would do too, but their wording changes with the product;
// a request's end states do not.
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

/** The states a request ends in. */
export const END_STATES = ['succeeded', 'failed', 'outcome_unknown'] as const;

export interface OutcomeReader {
  /** source_key → state of the requests whose source key (the submitted view's id) starts with `prefix`. */
  states(prefix: string): Promise<Map<string, string>>;
  /** Requests under `prefix` waiting for approval, created before `before` (ms since the epoch): what an approver sees on a card. */
  pending(prefix: string, before: number): Promise<Array<{ id: string; teamId: string }>>;
  close(): Promise<void>;
}

const SQL = "SELECT source_key, state FROM import_requests WHERE source_key LIKE $1 ESCAPE '!'";
const PENDING_SQL = "SELECT id, team_id FROM import_requests WHERE state = 'pending_approval' AND source_key LIKE $1 ESCAPE '!' AND created_at < $2";

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, '!$&')}%`;
}

/** Reads a SQLite file the bot writes (read-only, beside the bot's own connection: WAL allows it). */
export function sqliteOutcomes(path: string): OutcomeReader {
  let db: DatabaseSync | undefined;
  return {
    states: async (prefix) => {
      db ??= new DatabaseSync(path, { readOnly: true });
      const rows = db.prepare(SQL.replace('$1', '?')).all(likePrefix(prefix)) as Array<{ source_key: string; state: string }>;
      return new Map(rows.map((r) => [r.source_key, r.state]));
    },
    pending: async (prefix, before) => {
      db ??= new DatabaseSync(path, { readOnly: true });
      const rows = db.prepare(PENDING_SQL.replace('$1', '?').replace('$2', '?')).all(likePrefix(prefix), before) as Array<{ id: string; team_id: string }>;
      return rows.map((r) => ({ id: r.id, teamId: r.team_id }));
    },
    close: async () => db?.close(),
  };
}

/** Reads the bot's PostgreSQL database directly (not through the proxy: these reads are not the bot's). */
export function postgresOutcomes(url: string): OutcomeReader {
  const client = new pg.Client({ connectionString: url });
  let connected: Promise<void> | undefined;
  return {
    states: async (prefix) => {
      await (connected ??= client.connect().then(() => undefined));
      const { rows } = await client.query<{ source_key: string; state: string }>(SQL, [likePrefix(prefix)]);
      return new Map(rows.map((r) => [r.source_key, r.state]));
    },
    pending: async (prefix, before) => {
      await (connected ??= client.connect().then(() => undefined));
      const { rows } = await client.query<{ id: string; team_id: string }>(PENDING_SQL, [likePrefix(prefix), before]);
      return rows.map((r) => ({ id: r.id, teamId: r.team_id }));
    },
    close: async () => {
      if (connected !== undefined) await client.end();
    },
  };
}
