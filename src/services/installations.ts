// The app's installations in Slack workspaces, kept in the project's Store: @slack/oauth's
// InstallationStore (what the OAuth flow saves), the installation found for a workspace, and its bot's
// tokens as a refresh reads and replaces them — every token encrypted under ENCRYPTION_KEY and bound to
// its installation and kind.
import { randomUUID } from 'node:crypto';
import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import { installationKey, type InstalledTokens, type SlackInstallation } from '../domain/installation.js';
import type { WorkspaceScope } from '../domain/workspace.js';
import { AppError } from '../errors.js';
import type { SecretScrubber } from '../process/logger.js';
import { TokenDecryptionError, type TokenCipher } from '../secrets/tokenCipher.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';

/** No installation speaks for the workspace: never installed, uninstalled, or its tokens revoked. */
export class NotInstalledError extends AppError {
  constructor(where: string) {
    super(
      'slack_not_installed',
      `The app is not installed in ${where} (never installed, uninstalled, or its tokens revoked): nothing can be posted there until someone installs it again through /slack/install.`,
    );
  }
}

/** A stored installation whose tokens no longer decrypt: ENCRYPTION_KEY changed since it was saved. */
export class InstallationUnreadableError extends AppError {
  constructor(key: string, options?: { cause?: unknown }) {
    super(
      'installation_undecryptable',
      `The stored Slack installation ${key} cannot be decrypted: ENCRYPTION_KEY changed since it was saved. Install the app again through /slack/install.`,
      options,
    );
  }
}

type TokenKind = 'bot' | 'bot-refresh' | 'user' | 'user-refresh';

/** Seconds (Slack, @slack/oauth) to ms (the store) and back. */
const toMs = (seconds: number | undefined): number | null => (seconds === undefined ? null : seconds * 1000);
const toSeconds = (ms: number | null): number | undefined => (ms === null ? undefined : Math.floor(ms / 1000));

export class Installations implements InstallationStore {
  constructor(
    private readonly store: Store,
    private readonly cipher: TokenCipher,
    private readonly scrubber: SecretScrubber,
    private readonly clock: Clock,
  ) {}

  /** Saves what the OAuth flow produced; a re-install replaces the installation whole (and outruns any refresh in flight). */
  async storeInstallation(installation: Installation): Promise<void> {
    const bot = installation.bot;
    if (bot === undefined) throw new Error('the installation has no bot token: the app asks for bot scopes');
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    const key = installationKey({ isEnterpriseInstall, enterpriseId: installation.enterprise?.id, teamId: installation.team?.id });
    const seal = (token: string | undefined, kind: TokenKind): string | null => (token === undefined ? null : this.seal(token, key, kind));
    const { user } = installation;
    await this.store.saveInstallation({
      key,
      teamId: installation.team?.id ?? null,
      teamName: installation.team?.name ?? null,
      enterpriseId: installation.enterprise?.id ?? null,
      enterpriseName: installation.enterprise?.name ?? null,
      enterpriseUrl: installation.enterpriseUrl ?? null,
      isEnterpriseInstall,
      appId: installation.appId ?? null,
      bot: {
        id: bot.id,
        userId: bot.userId,
        scopes: bot.scopes,
        tokenCiphertext: seal(bot.token, 'bot') ?? '',
        refreshTokenCiphertext: seal(bot.refreshToken, 'bot-refresh'),
        expiresAt: toMs(bot.expiresAt),
      },
      user: {
        id: user.id,
        scopes: user.scopes ?? [],
        tokenCiphertext: seal(user.token, 'user'),
        refreshTokenCiphertext: seal(user.refreshToken, 'user-refresh'),
        expiresAt: toMs(user.expiresAt),
      },
      savedAt: this.clock.now(),
      generation: randomUUID(),
    });
  }

