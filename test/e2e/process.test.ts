// The built app as a real process: compiled with the build config, production dependencies only,
// started with `node dist/main.js` against the fakes, on the SQLite default with a generated key.
// Readiness, a signed command, SIGTERM with an import in flight, and configuration errors at start.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqlDriver } from '../../src/store/openStore.js';
import { startFakeSimplismart, simplismartFaults, type FakeSimplismart } from '../support/fakeSimplismart.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { ALICE, BOT_TOKEN, CHANNEL, fakeJwt, HOSTED_ZONE, ORG, SECRET_ID, SIGNING_SECRET, TEAM, validImportValues } from '../support/bot.js';
import { fillModal } from '../support/modalState.js';
import { postToBot, slashCommand, viewSubmission } from '../support/slackRequests.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads and answers are free-form JSON. */
type Json = any;

/** Per-test limit: generous for a child process, still far under a minute for the file. */
const TEST_TIMEOUT_MS = 20_000;

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const NODE = process.execPath;
/** npm runs on the same Node as the tests. */
const PATH = `${dirname(NODE)}${delimiter}${process.env.PATH ?? ''}`;
const FALLBACK_TOKEN = fakeJwt({ exp: 4102444800 });
const GRACE_MS = 8000;

let work: string;
let slack: FakeSlack;
let simplismart: FakeSimplismart;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
}

const children = new Set<ChildProcess>();

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** `node dist/main.js` in the build folder with exactly `env` (plus PATH and HOME), no .env file. */
function spawnBot(env: Record<string, string>): Spawned {
  const child = spawn(NODE, ['dist/main.js'], {
    cwd: work,
    env: { PATH, HOME: process.env.HOME ?? work, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((r) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      r({ code, signal, at: Date.now() });
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

function baseEnv(port: number, dataDir: string): Record<string, string> {
  return {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    SIMPLISMART_API_URL: simplismart.url,
    SIMPLISMART_TOKEN: FALLBACK_TOKEN,
    SIMPLISMART_ORG: ORG,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
  };
}

async function waitUntilReady(url: string, exited: Promise<Exit>, timeoutMs = 5000): Promise<number> {
  const started = Date.now();
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() - started < timeoutMs) {
    if (gone) throw new Error('the bot exited before it was ready');
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(500) });
      if (response.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`/readyz did not answer 200 within ${timeoutMs} ms`);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ss-process-'));
  await run(NODE, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(work, 'dist')], ROOT);
  copyFileSync(join(ROOT, 'package.json'), join(work, 'package.json'));
  copyFileSync(join(ROOT, 'package-lock.json'), join(work, 'package-lock.json'));
  await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], work);
  slack = await startFakeSlack({ teamId: TEAM, users: { [ALICE]: {} } });
  simplismart = await startFakeSimplismart({ tokens: { [FALLBACK_TOKEN]: ORG } });
}, 45_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await slack?.close();
  await simplismart?.close();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

test('the build holds production dependencies only', () => {
  expect(existsSync(join(work, 'dist/main.js'))).toBe(true);
  expect(existsSync(join(work, 'node_modules/@slack/bolt'))).toBe(true);
  for (const dev of ['jest', 'typescript', 'ts-jest', 'eslint']) expect(existsSync(join(work, 'node_modules', dev))).toBe(false);
}, TEST_TIMEOUT_MS);

