// What a Slack Web API failure means, read in one place for everyone who calls Slack (start-up, the
// services, the listeners): the platform's error code, a rate limit and how long it asks to wait, and
// whether the bot simply cannot post where it tried.
import { ErrorCode } from '@slack/web-api';

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
 * `rejectRateLimitedCalls`): `retryAfter` is Slack's own wait in seconds, when it gave one.
 */
export function rateLimited(error: unknown): { retryAfter: number | undefined } | undefined {
  const { code, retryAfter } = (error ?? {}) as { code?: unknown; retryAfter?: unknown };
  if (code !== ErrorCode.RateLimitedError) return undefined;
  return { retryAfter: typeof retryAfter === 'number' ? retryAfter : undefined };
}