  /** The installation that speaks for the query, tokens decrypted; throws NotInstalledError when there is none. */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const found = await this.find(query.isEnterpriseInstall ? { enterpriseId: query.enterpriseId ?? null } : { teamId: query.teamId ?? null, enterpriseId: query.enterpriseId ?? null });
    if (found === undefined) throw new NotInstalledError(describe(query));
    return this.toOAuth(found);
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const found = await this.find(query.isEnterpriseInstall ? { enterpriseId: query.enterpriseId ?? null } : { teamId: query.teamId ?? null, enterpriseId: query.enterpriseId ?? null });
    if (found !== undefined) await this.store.deleteInstallation(found.key);
  }

  /**
   * The installation for a workspace: its own, or else its organisation's org-wide one (a workspace of
   * an org-wide install has no installation of its own). With no team, the organisation's alone.
   */
  async find(where: { teamId?: string | null; enterpriseId: string | null }): Promise<SlackInstallation | undefined> {
    if (where.teamId !== undefined && where.teamId !== null) {
      const own = await this.store.getInstallation(installationKey({ isEnterpriseInstall: false, enterpriseId: null, teamId: where.teamId }));
      if (own !== undefined) return own;
    }
    if (where.enterpriseId === null) return undefined;
    return this.store.getInstallation(installationKey({ isEnterpriseInstall: true, enterpriseId: where.enterpriseId, teamId: null }));
  }

  /**
   * Forgets the user token of an installation (its bot stays): Slack revoked the installer's token. Only
   * over the installation as read: a re-install or an uninstall in the meantime is left as it is.
   */
  async dropUserToken(scope: WorkspaceScope): Promise<boolean> {
    const found = await this.find('teamId' in scope ? { teamId: scope.teamId, enterpriseId: null } : { enterpriseId: scope.enterpriseId });
    if (found === undefined || found.user.tokenCiphertext === null) return false;
    return this.store.replaceInstallation(
      { ...found, user: { ...found.user, tokenCiphertext: null, refreshTokenCiphertext: null, expiresAt: null }, savedAt: this.clock.now(), generation: randomUUID() },
      found.generation,
    );
  }

  /** The bot's token and refresh token of a stored installation, decrypted (and known to the log scrubber). */
  botTokensOf(i: SlackInstallation): { token: string; refreshToken: string | undefined } {
    return { token: this.open(i.key, i.bot.tokenCiphertext, 'bot') ?? '', refreshToken: this.open(i.key, i.bot.refreshTokenCiphertext, 'bot-refresh') };
  }

  /** The installation with the bot's new tokens (Slack's answer to a refresh) sealed in, as a new generation. */
  withBotTokens(i: SlackInstallation, fresh: { token: string; refreshToken: string | undefined; expiresAt: number | null }): SlackInstallation {
    return {
      ...i,
      bot: {
        ...i.bot,
        tokenCiphertext: this.seal(fresh.token, i.key, 'bot'),
        refreshTokenCiphertext: fresh.refreshToken === undefined ? i.bot.refreshTokenCiphertext : this.seal(fresh.refreshToken, i.key, 'bot-refresh'),
        expiresAt: fresh.expiresAt,
      },
      savedAt: this.clock.now(),
      generation: randomUUID(),
    };
  }

  private seal(token: string, key: string, kind: TokenKind): string {
    this.scrubber.add(token);
    return this.cipher.encrypt(token, `${key}:${kind}`);
  }

  private open(key: string, sealed: string | null, kind: TokenKind): string | undefined {
    if (sealed === null) return undefined;
    let token: string;
    try {
      token = this.cipher.decrypt(sealed, `${key}:${kind}`);
    } catch (error) {
      if (error instanceof TokenDecryptionError) throw new InstallationUnreadableError(key, { cause: error });
      throw error;
    }
    this.scrubber.add(token);
    return token;
  }

  /** The stored installation as @slack/oauth reads it, tokens decrypted (and known to the log scrubber). */
  private toOAuth(i: SlackInstallation): Installation {
    const open = (sealed: string | null, kind: TokenKind): string | undefined => this.open(i.key, sealed, kind);
    const tokens = (t: InstalledTokens, kind: 'bot' | 'user') => ({
      token: open(t.tokenCiphertext, kind),
      refreshToken: open(t.refreshTokenCiphertext, `${kind}-refresh`),
      expiresAt: toSeconds(t.expiresAt),
    });
    const bot = tokens(i.bot, 'bot');
    const user = tokens(i.user, 'user');
    return {
      team: i.teamId === null ? undefined : { id: i.teamId, ...(i.teamName === null ? {} : { name: i.teamName }) },
      enterprise: i.enterpriseId === null ? undefined : { id: i.enterpriseId, ...(i.enterpriseName === null ? {} : { name: i.enterpriseName }) },
      user: { id: i.user.id, scopes: i.user.scopes, ...defined(user) },
      bot: { id: i.bot.id, userId: i.bot.userId, scopes: i.bot.scopes, token: bot.token ?? '', ...defined({ refreshToken: bot.refreshToken, expiresAt: bot.expiresAt }) },
      ...(i.appId === null ? {} : { appId: i.appId }),
      ...(i.enterpriseUrl === null ? {} : { enterpriseUrl: i.enterpriseUrl }),
      tokenType: 'bot',
      isEnterpriseInstall: i.isEnterpriseInstall,
      authVersion: 'v2',
    } as Installation; // built field by field above; the generic's conditional types cannot follow isEnterpriseInstall
  }
}

/** The object without its undefined fields (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function describe(query: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall: boolean }): string {
  if (query.isEnterpriseInstall) return `the Enterprise Grid organisation ${query.enterpriseId ?? '(unknown)'}`;
  return `workspace ${query.teamId ?? '(unknown)'}${query.enterpriseId === undefined ? '' : ` of organisation ${query.enterpriseId}`}`;
}