describe('a running bot (SQLite default, generated key)', () => {
  let bot: Spawned;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = join(work, 'data');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    bot = spawnBot(baseEnv(port, dataDir));
  });

  test('/readyz answers 200 within a few seconds; the key is generated owner-only, the database is SQLite', async () => {
    const ms = await waitUntilReady(url, bot.exited);
    expect(ms).toBeLessThan(5000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const keyFile = join(dataDir, 'encryption.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o077).toBe(0); // the data folder it created is the owner's alone
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(existsSync(join(dataDir, 'simplismart-slack.db'))).toBe(true);

    const key = readFileSync(keyFile, 'utf8').trim();
    const output = bot.stdout() + bot.stderr();
    expect(output).toContain('simplismart-slack is running');
    for (const secret of [key, BOT_TOKEN, SIGNING_SECRET, FALLBACK_TOKEN]) expect(output).not.toContain(secret);
  }, TEST_TIMEOUT_MS);

  test('a signed /simplismart help is answered; a badly signed one is refused', async () => {
    const request = slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'help' });
    const response = await postToBot(url, request, { signingSecret: SIGNING_SECRET });
    expect(response.status).toBe(200);
    expect(response.json.response_type).toBe('ephemeral');
    expect(JSON.stringify(response.json)).toContain('/simplismart import');
    const forged = await postToBot(url, request, { signingSecret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
  }, TEST_TIMEOUT_MS);

  test('SIGTERM with an import in flight: the import completes and is stored, then exit 0 within the grace period', async () => {
    const responseUrl = slack.responseUrl();
    await postToBot(url, slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'import provider=aws', responseUrl }), {
      signingSecret: SIGNING_SECRET,
    });
    const opened = await slack.waitFor('views.open', undefined, { timeoutMs: 5000 });
    const view: Json = slack.view(opened.response.view.id);
    simplismart.setBehaviour(simplismartFaults.slow(1000));
    const values = validImportValues({ cluster_region: 'us-west-2', cluster_hostedZone: HOSTED_ZONE, cluster_secretId: SECRET_ID });
    const submitted = await postToBot(url, viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: fillModal(view, values) }), {
      signingSecret: SIGNING_SECRET,
    });
    expect(submitted.json).toMatchObject({ response_action: 'update' });

    const [post] = await simplismart.waitForRequest(undefined, { timeoutMs: 5000 });
    expect(post!.outcome).toBeUndefined(); // still waiting for its answer
    const signalledAt = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await withTimeout(bot.exited, GRACE_MS + 5000, 'exit after SIGTERM');
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS);
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(500); // it waited for the import

    expect(post!.outcome).toBe('answered');
    expect(post!.status).toBe(201);
    expect(post!.headers.authorization).toBe(`Bearer ${FALLBACK_TOKEN}`);
    expect(simplismart.importRequests()).toHaveLength(1);

    const driver = await openSqlDriver(`sqlite:${join(dataDir, 'simplismart-slack.db')}`);
    try {
      const rows = await driver.query<{ state: string; outcome: string | null; source_key: string }>(
        'SELECT state, outcome, source_key FROM import_requests',
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.source_key).toBe(view.id);
      expect(rows[0]!.state).toBe('succeeded');
      expect(rows[0]!.outcome).toContain(simplismart.clusters[0]!.uuid);
    } finally {
      await driver.close();
    }
    expect(slack.messages().some((m) => JSON.stringify(m.blocks).includes('is imported into Simplismart'))).toBe(true);
    expect(bot.stdout()).toContain('stopped cleanly');
    expect(bot.stderr()).toBe('');
  }, TEST_TIMEOUT_MS);
});

describe('configuration errors stop the bot with one line', () => {
  async function startExpectingFailure(env: Record<string, string>): Promise<{ exit: Exit; stderr: string; stdout: string }> {
    const spawned = spawnBot(env);
    const exit = await withTimeout(spawned.exited, 10_000, 'exit on bad configuration');
    return { exit, stderr: spawned.stderr(), stdout: spawned.stdout() };
  }

  test('a missing SLACK_BOT_TOKEN: exit 1, one line naming it, no secret', async () => {
    const env = baseEnv(await freePort(), join(work, 'data-missing'));
    delete (env as Partial<typeof env>).SLACK_BOT_TOKEN;
    const { exit, stderr } = await startExpectingFailure(env);
    expect(exit.code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('SLACK_BOT_TOKEN');
    for (const secret of [SIGNING_SECRET, FALLBACK_TOKEN]) expect(stderr).not.toContain(secret);
    expect(existsSync(join(work, 'data-missing'))).toBe(false);
  }, TEST_TIMEOUT_MS);

  test('a malformed SLACK_BOT_TOKEN is named, its value never printed', async () => {
    const leaked = 'xoxp-9999999999-not-a-bot-token-secretvalue';
    const env = { ...baseEnv(await freePort(), join(work, 'data-bad-token')), SLACK_BOT_TOKEN: leaked };
    const { exit, stderr, stdout } = await startExpectingFailure(env);
    expect(exit.code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain('SLACK_BOT_TOKEN');
    expect(stderr + stdout).not.toContain(leaked);
    expect(stderr + stdout).not.toContain(SIGNING_SECRET);
  }, TEST_TIMEOUT_MS);

  test('a malformed PORT: exit 1, one line naming PORT', async () => {
    const env = { ...baseEnv(0, join(work, 'data-bad-port')), PORT: 'eighty' };
    const { exit, stderr } = await startExpectingFailure(env);
    expect(exit.code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\bPORT\b/);
    for (const secret of [SIGNING_SECRET, BOT_TOKEN, FALLBACK_TOKEN]) expect(stderr).not.toContain(secret);
  }, TEST_TIMEOUT_MS);
});
