// The settings a form or a submission reads before its ack — the workspace's connection, its saved
// approval policy and, for a form, its named references — as one query: with PostgreSQL in another
// zone every round trip before an ack costs ~10 ms. LEFT JOINs from a one-row seed keep it portable
// (SQLite and PostgreSQL) and yield one row when nothing is saved; with references, one row per
// reference, the connection and the policy repeated on each.
import type { StoredApprovalPolicy } from '../domain/approvalPolicy.js';
import type { StoredReference } from '../domain/references.js';
import type { WorkspaceConnection } from '../domain/workspaceConnection.js';
import { toConnection, toPolicy, toReference, type ConnectionRow, type PolicyRow, type ReferenceRow } from './rows.js';

export interface StoredWorkspaceSettings {
  connection: WorkspaceConnection | undefined;
  /** The policy an admin saved; undefined when none was (the default applies). */
  policy: StoredApprovalPolicy | undefined;
  /** In the order listReferences gives; empty when they were not asked for. */
  references: StoredReference[];
}

// Every column of each row type, checked by the compiler: a column added to a row type must be added here.
const CONNECTION: Record<keyof ConnectionRow, true> = {
  team_id: true,
  enterprise_id: true,
  token_ciphertext: true,
  token_hint: true,
  token_expires_at: true,
  org_id: true,
  default_hosted_zone: true,
  default_secret_id: true,
  connected_by: true,
  connected_at: true,
};
const POLICY: Record<keyof PolicyRow, true> = {
  team_id: true,
  required: true,
  approver_user_ids: true,
  approver_group_ids: true,
  approvals_needed: true,
  expiry_seconds: true,
  approvals_channel_id: true,
  node_groups_approval: true,
  updated_by: true,
  updated_at: true,
};
const REFERENCE: Record<keyof ReferenceRow, true> = {
  team_id: true,
  kind: true,
  category: true,
  name: true,
  uuid: true,
  position: true,
  updated_by: true,
  updated_at: true,
};

const columns = (alias: string, row: object) => Object.keys(row).map((column) => `${alias}.${column} AS ${alias}_${column}`);

const SQL_WITHOUT_REFERENCES = `SELECT ${[...columns('c', CONNECTION), ...columns('p', POLICY)].join(', ')}
  FROM (SELECT CAST($1 AS TEXT) AS team_id) t
  LEFT JOIN workspace_connections c ON c.team_id = t.team_id
  LEFT JOIN approval_policies p ON p.team_id = t.team_id`;

const SQL_WITH_REFERENCES = `SELECT ${[...columns('c', CONNECTION), ...columns('p', POLICY), ...columns('r', REFERENCE)].join(', ')}
  FROM (SELECT CAST($1 AS TEXT) AS team_id) t
  LEFT JOIN workspace_connections c ON c.team_id = t.team_id
  LEFT JOIN approval_policies p ON p.team_id = t.team_id
  LEFT JOIN workspace_references r ON r.team_id = t.team_id
  ORDER BY r.kind, r.category, r.position`;

export function workspaceSettingsSql(withReferences: boolean): string {
  return withReferences ? SQL_WITH_REFERENCES : SQL_WITHOUT_REFERENCES;
}

/** The row's columns of one table (`alias_column`), or undefined when the LEFT JOIN found no row there. */
function part<R>(row: Record<string, unknown>, alias: string, shape: object): R | undefined {
  if (row[`${alias}_team_id`] === null || row[`${alias}_team_id`] === undefined) return undefined;
  return Object.fromEntries(Object.keys(shape).map((column) => [column, row[`${alias}_${column}`]])) as R;
}

export function toWorkspaceSettings(rows: ReadonlyArray<Record<string, unknown>>): StoredWorkspaceSettings {
  const first = rows[0];
  const connection = first === undefined ? undefined : part<ConnectionRow>(first, 'c', CONNECTION);
  const policy = first === undefined ? undefined : part<PolicyRow>(first, 'p', POLICY);
  return {
    connection: connection === undefined ? undefined : toConnection(connection),
    policy: policy === undefined ? undefined : toPolicy(policy),
    references: rows.flatMap((row) => {
      const reference = part<ReferenceRow>(row, 'r', REFERENCE);
      return reference === undefined ? [] : [toReference(reference)];
    }),
  };
}
