// What removing the app from a workspace does (Slack's app_uninstalled, or tokens_revoked taking the
// bot's token): the installation and the workspace's Simplismart connection are deleted at once, and its
// requests still waiting for approval are cancelled, the reason in their audit trail. Their cards are
// left as they are: no token is left to update them. The history stays. Redelivered events change nothing.
import { installationKey } from '../domain/installation.js';
import type { WorkspaceScope } from '../domain/workspace.js';
import type { Logger } from '../process/logger.js';
import type { Store } from '../store/store.js';
import type { BotTokens } from './botTokens.js';
import type { Clock } from './clock.js';
import type { Installations } from './installations.js';

/** Pending requests cancelled per page, and pages at most per event (the rest wait for their expiry). */
const PAGE = 100;
const MAX_PAGES = 50;

export interface Forgotten {
  installation: boolean;
  connections: number;
  cancelled: number;
}

export class Uninstalls {
  constructor(
    private readonly deps: {
      store: Store;
      installations: Installations;
      /** Only `forget` is used: the cached tokens of the uninstalled workspaces are dropped. */
      tokens: Pick<BotTokens, 'forget'>;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** The app is gone from the workspaces in `scope`; `why` goes into each cancelled request's audit trail. */
  async forget(scope: WorkspaceScope, why: string): Promise<Forgotten> {
    const { store, tokens, clock, logger } = this.deps;
    const key = 'teamId' in scope ? installationKey({ isEnterpriseInstall: false, enterpriseId: null, teamId: scope.teamId }) : installationKey({ isEnterpriseInstall: true, enterpriseId: scope.enterpriseId, teamId: null });
    const installation = await store.deleteInstallation(key);
    tokens.forget(scope);
    const connections = await store.deleteConnections(scope);
    let cancelled = 0;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const pending = await store.listPending(scope, PAGE);
      if (pending.length === 0) break;
      for (const request of pending) {
        const moved = await store.transition({
          id: request.id,
          from: ['pending_approval'],
          to: 'cancelled',
          actorId: null,
          at: clock.now(),
          note: `${why}; its messages in Slack could not be updated (no token is left)`,
        });
        if (moved !== undefined) cancelled += 1;
      }
    }
    logger.info({ ...scope, installation, connections, cancelled, why }, 'the app was removed: installation and Simplismart connection deleted, waiting requests cancelled');
    return { installation, connections, cancelled };
  }

  /** Slack revoked only the installer's user token: it is forgotten; the bot and everything else stay. */
  async dropUserToken(scope: WorkspaceScope): Promise<void> {
    if (await this.deps.installations.dropUserToken(scope)) this.deps.logger.info({ ...scope }, 'the installer’s user token was revoked: forgotten');
  }
}
