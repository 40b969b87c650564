// A lean local Slack Web API for the benchmark: answers what the bot and the peer call, and notes
// when each views.open arrives (by trigger_id), every message posted, and when each reply in a thread
// arrived — without the test fake's validation and bookkeeping, so the harness stays light next to
// what it measures. For the phases where the bot is installed in many workspaces it is also Slack's
// side of installing an app (the authorize page and oauth.v2.access, test/support/slackOAuth.ts): each
// workspace gets a token of its own, auth.test names the workspace a token belongs to, and calls made
// with a token this Slack never issued are counted (a crossed or made-up token shows in the results).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackOAuth } from '../test/support/slackOAuth.js';

/** The app as this Slack knows it, for the phases where any workspace installs it (the bot's SLACK_CLIENT_*). */
export const BENCH_OAUTH_APP = { clientId: '1111111111.2222222222', clientSecret: 'c0ffee00c0ffee00c0ffee00c0ffee00', stateSecret: 'bench-state-secret-9f3b7c1d' } as const;
/** The one token of the single-workspace phases (SLACK_BOT_TOKEN), its workspace's. */
export const SINGLE_WORKSPACE = { token: 'xoxb-1-2-benchtoken', teamId: 'TBENCH' } as const;
/** People whose id starts with this are workspace admins (users.info): who may connect and set a policy. */
export const ADMIN_PREFIX = 'UADM';

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
