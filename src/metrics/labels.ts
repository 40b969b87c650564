// The values each metric label may take, fixed here: whatever Slack, Simplismart or a person sends is
// mapped onto one of them (an unknown one becomes "other"), so that no label ever carries user input,
// a workspace's id or a secret, and every series' cardinality stays bounded.
import { REQUEST_KINDS, type RequestKind } from '../domain/requestKinds.js';

export const OTHER = 'other';

const KINDS = new Set<string>(REQUEST_KINDS);

/** A request's kind as a label (the store only holds known kinds; anything else is "other"). */
export function kindLabel(kind: string): RequestKind | typeof OTHER {
  return KINDS.has(kind) ? (kind as RequestKind) : OTHER;
}

/** The Web API methods the bot calls (src/, the installer, Socket Mode's connection). */
export const SLACK_METHODS: ReadonlySet<string> = new Set([
  'apps.connections.open',
  'auth.test',
  'chat.getPermalink',
  'chat.postEphemeral',
  'chat.postMessage',
  'chat.update',
  'conversations.info',
  'conversations.open',
  'oauth.v2.access',
  'team.info',
  'usergroups.list',
  'usergroups.users.list',
  'users.info',
  'views.open',
  'views.publish',
  'views.push',
  'views.update',
]);

/** `https://slack.com/api/chat.postMessage?x` → `chat.postMessage`; a method the bot does not call → "other". */
export function slackMethodLabel(url: string): string {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  const method = path.slice(path.lastIndexOf('/') + 1);
  return SLACK_METHODS.has(method) ? method : OTHER;
}

/**
 * The Web API error codes worth telling apart on a dashboard: the bot's own permission and channel
 * problems, expired triggers, conflicts, Slack's own failures. Any other code is "other_error".
 */
export const SLACK_ERRORS: ReadonlySet<string> = new Set([
  'access_denied',
  'account_inactive',
  'cannot_dm_bot',
  'cant_update_message',
  'channel_not_found',
  'edit_window_closed',
  'ekm_access_denied',
  'exchanged_trigger_id',
  'expired_trigger_id',
  'fatal_error',
  'hash_conflict',
  'internal_error',
  'invalid_arguments',
  'invalid_auth',
  'invalid_blocks',
  'invalid_code',
  'invalid_trigger_id',
  'is_archived',
  'message_not_found',
  'missing_scope',
  'msg_too_long',
  'no_permission',
  'not_authed',
  'not_found',
  'not_in_channel',
  'ratelimited',
  'request_timeout',
  'restricted_action',
  'restricted_action_non_threadable_channel',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'service_unavailable',
  'team_access_not_granted',
  'token_expired',
  'token_revoked',
  'user_not_found',
  'users_not_found',
  'view_too_large',
]);

/** Results of a Web API call that are not Slack's own error code. */
export const SLACK_RESULTS = {
  ok: 'ok',
  /** HTTP 429: Slack asked the bot to slow down (the call is retried or refused, per client). */
  rateLimited: 'rate_limited',
  /** Another HTTP status than 200 and 429 (Slack down, a proxy in the way). */
  httpError: 'http_error',
  /** An ok: false whose code is not in the known set. */
  otherError: 'other_error',
  /** A body that is not Slack's JSON. */
  invalidResponse: 'invalid_response',
  /** No answer within the client's own limit. */
  timeout: 'timeout',
  /** The connection failed or was cut. */
  network: 'network',
} as const;

/**
 * Why a background Slack call waits outside its slot: Slack answered 429 (its Retry-After), its
 * channel's turn for a message, or a pause before a retry.
 */
export const SLACK_PARK_REASONS = ['rate_limited', 'paced', 'retry'] as const;
export type SlackParkReason = (typeof SLACK_PARK_REASONS)[number];

/** What Slack answered in a 200's body: "ok", its known error code, or "other_error". */
export function slackBodyResult(body: string): string {
  // Slack writes `ok` first: the common case is told without parsing what may be a large view.
  if (/^\s*\{\s*"ok"\s*:\s*true\b/.test(body)) return SLACK_RESULTS.ok;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return SLACK_RESULTS.invalidResponse;
  }
  const { ok, error } = (parsed ?? {}) as { ok?: unknown; error?: unknown };
  if (ok === true) return SLACK_RESULTS.ok;
  return typeof error === 'string' && SLACK_ERRORS.has(error) ? error : SLACK_RESULTS.otherError;
}

/** What kind of payload Slack sent, as the ack metric's `type`. */
export function payloadTypeLabel(body: unknown): string {
  const b = (body ?? {}) as { type?: unknown; command?: unknown };
  if (typeof b.command === 'string') return 'command';
  switch (b.type) {
    case 'view_submission':
    case 'view_closed':
    case 'block_actions':
    case 'shortcut':
    case 'message_action':
    case 'interactive_message':
      return b.type;
    case 'block_suggestion':
      return 'options';
    case 'event_callback':
      return 'event';
    default:
      return OTHER;
  }
}

/** An HTTP status as its class: 2xx, 3xx, 4xx, 5xx. */
export function statusClass(status: number): string {
  return status >= 200 && status < 600 ? `${Math.floor(status / 100)}xx` : OTHER;
}
