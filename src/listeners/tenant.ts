// Whom a payload acts for, decided in one place: the workspace (and its Enterprise Grid org) that Bolt
// authorized it for — never a team field read from the body. Bolt picks the team by Slack's rules (a
// command's team_id; a view submission's `view.app_installed_team_id` before `team.id`, since in Slack
// Connect channels and across a Grid org the form can come from another workspace than the one that
// installed the app; `user.team_id` when an org-wide install sends `team: null`; an event's
// authorization), asks our authorize for that installation (services/botTokens.ts), and puts the answer
// in the context. Every listener and service gets the workspace from here.
import type { Context } from '@slack/bolt';
import type { Workspace } from '../domain/workspace.js';
import { AppError } from '../errors.js';

/** A payload Bolt authorized without a workspace (an org-level payload with no team at all). */
export class NoWorkspaceError extends AppError {
  constructor() {
    super('payload_without_workspace', 'Slack sent this without saying which workspace it is for, so nothing was done. Try again from a channel of your workspace.');
  }
}

/** The workspace the payload acts for, as authorized: its team and, within Enterprise Grid, its org. */
export function tenantOf(args: { context: Context }): Workspace {
  const { teamId, enterpriseId } = args.context;
  if (teamId === undefined || teamId === '') throw new NoWorkspaceError();
  return { teamId, enterpriseId: enterpriseId ?? null };
}
