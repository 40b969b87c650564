// A lean local Slack Web API for the benchmark: answers what the bot and the peer call, and notes
// when each views.open arrives (by trigger_id), every message posted, and when each reply in a thread
// arrived — without the test fake's validation and bookkeeping, so the harness stays light next to
// what it measures. For the phases where the bot is installed in many workspaces it is also Slack's
// side of installing an app (the authorize page and oauth.v2.access, test/support/slackOAuth.ts): each
// workspace gets a token of its own, auth.test names the workspace a token belongs to, and calls made
// with a token this Slack never issued are counted (a crossed or made-up token shows in the results).
// For the rate-limited phase (rateLimited.ts) it can limit one method in one workspace for a while, as
// Slack does: HTTP 429 with a Retry-After, the call not carried out (test/support/fakeSlack.ts has the
// same for the tests), and it keeps every message it did post, with its workspace and thread.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackOAuth } from '../test/support/slackOAuth.js';

/** The app as this Slack knows it, for the phases where any workspace installs it (the bot's SLACK_CLIENT_*). */
export const BENCH_OAUTH_APP = { clientId: '1111111111.2222222222', clientSecret: 'c0ffee00c0ffee00c0ffee00c0ffee00', stateSecret: 'bench-state-secret-9f3b7c1d' } as const;
/** The one token of the single-workspace phases (SLACK_BOT_TOKEN), its workspace's. */
export const SINGLE_WORKSPACE = { token: 'xoxb-1-2-benchtoken', teamId: 'TBENCH' } as const;
/** People whose id starts with this are workspace admins (users.info): who may connect and set a policy. */
export const ADMIN_PREFIX = 'UADM';

/** A message this Slack posted (chat.postMessage answered ok): when, with whose token, in which thread (none: a new one). */
export interface PostedMessage {
  at: number;
  team: string;
  text: string;
  thread?: string;
}

/** Slack limiting a method in a workspace: every call of it with that workspace's tokens answered 429 until `until` (now()). */
interface Limit {
  method: string;
  team: string;
  retryAfterSeconds: number;
  until: number;
}

/** A call within this long after a 429 to its workspace and method may have been sent before its caller read that 429. */
const IN_FLIGHT_GRACE_MS = 250;

/** A reply posted in a thread: when it arrived, what it said, and the workspace of the token it came with. */
export interface ThreadReply {
  at: number;
  text: string;
  team: string;
}

