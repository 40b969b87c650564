// Refreshing a rotating bot token on both engines, as replicas would: one refresh per installation at a
// time (two processes, three workspaces of one org asking at once: one oauth.v2.access), everyone else
// reading the stored token; a refused refresh reads the installation again before it fails, and fails
// with words that say what to do; an uninstall or a re-install while Slack answers wins over the refresh.
import type { WebClient } from '@slack/web-api';
import type { SlackInstallation } from '../../../src/domain/installation.js';
import { createLogger, SecretScrubber } from '../../../src/process/logger.js';
import { TokenCipher } from '../../../src/secrets/tokenCipher.js';
import { systemClock } from '../../../src/services/clock.js';
import { Installations, NotInstalledError } from '../../../src/services/installations.js';
import { REFRESH_WINDOW_MS, TokenRefresh, TokenRefreshError } from '../../../src/services/tokenRefresh.js';
import { storeEngines, useMigratedStore } from '../../support/storeEngines.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack answers are free-form JSON. */
type Json = any;

const ORG_KEY = 'enterprise:E0REFRESH1';
const HOUR = 60 * 60 * 1000;

/** A local oauth.v2.access: each refresh token good once, answering after `delayMs`. */
class SlackRefreshes {
  calls: string[] = [];
  delayMs = 20;
  refuse: string | undefined;
  private valid = new Set<string>(['xoxe-1-first']);
  private seq = 0;
  /** Runs while Slack is answering, before the answer arrives. */
  meanwhile: (() => Promise<void>) | undefined;

  readonly client = {
    oauth: {
      v2: {
        access: async (args: Json) => {
          this.calls.push(args.refresh_token);
          await new Promise((resolve) => setTimeout(resolve, this.delayMs));
          await this.meanwhile?.();
          if (this.refuse !== undefined || !this.valid.delete(args.refresh_token)) {
            throw Object.assign(new Error(`An API error occurred: ${this.refuse ?? 'invalid_refresh_token'}`), { code: 'slack_webapi_platform_error', data: { ok: false, error: this.refuse ?? 'invalid_refresh_token' } });
          }
          this.seq += 1;
          const refresh = `xoxe-1-next-${this.seq}`;
          this.valid.add(refresh);
          return { ok: true, access_token: `xoxe.xoxb-refreshed-${this.seq}`, refresh_token: refresh, expires_in: 43_200 };
        },
      },
    },
  } as unknown as WebClient;
}

