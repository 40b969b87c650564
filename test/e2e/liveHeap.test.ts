// Memory per workspace, on the built bot under the image's V8 flags (a 128 MB old generation), installed
// in many workspaces (distributed mode) on SQLite, driven over signed HTTP, its live heap read after a
// full collection (test/support/liveHeap.ts):
// - token rotation: every payload finds its token due and refreshes it (thousands of refreshes); the
//   live heap stays where it was after the warm-up, and the process lives. Until issue 16 each refresh
//   left a Web API client behind in Bolt's pool and the process died of it after ~3,500 refreshes;
// - many workspaces: 2,000 installed, each sending a command and opening its Home; the live heap grows
//   while the bounded caches fill, then stays flat.
// Figures (per workspace, plateau, refresh rate) are printed for the README's Performance section;
// LIVE_HEAP_ROTATIONS and LIVE_HEAP_WORKSPACES (at least 1,000) measure longer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNING_SECRET } from '../support/bot.js';
import { buildBot, processEnv, waitUntilReady, type BuiltBot, type Spawned } from '../support/builtBot.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import type { FakeSimplismart } from '../support/fakeSimplismart.js';
import { liveHeap, MB, PROBED_NODE_ARGS } from '../support/liveHeap.js';
import { freePort } from '../support/localServer.js';
import { browserAt, installApp, OAUTH_ENV } from '../support/oauth.js';
import { eventCallback, postToBot, slashCommand, type SlackRequest } from '../support/slackRequests.js';
import { withWorld } from '../support/world.js';

/** Rotated tokens live an hour: inside @slack/oauth's two-hour refresh window, so every use refreshes. */
const DUE_AT_ONCE_S = 60 * 60;
/** Requests in flight at once: one loop per workspace (a workspace's payloads one after another). */
const PARALLEL = 8;
/** Token refreshes measured after the warm-up, and workspaces made active; more for a longer measurement. */
const ROTATIONS = Number(process.env.LIVE_HEAP_ROTATIONS ?? 4000);
const WORKSPACES = Number(process.env.LIVE_HEAP_WORKSPACES ?? 2000);

let built: BuiltBot;
beforeAll(async () => {
  built = await buildBot();
}, 120_000);
afterAll(() => built?.remove());

interface RunningBuiltBot {
  process: Spawned;
  url: string;
  /** Stops the process and removes its data folder. */
  stop(): Promise<void>;
}

/** The built bot, installable in any workspace, under the image's flags with the heap probe. */
async function startBuiltBot(slack: FakeSlack, simplismart: FakeSimplismart): Promise<RunningBuiltBot> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-heap-'));
  const port = await freePort();
  // Warnings and errors only: a deployment's info lines would be most of what the test process reads.
  const env = processEnv({ slack, simplismart, port, dataDir }, { ...OAUTH_ENV, LOG_LEVEL: 'warn' });
  const running = built.spawn(env, { nodeArgs: [...PROBED_NODE_ARGS], ipc: true });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, running.exited, 20_000);
  slack.setRedirectUri(new URL('/slack/oauth_redirect', url).toString());
  return {
    process: running,
    url,
    stop: async () => {
      running.child.kill('SIGTERM');
      await running.closed;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Installs the app in each team, as a person does, PARALLEL at a time; each team gets a user of its own. */
async function installEverywhere(bot: RunningBuiltBot, slack: FakeSlack, teams: readonly string[]): Promise<void> {
  const browser = browserAt(bot.url);
  await eachInParallel(teams, async (teamId) => {
    slack.setUser(userOf(teamId), { team_id: teamId });
    const installed = await installApp(browser, slack, { teamId, userId: userOf(teamId) });
    if (installed.status !== 200) throw new Error(`installing in ${teamId} answered ${installed.status}: ${installed.text.slice(0, 300)}`);
  });
}

const userOf = (teamId: string): string => `U${teamId.slice(1)}`;

/** `/simplismart help` from the team's user: answered with the help on the ack itself. */
const helpCommand = (teamId: string): SlackRequest => slashCommand({ teamId, userId: userOf(teamId), channelId: 'C0HEAP0001', text: 'help' });
/** The team's user opens the bot's Home: published in the background, with the workspace's token. */
const homeOpened = (teamId: string): SlackRequest =>
  eventCallback({ teamId, event: { type: 'app_home_opened', user: userOf(teamId), channel: `D${teamId.slice(1)}`, tab: 'home' } });

/** Sends a signed request; `progress` says how far the test got, should the bot die on the way. */
async function send(bot: RunningBuiltBot, request: SlackRequest, progress: () => string = () => ''): Promise<void> {
  const answer = await postToBot(bot.url, request, { signingSecret: SIGNING_SECRET }).catch(async (error: unknown) => {
    // A bot that died (of its heap, until issue 16) says why on stderr: that is the failure to show.
    const exit = await Promise.race([bot.process.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000))]);
    if (exit === undefined) throw error;
    throw new Error(`the bot exited (${exit.code ?? exit.signal}) ${progress()}; its stderr ends:\n${bot.process.stderr().slice(-1500)}`);
  });
  if (answer.status !== 200) throw new Error(`the bot answered ${answer.status}: ${answer.text.slice(0, 300)}`);
}

