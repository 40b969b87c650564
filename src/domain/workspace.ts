// The Slack workspace a piece of work belongs to, as its bot token is found again later: the team, and
// the Enterprise Grid organisation when there is one (an org-wide install holds one token for all its
// teams). Kept on every request so that work nobody clicked for (expiries, recovery) speaks for it too.

export interface Workspace {
  teamId: string;
  /** The Enterprise Grid organisation the team belongs to, or null outside Enterprise Grid. */
  enterpriseId: string | null;
}

/** What an uninstall or a token revocation covers: one workspace, or every workspace of an org-wide install. */
export type WorkspaceScope = { teamId: string } | { enterpriseId: string };

export function workspaceOf(record: { teamId: string; enterpriseId: string | null }): Workspace {
  return { teamId: record.teamId, enterpriseId: record.enterpriseId };
}
