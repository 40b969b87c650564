// One test world: the local Slack, the local Simplismart, a store (a fresh SQLite file, a throwaway
// PostgreSQL database, or one a test can take away) and the bot on it (or several replicas), with
// workspaces connected. `useBot(options)` registers its own beforeAll/afterAll (ky's test-server
// habit); `withWorld(options, body)` gives one test a world of its own. Stopping a world stops every
// bot (each audited for secrets), closes the local servers and drops the database, whatever failed on
// the way, then reports the first failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadTsOf, type ImportRequest, type RequestState } from '../../src/domain/importRequest.js';
import type { RequestKind } from '../../src/domain/requestKinds.js';
import { stateLabel } from '../../src/views/requestKinds.js';
import type { HttpLimits } from '../../src/http/server.js';
import { BOT_TOKEN, connectWorkspace, eventually, ManualClock, startTestBot, type TestBot, type TestBotOptions } from './bot.js';
import { FAKE_KUBECONFIG_SECRET, startFakeSimplismart, type FakeSimplismart } from './fakeSimplismart.js';
import { startFakeSlack, type FakeSlack } from './fakeSlack.js';
import { fakeJwt, ORG, TEAM } from './fixtures.js';
import { CLIENT_ID, CLIENT_SECRET, installApp, OAUTH_ENV } from './oauth.js';
import { createTestDatabase } from './postgres.js';
import type { FakeSlackOptions } from './slackMethods.js';
import type { SlackSession } from './slackOAuth.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack messages as the local Slack holds them. */
type Json = any;

/** The store the world's bots share. */
export interface BotDatabase {
  /** DATABASE_URL for each bot. */
  databaseUrl: string;
  /** Gives back a store a test took away (see storeOutages.ts), before the bots stop. */
  mendIt?(): Promise<void>;
  /** Removes what the database left behind (the file's folder, the PostgreSQL database). */
  tearDown(): Promise<void>;
}

/** A fresh SQLite file in a folder of its own. */
export interface SqliteDatabase extends BotDatabase {
  file: string;
}

export interface WorldOptions<D extends BotDatabase = BotDatabase> {
  /** The local Slack's start options (users, groups, channels…); its team is TEAM unless given. */
  slack?: FakeSlackOptions;
  /** Tokens the local Simplismart accepts (token → org). Default: the world's token, for ORG. */
  tokens?: Record<string, string>;
  /** The Simplismart token of the workspace connected by default (default: a fresh fakeJwt()). */
  token?: string;
  /** Workspaces connected once the bots run (straight through the service). Default: TEAM with the world's token and ORG (none without a bot). */
  connect?: Array<{ teamId: string; token: string; orgId: string; enterpriseId?: string }>;
  /**
   * Any workspace installs the app (distributed mode): the bots run with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET
   * and SLACK_STATE_SECRET and no SLACK_BOT_TOKEN, and each session installs it the way a person does
   * (the bot's install page → the local Slack's authorize page → the bot's redirect) before the tests.
   * `tokenLifetimeSeconds` turns token rotation on. Without this, the one SLACK_BOT_TOKEN is the default
   * team's, and the local Slack refuses any other token.
   */
  oauth?: { installs: SlackSession[]; tokenLifetimeSeconds?: number };
  /** Makes the store: sqliteFile (the default), postgresDatabase, or one a test can take away (storeOutages.ts). */
  database?: () => D | Promise<D>;
  /**
   * How many bots run on the one store, each with its own connection, as replicas do (default 1); 0 for
   * the local servers alone (a test of the built bot as a process).
   */
  replicas?: number;
  /** The time every bot of the world reads (default: a ManualClock). */
  clock?: ManualClock;
  env?: Record<string, string>;
  sweepIntervalMs?: number;
  httpLimits?: Partial<HttpLimits>;
  /** Runs once the local servers are up, before any bot starts (for what the bot reads as it starts). */
  beforeStart?: (fakes: { slack: FakeSlack; simplismart: FakeSimplismart }) => void | Promise<void>;
  /**
   * Before each test (useBot only): the local Slack and Simplismart forget their calls, views, messages
   * and queued answers, and the clock moves a second on (requests list newest first).
   */
  freshFakes?: boolean;
}

