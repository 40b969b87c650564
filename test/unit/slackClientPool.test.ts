// The Web API clients kept per workspace: one each (its latest token's), a bounded number in all — the
// background ones (BackgroundClients) and Bolt's. For Bolt's, the internal the bot leans on (App.clients,
// where Bolt 5 looks for a workspace's pool on every payload) is checked against the real Bolt:
// listeners get our clients, the clients of rotated tokens are collected, and a Bolt App left alone
// keeps every one (if that ever stops, Bolt fixed its pool).
import { App, LogLevel, type Receiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../../src/process/config.js';
import { createLogger, SecretScrubber } from '../../src/process/logger.js';
import { boundBoltClients, ClientsByWorkspace } from '../../src/slack/clientPool.js';
import { BackgroundClients } from '../../src/slack/clients.js';
import { RateLimits } from '../../src/slack/rateLimits.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';

setFlagsFromString('--expose-gc');
/** V8's collector, exposed for this file: clients of rotated tokens must be collectable, not merely dropped from a map. */
const gc = runInNewContext('gc') as () => void;

const make = (token: string): WebClient => new WebClient(token);

describe('ClientsByWorkspace', () => {
  test('one client per workspace, reused while its token stays, replaced when the token changes', () => {
    const pool = new ClientsByWorkspace(3);
    const first = pool.for('T1', 'xoxe.xoxb-1', make);
    expect(pool.for('T1', 'xoxe.xoxb-1', make)).toBe(first);
    const second = pool.for('T1', 'xoxe.xoxb-2', make);
    expect(second).not.toBe(first);
    expect(second.token).toBe('xoxe.xoxb-2');
    expect(pool.peek('T1')).toBe(second);
    expect(pool.size).toBe(1);
  });

  test('past its bound the least recently used workspace goes first', () => {
    const pool = new ClientsByWorkspace(3);
    for (const team of ['T1', 'T2', 'T3']) pool.for(team, `xoxb-${team}`, make);
    pool.for('T1', 'xoxb-T1', make); // T1 used again: T2 is now the least recently used
    pool.for('T4', 'xoxb-T4', make);
    expect(pool.size).toBe(3);
    expect(pool.peek('T2')).toBeUndefined();
    expect(['T1', 'T3', 'T4'].map((t) => pool.peek(t)?.token)).toEqual(['xoxb-T1', 'xoxb-T3', 'xoxb-T4']);
  });

  test('a bound that is not a positive whole number is refused', () => {
    expect(() => new ClientsByWorkspace(0)).toThrow(/positive integer/);
  });
});

describe('BackgroundClients', () => {
  const config = loadConfig({ SLACK_SIGNING_SECRET: 'signing-secret', SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_API_URL: 'http://127.0.0.1:9/api/' });
  const logger = createLogger({ level: 'silent', scrubber: new SecretScrubber(), destination: { write: () => undefined } });

  test('keyed by workspace: a refreshed token replaces the workspace’s client instead of adding one', () => {
    const pacing = { limits: new RateLimits(), waits: { park: <T>(wait: () => Promise<T>) => wait() }, logger };
    const clients = new BackgroundClients(config, logger, pacing, 2);
    const acme = { teamId: 'T0ACME', enterpriseId: null };
    const first = clients.for(acme, 'xoxe.xoxb-acme-1');
    expect(clients.for(acme, 'xoxe.xoxb-acme-1')).toBe(first);
    for (let i = 2; i <= 50; i += 1) expect(clients.for(acme, `xoxe.xoxb-acme-${i}`).token).toBe(`xoxe.xoxb-acme-${i}`);
    expect(clients.size).toBe(1);
    for (const teamId of ['T0B', 'T0C', 'T0D']) clients.for({ teamId, enterpriseId: null }, `xoxb-${teamId}`);
    expect(clients.size).toBe(2);
  });
});

describe('Bolt’s payload clients', () => {
  const TEAMS = 12;
  const ROTATIONS = 5;
  const MAX = 4;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await startFakeSlack(); // any token is accepted: each call's token is what is looked at
  });
  afterAll(async () => {
    await slack.close();
  });

  /** A receiver that never listens: payloads go straight to `app.processEvent`. */
  const receiver: Receiver = { init: () => undefined, start: () => Promise.resolve(), stop: () => Promise.resolve() };

  /**
   * A Bolt App whose authorize gives each payload a token never seen before (a refresh on every
   * payload), and whose `/simplismart` listener calls auth.test with the client it receives.
   */
  function rotatingApp(): { app: App; received: Array<{ teamId: string; token: string; client: WebClient }> } {
    let issued = 0;
    const app = new App({
      receiver,
      authorize: (source) => {
        issued += 1;
        return Promise.resolve({ botToken: `xoxe.xoxb-${source.teamId ?? ''}-${issued}`, teamId: source.teamId, botUserId: 'U0BOT' });
      },
      clientOptions: { slackApiUrl: slack.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    const received: Array<{ teamId: string; token: string; client: WebClient }> = [];
    app.command('/simplismart', async ({ ack, client, context, command }) => {
      await ack();
      received.push({ teamId: command.team_id, token: context.botToken ?? '', client });
      await client.auth.test();
    });
    return { app, received };
  }

  /** ROTATIONS commands from each of TEAMS workspaces, interleaved, each authorized with a new token. */
  async function drive(app: App): Promise<void> {
    for (let round = 0; round < ROTATIONS; round += 1) {
      for (let t = 0; t < TEAMS; t += 1) {
        const body = { command: '/simplismart', text: 'help', team_id: `T${t}`, user_id: 'U1', channel_id: 'C1', trigger_id: '1.2.3', response_url: 'http://127.0.0.1:9/unused', api_app_id: 'A1' };
        let acked = false;
        await app.processEvent({ body, ack: () => Promise.resolve(void (acked = true)) });
        expect(acked).toBe(true);
      }
    }
  }

  /** How many of the clients listeners received are still reachable, after a full collection. */
  async function stillAlive(refs: Array<WeakRef<WebClient>>): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    gc();
    return refs.filter((ref) => ref.deref() !== undefined).length;
  }

  test('listeners get the pool’s client for their workspace and latest token; rotated and evicted clients are collected', async () => {
    slack.clearCalls();
    const { app, received } = rotatingApp();
    const pool = boundBoltClients(app, new ClientsByWorkspace(MAX));
    const checks: string[] = [];
    await drive(app);
    expect(received).toHaveLength(TEAMS * ROTATIONS);
    for (const [i, r] of received.entries()) {
      // The client each listener got speaks with that payload's token: the one Slack saw.
      if (r.client.token !== r.token) checks.push(`payload ${i}: client has ${r.client.token}, payload ${r.token}`);
    }
    expect(checks).toEqual([]);
    expect(slack.callsTo('auth.test').map((c) => c.token)).toEqual(received.map((r) => r.token));
    // The last payload's client is the one the pool keeps for its workspace (Bolt asked our pool for it).
    const last = received.at(-1)!;
    expect({ keptIsTheListenersClient: pool.peek(last.teamId) === last.client }).toEqual({ keptIsTheListenersClient: true });
    expect(pool.size).toBe(MAX);

    const refs = received.map((r) => new WeakRef(r.client));
    received.length = 0;
    expect(await stillAlive(refs)).toBeLessThanOrEqual(MAX);
  });

  test('a Bolt App left alone keeps a client for every token it ever saw (what the bound is for)', async () => {
    const { app, received } = rotatingApp();
    await drive(app);
    const refs = received.map((r) => new WeakRef(r.client));
    received.length = 0;
    // If this fails, Bolt no longer keeps a client per token: the bound in src/slack/clientPool.ts may be dropped.
    expect(await stillAlive(refs)).toBe(TEAMS * ROTATIONS);
  });

  test('the bot refuses to start on a Bolt whose App has no `clients` of its own to replace', () => {
    const { app } = rotatingApp();
    delete (app as unknown as Record<string, unknown>)['clients'];
    expect(() => boundBoltClients(app)).toThrow(/Bolt no longer keeps its per-workspace Web API clients/);
  });
});
