// Start-up checks against Slack, each bounded in time, each failure told as one line naming what to
// fix: the bot token (auth.test, which also says who the bot is) or, when any workspace may install the
// app, its client id and secret (oauth.v2.access); and the Socket Mode connection.
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from '../process/config.js';
import { ConfigError } from '../errors.js';
import { boltLogger, type Logger } from '../process/logger.js';
import { slackErrorCode } from './errors.js';
import { apiUrlOption, boundedFetch } from './clients.js';
import { withTimeout } from '../process/withTimeout.js';

/** auth.test at start, retries included: an unreachable Slack is told within this long, not after minutes. */
const AUTH_TEST_DEADLINE_MS = 10_000;
const AUTH_TEST_ATTEMPT_MS = 4_000;
/** apps.connections.open, then the WebSocket's hello. */
const SOCKET_MODE_DEADLINE_MS = 20_000;

/** Slack's answers meaning "this token will not do", whatever else is right. */
const TOKEN_REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'user_removed_from_team',
  'team_disabled',
]);

export interface BotIdentity {
  botId: string;
  botUserId: string;
}

/** A client for one start-up check: a few quick retries, each attempt bounded. */
function startupClient(config: Config, logger: Logger, token?: string): WebClient {
  return new WebClient(token, {
    ...apiUrlOption(config),
    logger: boltLogger(logger),
    retryConfig: { retries: 2, factor: 1, minTimeout: 250, maxTimeout: 250 },
    fetch: boundedFetch(AUTH_TEST_ATTEMPT_MS),
  });
}

/** Who SLACK_BOT_TOKEN belongs to; a refused token or an unreachable Slack is a ConfigError saying what to fix. */
export async function whoAmI(config: Config, botToken: string, logger: Logger): Promise<BotIdentity> {
  const client = startupClient(config, logger, botToken);
  let result: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    result = await withTimeout(client.auth.test(), AUTH_TEST_DEADLINE_MS, `no answer within ${AUTH_TEST_DEADLINE_MS / 1000} s`);
  } catch (error) {
    const code = slackErrorCode(error);
    if (code !== undefined && TOKEN_REFUSED.has(code)) {
      throw new ConfigError(`Configuration error: SLACK_BOT_TOKEN was refused by Slack (${code}); copy it again from OAuth & Permissions`, { cause: error });
    }
    throw slackTrouble(config, 'auth.test', error);
  }
  if (result.bot_id === undefined || result.user_id === undefined) {
    throw new ConfigError('Configuration error: SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot id)');
  }
  return { botId: result.bot_id, botUserId: result.user_id };
}

/** oauth.v2.access answers these when the app's own credentials are wrong, before it looks at the code. */
const CREDENTIALS_REFUSED: Readonly<Record<string, string>> = {
  invalid_client_id: 'SLACK_CLIENT_ID was refused by Slack (invalid_client_id): copy the Client ID again from Basic Information → App Credentials',
  bad_client_secret: 'SLACK_CLIENT_SECRET was refused by Slack (bad_client_secret): copy the Client Secret again from Basic Information → App Credentials',
};

/**
 * Distributed mode has no token to check at start; the app's credentials can be. An exchange of a code
 * that cannot exist is refused for the code (`invalid_code`) when the client id and secret are right,
 * and for them when they are not — so a wrong secret is told now, not at the first install.
 */
export async function checkAppCredentials(config: Config, logger: Logger): Promise<void> {
  const { install } = config.slack;
  if (install.mode !== 'distributed') return;
  try {
    await withTimeout(
      startupClient(config, logger).oauth.v2.access({ client_id: install.clientId, client_secret: install.clientSecret, code: 'start-up-check-no-such-code' }),
      AUTH_TEST_DEADLINE_MS,
      `no answer within ${AUTH_TEST_DEADLINE_MS / 1000} s`,
    );
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'invalid_code' || code === 'invalid_grant') return;
    const refused = code === undefined ? undefined : CREDENTIALS_REFUSED[code];
    if (refused !== undefined) throw new ConfigError(`Configuration error: ${refused}`, { cause: error });
    throw slackTrouble(config, 'oauth.v2.access', error);
  }
  // A made-up code was accepted: nothing to conclude, and nothing to hold the start for.
}

/** `app.start()` in Socket Mode: opens the connection with SLACK_APP_TOKEN, or says why it could not. */
export async function connectSocketMode(app: App, config: Config): Promise<void> {
  try {
    await withTimeout(app.start(), SOCKET_MODE_DEADLINE_MS, `no connection within ${SOCKET_MODE_DEADLINE_MS / 1000} s`);
  } catch (error) {
    const code = slackErrorCode(error);
    if (code !== undefined && TOKEN_REFUSED.has(code)) {
      throw new ConfigError(
        `Configuration error: SLACK_APP_TOKEN was refused by Slack (${code}): create an app-level token with the connections:write scope (Basic Information → App-Level Tokens), or unset it for HTTP mode`,
        { cause: error },
      );
    }
    if (code !== undefined) {
      throw new ConfigError(
        `Configuration error: Slack would not open a Socket Mode connection (${code}): check SLACK_APP_TOKEN and that Socket Mode is on in the app’s settings`,
        { cause: error },
      );
    }
    throw slackTrouble(config, 'apps.connections.open', error);
  }
}

/** Slack not reachable, or answering with an HTTP error: names SLACK_API_URL and the network. */
function slackTrouble(config: Config, method: string, error: unknown): Error {
  const code = slackErrorCode(error);
  const host = new URL(config.slack.apiUrl ?? 'https://slack.com/api/').host;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number') {
    return new ConfigError(
      `Configuration error: Slack’s Web API at ${host} answered ${method} with HTTP ${status}: check SLACK_API_URL (unset means https://slack.com/api/)${status >= 500 ? ', or try again if Slack is having trouble' : ''}`,
      { cause: error },
    );
  }
  if (code !== undefined) {
    return new ConfigError(`Configuration error: Slack answered ${method} with "${code}"; try again, and check SLACK_API_URL if it persists`, { cause: error });
  }
  return new ConfigError(
    `Configuration error: cannot reach Slack’s Web API at ${host} (${networkReason(error)}): check this machine’s network (DNS, proxy, firewall) and SLACK_API_URL (unset means https://slack.com/api/)`,
    { cause: error },
  );
}

/** The most telling part of a network failure: a system error code (ENOTFOUND, ECONNREFUSED…) or a message. */
function networkReason(error: unknown): string {
  let current: unknown = error;
  let message = 'no answer';
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, message: text, original, cause } = current as { code?: unknown; message?: unknown; original?: unknown; cause?: unknown };
    if (typeof code === 'string' && !code.startsWith('slack_')) return code;
    if (typeof text === 'string' && text !== '') message = text.split('\n', 1)[0]!;
    current = original ?? cause;
  }
  return message;
}
