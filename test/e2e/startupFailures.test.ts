// What goes wrong at start on a real deployment, each told by the built process as one line on stderr
// naming the variable or the thing to fix, never a secret, and exit 1 within seconds: Slack unreachable,
// SLACK_APP_TOKEN refused, the port taken (both modes), DATA_DIR not writable, a token pasted with a space,
// neither way to run configured, the app's OAuth credentials refused.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/bot.js';
import { buildBot, processEnv, within, type BuiltBot, type Exit } from '../support/builtBot.js';
import { freePort } from '../support/localServer.js';
import { CLIENT_SECRET, OAUTH_ENV, STATE_SECRET } from '../support/oauth.js';
import { useBot } from '../support/world.js';

const APP_TOKEN = 'xapp-1-A0FAKEAPP01-1234567890-startupfailuretoken';
const SECRETS = [SIGNING_SECRET, BOT_TOKEN, APP_TOKEN, CLIENT_SECRET, STATE_SECRET];
/** Far less than today's 16–20 s of retries for an unreachable Slack; the bot's own bound is 10 s. */
const QUICKLY_MS = 10_000;

const { slack } = useBot({ replicas: 0 });
let built: BuiltBot;
let case_ = 0;

beforeAll(async () => {
  built = await buildBot();
}, 60_000);

afterAll(() => built?.remove());

async function env(overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  case_ += 1;
  return processEnv({ slack, port: await freePort(), dataDir: join(built.dir, `data-${case_}`) }, overrides);
}

interface Failure {
  exit: Exit;
  ms: number;
  line: string;
}

/** Starts the bot, which must exit 1 with exactly one line on stderr and no secret anywhere. */
async function failsToStart(variables: Record<string, string>, options: { user?: { uid: number; gid: number } } = {}): Promise<Failure> {
  const started = Date.now();
  const bot = built.spawn(variables, options);
  const exit = await within(bot.exited, 20_000, 'the bot exits');
  const stderr = bot.stderr();
  expect({ code: exit.code, stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/^[^\n]+\n$/) });
  for (const secret of [...SECRETS, ...Object.values(variables).filter((v) => v.length >= 20 && /^(xox|xapp)/.test(v.trim()))]) {
    expect(stderr).not.toContain(secret.trim());
    expect(bot.stdout()).not.toContain(secret.trim());
  }
  expect(stderr).not.toMatch(/\s at |Unhandled 'error' event/); // a sentence, not a stack
  return { exit, ms: exit.at - started, line: stderr.trim() };
}

describe('Slack cannot be reached at start', () => {
  test('a host that does not resolve: names SLACK_API_URL and the network, within seconds', async () => {
    const failure = await failsToStart(await env({ SLACK_API_URL: 'http://slack.invalid/api/' }));
    expect(failure.line).toMatch(/SLACK_API_URL/);
    expect(failure.line).toMatch(/network/);
    expect(failure.line).toMatch(/slack\.invalid \((ENOTFOUND|EAI_AGAIN)\)/);
    expect(failure.ms).toBeLessThan(QUICKLY_MS);
  }, 30_000);

  test('nothing listening there: names SLACK_API_URL and the network, within seconds', async () => {
    const port = await freePort();
    const failure = await failsToStart(await env({ SLACK_API_URL: `http://127.0.0.1:${port}/api/` }));
    expect(failure.line).toMatch(/cannot reach Slack’s Web API at 127\.0\.0\.1:\d+ \(ECONNREFUSED\).*SLACK_API_URL/);
    expect(failure.ms).toBeLessThan(QUICKLY_MS);
  }, 30_000);

  test('a URL that is not the Web API (HTTP 404): names SLACK_API_URL', async () => {
    const failure = await failsToStart(await env({ SLACK_API_URL: `${slack.url}/not-the-api/` }));
    expect(failure.line).toMatch(/answered auth\.test with HTTP 404: check SLACK_API_URL/);
    expect(failure.ms).toBeLessThan(QUICKLY_MS);
  }, 30_000);
});