/** A request at its end, and what the thread says about it. */
export interface Settled {
  request: ImportRequest;
  /** The thread's parent message, as it now reads. */
  parent: Json;
  /** Every reply in the thread. */
  replies: Json[];
  /** The outcome reply. */
  outcome: Json;
  /** The outcome reply's text and blocks, as one string to search. */
  said: string;
  /** Every reply's text and blocks, as one string to search. */
  thread: string;
}

export interface World<D extends BotDatabase = BotDatabase> {
  slack: FakeSlack;
  simplismart: FakeSimplismart;
  /** The first bot (none with `replicas: 0`). */
  bot: TestBot;
  /** Every bot on the world's store (replicas), the first one first. */
  bots: TestBot[];
  database: D;
  clock: ManualClock;
  /** The Simplismart token of the workspace connected by default (accepted for ORG). */
  token: string;
  /** Another bot on the world's local servers (its own fresh SQLite file unless `databaseUrl` or `store` is given), stopped with the world. */
  startBot: (options?: Omit<TestBotOptions, 'slack' | 'simplismart'>) => Promise<TestBot>;
  /**
   * Waits until request `id` ended in `state` (a request's end: succeeded, failed or outcome_unknown),
   * its outcome reply was posted in its thread, and its status message was updated to say so after that
   * reply; checks that the thread holds exactly one outcome of this request and the kubeconfig reached
   * no call to Slack. (A cluster's thread holds its import and each change: each has its own outcome.)
   */
  settled: (id: string, state: RequestState, options?: { bot?: TestBot; timeoutMs?: number }) => Promise<Settled>;
  stop: () => Promise<void>;
}

/** The outcome reply of each kind's end states, by its `text` (the notification fallback). */
const OUTCOME_TEXT: Record<RequestKind, Partial<Record<RequestState, RegExp>>> = {
  import_cluster: {
    succeeded: /is imported into Simplismart/,
    failed: /^Import failed for /,
    outcome_unknown: /^Outcome unknown for /,
  },
  add_node_groups: {
    succeeded: /^\d+ node groups? added to /,
    failed: /^Adding node groups failed for /,
    outcome_unknown: /^Outcome unknown for /,
  },
};
const ANY_OUTCOME = new RegExp(Object.values(OUTCOME_TEXT).flatMap((texts) => Object.values(texts).map((r) => r.source)).join('|'));

