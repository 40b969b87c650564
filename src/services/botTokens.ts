// Which bot token speaks for a workspace, in both modes: the one SLACK_BOT_TOKEN, or — when any
// workspace may install the app — the token its installation holds (@slack/oauth's InstallProvider
// serves the install page and the OAuth redirect; a rotating token is refreshed by TokenRefresh, once
// per installation across replicas). Lookups are cached briefly per workspace, and concurrent ones share
// one, so a busy workspace costs one store read per half minute, not one per payload.
import type { AuthorizeResult, AuthorizeSourceData } from '@slack/bolt';
import { ErrorCode, InstallProvider } from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import type { Config } from '../process/config.js';
import type { Workspace, WorkspaceScope } from '../domain/workspace.js';
import { boltLogger, type Logger } from '../process/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { apiUrlOption, boundedFetch } from '../slack/clients.js';
import type { Store } from '../store/store.js';
import { installPage } from '../views/installPages.js';
import { NotInstalledError, type Installations } from './installations.js';
import { INSTALL_LINK_SECONDS, SingleUseStateStore } from './oauthStates.js';
import { REFRESH_WINDOW_MS, TokenRefresh } from './tokenRefresh.js';

/** The bot scopes the app asks for when installed (manifest.yml lists the same; a unit test holds them equal). */
export const BOT_SCOPES: readonly string[] = ['commands', 'chat:write', 'chat:write.public', 'users:read', 'usergroups:read', 'files:read', 'channels:read'];

/** How long a workspace's token is used without looking at its installation again (never into its refresh window). */
const CACHE_MS = 30_000;
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

export function botTokens(args: { config: Readonly<Config>; store: Store; installations: Installations; logger: Logger; owner: string; metrics?: Metrics }): BotTokens {
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
    // oauth.v2.access (the code exchange) goes where every Web API call goes.
    clientOptions: { ...apiUrlOption(args.config), retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 }, fetch: boundedFetch(10_000, args.metrics) },
  });
  const refresh = new TokenRefresh({
    store: args.store,
    installations: args.installations,
    // Not retried: a refresh token is good once, so a second try after a lost answer is refused anyway.
    client: new WebClient(undefined, { ...apiUrlOption(args.config), logger: boltLogger(args.logger), retryConfig: { retries: 0 }, fetch: boundedFetch(10_000, args.metrics) }),
    clientId: install.clientId,
    clientSecret: install.clientSecret,
    owner: args.owner,
    logger: args.logger,
  });
  return new InstalledTokens(installer, args.installations, refresh);
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

/**
 * The token of each workspace's installation, read from the store (never through InstallProvider's own
 * authorize: it refreshes per workspace rather than per installation, with no coordination between
 * replicas, and hands back the old token when a refresh fails). Refreshes go through TokenRefresh.
 */
class InstalledTokens implements BotTokens {
  /** Lookups by workspace and install kind; at most CACHE_MAX, the least recently used dropped first. */
  private readonly cache = new Map<string, Cached>();
  /** Lookups in flight, by the same key: removed as each settles, so never more than the payloads in flight. */
  private readonly looking = new Map<string, Promise<AuthorizeResult>>();

  constructor(
    readonly installer: InstallProvider,
    private readonly installations: Installations,
    private readonly refresh: TokenRefresh,
  ) {}

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
    const where = source.isEnterpriseInstall ? { enterpriseId: source.enterpriseId ?? null } : { teamId: source.teamId ?? null, enterpriseId: source.enterpriseId ?? null };
    const stored = await this.installations.find(where);
    if (stored === undefined) throw new NotInstalledError(describe(source));
    const installation = await this.refresh.fresh(stored);
    const { token } = this.installations.botTokensOf(installation);
    // The workspace the payload acts for is the one Bolt authorized it for (see listeners/tenant.ts): the
    // installation's own team, or — installed org-wide — the workspace of the org the payload came from.
    const teamId = installation.teamId ?? source.teamId;
    const enterpriseId = installation.enterpriseId ?? source.enterpriseId;
    const result: AuthorizeResult = {
      botToken: token,
      botId: installation.bot.id,
      botUserId: installation.bot.userId,
      ...(teamId === undefined ? {} : { teamId }),
      ...(enterpriseId === undefined ? {} : { enterpriseId }),
    };
    const expiresAt = installation.bot.expiresAt ?? Infinity;
    this.cache.set(key, { result, until: Math.min(Date.now() + CACHE_MS, expiresAt - REFRESH_WINDOW_MS), teamId, enterpriseId });
    while (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    return result;
  }
}

function describe(source: AuthorizeSourceData<boolean>): string {
  if (source.isEnterpriseInstall) return `the Enterprise Grid organisation ${source.enterpriseId ?? '(unknown)'}`;
  return `workspace ${source.teamId ?? '(unknown)'}${source.enterpriseId === undefined ? '' : ` of organisation ${source.enterpriseId}`}`;
}