test('SLACK_APP_TOKEN refused by Slack (invalid_auth): names SLACK_APP_TOKEN and where to make one', async () => {
  slack.onCall('apps.connections.open', () => ({ ok: false, error: 'invalid_auth' }));
  try {
    const failure = await failsToStart(await env({ SLACK_APP_TOKEN: APP_TOKEN }));
    expect(failure.line).toMatch(/SLACK_APP_TOKEN was refused by Slack \(invalid_auth\)/);
    expect(failure.line).toMatch(/App-Level Tokens/);
    expect(failure.ms).toBeLessThan(QUICKLY_MS);
  } finally {
    slack.offCall('apps.connections.open');
  }
}, 30_000);

describe('installable in any workspace (SLACK_CLIENT_ID…)', () => {
  test('neither SLACK_BOT_TOKEN nor the OAuth variables: one line naming both ways to run', async () => {
    const failure = await failsToStart(await env({ SLACK_BOT_TOKEN: '' }));
    expect(failure.line).toMatch(/^Configuration error: SLACK_BOT_TOKEN is required: .* or, to let any workspace install the app, set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET instead$/);
  }, 30_000);

  test('a client secret Slack refuses: names SLACK_CLIENT_SECRET and where to copy it from, at start rather than at the first install', async () => {
    slack.onCall('oauth.v2.access', () => ({ ok: false, error: 'bad_client_secret' }));
    try {
      const failure = await failsToStart(await env({ ...OAUTH_ENV }));
      expect(failure.line).toBe('Configuration error: SLACK_CLIENT_SECRET was refused by Slack (bad_client_secret): copy the Client Secret again from Basic Information → App Credentials');
      expect(failure.ms).toBeLessThan(QUICKLY_MS);
    } finally {
      slack.offCall('oauth.v2.access');
    }
  }, 30_000);
});

describe('the port is taken', () => {
  let holder: Server;
  let port: number;

  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    port = (holder.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((r) => holder.close(r));
  });

  test.each([
    ['HTTP mode', {}],
    ['Socket Mode', { SLACK_APP_TOKEN: APP_TOKEN }],
  ])('%s: names PORT and HOST, no stack', async (_mode, extra) => {
    const failure = await failsToStart(await env({ PORT: String(port), ...extra }));
    expect(failure.line).toBe(
      `Configuration error: PORT ${port} is already in use on HOST 127.0.0.1: stop what listens there, or set PORT to a free port`,
    );
  }, 30_000);

  test('a HOST that is not an address of this machine: names HOST', async () => {
    const failure = await failsToStart(await env({ HOST: '192.0.2.1' })); // TEST-NET-1, never local
    expect(failure.line).toMatch(/HOST 192\.0\.2\.1 is not an address of this machine \(EADDRNOTAVAIL\)/);
  }, 30_000);
});

describe('DATA_DIR cannot be written', () => {
  test('a file stands where the folder should be: names DATA_DIR', async () => {
    const file = join(built.dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const failure = await failsToStart(await env({ DATA_DIR: join(file, 'data') }));
    expect(failure.line).toMatch(/^Configuration error: DATA_DIR \(.+\) is not a folder this process can write \(ENOTDIR/);
  }, 30_000);

  test('a folder without write permission for the bot’s user: names DATA_DIR', async () => {
    const folder = join(built.dir, 'read-only');
    // Root writes anywhere: run the bot as nobody then, facing root's folder (0755).
    const asRoot = process.getuid?.() === 0;
    mkdirSync(folder, { mode: asRoot ? 0o755 : 0o555 });
    const failure = await failsToStart(await env({ DATA_DIR: join(folder, 'data') }), asRoot ? { user: { uid: 65534, gid: 65534 } } : {});
    expect(failure.line).toMatch(/^Configuration error: DATA_DIR \(.+\) is not a folder this process can write \(EACCES: permission denied\)/);
  }, 30_000);
});

test('SLACK_BOT_TOKEN with a trailing space: told about the space, not that it lacks xoxb-', async () => {
  const failure = await failsToStart(await env({ SLACK_BOT_TOKEN: `${BOT_TOKEN} ` }));
  expect(failure.line).toBe('Configuration error: SLACK_BOT_TOKEN has a space at its end: remove it (the value is used exactly as written)');
}, 30_000);
