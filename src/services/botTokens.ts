// Which bot token speaks for a workspace, in both modes: the one SLACK_BOT_TOKEN, or — when any
// workspace may install the app — the token its installation holds, found through @slack/oauth's
// InstallProvider (which also refreshes a rotating token before it expires and saves the new one).
// Lookups are cached briefly per workspace, and concurrent ones share one, so a busy workspace costs
// one store read (and at most one refresh) per half minute, not one per payload.
import type { AuthorizeResult, AuthorizeSourceData } from '@slack/bolt';
import { AuthorizationError, ErrorCode, InstallProvider } from '@slack/oauth';
import type { Config } from '../config.js';
import type { Workspace, WorkspaceScope } from '../domain/workspace.js';
import { boltLogger, type Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { apiUrlOption, boundedFetch } from '../slackClients.js';
import type { Store } from '../store/store.js';
import { installPage } from '../views/installPages.js';
import { NotInstalledError, type Installations } from './installations.js';
import { INSTALL_LINK_SECONDS, SingleUseStateStore } from './oauthStates.js';

/** The bot scopes the app asks for when installed (manifest.yml lists the same; a unit test holds them equal). */
export const BOT_SCOPES: readonly string[] = ['commands', 'chat:write', 'chat:write.public', 'users:read', 'usergroups:read'];

/** How long a workspace's token is used without looking at its installation again. */
const CACHE_MS = 30_000;
/** @slack/oauth refreshes a rotating token this long before it expires; the cache never holds one past that. */
const REFRESH_WINDOW_MS = 2 * 60 * 60 * 1000;
/** Workspaces whose token is kept in memory at once; the least recently used is dropped first. */
const CACHE_MAX = 1000;

export interface BotTokens {
  /** Distributed mode's installer: the install page, the OAuth redirect, and Bolt's authorize. */
  readonly installer: InstallProvider | undefined;
  /** Bolt's `authorize` in distributed mode: the bot of the workspace a payload came from. */
  authorize(source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult>;
  /** The bot token for work of `workspace` nobody clicked for; throws NotInstalledError when there is none. */
  tokenFor(workspace: Workspace): Promise<string>;
  /** Forgets what is cached for the workspaces in scope (their installation was just deleted). */
  forget(scope: WorkspaceScope): void;
}

export function botTokens(args: { config: Readonly<Config>; store: Store; installations: Installations; logger: Logger; metrics?: Metrics }): BotTokens {
  const { install } = args.config.slack;
  if (install.mode === 'single') return new SingleWorkspaceToken(install.botToken);
  const installer = new InstallProvider({
    clientId: install.clientId,
    clientSecret: install.clientSecret,
    stateStore: new SingleUseStateStore(install.stateSecret, args.store),
    stateCookieExpirationSeconds: INSTALL_LINK_SECONDS,
    installationStore: args.installations,
    installUrlOptions: { scopes: [...BOT_SCOPES] },
    authorizationUrl: authorizationUrl(args.config),
    renderHtmlForInstallPath: installPage,
    logger: installerLogger(args.logger),
    // oauth.v2.access (the code exchange, token refreshes) goes where every Web API call goes.
    clientOptions: { ...apiUrlOption(args.config), retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 }, fetch: boundedFetch(10_000, args.metrics) },
  });
  return new InstalledTokens(installer);
}

/** @slack/oauth's own error codes for an install link a person misused (stale, forged, replayed, cancelled). */
const PEOPLES_MISTAKES = new Set<string>([
  ErrorCode.InvalidStateError,
  ErrorCode.MissingStateError,
  ErrorCode.MissingCodeError,
  ErrorCode.AuthorizationError,
]);

/**
 * The installer logs every refused redirect as an error; a stale or replayed link is someone's
 * mistake, told to them on the page, so it is a warning here. Anything else stays an error.
 */
function installerLogger(logger: Logger): ReturnType<typeof boltLogger> {
  const bolt = boltLogger(logger);
  return {
    ...bolt,
    error: (...msg: unknown[]) => {
      const code = (msg[0] as { code?: unknown } | undefined)?.code;
      if (typeof code === 'string' && PEOPLES_MISTAKES.has(code)) bolt.warn(...msg);
      else bolt.error(...msg);
    },
  };
}

/**
 * Slack's authorize page beside its Web API: https://slack.com/oauth/v2/authorize for
 * https://slack.com/api/, the same on GovSlack's host, the local Slack's in tests.
 */
export function authorizationUrl(config: Readonly<Config>): string {
  return new URL('../oauth/v2/authorize', config.slack.apiUrl ?? 'https://slack.com/api/').toString();
}

class SingleWorkspaceToken implements BotTokens {
  readonly installer = undefined;

  constructor(private readonly token: string) {}

  authorize(): Promise<AuthorizeResult> {
    return Promise.reject(new Error('a single-workspace bot has its token from SLACK_BOT_TOKEN; Bolt needs no authorize'));
  }

  tokenFor(): Promise<string> {
    return Promise.resolve(this.token);
  }

  forget(): void {
    // Nothing cached: the token is the environment's.
  }
}

interface Cached {
  result: AuthorizeResult;
  until: number;
  teamId: string | undefined;
  enterpriseId: string | undefined;
}

class InstalledTokens implements BotTokens {
  private readonly cache = new Map<string, Cached>();
  private readonly looking = new Map<string, Promise<AuthorizeResult>>();

  constructor(readonly installer: InstallProvider) {}

  authorize(source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult> {
    const key = `${source.isEnterpriseInstall ? 'org' : 'team'}|${source.teamId ?? ''}|${source.enterpriseId ?? ''}`;
    const hit = this.cache.get(key);
    if (hit !== undefined && hit.until > Date.now()) {
      // Most recently used last: the Map's order is the eviction order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return Promise.resolve({ ...hit.result });
    }
    const inFlight = this.looking.get(key);
    if (inFlight !== undefined) return inFlight.then((result) => ({ ...result }));
    const lookup = this.lookUp(key, source).finally(() => this.looking.delete(key));
    this.looking.set(key, lookup);
    return lookup.then((result) => ({ ...result }));
  }

  async tokenFor(workspace: Workspace): Promise<string> {
    // Not knowing whether the workspace was installed org-wide, ask for the team: the store falls back
    // to its organisation's installation (Installations.find).
    const result = await this.authorize({
      teamId: workspace.teamId,
      enterpriseId: workspace.enterpriseId ?? undefined,
      isEnterpriseInstall: false,
    });
    if (result.botToken === undefined) throw new NotInstalledError(`workspace ${workspace.teamId}`);
    return result.botToken;
  }

  forget(scope: WorkspaceScope): void {
    for (const [key, cached] of this.cache) {
      const covered = 'teamId' in scope ? cached.teamId === scope.teamId : cached.enterpriseId === scope.enterpriseId;
      if (covered) this.cache.delete(key);
    }
  }

  private async lookUp(key: string, source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult> {
    let result: AuthorizeResult;
    try {
      result = await this.installer.authorize(source);
    } catch (error) {
      // InstallProvider wraps what the store threw (not installed, not readable, the store down): that is the news.
      throw error instanceof AuthorizationError && error.original !== undefined ? error.original : error;
    }
    const expiresAt = typeof result['botTokenExpiresAt'] === 'number' ? result['botTokenExpiresAt'] * 1000 : Infinity;
    this.cache.set(key, {
      result,
      until: Math.min(Date.now() + CACHE_MS, expiresAt - REFRESH_WINDOW_MS),
      teamId: result.teamId ?? source.teamId,
      enterpriseId: result.enterpriseId ?? source.enterpriseId,
    });
    while (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    return result;
  }
}
