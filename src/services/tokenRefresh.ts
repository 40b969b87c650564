// Refreshing a rotating bot token, once per installation at a time across every replica. Slack's refresh
// tokens are single-use: two replicas (or two workspaces of one org-wide install) refreshing at once
// spend the token twice, and the second is refused `invalid_refresh_token`. So a refresh is done under
// the installation's lease in the store (see Store.claimInstallationRefresh) and written back only over
// the generation it read — an uninstall or a re-install in the meantime wins; whoever does not hold the
// lease waits for the stored token to change. A refresh that fails reads the installation again before
// it fails: another replica may have refreshed it meanwhile.
import type { WebClient } from '@slack/web-api';
import type { SlackInstallation } from '../domain/installation.js';
import { AppError } from '../errors.js';
import type { Logger } from '../process/logger.js';
import { slackErrorCode } from '../slack/errors.js';
import type { Store } from '../store/store.js';
import { NotInstalledError, type Installations } from './installations.js';

/** A rotating token this close to its expiry is refreshed before it is used (as @slack/oauth does). */
export const REFRESH_WINDOW_MS = 2 * 60 * 60 * 1000;
/** How long a replica holds an installation's refresh lease: longer than the refresh call may take. */
const LEASE_MS = 30_000;
/** How long a payload waits for another replica's refresh before it gives up. */
const WAIT_MS = 10_000;
/** How often a waiting replica reads the installation again. */
const POLL_MS = 100;

/** Slack did not give the installation a new token, and the one it has has expired (or is about to be useless). */
export class TokenRefreshError extends AppError {
  constructor(key: string, why: string, options?: { cause?: unknown }) {
    super(
      'slack_token_refresh_failed',
      `Slack did not renew the bot token of installation ${key} (${why}), and the token it has expired. If this lasts, a workspace admin should install the app again through /slack/install.`,
      options,
    );
  }
}

function expired(installation: SlackInstallation, now: number): boolean {
  return installation.bot.expiresAt !== null && installation.bot.expiresAt <= now;
}

/** True when the installation's bot token expires within the refresh window (or has expired). */
export function needsRefresh(installation: SlackInstallation, now: number): boolean {
  const { expiresAt, refreshTokenCiphertext } = installation.bot;
  return expiresAt !== null && refreshTokenCiphertext !== null && expiresAt - REFRESH_WINDOW_MS <= now;
}

export interface TokenRefreshDeps {
  store: Store;
  installations: Installations;
  /** Where oauth.v2.access is called (the Slack API's base URL, timeouts, metrics). */
  client: WebClient;
  clientId: string;
  clientSecret: string;
  /** Who holds a lease: this process, unique among replicas. */
  owner: string;
  logger: Logger;
  /** Real time: tokens expire in it, whatever clock the rest of the bot is given. */
  now?: () => number;
  pause?: (ms: number) => Promise<void>;
}

export class TokenRefresh {
  /** Refreshes this process is doing or waiting for, by installation key; each leaves when it settles. */
  private readonly running = new Map<string, Promise<SlackInstallation>>();
  private readonly now: () => number;
  private readonly pause: (ms: number) => Promise<void>;

  constructor(private readonly deps: TokenRefreshDeps) {
    this.now = deps.now ?? Date.now;
    this.pause = deps.pause ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The installation with a bot token that is good for a while: as read, or refreshed (here or by another replica). */
  fresh(installation: SlackInstallation): Promise<SlackInstallation> {
    if (!needsRefresh(installation, this.now())) return Promise.resolve(installation);
    const { key } = installation;
    let refresh = this.running.get(key);
    if (refresh === undefined) {
      refresh = this.refresh(installation).finally(() => this.running.delete(key));
      this.running.set(key, refresh);
    }
    return refresh;
  }

  private async refresh(read: SlackInstallation): Promise<SlackInstallation> {
    const { store, owner } = this.deps;
    const giveUpAt = this.now() + WAIT_MS;
    let current: SlackInstallation | undefined = read;
    for (;;) {
      if (!needsRefresh(current, this.now())) return current;
      // Refreshed by someone else since it was read: theirs serves, whatever its lifetime.
      if (current.generation !== read.generation && !expired(current, this.now())) return current;
      if (await store.claimInstallationRefresh({ key: current.key, generation: current.generation, owner, until: this.now() + LEASE_MS, now: this.now() })) {
        return this.refreshHolding(current);
      }
      // Another replica is refreshing it (or it changed since it was read): wait for the stored token to change.
      if (this.now() >= giveUpAt) return this.stillUsable(current, 'another replica’s refresh did not finish in time');
      await this.pause(POLL_MS);
      current = await store.getInstallation(read.key);
      if (current === undefined) throw new NotInstalledError(`installation ${read.key}`);
    }
  }

  /** Holding the lease: spends the refresh token, and writes the new pair over the generation read. */
  private async refreshHolding(current: SlackInstallation): Promise<SlackInstallation> {
    const { store, installations, owner, logger } = this.deps;
    const { refreshToken } = installations.botTokensOf(current);
    let answer: { access_token?: string; refresh_token?: string; expires_in?: number };
    try {
      answer = await this.deps.client.oauth.v2.access({ client_id: this.deps.clientId, client_secret: this.deps.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken ?? '' });
      if (answer.access_token === undefined) throw new Error('oauth.v2.access answered without an access token');
    } catch (error) {
      await store.releaseInstallationRefresh(current.key, owner).catch((failure: unknown) => logger.warn({ err: failure, installation: current.key }, 'could not give the refresh lease back; it runs out by itself'));
      // Before failing: another replica may have refreshed it (a lease that ran out under us, a re-install).
      const now = await store.getInstallation(current.key);
      if (now === undefined) throw new NotInstalledError(`installation ${current.key}`);
      if (now.generation !== current.generation && !expired(now, this.now())) return now;
      const why = slackErrorCode(error) ?? (error instanceof Error ? error.message : String(error));
      logger.warn({ err: error, installation: current.key, code: why }, 'Slack did not refresh the installation’s bot token');
      return this.stillUsable(now, why, error);
    }
    const refreshed = installations.withBotTokens(current, {
      token: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresAt: answer.expires_in === undefined ? null : this.now() + answer.expires_in * 1000,
    });
    let saved: boolean;
    try {
      saved = await store.replaceInstallation(refreshed, current.generation);
    } catch (error) {
      // Slack has spent the old refresh token: the new token still works here until it expires.
      logger.error({ err: error, installation: current.key }, 'a refreshed bot token could not be saved: it serves this process until it expires; after that the app needs installing again');
      return refreshed;
    }
    if (saved) {
      logger.info({ installation: current.key, expiresAt: refreshed.bot.expiresAt }, 'bot token refreshed');
      return refreshed;
    }
    // Uninstalled or installed again while Slack answered: that wins, and the new pair is dropped.
    const now = await store.getInstallation(current.key);
    if (now === undefined) throw new NotInstalledError(`installation ${current.key}`);
    return now;
  }

  /** The installation as it is when no new token could be had: usable while its token has not expired. */
  private stillUsable(installation: SlackInstallation, why: string, cause?: unknown): SlackInstallation {
    if (!expired(installation, this.now())) return installation;
    throw new TokenRefreshError(installation.key, why, { cause });
  }
}