/** Starts a world; stop it with `world.stop()` (useBot does both for a test file or a describe). */
export async function startWorld<D extends BotDatabase = SqliteDatabase>(options: WorldOptions<D> = {}): Promise<World<D>> {
  const token = options.token ?? fakeJwt();
  const clock = options.clock ?? new ManualClock();
  const bots: TestBot[] = [];
  const started: { slack?: FakeSlack; simplismart?: FakeSimplismart; database?: D } = {};

  const stop = async (): Promise<void> => {
    const failures: unknown[] = [];
    const settle = async (steps: Array<Promise<unknown> | undefined>) => {
      const results = await Promise.allSettled(steps.filter((step) => step !== undefined));
      for (const result of results) if (result.status === 'rejected') failures.push(result.reason);
    };
    await settle([started.database?.mendIt?.()]);
    await settle(bots.map((b) => b.stop()));
    await settle([started.slack?.close(), started.simplismart?.close()]);
    await settle([started.database?.tearDown()]);
    if (failures.length > 0) throw failures[0];
  };

  try {
    const teamId = options.slack?.teamId ?? TEAM;
    const slack = (started.slack = await startFakeSlack({
      teamId,
      // One workspace: the bot's token is that team's, and no other token is accepted.
      ...(options.oauth === undefined
        ? { tokens: { [BOT_TOKEN]: { teamId } } }
        : { oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...(options.oauth.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.oauth.tokenLifetimeSeconds }) } }),
      ...options.slack,
    }));
    const simplismart = (started.simplismart = await startFakeSimplismart({ tokens: options.tokens ?? { [token]: ORG } }));
    // Without `database`, D is its default, SqliteDatabase: what sqliteFile makes.
    const database = (started.database = await (options.database ?? (sqliteFile as unknown as () => D))());
    await options.beforeStart?.({ slack, simplismart });
    const botOptions = {
      slack,
      simplismart,
      clock,
      databaseUrl: database.databaseUrl,
      ...(options.env === undefined && options.oauth === undefined ? {} : { env: { ...(options.oauth === undefined ? {} : OAUTH_ENV), ...options.env } }),
      ...(options.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.sweepIntervalMs }),
      ...(options.httpLimits === undefined ? {} : { httpLimits: options.httpLimits }),
    };
    for (let i = 0; i < (options.replicas ?? 1); i += 1) bots.push(await startTestBot(botOptions));
    if (options.oauth !== undefined && bots[0] !== undefined) {
      slack.setRedirectUri(new URL('/slack/oauth_redirect', bots[0].url).toString());
      for (const session of options.oauth.installs) {
        const installed = await installApp(bots[0], slack, session);
        if (installed.status !== 200) throw new Error(`installing in ${session.teamId} answered ${installed.status}: ${installed.text.slice(0, 300)}`);
      }
    }
    const connect = options.connect ?? (bots.length === 0 ? [] : [{ teamId: TEAM, token, orgId: ORG }]);
    for (const c of connect) await connectWorkspace(bots[0]!, c.teamId, c.token, c.orgId, c.enterpriseId ?? null);

    return {
      slack,
      simplismart,
      bot: bots[0]!,
      bots,
      database,
      clock,
      token,
      startBot: async (more = {}) => {
        const bot = await startTestBot({ slack, simplismart, ...(options.oauth === undefined ? {} : { env: OAUTH_ENV }), ...more });
        bots.push(bot);
        return bot;
      },
      settled: (id, state, o = {}) => settled(slack, o.bot ?? bots[0]!, id, state, o.timeoutMs),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined); // the start-up error is the one to report
    throw error;
  }
}

/**
 * Runs `body` in a world of its own (a test that needs its own, or several at once), then stops it.
 * A failure of `body` is the one reported; otherwise a failure to stop (a secret leaked) is.
 */
export async function withWorld<D extends BotDatabase = SqliteDatabase, T = void>(options: WorldOptions<D>, body: (world: World<D>) => Promise<T>): Promise<T> {
  const world = await startWorld(options);
  let result: T;
  try {
    result = await body(world);
  } catch (error) {
    await world.stop().catch(() => undefined);
    throw error;
  }
  await world.stop();
  return result;
}

/**
 * One world for the tests of this file (or describe block): started before them, stopped after.
 * Its parts can be taken apart at once (`const { bot, slack } = useBot()`): each stands for the
 * part useBot's beforeAll starts, and throws if used before then.
 */
export function useBot<D extends BotDatabase = SqliteDatabase>(options: WorldOptions<D> = {}): World<D> {
  const token = options.token ?? fakeJwt();
  const clock = options.clock ?? new ManualClock();
  let world: World<D> | undefined;
  const current = (): World<D> => {
    if (world === undefined) throw new Error('useBot: the world is used before its beforeAll started it (or after it stopped)');
    return world;
  };
  beforeAll(async () => {
    world = await startWorld({ ...options, clock, token });
  }, 60_000);
  afterAll(async () => {
    const stopping = world;
    world = undefined;
    await stopping?.stop();
  }, 60_000);
  if (options.freshFakes === true) {
    beforeEach(() => {
      current().slack.reset();
      current().simplismart.reset();
      clock.advance(1000);
    });
  }
  const bots: TestBot[] = new Proxy([], { get: (_target, key) => Reflect.get(current().bots, key) });
  return {
    slack: late(() => current().slack),
    simplismart: late(() => current().simplismart),
    bot: late(() => {
      const first = current().bots[0];
      if (first === undefined) throw new Error('useBot: this world has no bot (replicas: 0)');
      return first;
    }),
    bots,
    database: late(() => current().database),
    clock,
    token,
    startBot: (more) => current().startBot(more),
    settled: (id, state, o) => current().settled(id, state, o),
    stop: () => current().stop(),
  };
}

