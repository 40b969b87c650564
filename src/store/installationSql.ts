// The installations' SQL, in the portable dialect: a save (an install or re-install) that replaces the
// row whole; a replace that goes through only over the generation it read (so that an uninstall or a
// re-install in the meantime wins); and the refresh lease that lets one replica at a time spend an
// installation's single-use refresh token.
import type { SlackInstallation } from '../domain/installation.js';
import type { WorkspaceScope } from '../domain/workspace.js';
import { installationRow, toInstallation, type InstallationRow } from './installationRows.js';
import { Params, upsert } from './sqlClauses.js';
import type { SqlExecutor } from './sqlDriver.js';
import type { RefreshClaim } from './store.js';

export async function getInstallation(db: SqlExecutor, key: string): Promise<SlackInstallation | undefined> {
  const [row] = await db.query<InstallationRow>('SELECT * FROM slack_installations WHERE install_key = $1', [key]);
  return row === undefined ? undefined : toInstallation(row);
}

export async function saveInstallation(db: SqlExecutor, installation: SlackInstallation): Promise<void> {
  // A new install ends any refresh in progress: whoever held the lease finds a new generation.
  const { sql, values } = upsert('slack_installations', 'install_key', { ...installationRow(installation), refresh_owner: null, refresh_until: null });
  await db.run(sql, values);
}

export async function replaceInstallation(db: SqlExecutor, installation: SlackInstallation, generation: string): Promise<boolean> {
  const params = new Params();
  const row = installationRow(installation);
  const sets = Object.entries(row)
    .filter(([column]) => column !== 'install_key')
    .map(([column, value]) => `${column} = ${params.add(value)}`);
  const key = params.add(installation.key);
  const read = params.add(generation);
  const changed = await db.run(
    `UPDATE slack_installations SET ${sets.join(', ')}, refresh_owner = NULL, refresh_until = NULL WHERE install_key = ${key} AND generation = ${read}`,
    params.values,
  );
  return changed > 0;
}

export async function claimInstallationRefresh(db: SqlExecutor, claim: RefreshClaim): Promise<boolean> {
  const changed = await db.run(
    `UPDATE slack_installations SET refresh_owner = $1, refresh_until = $2
     WHERE install_key = $3 AND generation = $4 AND (refresh_until IS NULL OR refresh_until < $5 OR refresh_owner = $1)`,
    [claim.owner, claim.until, claim.key, claim.generation, claim.now],
  );
  return changed > 0;
}

export async function releaseInstallationRefresh(db: SqlExecutor, key: string, owner: string): Promise<void> {
  await db.run('UPDATE slack_installations SET refresh_owner = NULL, refresh_until = NULL WHERE install_key = $1 AND refresh_owner = $2', [key, owner]);
}

/**
 * What an uninstall covers, as SQL over `table`'s team and enterprise columns: one workspace, or the
 * workspaces of an org that are not installed on their own (an org-wide uninstall leaves those alone).
 */
export function uninstalledScope(scope: WorkspaceScope, table: string, params: Params): string {
  if ('teamId' in scope) return `${table}.team_id = ${params.add(scope.teamId)}`;
  return `${table}.enterprise_id = ${params.add(scope.enterpriseId)}
    AND NOT EXISTS (SELECT 1 FROM slack_installations own WHERE own.install_key = 'team:' || ${table}.team_id)`;
}
