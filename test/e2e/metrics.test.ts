// GET /metrics over real HTTP, read as Prometheus reads it, after what people do: an import that
// succeeds, one that fails, one that waits for approval; the bearer token in both modes; and labels
// that stay a fixed, small set whoever sends whatever (no team, user, cluster name or message in them).
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_BACKGROUND_CONCURRENCY } from '../../src/process/config.js';
import type { ImportRequest } from '../../src/domain/importRequest.js';
import { eventually, findButton, openImportModal, requestIdIn, runCommand, submitAndWaitForCard, submitModal, type TestBot } from '../support/bot.js';
import { simplismartFaults } from '../support/fakeSimplismart.js';
import { ADMIN, ALICE, BOB, CHANNEL, TEAM, validImportValues } from '../support/fixtures.js';
import { freePort } from '../support/localServer.js';
import { grew, scrape, valueOf, type Sample } from '../support/metrics.js';
import { blockActions, slashCommand } from '../support/slackRequests.js';
import { postgresBehindProxy, type StoreOutage } from '../support/storeOutages.js';
import { useBot, withWorld } from '../support/world.js';

const P = 'simplismart_slack_';
const IMPORT = { kind: 'import_cluster' };
const IMPORT_ENDPOINT = '/infrastructure/clusters/existing';
const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`;
const USERS = { [ALICE]: {}, [BOB]: {}, [ADMIN]: { is_admin: true } };

const { bot, slack, simplismart, settled } = useBot({ slack: { users: USERS }, freshFakes: true });

async function samples(of: TestBot = bot): Promise<Sample[]> {
  const answer = await scrape(of.url);
  expect(answer.status).toBe(200);
  return answer.samples;
}

/** Alice imports cluster `name` (no approval needed); resolves with the request's id once it ended in `state`. */
async function importCluster(name: string, state: 'succeeded' | 'failed'): Promise<string> {
  const view = await openImportModal(bot, slack, { text: 'provider=aws' });
  const id = requestIdIn(await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: name })));
  await settled(id, state);
  return id;
}

test('after a successful import: the request, its time, the POST, Slack’s calls and the acks are counted; process metrics are there', async () => {
  const before = await samples();
  await importCluster('Metrics cluster one', 'succeeded');
  const answer = await scrape(bot.url);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const after = answer.samples;

  expect(grew(before, after, `${P}requests_submitted_total`, { ...IMPORT, approval: 'none' })).toBe(1);
  expect(grew(before, after, `${P}requests_total`, { ...IMPORT, state: 'succeeded' })).toBe(1);
  expect(grew(before, after, `${P}requests_total`, { ...IMPORT, state: 'failed' })).toBe(0);
  expect(grew(before, after, `${P}request_duration_seconds_count`, { ...IMPORT, state: 'succeeded' })).toBe(1);
  expect(grew(before, after, `${P}simplismart_requests_total`, { endpoint: IMPORT_ENDPOINT, status_class: '2xx' })).toBe(1);
  expect(grew(before, after, `${P}simplismart_request_duration_seconds_count`, { endpoint: IMPORT_ENDPOINT, status_class: '2xx' })).toBe(1);
  // The command's modal, the submission's thread: every call this import made answered ok.
  expect(grew(before, after, `${P}slack_api_calls_total`, { method: 'views.open', result: 'ok' })).toBe(1);
  expect(grew(before, after, `${P}slack_api_calls_total`, { method: 'chat.postMessage', result: 'ok' })).toBe(slack.callsTo('chat.postMessage').length);
  expect(grew(before, after, `${P}slack_api_calls_total`, { result: 'ok' })).toBe(grew(before, after, `${P}slack_api_calls_total`));
  expect(grew(before, after, `${P}slack_api_call_duration_seconds_count`, { method: 'views.open' })).toBe(1);
  expect(grew(before, after, `${P}ack_duration_seconds_count`, { type: 'command' })).toBe(1);
  expect(grew(before, after, `${P}ack_duration_seconds_count`, { type: 'view_submission' })).toBe(1);
  // Acks on loopback take well under a second.
  expect(grew(before, after, `${P}ack_duration_seconds_bucket`, { type: 'command', le: '1' })).toBe(1);
  expect(valueOf(after, `${P}store_errors_total`)).toBeUndefined();
  // Gauges read when scraped: nothing waits for approval, nothing left in the background.
  expect(valueOf(after, `${P}pending_approvals`, IMPORT)).toBe(0);
  expect(valueOf(after, `${P}pending_approvals`, { kind: 'add_node_groups' })).toBe(0);
  expect(valueOf(after, `${P}background_tasks`)).toBeGreaterThanOrEqual(0);
  // BACKGROUND_CONCURRENCY's default, or 1 if the test machine's loop happened to be saturated.
  expect([1, DEFAULT_BACKGROUND_CONCURRENCY]).toContain(valueOf(after, `${P}background_slots`));
  // prom-client's process metrics, on the bot's own registry.
  expect(valueOf(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  expect(valueOf(after, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  expect(valueOf(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  expect(answer.text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
});

test('after a failed import: counted as failed, its POST as 5xx; the earlier success stays as it was', async () => {
  const before = await samples();
  simplismart.nextResponse(simplismartFaults.serverError('the disk is full'));
  await importCluster('Metrics cluster two', 'failed');
  const after = await samples();
  expect(grew(before, after, `${P}requests_total`, { ...IMPORT, state: 'failed' })).toBe(1);
  expect(grew(before, after, `${P}requests_total`, { ...IMPORT, state: 'succeeded' })).toBe(0);
  expect(valueOf(after, `${P}requests_total`, { ...IMPORT, state: 'succeeded' })).toBe(1);
  expect(grew(before, after, `${P}request_duration_seconds_count`, { ...IMPORT, state: 'failed' })).toBe(1);
  expect(grew(before, after, `${P}simplismart_requests_total`, { endpoint: IMPORT_ENDPOINT, status_class: '5xx' })).toBe(1);
  expect(grew(before, after, `${P}simplismart_requests_total`, { status_class: '2xx' })).toBe(0);
});

test('a Slack error and a 429 are counted by method and result, the error by its code', async () => {
  const before = await samples();
  slack.failNext('views.open', { error: 'expired_trigger_id' });
  expect((await runCommand(bot, 'import provider=aws')).status).toBe(200);
  await slack.waitFor('views.open');
  slack.failNext('views.open', { status: 429, retryAfterSeconds: 1 });
  expect((await runCommand(bot, 'import provider=aws')).status).toBe(200);
  await eventually(async () => {
    const after = await samples();
    expect(grew(before, after, `${P}slack_api_calls_total`, { method: 'views.open', result: 'expired_trigger_id' })).toBe(1);
    expect(grew(before, after, `${P}slack_api_calls_total`, { method: 'views.open', result: 'rate_limited' })).toBe(1);
  });
});

test('labels stay one small fixed set whatever teams, people, cluster names and messages come, and carry none of them', async () => {
  const typed: string[] = [];
  const round = async (i: number): Promise<void> => {
    const tag = randomBytes(4).toString('hex');
    const user = `U0CARD${tag.toUpperCase()}`;
    const team = `T0CARD${tag.toUpperCase()}`;
    const name = `Cardinality ${tag} cluster`;
    const message = `quota exceeded for ${tag}`;
    const code = `odd_error_${tag}`;
    typed.push(user, team, name, message, code, tag);
    slack.setUser(user, {});
    // A command from a workspace nobody connected, with a text nobody expects.
    await runCommand(bot, `frobnicate ${tag}`, { teamId: team, userId: user });
    // A Slack error nobody listed.
    slack.failNext('views.open', { error: code });
    await runCommand(bot, 'import provider=aws', { userId: user });
    await slack.waitFor('views.open', (c) => c.response?.error === code);
    // An import that fails with its own message (422 or 500 in turn).
    simplismart.nextResponse(i % 2 === 0 ? simplismartFaults.fieldErrors({ name: [message] }) : simplismartFaults.serverError(message));
    const view = await openImportModal(bot, slack, { userId: user, text: 'provider=aws' });
    const id = requestIdIn(await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: name }), { userId: user }));
    await settled(id, 'failed');
  };
  const labelSets = (all: Sample[]) =>
    new Set(all.filter((s) => s.name.startsWith(P)).map((s) => `${s.name.replace(/_(bucket|sum|count)$/, '')}${JSON.stringify({ ...s.labels, le: undefined })}`));

  await round(0);
  await round(1);
  const warm = labelSets(await samples());
  for (let i = 2; i < 8; i += 1) await round(i);
  const after = await samples();
  expect([...labelSets(after)].sort()).toEqual([...warm].sort());
  const values = after.flatMap((s) => Object.values(s.labels));
  for (const input of [...typed, TEAM, ALICE, CHANNEL]) {
    expect(values.filter((v) => v === input || v.includes(input))).toEqual([]);
  }
  // Unknown error codes are one value; every failure was counted.
  expect(valueOf(after, `${P}slack_api_calls_total`, { method: 'views.open', result: 'other_error' })).toBeGreaterThanOrEqual(8);
  expect(valueOf(after, `${P}requests_total`, { ...IMPORT, state: 'failed' })).toBeGreaterThanOrEqual(8);
  expect(grew([], after, `${P}simplismart_requests_total`, { status_class: '4xx' })).toBeGreaterThanOrEqual(4);
});

test('a request that waits for approval: pending while it waits, then its wait is measured', async () => {
  await withWorld({ slack: { users: USERS } }, async ({ bot: own, slack: ownSlack, clock }) => {
    await own.store.saveApprovalPolicy(
      TEAM,
      { required: true, approverUserIds: [BOB], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' },
      ADMIN,
      clock.now(),
    );
    const request: ImportRequest = await submitAndWaitForCard(own, ownSlack, { userId: ALICE, name: 'Waiting cluster' });
    const waiting = await samples(own);
    expect(valueOf(waiting, `${P}pending_approvals`, IMPORT)).toBe(1);
    expect(valueOf(waiting, `${P}requests_submitted_total`, { ...IMPORT, approval: 'required' })).toBe(1);

    clock.advance(120_000);
    const ref = request.cards[0]!;
    const card = ownSlack.message(ref.channel, ref.ts) as { channel: string; blocks: unknown[] };
    const { blockId } = findButton(card.blocks, 'request_approve');
    const response = await own.send(blockActions({ teamId: TEAM, userId: BOB, actionId: 'request_approve', blockId, message: card, channelId: card.channel, responseUrl: ownSlack.responseUrl() }));
    expect(response.status).toBe(200);
    await eventually(async () => expect((await own.store.getRequest(request.id))?.state).toBe('succeeded'));

    const decided = await samples(own);
    expect(valueOf(decided, `${P}pending_approvals`, IMPORT)).toBe(0);
    expect(valueOf(decided, `${P}approval_wait_seconds_count`, { ...IMPORT, decision: 'approved' })).toBe(1);
    // The wait is the domain's clock from submission to decision: at least the two minutes it moved.
    expect(valueOf(decided, `${P}approval_wait_seconds_sum`, { ...IMPORT, decision: 'approved' })).toBeGreaterThanOrEqual(120);
    expect(valueOf(decided, `${P}approval_wait_seconds_bucket`, { ...IMPORT, decision: 'approved', le: '60' })).toBe(0);
    expect(valueOf(decided, `${P}requests_total`, { ...IMPORT, state: 'succeeded' })).toBe(1);
    expect(valueOf(decided, `${P}ack_duration_seconds_count`, { type: 'block_actions' })).toBe(1);
  });
});

test('the database down at scrape time: /metrics still answers at once, without pending approvals, and counts the failures', async () => {
  await withWorld<StoreOutage>({ database: postgresBehindProxy }, async ({ bot: own, database }) => {
    expect(valueOf(await samples(own), `${P}pending_approvals`, IMPORT)).toBe(0);
    await database.breakIt();
    // Readiness sees it too, and counts it as a failed health check.
    expect((await fetch(new URL('/readyz', own.url))).status).toBe(503);
    const started = Date.now();
    const answer = await scrape(own.url);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(answer.status).toBe(200);
    expect(valueOf(answer.samples, `${P}pending_approvals`)).toBeUndefined();
    expect(valueOf(answer.samples, `${P}scrape_errors_total`, { source: 'pending_approvals' })).toBe(1);
    expect(valueOf(answer.samples, `${P}store_errors_total`, { operation: 'health' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(answer.samples, `${P}background_tasks`)).toBeGreaterThanOrEqual(0);
    expect(valueOf(answer.samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    await database.mendIt();
    await eventually(async () => expect(valueOf(await samples(own), `${P}pending_approvals`, IMPORT)).toBe(0), 10_000);
  });
}, 30_000);

describe('METRICS_TOKEN', () => {
  async function expectGuarded(url: string): Promise<void> {
    for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(1)}`, `Basic ${Buffer.from(`prometheus:${METRICS_TOKEN}`).toString('base64')}`, METRICS_TOKEN]) {
      const refused = await scrape(url, authorization === undefined ? {} : { authorization });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(refused.text).not.toContain(P);
      expect(refused.text).not.toContain(METRICS_TOKEN);
    }
    const allowed = await scrape(url, { token: METRICS_TOKEN });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain(`${P}ack_duration_seconds`);
    expect(allowed.text).not.toContain(METRICS_TOKEN);
    expect((await scrape(url, { authorization: `bearer   ${METRICS_TOKEN}` })).status).toBe(200);
  }

  test('HTTP mode: 401 with WWW-Authenticate without it or with another, 200 with it; never logged', async () => {
    await withWorld({ env: { METRICS_TOKEN } }, async ({ bot: own }) => {
      await expectGuarded(own.url);
      // /healthz and /readyz stay open to the kubelet.
      expect((await fetch(new URL('/healthz', own.url))).status).toBe(200);
      expect(own.logs.join('\n')).not.toContain(METRICS_TOKEN.slice(8));
    });
  });

  test('Socket Mode: /metrics is served on PORT, guarded the same, and counts the acks sent over the socket', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    const sockets: WebSocket[] = [];
    const fromBot: Array<{ envelope_id?: string }> = [];
    wss.on('connection', (socket) => {
      sockets.push(socket);
      socket.on('message', (data: Buffer) => fromBot.push(JSON.parse(data.toString('utf8')) as { envelope_id?: string }));
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FAKEAPP01' } }));
    });
    const port = await freePort();
    try {
      await withWorld(
        {
          env: { SLACK_APP_TOKEN: 'xapp-1-A0FAKEAPP01-1234567890-socketmodemetricstoken', PORT: String(port), METRICS_TOKEN },
          beforeStart: ({ slack: own }) => {
            const wsPort = (wss.address() as { port: number }).port;
            own.onCall('apps.connections.open', () => ({ ok: true, url: `ws://127.0.0.1:${wsPort}/link/?ticket=metrics` }));
          },
        },
        async ({ bot: own }) => {
          const url = `http://127.0.0.1:${port}`;
          expect(own.url).toBe(url);
          await expectGuarded(url);
          const { payload } = slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'help' });
          sockets.at(-1)!.send(JSON.stringify({ envelope_id: 'env-metrics-1', type: 'slash_commands', accepts_response_payload: true, payload }));
          await eventually(() => expect(fromBot.some((m) => m.envelope_id === 'env-metrics-1')).toBe(true));
          const after = (await scrape(url, { token: METRICS_TOKEN })).samples;
          expect(valueOf(after, `${P}ack_duration_seconds_count`, { type: 'command' })).toBe(1);
        },
      );
    } finally {
      await Promise.all(sockets.map((s) => (s.readyState === s.CLOSED ? Promise.resolve() : new Promise<void>((resolve) => s.once('close', () => resolve())))));
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});
