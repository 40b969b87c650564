// A lean local Slack Web API for the benchmark: answers what the bot and the peer call, and notes
// when each views.open arrives (by trigger_id) and every message posted — without the test fake's
// validation and bookkeeping, so the harness stays light next to what it measures.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchSlack {
  url: string;
  apiUrl: string;
  /** trigger_id → arrival time (now()) of its views.open. */
  viewsOpened: Map<string, number>;
  /** Texts of chat.postMessage calls, in arrival order. */
  posts: string[];
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
  const calls = new Map<string, number>();
  let ts = 0;
  let view = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const method = path.startsWith('/api/') ? path.slice('/api/'.length) : path.slice(1);
      if (path.startsWith('/api/')) calls.set(method, (calls.get(method) ?? 0) + 1);
      const raw = Buffer.concat(chunks).toString('utf8');
      const params = req.headers['content-type']?.includes('json') ? (JSON.parse(raw || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
      const answer = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      switch (method) {
        case 'auth.test':
          // The workspace's URL, as Slack gives it: the bot builds its thread links from it.
          return answer({ ok: true, url: 'https://bench.slack.com/', user_id: 'UBENCHBOT', bot_id: 'BBENCHBOT', team_id: 'TBENCH', user: 'bench' });
        case 'views.open': {
          viewsOpened.set(params['trigger_id'] ?? '', now());
          view += 1;
          return answer({ ok: true, view: { id: `VB${view}`, hash: `h${view}` } });
        }
        case 'views.update':
          return answer({ ok: true, view: { id: params['view_id'], hash: `h${++view}` } });
        case 'chat.postMessage':
          ts += 1;
          posts.push(String(params['text'] ?? ''));
          return answer({ ok: true, channel: params['channel'], ts: `1700000000.${String(ts).padStart(6, '0')}` });
        case 'chat.update':
          return answer({ ok: true, channel: params['channel'], ts: params['ts'] });
        case 'users.info':
          return answer({ ok: true, user: { id: params['user'], is_admin: false } });
        case '__stats':
          return answer({ viewsOpened: [...viewsOpened.entries()], posts, calls: Object.fromEntries(calls) });
        case '__reset':
          viewsOpened.clear();
          posts.length = 0;
          calls.clear();
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
    calls,
    reset: () => {
      viewsOpened.clear();
      posts.length = 0;
      calls.clear();
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
