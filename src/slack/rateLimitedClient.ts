// A workspace's Web API client for the work nobody waits on (thread messages, cards, Home tabs) that
// keeps to Slack's rate limits without holding anyone up: every call first waits, outside its
// background slot (BackgroundWork.park), until Slack's last 429 for its method in its workspace has run
// out and, for a message, until its channel's turn (slackRateLimits.ts); a 429 closes the method there
// and the same call waits and goes again. The SDK's own retries are off: waited out inside the call,
// a 429 held the task's slot, and one workspace's rate-limit storm stalled every workspace's imports.
//
// Only what cannot post twice is retried: a call after a 429 (Slack did nothing), a call that never
// reached Slack, and — after a timeout, a cut connection or a 5xx — only a call that is safe to repeat
// (an update, a publish, a read). A message whose answer was lost is not posted again here: its caller
// decides (ImportThread keys its messages).
import { WebClient, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import { SlackRateLimitedError } from '../errors.js';
import type { Logger } from '../process/logger.js';
import type { SlackParkReason } from '../metrics/labels.js';
import type { Metrics } from '../metrics/metrics.js';
import { rateLimited, slackMayHaveActed, slackNeverReached } from './errors.js';
import { PACED_METHOD, tierOf, type RateLimits } from './rateLimits.js';

/** Where a call waits: outside its background slot, its place among the started tasks given back (BackgroundWork.park). */
export interface Parking {
  park<T>(wait: () => Promise<T>): Promise<T>;
}

/** What the background clients of every workspace share: the limits Slack announced, where to wait, what to count. */
export interface SlackPacing {
  limits: RateLimits;
  waits: Parking;
  logger: Logger;
  metrics?: Metrics | undefined;
  /** Now, in ms (Date.now by default: Slack's Retry-After is real time, whatever clock the services read). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** How long one call may spend waiting in all — rate limits, its channel's turn, pauses before retries — before it fails. */
export const CALL_WAIT_BUDGET_MS = 120_000;
/** 429s one call takes before it fails (Slack keeps limiting it). */
export const MAX_RATE_LIMITED = 5;
/** Retries of one call after failures Slack did not act on, or of a call safe to repeat. */
export const MAX_RETRIES = 3;
const FIRST_RETRY_MS = 500;

/**
 * Methods Slack may be asked twice with nothing shown twice: an update to the same content, a publish
 * of the same view, a read. Not chat.postMessage (a retry after a lost answer could post twice).
 */
const REPEATABLE = new Set(['auth.test', 'chat.getPermalink', 'chat.update', 'conversations.info', 'team.info', 'usergroups.list', 'usergroups.users.list', 'users.info', 'views.publish']);

/**
 * Methods whose calls never wait: auth.test is called once per workspace (SlackLinks learns the
 * workspace's URL) and every task that needs a link awaits that one lookup. A task waiting for a task
 * parked outside its slot is safe (it parks too), but nothing here needs the answer enough to wait: a
 * limited auth.test fails at once, and the link is left out until the next lookup.
 */
const NEVER_WAITS = new Set(['auth.test']);

/** The background client of one workspace: the SDK's client, every call kept within Slack's limits. */
export class RateLimitedClient extends WebClient {
  constructor(
    token: string,
    options: WebClientOptions,
    private readonly workspace: string,
    private readonly pacing: SlackPacing,
  ) {
    // A 429 comes back at once (the wait is ours, outside the slot); retries are ours too (which depends on the method).
    super(token, { ...options, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  }

  override apiCall(method: string, options: Record<string, unknown> = {}): Promise<WebAPICallResult> {
    const channel = method === PACED_METHOD && typeof options['channel'] === 'string' ? options['channel'] : undefined;
    return callWithinLimits(this.pacing, { workspace: this.workspace, method, channel }, () => super.apiCall(method, options));
  }
}

/** One call: whose, which method, and the channel a message goes to (paced). */
export interface LimitedCall {
  workspace: string;
  method: string;
  channel?: string | undefined;
}

/**
 * Makes `attempt` once Slack's limits allow it, waiting outside the slot; again after a 429, after a
 * failure that never reached Slack, or after a timeout, a cut connection or a 5xx for a method safe to
 * repeat — within MAX_RATE_LIMITED 429s, MAX_RETRIES retries and CALL_WAIT_BUDGET_MS of waiting in all.
 * Otherwise the error is thrown as the SDK threw it (or a SlackRateLimitedError for a call not made).
 */
export async function callWithinLimits<T>(pacing: SlackPacing, call: LimitedCall, attempt: () => Promise<T>): Promise<T> {
  const { limits, metrics, logger } = pacing;
  const now = pacing.now ?? Date.now;
  const sleep = pacing.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { workspace, method, channel } = call;
  const tier = tierOf(method);
  const mayWait = !NEVER_WAITS.has(method);
  const started = now();
  let limitedTimes = 0;
  let retries = 0;

  /** Waits `ms` outside the slot; false (without waiting) when the call may not wait that long. */
  const wait = async (ms: number, reason: SlackParkReason): Promise<boolean> => {
    if (!mayWait || now() - started + ms > CALL_WAIT_BUDGET_MS) return false;
    metrics?.slackParked(tier, reason);
    const from = now();
    await pacing.waits.park(() => sleep(ms));
    metrics?.slackParkedFor(tier, reason, Math.max(0, now() - from) / 1000);
    return true;
  };
  const closedError = (ms: number) => new SlackRateLimitedError(method, Math.ceil(ms / 1000));

  for (;;) {
    const closed = limits.closedFor(workspace, method, now());
    if (closed > 0) {
      if (!(await wait(closed, 'rate_limited'))) throw closedError(closed);
      continue;
    }
    if (channel !== undefined) {
      const turn = limits.turn(workspace, channel, now());
      if (turn > 0 && !(await wait(turn, 'paced'))) throw closedError(turn);
      // Slack closed the method while this message waited for its turn: it waits for that first.
      if (limits.closedFor(workspace, method, now()) > 0) continue;
    }
    try {
      return await attempt();
    } catch (error) {
      const limited = rateLimited(error);
      if (limited !== undefined) {
        const wasOpen = limits.closedFor(workspace, method, now()) === 0;
        const closedMs = limits.limited(workspace, method, limited.retryAfter, now());
        limitedTimes += 1;
        logger[wasOpen ? 'info' : 'debug'](
          { teamId: workspace, method, retryAfterSeconds: limited.retryAfter, tier },
          `Slack rate-limited ${method} in this workspace: its calls wait ${Math.ceil(closedMs / 1000)} s, outside the background slots`,
        );
        if (limitedTimes < MAX_RATE_LIMITED && mayWait && now() - started + closedMs <= CALL_WAIT_BUDGET_MS) continue;
        throw error;
      }
      const retryable = slackNeverReached(error) || (REPEATABLE.has(method) && slackMayHaveActed(error));
      if (retryable && retries < MAX_RETRIES) {
        retries += 1;
        if (await wait(FIRST_RETRY_MS * 2 ** (retries - 1), 'retry')) continue;
      }
      throw error;
    }
  }
}