describe.each(storeEngines('refresh'))('token refresh (%s)', (_engine, prepare) => {
  const { store, raw } = useMigratedStore(prepare);
  const scrubber = new SecretScrubber();
  const logger = createLogger({ level: 'silent', scrubber });
  const installations = () => new Installations(store, new TokenCipher(Buffer.alloc(32, 5)), scrubber, systemClock);
  let slack: SlackRefreshes;

  function replica(owner: string): TokenRefresh {
    return new TokenRefresh({ store, installations: installations(), client: slack.client, clientId: 'c', clientSecret: 's', owner, logger, pause: (ms) => new Promise((r) => setTimeout(r, ms / 4)) });
  }

  /** The org-wide installation, its token expiring `expiresInMs` from now. */
  async function installed(expiresInMs: number): Promise<SlackInstallation> {
    await installations().storeInstallation({
      team: undefined,
      enterprise: { id: 'E0REFRESH1' },
      isEnterpriseInstall: true,
      bot: { id: 'B1', userId: 'U_BOT', token: 'xoxe.xoxb-first', refreshToken: 'xoxe-1-first', expiresAt: Math.floor((Date.now() + expiresInMs) / 1000), scopes: ['commands'] },
      user: { id: 'U_ADMIN', token: undefined, scopes: undefined },
    });
    return (await store.getInstallation(ORG_KEY))!;
  }

  beforeEach(async () => {
    await raw.run('DELETE FROM slack_installations');
    slack = new SlackRefreshes();
  });

  test('a token far from expiry is used as it is', async () => {
    const read = await installed(10 * HOUR);
    expect(await replica('one').fresh(read)).toEqual(read);
    expect(slack.calls).toEqual([]);
  });

  test('two replicas and three workspaces asking at once: one refresh, and everyone gets its token', async () => {
    const read = await installed(-1000);
    const one = replica('one');
    const two = replica('two');
    const got = await Promise.all([one, two, one, two, one, two].map((r) => r.fresh(read)));
    expect(slack.calls).toEqual(['xoxe-1-first']);
    const tokens = got.map((i) => installations().botTokensOf(i).token);
    expect(new Set(tokens)).toEqual(new Set(['xoxe.xoxb-refreshed-1']));
    const stored = (await store.getInstallation(ORG_KEY))!;
    expect(installations().botTokensOf(stored)).toEqual({ token: 'xoxe.xoxb-refreshed-1', refreshToken: 'xoxe-1-next-1' });
    expect(stored.bot.expiresAt).toBeGreaterThan(Date.now() + 11 * HOUR);
    // And it is not refreshed again while fresh.
    await one.fresh(stored);
    expect(slack.calls).toHaveLength(1);
  });

  test('refused, but another replica refreshed it meanwhile: that token is used', async () => {
    const read = await installed(-1000);
    slack.meanwhile = async () => {
      // The other replica got there first (its lease ran out under this one, say) and saved a new pair.
      const current = (await store.getInstallation(ORG_KEY))!;
      await store.replaceInstallation(installations().withBotTokens(current, { token: 'xoxe.xoxb-theirs', refreshToken: 'xoxe-1-theirs', expiresAt: Date.now() + 12 * HOUR }), current.generation);
      slack.refuse = 'invalid_refresh_token';
    };
    const got = await replica('one').fresh(read);
    expect(installations().botTokensOf(got).token).toBe('xoxe.xoxb-theirs');
  });

  test('refused while the token still works: it is used until it expires, and the next use tries again', async () => {
    const read = await installed(REFRESH_WINDOW_MS - HOUR);
    slack.refuse = 'invalid_refresh_token';
    const got = await replica('one').fresh(read);
    expect(installations().botTokensOf(got).token).toBe('xoxe.xoxb-first');
    slack.refuse = undefined;
    const again = await replica('one').fresh((await store.getInstallation(ORG_KEY))!);
    expect(installations().botTokensOf(again).token).toBe('xoxe.xoxb-refreshed-1');
    expect(slack.calls).toHaveLength(2);
  });

  test('refused once the token has expired: a clear error that says what to do, never the old token', async () => {
    const read = await installed(-1000);
    slack.refuse = 'invalid_refresh_token';
    const failure = await replica('one').fresh(read).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenRefreshError);
    expect((failure as TokenRefreshError).code).toBe('slack_token_refresh_failed');
    expect((failure as Error).message).toMatch(/invalid_refresh_token/);
    expect((failure as Error).message).toMatch(/install the app again/);
    // The lease was given back: the next try refreshes at once.
    slack.refuse = undefined;
    await replica('two').fresh((await store.getInstallation(ORG_KEY))!);
    expect(slack.calls).toHaveLength(2);
  });

  test('uninstalled while Slack answers: the refresh saves nothing, and the installation stays gone', async () => {
    const read = await installed(-1000);
    slack.meanwhile = async () => {
      await store.deleteInstallation(ORG_KEY);
    };
    await expect(replica('one').fresh(read)).rejects.toBeInstanceOf(NotInstalledError);
    expect(await store.getInstallation(ORG_KEY)).toBeUndefined();
  });

  test('installed again while Slack answers: the new installation stays, not the refreshed old one', async () => {
    const read = await installed(-1000);
    let reinstalled: SlackInstallation | undefined;
    slack.meanwhile = async () => {
      reinstalled = await installed(12 * HOUR);
    };
    const got = await replica('one').fresh(read);
    expect(got).toEqual(reinstalled);
    expect(await store.getInstallation(ORG_KEY)).toEqual(reinstalled);
  });
});
