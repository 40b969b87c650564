// A log sink that dies (a log shipper that crashed, a parent that exited) costs the logs, never the
// process: the built bot, its stdout piped into a reader that then exits, keeps answering /healthz and
// still drains and exits 0 on SIGTERM within the grace period — whether SIGTERM comes at once or later.
import { spawn } from 'node:child_process';
import { SIGNING_SECRET } from '../support/bot.js';
import { buildBot, processEnv, waitUntilReady, within, type BuiltBot } from '../support/builtBot.js';
import { ALICE, CHANNEL, TEAM } from '../support/fixtures.js';
import { freePort } from '../support/localServer.js';
import { postToBot, slashCommand } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

const GRACE_MS = 4000;

const { slack, simplismart } = useBot({ replicas: 0 });
let built: BuiltBot;

beforeAll(async () => {
  built = await buildBot();
}, 60_000);

afterAll(() => built?.remove());

/** A reader of the bot's stdout that exits as soon as the bot says it is running. */
function startReader() {
  const reader = spawn(
    process.execPath,
    ['-e', "let seen = ''; process.stdin.on('data', (d) => { seen += d; if (seen.includes('simplismart-slack is running')) process.exit(0); });"],
    { stdio: ['pipe', 'ignore', 'ignore'] },
  );
  const gone = new Promise<void>((r) => reader.on('exit', () => r()));
  return { reader, gone };
}

type Timing = 'at once' | 'after a quiet pause' | 'after requests';

async function runWithDeadStdout(timing: Timing): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { reader, gone } = startReader();
  const bot = built.spawn(
    // Every request logs several lines: the more lines meet the dead pipe, the surer the test.
    processEnv({ slack, simplismart, port, dataDir: `${built.dir}/data-${port}` }, { LOG_LEVEL: 'debug', SHUTDOWN_GRACE_MS: String(GRACE_MS) }),
    { stdout: reader.stdin },
  );
  reader.stdin.destroy(); // the bot holds the only writing end now; the reader holds the only reading end
  await waitUntilReady(url, bot.exited);
  await within(gone, 5000, 'the reader exits');

  // The reader is gone: every line from now on meets a broken pipe.
  const help = slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'help' });
  if (timing === 'at once') {
    void postToBot(url, help, { signingSecret: SIGNING_SECRET }).catch(() => undefined);
  } else {
    if (timing === 'after requests') {
      for (let i = 0; i < 5; i += 1) {
        expect((await postToBot(url, help, { signingSecret: SIGNING_SECRET })).status).toBe(200);
        expect((await postToBot(url, help, { signingSecret: 'not-the-secret' })).status).toBe(401);
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).status).toBe(200);
  }
  const signalledAt = Date.now();
  bot.child.kill('SIGTERM');
  const exit = await within(bot.exited, GRACE_MS + 10_000, 'exit after SIGTERM').catch((error: unknown) => {
    bot.child.kill('SIGKILL');
    throw error;
  });
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.at - signalledAt).toBeLessThan(GRACE_MS);
  // At most the one line that says the log output broke (written as the process may already be leaving).
  expect(bot.stderr()).toMatch(/^(simplismart-slack: log output \(fd 1\) failed with EPIPE; log lines are dropped from now on\n)?$/);
}

const RUNS: Array<[Timing, number]> = (['at once', 'after a quiet pause', 'after requests'] as const).flatMap((t) => [1, 2].map((n): [Timing, number] => [t, n]));

test.each(RUNS)('the reader of stdout gone, SIGTERM %s: /healthz answers, then exit 0 within the grace period (run %i)', async (timing) => {
  await runWithDeadStdout(timing);
}, 30_000);
