// One background Slack call kept within Slack's limits, on a clock the test moves: it waits (parked,
// outside its slot) for a 429's Retry-After and goes again; other workspaces are not held up; a message
// waits for its channel's turn; only what cannot post twice is retried; every wait is bounded and
// counted per tier.
import { ErrorCode } from '@slack/web-api';
import { SlackRateLimitedError } from '../../src/errors.js';
import { createLogger, SecretScrubber } from '../../src/process/logger.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { CALL_WAIT_BUDGET_MS, callWithinLimits, MAX_RATE_LIMITED, type SlackPacing } from '../../src/slack/rateLimitedClient.js';
import { RateLimits } from '../../src/slack/rateLimits.js';
import { parseMetrics, valueOf } from '../support/metrics.js';

/** What the SDK throws for a 429 with rejectRateLimitedCalls. */
const limitedError = (retryAfter: number) => Object.assign(new Error('A rate-limit has been reached'), { code: ErrorCode.RateLimitedError, retryAfter });
/** What the SDK throws when fetch failed with the system error `code` (undici puts it in `cause`). */
const requestError = (code: string) => Object.assign(new Error('A request error occurred'), { code: ErrorCode.RequestError, original: Object.assign(new TypeError('fetch failed'), { cause: { code } }) });
const httpError = (statusCode: number) => Object.assign(new Error(`An HTTP protocol error occurred: statusCode = ${statusCode}`), { code: ErrorCode.HTTPError, statusCode });

/** A pacing on a clock that moves only when a call sleeps; every park recorded with the time it began. */
function aPacing(channelIntervalMs = 1000) {
  let t = 1_000_000;
  const parks: number[] = [];
  const metrics = new Metrics({ processMetrics: false });
  const pacing: SlackPacing = {
    limits: new RateLimits(channelIntervalMs),
    waits: {
      park: <T>(wait: () => Promise<T>) => {
        parks.push(t);
        return wait();
      },
    },
    logger: createLogger({ level: 'silent', scrubber: new SecretScrubber(), destination: { write: () => undefined } }),
    metrics,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  };
  return { pacing, parks, now: () => t, metric: async (name: string, labels: Record<string, string> = {}) => valueOf(parseMetrics(await metrics.registry.metrics()), name, labels) ?? 0 };
}

/** An attempt that throws each of `failures` in turn, then answers `ok`; its calls counted with their times. */
function anAttempt(now: () => number, failures: Error[]) {
  const at: number[] = [];
  const attempt = () => {
    at.push(now());
    const failure = failures.shift();
    return failure === undefined ? Promise.resolve('ok') : Promise.reject(failure);
  };
  return { attempt, at };
}

test('a 429 parks the call until its Retry-After, then it goes again and succeeds; the parked time is counted by tier', async () => {
  const { pacing, parks, now, metric } = aPacing();
  const { attempt, at } = anAttempt(now, [limitedError(2)]);
  await expect(callWithinLimits(pacing, { workspace: 'T1', method: 'chat.update' }, attempt)).resolves.toBe('ok');
  expect(at[1]! - at[0]!).toBe(2000);
  expect(parks).toHaveLength(1);
  expect(await metric('simplismart_slack_slack_rate_limited_seconds_total', { tier: 'tier3' })).toBe(2);
  expect(await metric('simplismart_slack_slack_parked_calls_total', { tier: 'tier3', reason: 'rate_limited' })).toBe(1);
});

test('once Slack limited a method in a workspace, its next calls wait without asking; another workspace’s call goes at once', async () => {
  const { pacing, now } = aPacing();
  // Another call of the method in T1 was just answered 429, Retry-After: 5.
  pacing.limits.limited('T1', 'views.publish', 5, now());
  const other = anAttempt(now, []);
  const started = now();
  await callWithinLimits(pacing, { workspace: 'T2', method: 'views.publish' }, other.attempt);
  expect(other.at).toEqual([started]);
  const same = anAttempt(now, []);
  await callWithinLimits(pacing, { workspace: 'T1', method: 'views.publish' }, same.attempt);
  expect(same.at).toEqual([started + 5000]);
});

