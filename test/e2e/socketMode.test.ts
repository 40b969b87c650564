// Socket Mode (the manifest's default): the bot asks Slack for a WebSocket URL, receives payloads as
// envelopes over it and acks each one on it; /healthz and /readyz are served on PORT all the while, and
// — when any workspace may install the app — the install page and the OAuth redirect too.
import { WebSocketServer, type WebSocket } from 'ws';
import { eventually, type TestBot } from '../support/bot.js';
import { ALICE, CHANNEL, TEAM } from '../support/fixtures.js';
import { freePort } from '../support/localServer.js';
import { functionExecuted, slashCommand } from '../support/slackRequests.js';
import { STEP } from '../../src/domain/stepExecution.js';
import { useBot, withWorld } from '../support/world.js';

const APP_TOKEN = 'xapp-1-A0FAKEAPP01-1234567890-socketmodetesttoken';

/** The bot's PORT, where it serves /healthz and /readyz beside the socket. */
const port = await freePort();
let wss: WebSocketServer;
const sockets: WebSocket[] = [];
const fromBot: Array<{ envelope_id?: string; payload?: unknown }> = [];

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data: Buffer) => fromBot.push(JSON.parse(data.toString('utf8')) as { envelope_id?: string }));
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FAKEAPP01' } }));
  });
});

const { slack, startBot } = useBot({
  env: { SLACK_APP_TOKEN: APP_TOKEN, PORT: String(port) },
  beforeStart: ({ slack }) => {
    const wsPort = (wss.address() as { port: number }).port;
    slack.onCall('apps.connections.open', () => ({ ok: true, url: `ws://127.0.0.1:${wsPort}/link/?ticket=test` }));
  },
});

// After useBot's afterAll has stopped the bots, which close with a close frame: let that handshake
// finish (answered by the server) before closing the server.
afterAll(async () => {
  await Promise.all(
    sockets.map((socket) =>
      socket.readyState === socket.CLOSED ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve())),
    ),
  );
  await new Promise((resolve) => wss.close(resolve));
});

/** Slack sends a slash command as an envelope; resolves with the bot's ack envelope. */
async function sendCommand(text: string, envelopeId: string, teamId = TEAM): Promise<{ envelope_id?: string; payload?: unknown }> {
  const { payload } = slashCommand({ teamId, userId: ALICE, channelId: CHANNEL, text });
  sockets.at(-1)!.send(JSON.stringify({ envelope_id: envelopeId, type: 'slash_commands', accepts_response_payload: true, payload }));
  let ack: { envelope_id?: string; payload?: unknown } | undefined;
  await eventually(() => {
    ack = fromBot.find((m) => m.envelope_id === envelopeId);
    expect(ack).toBeDefined();
  });
  return ack!;
}

test('connects with the app token and serves /healthz and /readyz on PORT', async () => {
  const open = slack.callsTo('apps.connections.open');
  expect(open.length).toBeGreaterThan(0);
  expect(open[0]!.token).toBe(APP_TOKEN);
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
});

test('a command over the socket is acked on the socket with its answer', async () => {
  const ack = await sendCommand('help', 'env-help-1');
  expect(JSON.stringify(ack.payload)).toContain('/simplismart import');
});

test('`/simplismart import` over the socket opens the form with the command’s trigger', async () => {
  const before = slack.callsTo('views.open').length;
  await sendCommand('import provider=gcp', 'env-import-1');
  const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= before);
  expect(JSON.stringify(call.args['view'])).toContain('cluster_region');
});

test('a Workflow Builder step over the socket: its events_api envelope is acked on the socket, and the step completes', async () => {
  const groups = JSON.stringify([{ name: 'gpu-pool', is_auxilliary: false, node_config: { machine_type: 'g5.2xlarge', capacity_type: 'ON_DEMAND', min_node_count: 0, max_node_count: 3 } }]);
  const execution = slack.startExecution(STEP.importCluster, TEAM, { name: 'Socket Step Cluster', provider: 'aws', region: 'us-west-2', node_groups: groups, channel: CHANNEL, requester: ALICE });
  const { payload } = functionExecuted(execution);
  sockets.at(-1)!.send(JSON.stringify({ envelope_id: 'env-step-1', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload }));
  await eventually(() => expect(fromBot.find((m) => m.envelope_id === 'env-step-1')).toBeDefined());
  await eventually(() => expect(slack.execution(execution.id).state).toBe('completed'));
  expect(slack.execution(execution.id).outputs).toMatchObject({ status: 'imported' });
});

test('installable in any workspace: the install page and the redirect are served on PORT, and a payload is answered with its workspace’s own token', async () => {
  const installPort = await freePort();
  await withWorld(
    {
      env: { SLACK_APP_TOKEN: APP_TOKEN, PORT: String(installPort) },
      slack: { users: { [ALICE]: { is_admin: true } } },
      oauth: { installs: [{ teamId: TEAM, userId: ALICE }] },
      beforeStart: ({ slack: own }) => {
        const wsPort = (wss.address() as { port: number }).port;
        own.onCall('apps.connections.open', () => ({ ok: true, url: `ws://127.0.0.1:${wsPort}/link/?ticket=oauth` }));
      },
    },
    async ({ bot, slack: own }: { bot: TestBot; slack: typeof slack }) => {
      // The world installed TEAM through http://127.0.0.1:<PORT>/slack/install and /slack/oauth_redirect.
      expect(bot.url).toBe(`http://127.0.0.1:${installPort}`);
      expect(await bot.store.getInstallation(`team:${TEAM}`)).toBeDefined();
      expect((await fetch(`http://127.0.0.1:${installPort}/slack/install`)).status).toBe(200);
      const before = own.callsTo('views.open').length;
      await sendCommand('import provider=gcp', 'env-oauth-1');
      const call = await own.waitFor('views.open', (c) => own.callsTo('views.open').indexOf(c) >= before);
      expect(call.token).toBe(own.install(TEAM)!.botToken);
    },
  );
});

// Declared last: it connects a second bot, whose socket becomes the newest one.
test('HOST is honoured: the health server listens on that address only', async () => {
  const host = '127.0.0.2'; // loopback too, but another address than 127.0.0.1
  const otherPort = await freePort();
  const second = await startBot({ env: { SLACK_APP_TOKEN: APP_TOKEN, PORT: String(otherPort), HOST: host } });
  expect(second.url).toBe(`http://${host}:${otherPort}`);
  expect((await fetch(`http://${host}:${otherPort}/healthz`)).status).toBe(200);
  await expect(fetch(`http://127.0.0.1:${otherPort}/healthz`)).rejects.toThrow();
  await second.stop();
});
