// The bench's processes: the local Slack and Simplismart (each a child printing its address when ready),
// the targets (the bot, the peers) launched with their V8 flags and waited for, what they cost in CPU and
// memory (read from /proc), stopping them, the bot's environment, and the clock of the Slack process.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ORG } from '../test/support/fixtures.js';
import { round } from './load.js';
import type { Harness, RemoteSimplismart, RemoteSlack, Target, TargetName } from './phase.js';
import { SIGNING_SECRET } from './requests.js';
import { BENCH_OAUTH_APP, now } from './slackServer.js';
import { BOT_TOKEN, jwt, ROOT } from './settings.js';

/** Starts a helper process that prints one JSON line (its addresses) when ready. */
async function spawnServer<T>(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; info: T }> {
  const child = spawn(process.execPath, [join(ROOT, '.bench-build', 'bench', script)], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise<T>((resolveInfo, reject) => {
    let buffer = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line !== undefined) resolveInfo(JSON.parse(line) as T);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
  return { child, info };
}

export async function startRemoteSimplismart(): Promise<RemoteSimplismart> {
  const { child, info } = await spawnServer<{ url: string; control: string }>('simplismartProcess.js', { BENCH_TOKEN: jwt, BENCH_ORG: ORG });
  return {
    url: info.url,
    process: child,
    setBehaviour: async (behaviour) => {
      await fetch(`${info.control}/behaviour`, { method: 'POST', body: JSON.stringify(behaviour) });
    },
    addTokens: async (tokens) => {
      await fetch(`${info.control}/tokens`, { method: 'POST', body: JSON.stringify(tokens) });
    },
    importNames: async () => (await fetch(`${info.control}/imports`)).json() as Promise<Array<string | null>>,
  };
}

export async function startRemoteSlack(): Promise<RemoteSlack> {
  const { child, info } = await spawnServer<{ url: string }>('slackServer.js', { BENCH_SLACK_PROCESS: '1' });
  // Slack's servers are not on the bot's machine: where arrivals are timed must not wait behind it.
  if (child.pid !== undefined) {
    try {
      setPriority(child.pid, -10);
    } catch {
      // Reported with the generator's lateness; the measurement still runs.
    }
  }
  const url = info.url;
  const get = async <T>(path: string): Promise<T> => (await fetch(`${url}${path}`)).json() as Promise<T>;
  return {
    url,
    apiUrl: `${url}/api/`,
    process: child,
    stats: async () => {
      const s = await get<{ viewsOpened: Array<[string, number]>; posts: string[]; calls: Record<string, number>; unknownTokens: number; openedBytes: number }>('/__stats');
      return {
        viewsOpened: new Map(s.viewsOpened),
        posts: s.posts,
        calls: Object.values(s.calls).reduce((a, b) => a + b, 0),
        callsByMethod: s.calls,
        unknownTokens: s.unknownTokens,
        openedBytes: s.openedBytes,
      };
    },
    replies: (q) => get(`/__replies?q=${encodeURIComponent(q)}`),
    setRedirect: async (uri) => {
      await get(`/__redirect?uri=${encodeURIComponent(uri)}`);
    },
    reset: async () => {
      await get('/__reset');
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function launch(name: TargetName, script: string, env: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const started = performance.now();
  const profile = [
    ...(process.env['BENCH_PROFILE'] === name ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench', 'results')}`] : []),
    ...(process.env['BENCH_HEAPSNAPSHOT'] === '1' && name === 'bot' ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${join(ROOT, 'bench', 'results')}`] : []),
  ];
  const child = spawn(process.execPath, ['--no-warnings=ExperimentalWarning', ...profile, ...nodeFlags(name), script], {
    env: { PATH: process.env['PATH'] ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    // BENCH_BOT_STDOUT=<file> keeps the bot's output (e.g. with BENCH_BOT_FLAGS=--trace-gc) for diagnosis.
    stdio: ['ignore', name !== 'peer' && name !== 'form-peer' && process.env['BENCH_BOT_STDOUT'] !== undefined ? openSync(process.env['BENCH_BOT_STDOUT'], 'w') : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (performance.now() - started > 20_000) throw new Error(`${name} not ready after 20 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return { name, process: child, url, readyMs: performance.now() - started };
}

/**
 * V8 flags for a target: the bot runs with those of `npm start` (what production runs); the peer with
 * none. BENCH_BOT_FLAGS / BENCH_PEER_FLAGS override them for experiments.
 */
export function nodeFlags(target: TargetName): string[] {
  const name = target === 'peer' || target === 'form-peer' ? 'peer' : 'bot';
  const override = process.env[`BENCH_${name.toUpperCase()}_FLAGS`];
  if (override !== undefined) return override === '' ? [] : override.split(' ');
  if (name === 'peer') return [];
  return productionNodeFlags();
}

export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = (pkg.scripts['start'] ?? '').split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('dist/main.js')).filter((w) => w.startsWith('--'));
}

/** Offset of the Slack process's clock from ours, from the round trip with the smallest delay. */
export async function clockSkewMs(url: string): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 20; i += 1) {
    const t0 = now();
    const { now: remote } = (await (await fetch(`${url}/__now`)).json()) as { now: number };
    const t1 = now();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: remote - (t0 + t1) / 2 };
  }
  return best.offset;
}

/**
 * utime + stime of a process, in ms (from /proc; clock ticks are 100 per second on Linux); of its main
 * thread alone (the one that parses and acks: its thread id is the process id) with 'main thread'.
 */
export function cpuMs(pid: number | undefined, which: 'process' | 'main thread' = 'process'): number {
  if (pid === undefined) return Number.NaN;
  const file = which === 'process' ? `/proc/${pid}/stat` : `/proc/${pid}/task/${pid}/stat`;
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return round(kb / 1024);
}

export async function stop(target: Target): Promise<void> {
  if (target.process.exitCode !== null) return;
  const exited = new Promise((r) => target.process.once('exit', r));
  target.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (target.process.exitCode === null) target.process.kill('SIGKILL');
}

export function botEnv(h: Harness): Record<string, string> {
  return {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: h.slack.apiUrl,
    SIMPLISMART_API_URL: h.simplismart.url,
    SIMPLISMART_TOKEN: jwt,
    SIMPLISMART_ORG: ORG,
    DATA_DIR: h.dataDir,
    LOG_LEVEL: 'info',
    // Every import of the bench goes to one channel, and its local Slack takes any number of messages a
    // second: paced at Slack's one a second, 3,000 imports would take hours. The bench measures the bot.
    SLACK_CHANNEL_INTERVAL_MS: '0',
    // The settings of the bot's worth trying from the bench's command line.
    ...(process.env['BACKGROUND_CONCURRENCY'] === undefined ? {} : { BACKGROUND_CONCURRENCY: process.env['BACKGROUND_CONCURRENCY'] }),
    ...(process.env['BACKGROUND_THREAD'] === undefined ? {} : { BACKGROUND_THREAD: process.env['BACKGROUND_THREAD'] }),
  };
}

/** The bench's own processes: the load generator (this one), the local Slack and Simplismart, and the targets. */
export function benchPids(h: Harness, targets: readonly Target[]): Array<number | undefined> {
  return [process.pid, h.slack.process.pid, h.simplismart.process.pid, ...targets.map((t) => t.process.pid)];
}

/** The bot any workspace installs (distributed mode: the app's OAuth credentials, no bot token), on SQLite in `dataDir`. */
export function oauthBotEnv(h: Harness, dataDir: string): Record<string, string> {
  const { SLACK_BOT_TOKEN: _single, SIMPLISMART_TOKEN: _token, SIMPLISMART_ORG: _org, ...env } = botEnv(h);
  return {
    ...env,
    SLACK_CLIENT_ID: BENCH_OAUTH_APP.clientId,
    SLACK_CLIENT_SECRET: BENCH_OAUTH_APP.clientSecret,
    SLACK_STATE_SECRET: BENCH_OAUTH_APP.stateSecret,
    DATA_DIR: dataDir,
  };
}