async function eachInParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * How many token refreshes the local Slack answered so far. Counted as calls arrive, not by filtering
 * them all at each look: the drivers look after every request, and tens of thousands of calls pile up.
 */
function refreshCounter(slack: FakeSlack): () => number {
  let seen = 0;
  let count = 0;
  return () => {
    const { calls } = slack;
    if (seen > calls.length) throw new Error('the local Slack forgot its calls while refreshes were being counted');
    for (; seen < calls.length; seen += 1) if (calls[seen]!.method === 'oauth.v2.access' && calls[seen]!.args.grant_type === 'refresh_token') count += 1;
    return count;
  };
}
const publishes = (slack: FakeSlack): number => slack.callsTo('views.publish').filter((c) => c.response?.ok === true).length;

/** Waits until `count` Home tabs were published (the background work after the acks is done). */
async function homesPublished(slack: FakeSlack, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (publishes(slack) < count) {
    if (Date.now() > deadline) throw new Error(`${publishes(slack)} of ${count} Home tabs published within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Lines the bot logged at error level or above (pino: 50 error, 60 fatal). */
const errorLines = (bot: RunningBuiltBot): string[] => bot.process.stdout().split('\n').filter((line) => /"level":(5\d|6\d)/.test(line));

const mb = (bytes: number): string => (bytes / MB).toFixed(1);

test(`${ROTATIONS} token rotations: the live heap stays flat and the bot lives`, async () => {
  const TEAMS = Array.from({ length: PARALLEL }, (_, i) => `T0ROT${String(i).padStart(4, '0')}`);
  const WARM_UP = 600;
  await withWorld({ replicas: 0, oauth: { installs: [], tokenLifetimeSeconds: DUE_AT_ONCE_S } }, async ({ slack, simplismart }) => {
    const bot = await startBuiltBot(slack, simplismart);
    try {
      await installEverywhere(bot, slack, TEAMS);
      const refreshes = refreshCounter(slack);
      const soFar = (): string => `after ${refreshes()} token refreshes`;
      /** Commands from every team until `count` more refreshes happened; every tenth payload of a team is a Home opening. */
      const rotate = async (count: number): Promise<void> => {
        const target = refreshes() + count;
        let homes = publishes(slack);
        await Promise.all(
          TEAMS.map(async (teamId) => {
            for (let i = 1; refreshes() < target; i += 1) {
              await send(bot, helpCommand(teamId), soFar);
              if (i % 10 === 0) {
                homes += 1;
                await send(bot, homeOpened(teamId), soFar);
              }
            }
          }),
        );
        await homesPublished(slack, homes);
      };

      await rotate(WARM_UP);
      const warm = await liveHeap(bot.process.child);
      const started = Date.now();
      const before = refreshes();
      await rotate(ROTATIONS);
      const seconds = (Date.now() - started) / 1000;
      const rotated = refreshes() - before;
      const after = await liveHeap(bot.process.child);
      console.info(
        `token rotation: ${rotated} refreshes in ${seconds.toFixed(1)} s (${(rotated / seconds).toFixed(0)}/s); ` +
          `live heap after warm-up ${mb(warm.heapUsed)} MB, after ${mb(after.heapUsed)} MB (${mb(after.heapUsed - warm.heapUsed)} MB); RSS ${mb(after.rss)} MB`,
      );

      expect(rotated).toBeGreaterThanOrEqual(ROTATIONS);
      expect(bot.process.child.exitCode).toBeNull();
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
      expect(after.heapUsed - warm.heapUsed).toBeLessThan(8 * MB);
      expect(errorLines(bot)).toEqual([]);
    } finally {
      await bot.stop();
    }
  });
}, 240_000 + ROTATIONS * 20);

test(`${WORKSPACES} workspaces, each a command and a Home opening: the live heap grows while the caches fill, then stays flat`, async () => {
  const teams = Array.from({ length: WORKSPACES }, (_, i) => `T0WS${String(i).padStart(5, '0')}`);
  // Finer where the bounds are reached (200 clients per pool; 1,000 tokens and workspace URLs), then every thousand.
  const checkpoints = [...new Set([0, 100, 200, 300, 500, 1000, ...Array.from({ length: Math.floor(WORKSPACES / 1000) }, (_, i) => (i + 1) * 1000), WORKSPACES])]
    .filter((n) => n <= WORKSPACES)
    .sort((a, b) => a - b);
  await withWorld({ replicas: 0, oauth: { installs: [] } }, async ({ slack, simplismart }) => {
    const bot = await startBuiltBot(slack, simplismart);
    try {
      await installEverywhere(bot, slack, teams);
      slack.clearCalls();
      const heap = new Map<number, number>([[0, (await liveHeap(bot.process.child)).heapUsed]]);
      for (const [from, to] of checkpoints.slice(1).map((to, i) => [checkpoints[i]!, to] as const)) {
        const soFar = (): string => `with ${from} workspaces active so far`;
        await eachInParallel(teams.slice(from, to), async (teamId) => {
          await send(bot, helpCommand(teamId), soFar);
          await send(bot, homeOpened(teamId), soFar);
        });
        await homesPublished(slack, to);
        heap.set(to, (await liveHeap(bot.process.child)).heapUsed);
      }
      const at = (n: number): number => heap.get(n)!;
      const perWorkspace = (from: number, to: number): string => `${((at(to) - at(from)) / (to - from) / 1024).toFixed(1)} KB`;
      const plateau = at(WORKSPACES) - at(1000);
      console.info(
        `live heap by active workspaces: ${checkpoints.map((n) => `${n}: ${mb(at(n))} MB`).join(', ')}; ` +
          `per workspace ${perWorkspace(0, 200)} up to 200, ${perWorkspace(200, 1000)} from 200 to 1,000; ${mb(plateau)} MB from 1,000 to ${WORKSPACES}`,
      );

      expect(bot.process.child.exitCode).toBeNull();
      // The largest bounds are 1,000 workspaces (the token cache, the workspace URLs): from there on, flat.
      expect(plateau).toBeLessThan(4 * MB);
      // What the bounds add up to: two pools of 200 clients (~27 KB each), a thousand tokens, the scrubber's secrets.
      expect(at(WORKSPACES) - at(0)).toBeLessThan(16 * MB);
      expect(errorLines(bot)).toEqual([]);
    } finally {
      await bot.stop();
    }
  });
}, 300_000 + WORKSPACES * 60);
