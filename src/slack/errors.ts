// What a Slack Web API failure means, read in one place for everyone who calls Slack (start-up, the
// services, the listeners): the platform's error code, a rate limit and how long it asks to wait, and
// whether the bot simply cannot post where it tried.
import { ErrorCode } from '@slack/web-api';
import { SlackRateLimitedError } from '../errors.js';

/** Errors meaning "the bot cannot post here", as opposed to Slack being down or the message being bad. */
const CHANNEL_CLOSED = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'cannot_dm_bot',
  'team_access_not_granted',
  'ekm_access_denied',
  'access_denied',
]);

/** The platform's own code (`not_in_channel`, `hash_conflict`…) of a call Slack answered with ok: false. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export function isChannelClosed(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code !== undefined && CHANNEL_CLOSED.has(code);
}

/**
 * A call the client refused to make because Slack rate-limited it (clients built with
 * `rejectRateLimitedCalls`, and background calls that waited as long as they may): `retryAfter` is
 * Slack's own wait in seconds, when it gave one.
 */
export function rateLimited(error: unknown): { retryAfter: number | undefined } | undefined {
  if (error instanceof SlackRateLimitedError) return { retryAfter: error.retryAfter };
  const { code, retryAfter } = (error ?? {}) as { code?: unknown; retryAfter?: unknown };
  if (code !== ErrorCode.RateLimitedError) return undefined;
  return { retryAfter: typeof retryAfter === 'number' ? retryAfter : undefined };
}

/** Network failures that happen before a request is sent: Slack never saw the call. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The call never reached Slack (the connection could not be made, the name not resolved): nothing was
 * done there, and calling again is safe for any method.
 */
export function slackNeverReached(error: unknown): boolean {
  if ((error as { code?: unknown } | undefined)?.code !== ErrorCode.RequestError) return false;
  // The SDK keeps what fetch threw as `original`; undici puts the system error in its `cause`.
  let cause: unknown = (error as { original?: unknown }).original;
  for (let depth = 0; depth < 4 && cause !== undefined && cause !== null; depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_SENT.has(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Whether Slack may have carried out a call that failed: its answer never arrived (timeout, connection
 * cut) or Slack failed (HTTP 5xx) after taking it. False when Slack answered — ok: false, 429, another
 * 4xx — or was never reached. A call Slack may have carried out is not made again blindly when doing it
 * twice would show (chat.postMessage).
 */
export function slackMayHaveActed(error: unknown): boolean {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (code === ErrorCode.RequestError) return !slackNeverReached(error);
  if (code === ErrorCode.HTTPError) return typeof statusCode === 'number' && statusCode >= 500;
  return false;
}
