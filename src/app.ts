// Builds and starts the bot: Slack clients, the receiver for the configured mode (HTTP or Socket
// Mode) with /healthz and /readyz, the listeners, start-up recovery; and stops it cleanly.
import type { AddressInfo } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import { WebClient, type FetchFunction, type WebClientOptions } from '@slack/web-api';
import type { Config } from './config.js';
import { ConfigError } from './errors.js';
import { registerListeners } from './listeners/index.js';
import { boltLogger, type Logger, type SecretScrubber } from './logger.js';
import { systemClock, type Clock } from './services/clock.js';
import { createServices, type Services } from './services/index.js';
import { slackErrorCode } from './services/slackPoster.js';
import type { Store } from './store/store.js';

export interface BotOptions {
  config: Readonly<Config>;
  logger: Logger;
  scrubber: SecretScrubber;
  store: Store;
  encryptionKey: Buffer;
  clock?: Clock;
  /** How often expiry and recovery run; every replica runs them, the compare-and-set decides. */
  sweepIntervalMs?: number;
}

export interface RunningBot {
  services: Services;
  /** HTTP mode: where Slack posts (`<url>/slack/events`); Socket Mode: the health server. */
  url: string;
  /** Stops taking new work, lets in-flight work finish (bounded by SHUTDOWN_GRACE_MS), stops timers. */
  stop(): Promise<void>;
}

export const EVENTS_PATH = '/slack/events';

/** Person-facing calls (views.*, users.info): fail fast, since a person and a 3-second trigger wait. */
function interactiveClientOptions(config: Config, logger: Logger): WebClientOptions {
  return {
    ...(config.slack.apiUrl === undefined ? {} : { slackApiUrl: config.slack.apiUrl }),
    logger: boltLogger(logger),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300 },
    fetch: boundedFetch(2500),
  };
}

/** Messages nobody waits on: 429s are waited out and failures retried, within bounds (not 30 minutes). */
function backgroundClient(config: Config, logger: Logger): WebClient {
  return new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl === undefined ? {} : { slackApiUrl: config.slack.apiUrl }),
    logger: boltLogger(logger),
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 30_000, maxRetryTime: 120_000 },
    fetch: boundedFetch(15_000),
  });
}

/**
 * fetch that gives up after `ms`. Not the client's own `timeout` option: that one uses
 * AbortSignal.timeout, whose timer keeps every request (body included) alive for the full period
 * after it has long been answered — at a few hundred calls a second, megabytes promoted to the old
 * generation every second. Here the timer is cleared as soon as the answer arrives.
 */
export function boundedFetch(ms: number): FetchFunction {
  return async (url, init) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`Slack did not answer within ${ms} ms`)), ms);
    try {
      return await fetch(url, { ...(init as RequestInit), signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  };
}

export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { config, logger, store } = options;
  const clock = options.clock ?? systemClock;
  const slack = backgroundClient(config, logger);
  const identity = await whoAmI(slack);
  const services = createServices({
    config,
    store,
    logger,
    scrubber: options.scrubber,
    clock,
    encryptionKey: options.encryptionKey,
    slack,
    sweepIntervalMs: options.sweepIntervalMs ?? 15_000,
  });

  let stopping = false;
  const customRoutes: CustomRoute[] = [
    { path: '/healthz', method: ['GET'], handler: (_req, res) => json(res, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        if (stopping) {
          json(res, 503, { status: 'stopping' });
          return;
        }
        withTimeout(store.ping(), 2000).then(
          () => json(res, 200, { status: 'ready' }),
          (error: unknown) => {
            logger.warn({ err: error }, 'readiness check failed: the store does not answer');
            json(res, 503, { status: 'unavailable', reason: 'store' });
          },
        );
      },
    },
  ];

  const socketMode = config.slack.appToken !== undefined;
  const receiver: Receiver = socketMode
    ? new SocketModeReceiver({
        appToken: config.slack.appToken ?? '',
        logger: boltLogger(logger),
        customRoutes,
        installerOptions: {
          port: config.http.port,
          ...(config.slack.apiUrl === undefined ? {} : { clientOptions: { slackApiUrl: config.slack.apiUrl } }),
        },
      })
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret,
        endpoints: EVENTS_PATH,
        customRoutes,
        logger: boltLogger(logger),
        // Ack first, work after: Slack's 3 seconds are for the ack, not for the import.
        processBeforeResponse: false,
      });

  const app = new App({
    receiver,
    token: config.slack.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    // Known from auth.test above: no per-request auth.test on the hot path.
    tokenVerificationEnabled: false,
    logger: boltLogger(logger),
    clientOptions: interactiveClientOptions(config, logger),
    extendedErrorHandler: true,
  });
  registerListeners(app, services);
  app.error(async ({ error, body }: { error: Error; body?: unknown }) => {
    const b = body as { type?: string; command?: string } | undefined;
    logger.error({ err: error, kind: b?.type ?? b?.command }, 'unhandled error in Slack request handling');
  });

  // Imports cut off by the last shutdown or crash are settled before new work arrives.
  await services.sweeper.recoverAtStart();
  services.sweeper.start();

  let url: string;
  let server: Server | undefined;
  if (socketMode) {
    await app.start();
    url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}`;
  } else {
    server = (await app.start({ port: config.http.port, host: config.http.host }));
    const address = server.address() as AddressInfo;
    url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }
  logger.info({ mode: socketMode ? 'socket' : 'http', url, botUserId: identity.botUserId }, 'simplismart-slack is running');

  return {
    services,
    url,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      logger.info('stopping: no new work; waiting for in-flight imports');
      const closing = app.stop();
      // Idle keep-alive sockets would hold the server open; requests in progress still finish.
      server?.closeIdleConnections();
      const drained = await services.background.drain(config.shutdownGraceMs);
      if (!drained) logger.warn({ still: services.background.size }, 'shutdown grace ran out with work in flight; recovery settles it at next start');
      await services.sweeper.stop();
      server?.closeAllConnections();
      await closing.catch((error: unknown) => logger.warn({ err: error }, 'receiver did not stop cleanly'));
    },
  };
}

async function whoAmI(slack: WebClient): Promise<{ botId: string; botUserId: string }> {
  try {
    const result = await slack.auth.test();
    if (result.bot_id === undefined || result.user_id === undefined) {
      throw new ConfigError('Configuration error: SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot id)');
    }
    return { botId: result.bot_id, botUserId: result.user_id };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
      throw new ConfigError(`Configuration error: SLACK_BOT_TOKEN was refused by Slack (${code}); copy it again from OAuth & Permissions`);
    }
    throw error;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