export interface BenchSlack {
  url: string;
  apiUrl: string;
  /** trigger_id → arrival time (now()) of its views.open. */
  viewsOpened: Map<string, number>;
  /** Texts of chat.postMessage calls, in arrival order. */
  posts: string[];
  /** chat.postMessage calls with a thread_ts, in arrival order. */
  replies: ThreadReply[];
  calls: Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

/** Milliseconds on a clock shared by processes on this machine (wall-clock origin, monotonic since). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export async function startBenchSlack(): Promise<BenchSlack> {
  const viewsOpened = new Map<string, number>();
  const posts: string[] = [];
  const replies: ThreadReply[] = [];
  const calls = new Map<string, number>();
  const oauth = new SlackOAuth(
    { clientId: BENCH_OAUTH_APP.clientId, clientSecret: BENCH_OAUTH_APP.clientSecret },
    'ABENCHAPP01',
    () => undefined,
    (teamId) => `Bench ${teamId}`,
  );
  /** Calls (auth'd methods) whose token this Slack did not issue; the single-workspace token is known. */
  let unknownTokens = 0;
  /** Bytes of views.open bodies received: how large the forms opened were, on the wire. */
  let openedBytes = 0;
  let ts = 0;
  let view = 0;
  /** Every message posted (answered ok), in arrival order. */
  const messages: PostedMessage[] = [];
  let limits: Limit[] = [];
  /** Per `team method`: 429s answered, calls that came before the last 429's Retry-After ran out (past the in-flight grace), and until when that was. */
  const limited = new Map<string, { answered: number; early: number; lastAt: number; closedUntil: number }>();
  const limitedNow = (method: string, team: string | undefined, at: number): Limit | undefined => {
    if (team === undefined || limits.length === 0) return undefined;
    limits = limits.filter((l) => l.until > at);
    return limits.find((l) => l.method === method && l.team === team);
  };
  const teamOf = (token: string | undefined): string | undefined => {
    if (token === undefined) return undefined;
    if (token === SINGLE_WORKSPACE.token) return SINGLE_WORKSPACE.teamId;
    const issued = oauth.issued.get(token);
    return issued === undefined || issued.revoked || issued.kind !== 'bot' ? undefined : issued.teamId;
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const method = path.startsWith('/api/') ? path.slice('/api/'.length) : path.slice(1);
      if (path.startsWith('/api/')) calls.set(method, (calls.get(method) ?? 0) + 1);
      const raw = Buffer.concat(chunks).toString('utf8');
      const params = req.headers['content-type']?.includes('json') ? (JSON.parse(raw || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
      const answer = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? params['token'];
      const team = path.startsWith('/api/') && method !== 'oauth.v2.access' ? teamOf(token) : undefined;
      if (path.startsWith('/api/') && method !== 'oauth.v2.access' && team === undefined) unknownTokens += 1;
      if (path === '/oauth/v2/authorize') {
        // A browser on Slack's authorize page (signed in by its session cookie), sent back to the app.
        const page = oauth.authorize(new URLSearchParams(query), req.headers.cookie);
        res.writeHead(page.status, { 'content-type': 'text/plain', ...(page.location === undefined ? {} : { location: page.location }) });
        res.end(page.text);
        return;
      }
      if (team !== undefined && path.startsWith('/api/')) {
        const at = now();
        const seen = limited.get(`${team} ${method}`);
        if (seen !== undefined && at > seen.lastAt + IN_FLIGHT_GRACE_MS && at < seen.closedUntil) seen.early += 1;
        const limit = limitedNow(method, team, at);
        if (limit !== undefined) {
          // Slack did nothing: the caller is to wait Retry-After seconds and call again.
          const entry = seen ?? { answered: 0, early: 0, lastAt: at, closedUntil: at };
          entry.answered += 1;
          entry.lastAt = at;
          entry.closedUntil = Math.max(entry.closedUntil, at + limit.retryAfterSeconds * 1000);
          limited.set(`${team} ${method}`, entry);
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limit.retryAfterSeconds) });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
      }
      switch (method) {
        case 'auth.test': {
          // The workspace's URL, as Slack gives it: the bot builds its thread links from it.
          if (team === undefined) return answer({ ok: false, error: 'invalid_auth' });
          const issued = token === undefined ? undefined : oauth.issued.get(token);
          return answer({ ok: true, url: `https://${team.toLowerCase()}.slack.com/`, user_id: issued?.botUserId ?? 'UBENCHBOT', bot_id: issued?.botId ?? 'BBENCHBOT', team_id: team, user: 'bench' });
        }
        case 'oauth.v2.access': {
          // The app's credentials in the body, or as HTTP Basic (both are Slack's).
          const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
          const [id, secret] = basic === undefined ? [] : Buffer.from(basic, 'base64').toString('utf8').split(':');
          return answer(oauth.access({ ...(id === undefined ? {} : { client_id: id, client_secret: secret }), ...params }));
        }
        case 'views.open': {
          viewsOpened.set(params['trigger_id'] ?? '', now());
          openedBytes += raw.length;
          view += 1;
          return answer({ ok: true, view: { id: `VB${view}`, hash: `h${view}` } });
        }
        case 'views.update':
          return answer({ ok: true, view: { id: params['view_id'], hash: `h${++view}` } });
        case 'views.publish':
          return answer({ ok: true, view: { id: `VH${++view}`, hash: `h${view}` } });
        case 'chat.postMessage':
          ts += 1;
          posts.push(String(params['text'] ?? ''));
          if (params['thread_ts'] !== undefined) replies.push({ at: now(), text: String(params['text'] ?? ''), team: team ?? '' });
          messages.push({ at: now(), team: team ?? '', text: String(params['text'] ?? ''), ...(params['thread_ts'] === undefined ? {} : { thread: String(params['thread_ts']) }) });
          return answer({ ok: true, channel: params['channel'], ts: `1700000000.${String(ts).padStart(6, '0')}` });
        case 'chat.update':
          return answer({ ok: true, channel: params['channel'], ts: params['ts'] });
        case 'users.info':
          return answer({ ok: true, user: { id: params['user'], team_id: team, is_admin: String(params['user'] ?? '').startsWith(ADMIN_PREFIX) } });
        case 'usergroups.list':
          return answer({ ok: true, usergroups: [] });
        case 'usergroups.users.list':
          return answer({ ok: true, users: [] });
        case '__stats':
          return answer({ viewsOpened: [...viewsOpened.entries()], posts, calls: Object.fromEntries(calls), unknownTokens, openedBytes, installs: oauth.installs.size });
        case '__replies': {
          // Thread replies whose text contains `q`: what a phase looks for, without shipping every post.
          const q = new URLSearchParams(query).get('q') ?? '';
          return answer(replies.filter((r) => r.text.includes(q)));
        }
        case '__messages': {
          // Messages posted whose text contains `q`, with their workspace and thread.
          const q = new URLSearchParams(query).get('q') ?? '';
          return answer(messages.filter((m) => m.text.includes(q)));
        }
        case '__ratelimit': {
          // Limits `method` in workspace `team` for `forMs` from now: answered with `until` (now()).
          const q = new URLSearchParams(query);
          const limit = { method: q.get('method') ?? '', team: q.get('team') ?? '', retryAfterSeconds: Number(q.get('retryAfter') ?? 1), until: now() + Number(q.get('forMs') ?? 0) };
          limits.push(limit);
          return answer({ ok: true, from: now(), until: limit.until });
        }
        case '__limited':
          // `team method` → 429s answered, calls made before the Retry-After ran out, when the last 429 was (now()).
          return answer(Object.fromEntries([...limited].map(([k, v]) => [k, { answered: v.answered, early: v.early, lastAt: v.lastAt }])));
        case '__redirect':
          // The app's redirect URL (its oauth_config), known once the bot has a port.
          oauth.app!.redirectUri = new URLSearchParams(query).get('uri') ?? undefined;
          return answer({ ok: true });
        case '__reset':
          viewsOpened.clear();
          posts.length = 0;
          replies.length = 0;
          calls.clear();
          unknownTokens = 0;
          openedBytes = 0;
          messages.length = 0;
          limits = [];
          limited.clear();
          return answer({ ok: true });
        case '__now':
          return answer({ now: now() });
        default:
          if (path.startsWith('/response/')) return answer({ ok: true });
          return answer({ ok: false, error: 'unknown_method' });
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    viewsOpened,
    posts,
    replies,
    calls,
    reset: () => {
      viewsOpened.clear();
      posts.length = 0;
      replies.length = 0;
      calls.clear();
      unknownTokens = 0;
      openedBytes = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Run on its own process (`BENCH_SLACK_PROCESS=1 node slackServer.js`): prints its URL as the first line. */
if (process.env['BENCH_SLACK_PROCESS'] === '1') {
  const slack = await startBenchSlack();
  process.stdout.write(`${JSON.stringify({ url: slack.url })}\n`);
}
