// Slack's rate limits as this process keeps them, for the calls nobody waits on (the background
// clients): which tier each Web API method is in, which methods Slack has closed in which workspace and
// until when (after a 429 and its Retry-After), and each channel's next turn for a message (Slack takes
// about one message a second per channel). Pure bookkeeping on times given by the caller: the waiting
// itself is done by the caller, outside its background slot (rateLimitedClient.ts).
//
// Slack applies its limits "per API method per workspace per app", so a 429 closes that method in that
// workspace only: views.publish being limited in one workspace holds back neither its chat.update calls
// nor another workspace's views.publish. The tier is what the metrics show.
import { Deadlines } from './deadlines.js';

/** Slack's rate-limit tiers (docs.slack.dev/apis/web-api/rate-limits), as metric labels; `other` for a method not listed below. */
export const SLACK_TIERS = ['tier1', 'tier2', 'tier3', 'tier4', 'special', 'other'] as const;
export type SlackTier = (typeof SLACK_TIERS)[number];

/**
 * Each Web API method the bot calls and its tier, as each method's reference page states it. Tier 2:
 * 20+ a minute; tier 3: 50+; tier 4: 100+; special: rules of its own — chat.postMessage about one
 * message a second per channel plus a workspace-wide limit; auth.test and chat.getPermalink thousands
 * an hour.
 */
const METHOD_TIERS: Readonly<Record<string, SlackTier>> = {
  'auth.test': 'special',
  'chat.getPermalink': 'special',
  'chat.postMessage': 'special',
  'chat.postEphemeral': 'tier4',
  'chat.update': 'tier3',
  'conversations.info': 'tier3',
  'conversations.open': 'tier3',
  'team.info': 'tier3',
  'usergroups.list': 'tier2',
  'usergroups.users.list': 'tier2',
  'users.info': 'tier4',
  'views.open': 'tier4',
  'views.publish': 'tier4',
  'views.push': 'tier4',
  'views.update': 'tier4',
};

export function tierOf(method: string): SlackTier {
  return METHOD_TIERS[method] ?? 'other';
}

/** The method paced per channel: Slack takes about one message a second in each. */
export const PACED_METHOD = 'chat.postMessage';

/**
 * Default least time between two messages to one channel: Slack's documented one a second. Slack
 * tolerates short bursts above it with no guarantee, and the bot posts few messages per request (three
 * for an import), so it keeps to the steady rate instead of spending a burst: one process never
 * provokes the per-channel 429, and a busy channel's messages are at most a second apart more.
 */
export const DEFAULT_CHANNEL_INTERVAL_MS = 1000;

/** Workspaces × methods closed, and workspaces × channels with a turn ahead, each kept at most (entries also leave once their time passes). */
export const RATE_LIMIT_ENTRIES = 10_000;

/** A Retry-After Slack did not give (or gave as nonsense) is taken as this. */
const DEFAULT_RETRY_AFTER_S = 1;
/** A Retry-After longer than this is taken as this: a call never waits longer in one go (its own budget ends it sooner). */
const LONGEST_RETRY_AFTER_S = 300;

export class RateLimits {
  /** Until when Slack closed a method in a workspace (`team␀method`). Bound: see Deadlines and RATE_LIMIT_ENTRIES. */
  private readonly closed: Deadlines;
  /** When a channel of a workspace (`team␀channel`) may take its next message. Bound: the same. */
  private readonly turns: Deadlines;

  constructor(
    /** Least time between two messages to one channel; 0: messages are not paced (a Slack that does not limit, as a local one). */
    private readonly channelIntervalMs: number = DEFAULT_CHANNEL_INTERVAL_MS,
    max = RATE_LIMIT_ENTRIES,
  ) {
    this.closed = new Deadlines(max);
    this.turns = new Deadlines(max);
  }

  /** How long a call of `method` in `workspace` must still wait because Slack limited it there (0: it may go). */
  closedFor(workspace: string, method: string, now: number): number {
    const until = this.closed.get(key(workspace, method), now);
    return until === undefined ? 0 : until - now;
  }

  /**
   * Slack answered 429 to `method` in `workspace`: closed there for `retryAfterSeconds` (a later time
   * already set is kept). Returns how long from `now` it is closed.
   */
  limited(workspace: string, method: string, retryAfterSeconds: number | undefined, now: number): number {
    const seconds = retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? Math.min(retryAfterSeconds, LONGEST_RETRY_AFTER_S) : DEFAULT_RETRY_AFTER_S;
    const k = key(workspace, method);
    const until = Math.max(now + seconds * 1000, this.closed.get(k, now) ?? 0);
    this.closed.set(k, until, now);
    return until - now;
  }

  /**
   * Takes the channel's next turn for a message: how long to wait from `now` before posting it (0: at
   * once). Turns are handed out in the order they are asked for, `channelIntervalMs` apart.
   */
  turn(workspace: string, channel: string, now: number): number {
    if (this.channelIntervalMs <= 0) return 0;
    const k = key(workspace, channel);
    const at = Math.max(now, this.turns.get(k, now) ?? now);
    this.turns.set(k, at + this.channelIntervalMs, now);
    return at - now;
  }
}

function key(workspace: string, what: string): string {
  return `${workspace}\u0000${what}`;
}