test('bounded: after MAX_RATE_LIMITED 429s, or when the wait would pass the budget, the call fails as Slack said', async () => {
  const { pacing, now } = aPacing();
  const many = anAttempt(now, Array.from({ length: MAX_RATE_LIMITED + 3 }, () => limitedError(1)));
  await expect(callWithinLimits(pacing, { workspace: 'T1', method: 'chat.update' }, many.attempt)).rejects.toMatchObject({ code: ErrorCode.RateLimitedError });
  expect(many.at).toHaveLength(MAX_RATE_LIMITED);

  const long = anAttempt(now, [limitedError(CALL_WAIT_BUDGET_MS / 1000 + 1)]);
  await expect(callWithinLimits(pacing, { workspace: 'T2', method: 'chat.update' }, long.attempt)).rejects.toMatchObject({ code: ErrorCode.RateLimitedError });
  expect(long.at).toHaveLength(1);
  // The next call finds the method closed for longer than it may wait: it is not made at all.
  const next = anAttempt(now, []);
  await expect(callWithinLimits(pacing, { workspace: 'T2', method: 'chat.update' }, next.attempt)).rejects.toBeInstanceOf(SlackRateLimitedError);
  expect(next.at).toHaveLength(0);
});

test('messages to one channel go a second apart, parked; another channel’s message is not held up', async () => {
  const { pacing, now, metric } = aPacing();
  const post = anAttempt(now, []);
  const start = now();
  for (let i = 0; i < 5; i++) await callWithinLimits(pacing, { workspace: 'T1', method: 'chat.postMessage', channel: 'C1' }, post.attempt);
  expect(post.at.map((t) => t - start)).toEqual([0, 1000, 2000, 3000, 4000]);
  const other = anAttempt(now, []);
  const before = now();
  await callWithinLimits(pacing, { workspace: 'T1', method: 'chat.postMessage', channel: 'C2' }, other.attempt);
  expect(other.at).toEqual([before]);
  expect(await metric('simplismart_slack_slack_paced_seconds_total')).toBe(4);
  expect(await metric('simplismart_slack_slack_parked_calls_total', { tier: 'special', reason: 'paced' })).toBe(4);
});

test('a message whose answer was lost (timeout, cut connection, 5xx) is not posted again here; one that never reached Slack is', async () => {
  const { pacing, now } = aPacing(0);
  for (const lost of [requestError('UND_ERR_SOCKET'), requestError('ECONNRESET'), httpError(503)]) {
    const post = anAttempt(now, [lost]);
    await expect(callWithinLimits(pacing, { workspace: 'T1', method: 'chat.postMessage', channel: 'C1' }, post.attempt)).rejects.toBe(lost);
    expect(post.at).toHaveLength(1);
  }
  const refused = anAttempt(now, [requestError('ECONNREFUSED'), requestError('ENOTFOUND')]);
  await expect(callWithinLimits(pacing, { workspace: 'T1', method: 'chat.postMessage', channel: 'C1' }, refused.attempt)).resolves.toBe('ok');
  expect(refused.at).toHaveLength(3);
});

test('a call safe to repeat (an update, a publish, a read) is retried after a lost answer or a 5xx, at most MAX_RETRIES times', async () => {
  const { pacing, now } = aPacing();
  const update = anAttempt(now, [requestError('UND_ERR_SOCKET'), httpError(500)]);
  await expect(callWithinLimits(pacing, { workspace: 'T1', method: 'chat.update' }, update.attempt)).resolves.toBe('ok');
  expect(update.at).toHaveLength(3);
  const failing = anAttempt(now, Array.from({ length: 10 }, () => httpError(500)));
  await expect(callWithinLimits(pacing, { workspace: 'T1', method: 'views.publish' }, failing.attempt)).rejects.toMatchObject({ statusCode: 500 });
  expect(failing.at).toHaveLength(4);
  // Slack's own refusal (ok: false) is an answer: not retried.
  const refused = anAttempt(now, [Object.assign(new Error('An API error occurred: message_not_found'), { code: ErrorCode.PlatformError, data: { ok: false, error: 'message_not_found' } })]);
  await expect(callWithinLimits(pacing, { workspace: 'T1', method: 'chat.update' }, refused.attempt)).rejects.toMatchObject({ code: ErrorCode.PlatformError });
  expect(refused.at).toHaveLength(1);
});

test('auth.test never waits (tasks share its one lookup): limited, it fails at once and the method stays closed for the rest', async () => {
  const { pacing, parks, now } = aPacing();
  const first = anAttempt(now, [limitedError(30)]);
  await expect(callWithinLimits(pacing, { workspace: 'T1', method: 'auth.test' }, first.attempt)).rejects.toMatchObject({ code: ErrorCode.RateLimitedError });
  const next = anAttempt(now, []);
  await expect(callWithinLimits(pacing, { workspace: 'T1', method: 'auth.test' }, next.attempt)).rejects.toBeInstanceOf(SlackRateLimitedError);
  expect(next.at).toHaveLength(0);
  expect(parks).toHaveLength(0);
});