/** Stands for the object `get` returns once there is one. */
export function late<T extends object>(get: () => T): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const target = get();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set: (_target, key, value) => Reflect.set(get(), key, value),
    has: (_target, key) => Reflect.has(get(), key),
  });
}

/** A fresh SQLite file in a folder of its own (the default store). */
export function sqliteFile(): SqliteDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'ss-bot-'));
  const file = join(dir, 'bot.db');
  return { databaseUrl: `sqlite:${file}`, file, tearDown: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A throwaway PostgreSQL database, dropped with the world. */
export async function postgresDatabase(): Promise<BotDatabase & { name: string }> {
  const db = await createTestDatabase();
  return { databaseUrl: db.url, name: db.name, tearDown: () => db.drop() };
}

async function settled(slack: FakeSlack, bot: TestBot, id: string, state: RequestState, timeoutMs = 6000): Promise<Settled> {
  if (!['succeeded', 'failed', 'outcome_unknown'].includes(state)) throw new Error(`settled: ${state} is not where a request ends (succeeded, failed, outcome_unknown)`);
  let request: ImportRequest | undefined;
  /** This request's outcome, not another's in the same (cluster) thread. */
  const isThisOutcome = (text: string, everything: string, kind: RequestKind) => OUTCOME_TEXT[kind][state]!.test(text) && everything.includes(`\`${id}\``);
  await eventually(async () => {
    request = await bot.store.getRequest(id);
    // Succeeded and failed are for good: ended otherwise, there is nothing to wait for.
    if (request !== undefined && request.state !== state && (request.state === 'succeeded' || request.state === 'failed')) return;
    expect(request?.state).toBe(state);
    const thread = request!.thread;
    expect(thread).not.toBeNull();
    const calls = slack.calls;
    const isOutcome = (c: (typeof calls)[number]) =>
      c.method === 'chat.postMessage' && c.args.thread_ts === threadTsOf(thread!) && isThisOutcome(String(c.args.text), JSON.stringify(c.args), request!.kind);
    // What Slack answered each outcome post so far: one of them must be accepted.
    expect(calls.filter((c) => isOutcome(c) && c.status !== undefined).map((c) => c.response?.error ?? 'ok')).toContain('ok');
    const reply = calls.findIndex((c) => isOutcome(c) && c.response?.ok === true);
    const label = stateLabel(request!);
    const update = calls.findIndex((c, i) => i > reply && c.method === 'chat.update' && c.response?.ok === true && c.args.ts === thread!.ts && String(c.args.text).startsWith(`${label}:`));
    expect(update).toBeGreaterThan(reply);
  }, timeoutMs);
  expect({ id, state: request!.state }).toEqual({ id, state });
  const thread = request!.thread!;
  const parent = slack.message(thread.channel, thread.ts);
  const replies = slack.messages().filter((m) => m.thread_ts === threadTsOf(thread) && m.channel === thread.channel && m.ts !== thread.ts);
  const told = (m: Json) => `${String(m.text)}\n${JSON.stringify(m.blocks ?? [])}`;
  const outcomes = replies.filter((m) => ANY_OUTCOME.test(String(m.text)) && told(m).includes(`\`${id}\``));
  expect(outcomes).toHaveLength(1);
  // The kubeconfig never reaches Slack.
  expect(JSON.stringify(slack.calls)).not.toContain(FAKE_KUBECONFIG_SECRET);
  return { request: request!, parent, replies, outcome: outcomes[0], said: told(outcomes[0]), thread: replies.map(told).join('\n') };
}
