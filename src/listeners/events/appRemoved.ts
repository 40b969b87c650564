// `app_uninstalled` and `tokens_revoked`: the app is gone from a workspace (or, installed org-wide, from
// an organisation), or Slack revoked its tokens. The bot's token gone means the same as an uninstall;
// only the installer's user token gone means that token is forgotten, the bot stays.
import type { WorkspaceScope } from '../../domain/workspace.js';
import type { Services } from '../../services/index.js';
import type { EventArgs } from '../types.js';

/**
 * What the event covers, from its authorization as Bolt read it (these events skip authorize: the
 * installation may be gone already): the organisation for an org-wide install, else the workspace.
 */
function scopeOf(args: EventArgs<'app_uninstalled' | 'tokens_revoked'>): WorkspaceScope | undefined {
  const { context } = args;
  if (context.isEnterpriseInstall && context.enterpriseId !== undefined) return { enterpriseId: context.enterpriseId };
  const { teamId } = context;
  return teamId === undefined || teamId === '' ? undefined : { teamId };
}

export async function appUninstalled(args: EventArgs<'app_uninstalled'>, services: Services): Promise<void> {
  const scope = scopeOf(args);
  if (scope === undefined) {
    services.logger.warn('app_uninstalled without a workspace or an organisation: nothing to forget');
    return;
  }
  await services.uninstalls.forget(scope, 'cancelled: the app was uninstalled from this workspace (app_uninstalled)');
}

export async function tokensRevoked(args: EventArgs<'tokens_revoked'>, services: Services): Promise<void> {
  const scope = scopeOf(args);
  const { tokens } = args.event;
  if (scope === undefined) {
    services.logger.warn('tokens_revoked without a workspace or an organisation: nothing to forget');
    return;
  }
  if ((tokens.bot ?? []).length > 0) {
    await services.uninstalls.forget(scope, 'cancelled: Slack revoked the app’s bot token in this workspace (tokens_revoked)');
    return;
  }
  if ((tokens.oauth ?? []).length > 0) await services.uninstalls.dropUserToken(scope);
}
