// Self-tests of the test world: settled() waits for the whole end of an import (and says at once when
// it ended otherwise), a world's teardown stops and reports whatever failed, useBot's parts cannot be
// used before they exist, the local servers close their connections, and the local Slack knows whom
// each bot token speaks for.
import { Agent, request } from 'node:http';
import { WebClient } from '@slack/web-api';
import pg from 'pg';
import { openImportModal, pause, requestIdIn, SIGNING_SECRET, submitModal } from '../support/bot.js';
import { startFakeSlack } from '../support/fakeSlack.js';
import { validImportValues } from '../support/fixtures.js';
import { freePort, startLocalServer } from '../support/localServer.js';
import { ADMIN_DATABASE_URL } from '../support/postgres.js';
import { postgresDatabase, useBot, withWorld } from '../support/world.js';

describe('settled()', () => {
  const { bot, slack, simplismart, settled } = useBot({ freshFakes: true });

  async function submitImport(): Promise<string> {
    const view = await openImportModal(bot, slack, { text: 'provider=aws' });
    return requestIdIn(await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2' })));
  }

  test('resolves only once the parent says the end state, after the outcome reply', async () => {
    // Every update of the parent arrives late.
    slack.onCall('chat.update', async () => {
      await pause(300);
      return undefined;
    });
    const id = await submitImport();
    const { request, parent, said, outcome } = await settled(id, 'succeeded');
    expect(request.state).toBe('succeeded');
    expect(parent.text).toMatch(/^Imported: /);
    expect(slack.message(request.thread!.channel, request.thread!.ts).text).toMatch(/^Imported: /);
    expect(said).toContain('is imported into Simplismart');
    expect(outcome.thread_ts).toBe(request.thread!.ts);
  });

  test('says at once that the request ended otherwise, rather than waiting out its time', async () => {
    simplismart.nextResponse({ kind: 'respond', status: 400, body: { error: 'Region is required' } });
    const id = await submitImport();
    const started = Date.now();
    await expect(settled(id, 'succeeded', { timeoutMs: 10_000 })).rejects.toThrow(/"state": "failed"/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('refuses a state where no request ends', async () => {
    await expect(settled('ir-abcdefgh', 'pending_approval')).rejects.toThrow(/not where a request ends/);
  });
});

describe('a world that stops', () => {
  test('stops every bot, closes the local servers and drops the database even when a bot leaked a secret; then reports the leak', async () => {
    let slackUrl = '';
    let databaseName = '';
    await expect(
      withWorld({ database: postgresDatabase, replicas: 2 }, async ({ bots, slack, database }) => {
        slackUrl = slack.url;
        databaseName = database.name;
        bots[0]!.logs.push(`{"level":30,"msg":"oops ${SIGNING_SECRET}"}`);
      }),
    ).rejects.toThrow(/Secrets leaked:\nthe signing secret in the logs/);
    await expect(fetch(`${slackUrl}/api/api.test`)).rejects.toThrow(/fetch failed/);
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
      expect(found.rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });

  test('a failure of the test itself is the one reported', async () => {
    await expect(
      withWorld({}, async ({ bot }) => {
        bot.logs.push(`{"level":30,"msg":"oops ${SIGNING_SECRET}"}`);
        throw new Error('the test failed first');
      }),
    ).rejects.toThrow('the test failed first');
  });
});

describe('useBot before its beforeAll', () => {
  const world = useBot({ replicas: 0 });
  let early: unknown;
  try {
    void world.slack.url;
  } catch (error) {
    early = error;
  }

  test('its parts throw, saying so, when used while the tests are being collected', () => {
    expect(String(early)).toMatch(/used before its beforeAll started it/);
  });

  test('and stand for the real ones afterwards', () => {
    expect(world.slack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(world.bots).toHaveLength(0);
  });
});

describe('the local servers', () => {
  test('close() ends a keep-alive connection at once', async () => {
    const server = await startLocalServer('test server', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'keep-alive' });
      res.end('ok');
    });
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request(server.url, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  test('a handler that throws is answered 500, naming the server', async () => {
    const server = await startLocalServer('test server', async () => {
      throw new Error('broken stand-in');
    });
    try {
      const res = await fetch(server.url);
      expect([res.status, await res.text()]).toEqual([500, 'test server error: Error: broken stand-in']);
    } finally {
      await server.close();
    }
  });

  test('freePort() gives a port where connecting is refused', async () => {
    await expect(fetch(`http://127.0.0.1:${await freePort()}/`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  });
});

describe('the local Slack and bot tokens', () => {
  test('each known token speaks for its own team and bot; an unknown one is refused, a missing one too', async () => {
    const slack = await startFakeSlack({
      teamId: 'T0ONE',
      tokens: { 'xoxb-one': { teamId: 'T0ONE', botUserId: 'U0BOTONE' }, 'xoxb-two': { teamId: 'T0TWO', botUserId: 'U0BOTTWO', botId: 'B0TWO' } },
      channels: { C0CHAN: { team_id: 'T0TWO' } },
    });
    try {
      const client = (token?: string) => new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
      expect(await client('xoxb-one').auth.test()).toMatchObject({ team_id: 'T0ONE', user_id: 'U0BOTONE' });
      expect(await client('xoxb-two').auth.test()).toMatchObject({ team_id: 'T0TWO', user_id: 'U0BOTTWO', bot_id: 'B0TWO' });
      const posted = await client('xoxb-two').chat.postMessage({ channel: 'C0CHAN', text: 'hi' });
      expect(posted.message).toMatchObject({ team: 'T0TWO', user: 'U0BOTTWO', bot_id: 'B0TWO' });
      // The other workspace's token finds no such channel, as Slack answers.
      await expect(client('xoxb-one').chat.postMessage({ channel: 'C0CHAN', text: 'hi' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
      await expect(client('xoxb-three').auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
      await expect(client().auth.test()).rejects.toMatchObject({ data: { error: 'not_authed' } });
    } finally {
      await slack.close();
    }
  });
});
