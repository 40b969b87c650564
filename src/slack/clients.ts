// The Slack Web API clients and their limits: person-facing calls fail fast, background calls keep to
// Slack's rate limits waiting outside their background slot (rateLimitedClient.ts), and every call
// gives up after its own timeout. Background clients are kept per workspace (its latest bot token's), a
// bounded number at once.
import { WebClient, type FetchFunction, type WebClientOptions } from '@slack/web-api';
import type { Config } from '../process/config.js';
import type { Workspace } from '../domain/workspace.js';
import { boltLogger, type Logger } from '../process/logger.js';
import { SLACK_RESULTS, slackBodyResult, slackMethodLabel } from '../metrics/labels.js';
import type { Metrics } from '../metrics/metrics.js';
import { RateLimitedClient, type SlackPacing } from './rateLimitedClient.js';
import { ClientsByWorkspace, CLIENTS_PER_POOL } from './clientPool.js';

/** Where the Web API is, for the SDK: Slack's own unless SLACK_API_URL says otherwise. */
export function apiUrlOption(config: Config): { slackApiUrl?: string } {
  return config.slack.apiUrl === undefined ? {} : { slackApiUrl: config.slack.apiUrl };
}

/** Person-facing calls (views.*, users.info): fail fast, since a person and a 3-second trigger wait. */
export function interactiveClientOptions(config: Config, logger: Logger, metrics?: Metrics): WebClientOptions {
  return {
    ...apiUrlOption(config),
    logger: boltLogger(logger),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300 },
    fetch: boundedFetch(2500, metrics),
  };
}

/**
 * Asking Slack about a file a person attached (files.info), with the token of the workspace the payload
 * was authorized for: person-facing, and quiet — the Web API client logs every answer at debug level,
 * and a file's answer holds its private address, which is never logged.
 */
export function fileClient(config: Config, logger: Logger, token: string): WebClient {
  return new WebClient(token, { ...interactiveClientOptions(config, logger.child({}, { level: 'warn' })) });
}

/**
 * Work nobody waits on, in workspace `teamId`: 429s are waited out and failures retried within bounds
 * (two minutes, not the SDK's thirty), outside the background slot (see rateLimitedClient.ts).
 */
export function backgroundClient(config: Config, logger: Logger, token: string, teamId: string, pacing: SlackPacing): WebClient {
  return new RateLimitedClient(token, { ...apiUrlOption(config), logger: boltLogger(logger), fetch: boundedFetch(15_000, pacing.metrics) }, teamId, pacing);
}

/**
 * Background clients, one per workspace, made with its latest bot token: a refreshed token replaces
 * its workspace's client; at most CLIENTS_PER_POOL workspaces, the least recently used dropped first.
 * The rate limits Slack announced are kept apart from the clients (in `pacing`), so that a new token
 * or a dropped client forgets none of them.
 */
export class BackgroundClients {
  private readonly clients: ClientsByWorkspace;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly pacing: SlackPacing,
    max = CLIENTS_PER_POOL,
  ) {
    this.clients = new ClientsByWorkspace(max);
  }

  for(workspace: Workspace, token: string): WebClient {
    return this.clients.for(workspace.teamId, token, (t) => backgroundClient(this.config, this.logger, t, workspace.teamId, this.pacing));
  }

  get size(): number {
    return this.clients.size;
  }
}

/**
 * fetch that gives up after `ms`. Not the client's own `timeout` option: that one uses
 * AbortSignal.timeout, whose timer keeps every request (body included) alive for the full period
 * after it has long been answered — at a few hundred calls a second, megabytes promoted to the old
 * generation every second. Here the timer is cleared as soon as the answer arrives.
 *
 * With `metrics`, each HTTP attempt is counted by method and result: the status tells a 429 or an
 * HTTP error; a 200's result is read from the body as the client reads it (no second read).
 */
export function boundedFetch(ms: number, metrics?: Metrics): FetchFunction {
  return async (url, init) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`Slack did not answer within ${ms} ms`)), ms);
    const started = performance.now();
    try {
      const response = await fetch(url, { ...(init as RequestInit), signal: controller.signal });
      if (metrics !== undefined) measureAnswer(metrics, String(url), response, (performance.now() - started) / 1000);
      return response;
    } catch (error) {
      metrics?.slackCall(slackMethodLabel(String(url)), controller.signal.aborted ? SLACK_RESULTS.timeout : SLACK_RESULTS.network, undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}

function measureAnswer(metrics: Metrics, url: string, response: Response, seconds: number): void {
  const method = slackMethodLabel(url);
  if (response.status !== 200) {
    metrics.slackCall(method, response.status === 429 ? SLACK_RESULTS.rateLimited : SLACK_RESULTS.httpError, seconds);
    return;
  }
  // The Web API client reads a 200's body with text(): its result is counted as it is read.
  const text = response.text.bind(response);
  Object.defineProperty(response, 'text', {
    value: async () => {
      let body: string;
      try {
        body = await text();
      } catch (error) {
        metrics.slackCall(method, SLACK_RESULTS.network, seconds);
        throw error;
      }
      metrics.slackCall(method, slackBodyResult(body), seconds);
      return body;
    },
  });
}
