// `npm run bench`: the bot (built, HTTP mode, SQLite default, a child process) against the plainest
// Bolt app doing the same first step (the peer, another child), both driven over loopback with signed
// requests at fixed rates, with a local Slack Web API and a local Simplismart API; then the bot on
// PostgreSQL behind a proxy that puts the database in another zone (postgresPhase); the bot against a
// second peer that opens the bot's own import form (formPeerPhase); the bot installed in two workspaces,
// one flooding it with imports while the other's are timed (neighbour.ts); and the bot installed in
// thousands of workspaces for minutes, its memory sampled (soak.ts). Prints the machine and a table per
// phase with ratios and the targets, and writes the same as JSON: latest.json and a file per run
// (bench/results/<date>-<cpu>[-<phase>].json) that later runs leave alone. BENCH_ONLY=scrubber runs
// only the log scrubber's micro-benchmark (bench/scrubber.ts); BENCH_ONLY=nodes only the node-group
// proposal's (bench/nodes.ts). A full run ends with the nodes phase (it writes its own file).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeJwt, ORG } from '../test/support/fixtures.js';
import { fillModal } from '../test/support/modalState.js';
import { slashCommand, viewSubmission } from '../test/support/slackRequests.js';
import { openLoop, percentile, round, type Prepared, type Shot } from './load.js';
import { cpuShare, describeMachine, loadAverage, machineLine, resultFileName, type CpuShare, type Machine } from './machine.js';
import { END_STATES, postgresOutcomes, sqliteOutcomes } from './outcomes.js';
import { startPgProxy } from './pgProxy.js';
import { createBenchDatabase, throughProxy } from './postgresDatabase.js';
import { commandRoundTrips, submissionRoundTrips, type RoundTripCount } from './roundTrips.js';
import { writePlots } from './plots.js';
import type { Harness, ImportCheck, ImportContext, PhaseTools, RemoteSimplismart, RemoteSlack, Target, TargetName } from './phase.js';
import { fullForm, SIGNING_SECRET, sign, sourcePrefix } from './requests.js';
import { runNodesBench } from './nodes.js';
import { runScrubberBench } from './scrubber.js';
import { BENCH_OAUTH_APP, now, SINGLE_WORKSPACE } from './slackServer.js';
import { neighbourPhase, neighbourTable, type NeighbourResult } from './neighbour.js';
import { soakPhase, soakTable, type SoakResult } from './soak.js';
import { rateLimitedPhase, rateLimitedTable, type RateLimitedResult } from './rateLimited.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOT_TOKEN = SINGLE_WORKSPACE.token;
const TEAM = SINGLE_WORKSPACE.teamId;
const CHANNEL = 'CBENCH';
const USER = 'UBENCHUSER';
const jwt = fakeJwt({ sub: 'bench' });

const COMMAND_RATES = (process.env['BENCH_RATES'] ?? '100,300,600').split(',').map(Number);
const PHASE_MS = Number(process.env['BENCH_PHASE_MS'] ?? 10_000);
const SUBMIT_RATE = 100;
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 3);
const IN_FLIGHT = 200;
/** The PostgreSQL phase: a modest load (a team's, not a stress test), the database 5 ms away each way. */
const PG_COMMAND_RATE = Number(process.env['BENCH_PG_RATE'] ?? 50);
const PG_SUBMIT_RATE = Number(process.env['BENCH_PG_SUBMIT_RATE'] ?? 20);
const PG_DELAY_MS = Number(process.env['BENCH_PG_DELAY_MS'] ?? 5);
/** Requests sent one at a time to count the round trips before each ack. */
const PG_PROBES = Number(process.env['BENCH_PG_PROBES'] ?? 20);
/** Targets of issue 12: round trips before a command's modal opens, before a submission's ack. */
const COMMAND_ROUND_TRIPS_TARGET = 2;
const SUBMISSION_ROUND_TRIPS_TARGET = 3;
/** How long imports may take to reach an outcome after a submission phase before the phase fails. */
const IMPORTS_TIMEOUT_MS = Number(process.env['BENCH_IMPORTS_TIMEOUT_MS'] ?? 120_000);
const ONLY = process.env['BENCH_ONLY'];
/**
 * `scrubber`: only the log scrubber's micro-benchmark (bench/scrubber.ts), no servers started;
 * `formpeer`: commands against the second peer (the bot's own form); `neighbour`: one workspace's
 * imports while another floods (neighbour.ts); `soak`: thousands of workspaces for minutes (soak.ts).
 */
const ONLY_CHOICES = ['commands', 'submit', 'postgres', 'scrubber', 'formpeer', 'neighbour', 'soak', 'nodes', 'ratelimited'];
/** The second peer's phase: commands at this rate, the bot against a bare Bolt app opening the bot's own form. */
const FORM_PEER_RATE = Number(process.env['BENCH_FORM_PEER_RATE'] ?? 300);
/** Target: the bot's views.open p99 at most this many times the second peer's. */
const FORM_PEER_TARGET = 1.3;

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

async function startRemoteSimplismart(): Promise<RemoteSimplismart> {
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

async function startRemoteSlack(): Promise<RemoteSlack> {
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

async function launch(name: TargetName, script: string, env: Record<string, string>): Promise<Target> {
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
function nodeFlags(target: TargetName): string[] {
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
async function clockSkewMs(url: string): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 20; i += 1) {
    const t0 = now();
    const { now: remote } = (await (await fetch(`${url}/__now`)).json()) as { now: number };
    const t1 = now();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: remote - (t0 + t1) / 2 };
  }
  return best.offset;
}

function commands(count: number, tag: string): Prepared[] {
  return Array.from({ length: count }, (_, i) => {
    const triggerId = `${tag}.${i}.${randomBytes(6).toString('hex')}`;
    const { body } = slashCommand({ teamId: TEAM, userId: USER, channelId: CHANNEL, text: 'import', triggerId });
    return { id: triggerId, body, headers: sign(body) };
  });
}

function submissions(count: number, tag: string): Prepared[] {
  const template = fullForm(CHANNEL);
  return Array.from({ length: count }, (_, i) => {
    const name = `Bench ${tag} ${i}`;
    const view = { ...template.view, id: `${sourcePrefix(tag)}${i}`, hash: `h${i}` };
    const { body } = viewSubmission({ teamId: TEAM, userId: USER, view, stateValues: fillModal(view as never, { ...template.values, cluster_name: name }) });
    return { id: name, body, headers: sign(body) };
  });
}

interface CommandResult {
  rate: number;
  sent: number;
  /** CPU time the target process spent per command (user + system), in ms. */
  cpuMsPerRequest: number;
  /** How late the load generator sent, against its schedule (harness health, not the target's latency). */
  generatorLatenessP99: number;
  ackP50: number;
  ackP99: number;
  openP50: number;
  openP99: number;
  /** The tail beyond p99, for reading the runs: p90, p95, p99.9 and max of command → views.open. */
  openTail: { p90: number; p95: number; p999: number; max: number };
  errors: number;
}

async function commandPhase(target: Target, slack: RemoteSlack, rate: number): Promise<CommandResult> {
  await slack.reset();
  const prepared = commands(Math.round((rate * PHASE_MS) / 1000), `${target.name}-${rate}-${randomBytes(3).toString('hex')}`);
  const cpuBefore = cpuMs(target.process.pid);
  const shots = await openLoop(new URL(`${target.url}/slack/events`), rate, prepared);
  await new Promise((r) => setTimeout(r, 3000));
  const cpuPerRequest = (cpuMs(target.process.pid) - cpuBefore) / shots.length;
  const lateness = shots.map((s) => s.fired - s.scheduled);
  const { viewsOpened } = await slack.stats();
  const origin = performance.timeOrigin;
  const acks = shots.filter((s) => s.status === 200 && s.done !== undefined).map((s) => s.done! - s.fired);
  const opens = shots.flatMap((s) => {
    const at = viewsOpened.get(s.id);
    return at === undefined ? [] : [at - (origin + s.fired)];
  });
  const errors = shots.filter((s) => s.status !== 200 || !viewsOpened.has(s.id) || viewsOpened.get(s.id)! - (origin + s.fired) > 3000).length;
  return {
    rate,
    sent: shots.length,
    cpuMsPerRequest: round(cpuPerRequest, 3),
    generatorLatenessP99: round(percentile(lateness, 99)),
    ackP50: round(percentile(acks, 50)),
    ackP99: round(percentile(acks, 99)),
    openP50: round(percentile(opens, 50)),
    openP99: round(percentile(opens, 99)),
    openTail: {
      p90: round(percentile(opens, 90)),
      p95: round(percentile(opens, 95)),
      p999: round(percentile(opens, 99.9)),
      max: round(Math.max(...opens)),
    },
    errors,
  };
}

/** Waits until the local Slack has seen no call for 750 ms: the previous phase's work is done. */
async function quiesce(slack: RemoteSlack): Promise<void> {
  const total = async () => (await slack.stats()).calls;
  const deadline = performance.now() + 120_000;
  let last = await total();
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const current = await total();
    if (current !== last) {
      last = current;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= 750) {
      return;
    }
  }
}

function medianRun(runs: CommandResult[]): CommandResult {
  const median = (pick: (r: CommandResult) => number) => round(percentile(runs.map(pick), 50));
  return {
    rate: runs[0]!.rate,
    sent: runs.reduce((a, r) => a + r.sent, 0),
    cpuMsPerRequest: round(percentile(runs.map((r) => r.cpuMsPerRequest), 50), 3),
    generatorLatenessP99: round(Math.max(...runs.map((r) => r.generatorLatenessP99))),
    ackP50: median((r) => r.ackP50),
    ackP99: median((r) => r.ackP99),
    openP50: median((r) => r.openP50),
    openP99: median((r) => r.openP99),
    openTail: {
      p90: median((r) => r.openTail.p90),
      p95: median((r) => r.openTail.p95),
      p999: median((r) => r.openTail.p999),
      max: median((r) => r.openTail.max),
    },
    errors: runs.reduce((a, r) => a + r.errors, 0),
  };
}

interface SubmitResult {
  sent: number;
  /** CPU time the target spent per submission (user + system), the import it starts included, in ms. */
  cpuMsPerRequest: number;
  /** CPU time of the target's main thread (the one that parses and acks) per submission, in ms. */
  ackingCpuMsPerRequest: number;
  ackP50: number;
  ackP99: number;
  errors: number;
  generatorLatenessP99: number;
  /** The bot only: every import completed afterwards, one POST each, and what each cost in calls. */
  imports?: ImportCheck;
}

async function submitPhase(target: Target, run: number | string, rate: number, imports?: ImportContext): Promise<SubmitResult> {
  // A tag per run: each submission is a new modal (its view id is the request's source key).
  const tag = `${target.name.replace('-', '')}sub${run}`;
  const prepared = submissions(Math.round((rate * PHASE_MS) / 1000), tag);
  if (imports !== undefined) await imports.slack.reset();
  const cpuBefore = cpuMs(target.process.pid);
  const ackingBefore = cpuMs(target.process.pid, 'main thread');
  const shots = await openLoop(new URL(`${target.url}/slack/events`), rate, prepared);
  // The imports the submissions started finish after the last ack: their CPU counts too. The bot's are
  // waited for (and checked); the peer starts none.
  const check = imports === undefined ? undefined : await checkImports(imports, `${target.name} view_submission run ${run}`, tag, prepared, shots);
  if (imports === undefined) await new Promise((r) => setTimeout(r, 3000));
  const cpuPerRequest = (cpuMs(target.process.pid) - cpuBefore) / shots.length;
  const ackingPerRequest = (cpuMs(target.process.pid, 'main thread') - ackingBefore) / shots.length;
  const acks = shots.filter((s) => s.status === 200 && s.done !== undefined).map((s) => s.done! - s.fired);
  const late = shots.map((s) => s.fired - s.scheduled);
  process.stdout.write(`${target.name} view_submission: generator lateness p99 ${round(percentile(late, 99))} max ${round(Math.max(...late))} ms\n`);
  process.stdout.write(
    `${target.name} view_submission ack p90/p95/p99/p99.9/max ${[90, 95, 99, 99.9].map((q) => round(percentile(acks, q))).join('/')}/${round(Math.max(...acks))} ms\n`,
  );
  return {
    sent: shots.length,
    cpuMsPerRequest: round(cpuPerRequest, 2),
    ackingCpuMsPerRequest: round(ackingPerRequest, 2),
    ackP50: round(percentile(acks, 50)),
    ackP99: round(percentile(acks, 99)),
    errors: shots.filter((s) => s.status !== 200).length,
    generatorLatenessP99: round(percentile(late, 99)),
    ...(check === undefined ? {} : { imports: check }),
  };
}

/**
 * Waits until every import the phase submitted reached an outcome (read from the bot's database), then
 * for Slack to go quiet, and counts the Slack calls and Simplismart POSTs per import. A missing outcome
 * or an import POSTed other than once fails the run, loudly.
 */
async function checkImports(ctx: ImportContext, label: string, tag: string, prepared: readonly Prepared[], shots: readonly Shot[]): Promise<ImportCheck> {
  const lastAnswer = Math.max(...shots.map((s) => s.done ?? s.fired));
  const ended = new Set<string>(END_STATES);
  let states: Map<string, string>;
  const deadline = performance.now() + IMPORTS_TIMEOUT_MS;
  for (;;) {
    states = await ctx.outcomes.states(sourcePrefix(tag));
    if ([...states.values()].filter((s) => ended.has(s)).length >= prepared.length || performance.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const waitMs = round(performance.now() - lastAnswer);
  // The last outcome is stored before its messages are posted and updated: let those land too.
  await quiesce(ctx.slack);
  const { callsByMethod } = await ctx.slack.stats();
  const posted = await ctx.simplismart.importNames();
  const postsByName = new Map<string, number>();
  for (const name of posted) if (name !== null) postsByName.set(name, (postsByName.get(name) ?? 0) + 1);
  const names = prepared.map((p) => p.id);
  const count = prepared.length;
  const completed = [...states.values()].filter((s) => ended.has(s)).length;
  const check: ImportCheck = {
    imports: count,
    completed,
    succeeded: [...states.values()].filter((s) => s === 'succeeded').length,
    missing: count - completed,
    notPostedOnce: names.filter((n) => postsByName.get(n) !== 1).length,
    waitMs,
    slackCallsPerImport: Object.fromEntries(Object.entries(callsByMethod).map(([method, calls]) => [method, round(calls / count, 2)])),
    slackCallsPerImportTotal: round(Object.values(callsByMethod).reduce((a, b) => a + b, 0) / count, 2),
    postsPerImport: round(names.reduce((a, n) => a + (postsByName.get(n) ?? 0), 0) / count, 2),
  };
  process.stdout.write(
    `${label}: ${completed}/${count} imports reached an outcome ${waitMs} ms after the last ack (${check.succeeded} succeeded); ${check.postsPerImport} POSTs and ${check.slackCallsPerImportTotal} Slack calls per import ${JSON.stringify(check.slackCallsPerImport)}\n`,
  );
  if (check.missing > 0 || check.notPostedOnce > 0) {
    const failure = `${label}: ${check.missing} of ${count} imports reached no outcome within ${IMPORTS_TIMEOUT_MS} ms; ${check.notPostedOnce} were not POSTed exactly once`;
    process.stderr.write(`\n!!! FAILED ${failure}\n\n`);
    ctx.failures.push(failure);
  }
  return check;
}

function medianSubmitRun(runs: SubmitResult[]): SubmitResult {
  const median = (pick: (r: SubmitResult) => number) => round(percentile(runs.map(pick), 50));
  const checks = runs.flatMap((r) => (r.imports === undefined ? [] : [r.imports]));
  const methods = [...new Set(checks.flatMap((c) => Object.keys(c.slackCallsPerImport)))].sort();
  const imports: ImportCheck | undefined =
    checks.length === 0
      ? undefined
      : {
          imports: checks.reduce((a, c) => a + c.imports, 0),
          completed: checks.reduce((a, c) => a + c.completed, 0),
          succeeded: checks.reduce((a, c) => a + c.succeeded, 0),
          missing: checks.reduce((a, c) => a + c.missing, 0),
          notPostedOnce: checks.reduce((a, c) => a + c.notPostedOnce, 0),
          waitMs: round(percentile(checks.map((c) => c.waitMs), 50)),
          slackCallsPerImport: Object.fromEntries(methods.map((m) => [m, round(percentile(checks.map((c) => c.slackCallsPerImport[m] ?? 0), 50), 2)])),
          slackCallsPerImportTotal: round(percentile(checks.map((c) => c.slackCallsPerImportTotal), 50), 2),
          postsPerImport: round(percentile(checks.map((c) => c.postsPerImport), 50), 2),
        };
  return {
    sent: runs.reduce((a, r) => a + r.sent, 0),
    cpuMsPerRequest: round(percentile(runs.map((r) => r.cpuMsPerRequest), 50), 2),
    ackingCpuMsPerRequest: round(percentile(runs.map((r) => r.ackingCpuMsPerRequest), 50), 2),
    ackP50: median((r) => r.ackP50),
    ackP99: median((r) => r.ackP99),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    generatorLatenessP99: round(Math.max(...runs.map((r) => r.generatorLatenessP99))),
    ...(imports === undefined ? {} : { imports }),
  };
}

/**
 * utime + stime of a process, in ms (from /proc; clock ticks are 100 per second on Linux); of its main
 * thread alone (the one that parses and acks: its thread id is the process id) with 'main thread'.
 */
function cpuMs(pid: number | undefined, which: 'process' | 'main thread' = 'process'): number {
  if (pid === undefined) return Number.NaN;
  const file = which === 'process' ? `/proc/${pid}/stat` : `/proc/${pid}/task/${pid}/stat`;
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return round(kb / 1024);
}

async function stop(target: Target): Promise<void> {
  if (target.process.exitCode !== null) return;
  const exited = new Promise((r) => target.process.once('exit', r));
  target.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (target.process.exitCode === null) target.process.kill('SIGKILL');
}

function botEnv(h: Harness): Record<string, string> {
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
function benchPids(h: Harness, targets: readonly Target[]): Array<number | undefined> {
  return [process.pid, h.slack.process.pid, h.simplismart.process.pid, ...targets.map((t) => t.process.pid)];
}

/** The bot any workspace installs (distributed mode: the app's OAuth credentials, no bot token), on SQLite in `dataDir`. */
function oauthBotEnv(h: Harness, dataDir: string): Record<string, string> {
  const { SLACK_BOT_TOKEN: _single, SIMPLISMART_TOKEN: _token, SIMPLISMART_ORG: _org, ...env } = botEnv(h);
  return {
    ...env,
    SLACK_CLIENT_ID: BENCH_OAUTH_APP.clientId,
    SLACK_CLIENT_SECRET: BENCH_OAUTH_APP.clientSecret,
    SLACK_STATE_SECRET: BENCH_OAUTH_APP.stateSecret,
    DATA_DIR: dataDir,
  };
}

interface FormPeerResult {
  rate: number;
  bot: CommandResult;
  formPeer: CommandResult;
  runs: { bot: CommandResult[]; formPeer: CommandResult[] };
  /** How busy the machine was during each run, the bench apart from other work (same order as the runs, bot first). */
  cpu: CpuShare[];
  /** Bytes of each views.open body as the local Slack received it: the same form, or not. */
  openedBytesPerCommand: { bot: number; formPeer: number };
  /** The bot's views.open p99 over the second peer's, of the medians and run by run. */
  ratio: { ofMedians: number; perRun: number[] };
  readyMs: { bot: number; formPeer: number };
  targets: Record<string, boolean>;
}

/**
 * The bot against the second peer (formPeer.ts: a bare Bolt app opening the bot's own import form), the
 * commands at FORM_PEER_RATE, REPEATS runs each, alternating, after a warm-up as in the first peer's phases.
 */
async function formPeerPhase(h: Harness): Promise<FormPeerResult> {
  const dataDir = join(h.dataDir, 'formpeer');
  mkdirSync(dataDir, { recursive: true });
  const bot = await launch('bot', join(ROOT, 'dist', 'main.js'), { ...botEnv(h), DATA_DIR: dataDir });
  let formPeer: Target | undefined;
  try {
    formPeer = await launch('form-peer', join(ROOT, '.bench-build', 'bench', 'formPeer.js'), { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: h.slack.apiUrl });
    const targets = [bot, formPeer];
    for (const target of targets) await openLoop(new URL(`${target.url}/slack/events`), 200, commands(2000, `${target.name}-fpwarm`));
    const runs: { bot: CommandResult[]; formPeer: CommandResult[] } = { bot: [], formPeer: [] };
    const bytes = { bot: [] as number[], formPeer: [] as number[] };
    const cpu: CpuShare[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      for (const target of targets) {
        await quiesce(h.slack);
        const share = cpuShare(benchPids(h, targets));
        const result = await commandPhase(target, h.slack, FORM_PEER_RATE);
        cpu.push(share());
        const { openedBytes, viewsOpened } = await h.slack.stats();
        const key = target === bot ? 'bot' : 'formPeer';
        runs[key].push(result);
        bytes[key].push(openedBytes / Math.max(1, viewsOpened.size));
        const t = result.openTail;
        process.stdout.write(
          `${target.name} commands @${FORM_PEER_RATE}/s: views.open p50/p90/p95/p99/p99.9/max ${result.openP50}/${t.p90}/${t.p95}/${result.openP99}/${t.p999}/${t.max} ms, errors ${result.errors}, CPU ${result.cpuMsPerRequest} ms/command, ${round(bytes[key].at(-1)!)} bytes per views.open; cores used by the bench ${cpu.at(-1)!.benchCores}, by other work ${cpu.at(-1)!.otherCores}\n`,
        );
      }
    }
    const b = medianRun(runs.bot);
    const p = medianRun(runs.formPeer);
    const ofMedians = round(b.openP99 / p.openP99, 2);
    return {
      rate: FORM_PEER_RATE,
      bot: b,
      formPeer: p,
      runs,
      cpu,
      openedBytesPerCommand: { bot: round(percentile(bytes.bot, 50)), formPeer: round(percentile(bytes.formPeer, 50)) },
      ratio: { ofMedians, perRun: runs.bot.map((r, i) => round(r.openP99 / runs.formPeer[i]!.openP99, 2)) },
      readyMs: { bot: round(bot.readyMs), formPeer: round(formPeer.readyMs) },
      targets: {
        openP99WithinOnePointThreeOfFormPeer: ofMedians <= FORM_PEER_TARGET,
        noErrors: b.errors === 0 && p.errors === 0,
      },
    };
  } finally {
    await stop(bot);
    if (formPeer !== undefined) await stop(formPeer);
  }
}

function formPeerTable(r: FormPeerResult): string[] {
  const row = (label: string, pick: (c: CommandResult) => string) => `| ${label} | ${pick(r.bot)} | ${pick(r.formPeer)} |`;
  const lines = [
    '',
    `Second peer (a bare Bolt app opening the bot's own import form), commands @${r.rate}/s, ${r.runs.bot.length} runs each, alternating:`,
    '',
    '| measure | bot | second peer |',
    '| --- | ---: | ---: |',
    row('command ack p50 / p99 (ms)', (c) => `${c.ackP50} / ${c.ackP99}`),
    row('command → views.open p50 / p99 (ms)', (c) => `${c.openP50} / ${c.openP99}`),
    `| views.open p99 of each run (ms) | ${r.runs.bot.map((c) => c.openP99).join(', ')} | ${r.runs.formPeer.map((c) => c.openP99).join(', ')} |`,
    row('errors', (c) => String(c.errors)),
    row('CPU per command (ms)', (c) => String(c.cpuMsPerRequest)),
    `| bytes per views.open | ${r.openedBytesPerCommand.bot} | ${r.openedBytesPerCommand.formPeer} |`,
    `| views.open p99 bot / second peer | ${r.ratio.ofMedians} (runs ${r.ratio.perRun.join(', ')}) | |`,
    `| cores used by other work during each run | ${r.cpu.filter((_, i) => i % 2 === 0).map((c) => c.otherCores).join(', ')} | ${r.cpu.filter((_, i) => i % 2 === 1).map((c) => c.otherCores).join(', ')} |`,
    '',
    'Targets (second peer):',
  ];
  for (const [k, v] of Object.entries(r.targets)) lines.push(`  ${v ? 'met   ' : 'MISSED'} ${k}`);
  return lines;
}

/** The bot on SQLite against the peer: commands, submissions, 200 imports in flight, memory. */
async function sqlitePhases(h: Harness, results: Record<string, unknown>): Promise<void> {
  const { slack, simplismart } = h;
  const bot = await launch('bot', join(ROOT, 'dist', 'main.js'), botEnv(h));
  const peer = await launch('peer', join(ROOT, '.bench-build', 'bench', 'peer.js'), { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl });
  const outcomes = sqliteOutcomes(join(h.dataDir, 'simplismart-slack.db'));
  const imports: ImportContext = { slack, simplismart, outcomes, failures: h.failures };
  try {
    for (const target of [bot, peer]) {
      process.stdout.write(`${target.name}: ready in ${round(target.readyMs)} ms\n`);
      // Warm-up, not measured: a fresh process runs its first requests through the interpreter, and its
      // heap (and the generator's) grows to its working size. Measured before this warm-up covered the
      // submissions too, the first submission run of a fresh bot had an ack p99 of 30-60 ms against
      // 8-15 ms for the same bot a run later, with the generator itself late by up to 35 ms.
      if (ONLY !== 'submit') await openLoop(new URL(`${target.url}/slack/events`), 200, commands(2000, `${target.name}-warm`));
      if (ONLY !== 'commands') await openLoop(new URL(`${target.url}/slack/events`), SUBMIT_RATE, submissions(SUBMIT_RATE * 5, `${target.name}warm`));
    }
    await new Promise((r) => setTimeout(r, 2000));

    // View submissions of the fullest form, each starting a real import: REPEATS runs per target,
    // alternating, each after the system went quiet; the median of each measure over the runs is reported.
    // After each of the bot's runs every import must reach an outcome, POSTed once (checkImports).
    const submitResults: Record<string, SubmitResult> = {};
    const submitRuns: Record<string, SubmitResult[]> = { bot: [], peer: [] };
    if (ONLY !== 'commands') {
      for (let repeat = 0; repeat < REPEATS; repeat += 1) {
        for (const target of [bot, peer]) {
          await quiesce(slack);
          const result = await submitPhase(target, repeat, SUBMIT_RATE, target === bot ? imports : undefined);
          submitRuns[target.name]!.push(result);
          process.stdout.write(`${target.name} view_submission @${SUBMIT_RATE}/s: ack p99 ${result.ackP99} ms, CPU ${result.cpuMsPerRequest} ms/submission (acking thread ${result.ackingCpuMsPerRequest})\n`);
        }
      }
      for (const name of ['bot', 'peer']) submitResults[name] = medianSubmitRun(submitRuns[name]!);
    }

    // Each rate runs REPEATS times per target, alternating, each after the system went quiet; the
    // median of the runs is reported (one 10-second run on a 2-core machine is at the mercy of noise).
    const commandResults: Record<string, CommandResult[]> = { bot: [], peer: [] };
    const commandRuns: Record<string, CommandResult[]> = { bot: [], peer: [] };
    for (const rate of ONLY === 'submit' ? [] : COMMAND_RATES) {
      const runs: Record<string, CommandResult[]> = { bot: [], peer: [] };
      for (let repeat = 0; repeat < REPEATS; repeat += 1) {
        for (const target of [bot, peer]) {
          await quiesce(slack);
          const result = await commandPhase(target, slack, rate);
          runs[target.name]!.push(result);
          commandRuns[target.name]!.push(result);
          const t = result.openTail;
          process.stdout.write(
            `${target.name} commands @${rate}/s: ack p99 ${result.ackP99} ms, views.open p50/p90/p95/p99/p99.9/max ${result.openP50}/${t.p90}/${t.p95}/${result.openP99}/${t.p999}/${t.max} ms, errors ${result.errors}, CPU ${result.cpuMsPerRequest} ms/command, generator late p99 ${result.generatorLatenessP99} ms\n`,
          );
        }
      }
      for (const name of ['bot', 'peer']) commandResults[name]!.push(medianRun(runs[name]!));
    }
    if (process.env['BENCH_HEAPSNAPSHOT'] === '1') {
      // Diagnostics: a heap snapshot of the bot after the measured phases (written into bench/results).
      bot.process.kill('SIGUSR2');
      await new Promise((r) => setTimeout(r, 8000));
    }
    await quiesce(slack);

    // 200 imports in flight against an API that answers in 500 ms (the full run only).
    let inFlight: Record<string, unknown> | undefined;
    if (ONLY === undefined) {
      await simplismart.setBehaviour({ kind: 'delay', delayMs: 500 });
      await slack.reset();
      const burst = submissions(IN_FLIGHT, 'burst');
      const burstStart = performance.now();
      const burstShots = await openLoop(new URL(`${bot.url}/slack/events`), 1000, burst);
      const check = await checkImports(imports, `${IN_FLIGHT} imports in flight`, 'burst', burst, burstShots);
      await simplismart.setBehaviour(null);
      inFlight = {
        imports: IN_FLIGHT,
        completed: check.completed,
        exactlyOnePostEach: check.notPostedOnce === 0,
        posts: round(check.postsPerImport * IN_FLIGHT),
        // From the first submission until the last import ended.
        totalMs: round(check.waitMs + Math.max(...burstShots.map((s) => s.done ?? s.fired)) - burstStart),
        ackErrors: burstShots.filter((s) => s.status !== 200).length,
      };
      process.stdout.write(`${IN_FLIGHT} imports in flight: ${check.completed} completed in ${String(inFlight['totalMs'])} ms, one POST each: ${String(inFlight['exactlyOnePostEach'])}\n`);
    }

    const rss = { bot: peakRssMb(bot.process.pid), peer: peakRssMb(peer.process.pid) };
    const at = (name: string, rate: number) => commandResults[name]!.find((r) => r.rate === rate);
    const ratio = (a: number, b: number) => round(a / b, 2);
    const b300 = at('bot', 300);
    const p300 = at('peer', 300);
    const b600 = at('bot', 600);
    const p600 = at('peer', 600);
    const submitBot = submitResults['bot'];
    const targets = {
      // Issue 12's (2 vCPU): acks that hold when the bot is overloaded.
      submitAckP99At100PerSecondAtMost100ms: submitBot === undefined ? null : submitBot.ackP99 <= 100,
      commandsAt600NoErrors: b600 === undefined ? null : b600.errors === 0,
      openP99At600WithinTwicePeer: b600 !== undefined && p600 !== undefined ? b600.openP99 <= 2 * p600.openP99 : null,
      cpuPerSubmissionAtMost7_5ms: submitBot === undefined ? null : submitBot.cpuMsPerRequest <= 7.5,
      // Earlier ones.
      openP99At300WithinPeerRatio: b300 !== undefined && p300 !== undefined ? b300.openP99 <= 1.5 * p300.openP99 : null,
      openP99At300Under50ms: b300 !== undefined ? b300.openP99 <= 50 : null,
      submitAckP99Under25ms: submitBot === undefined ? null : submitBot.ackP99 <= 25,
      everyImportCompletedOnePostEach: submitBot?.imports === undefined ? null : submitBot.imports.missing === 0 && submitBot.imports.notPostedOnce === 0,
      noErrors:
        commandResults['bot']!.every((r) => r.errors === 0) &&
        (submitBot?.errors ?? 0) === 0 &&
        (inFlight === undefined || (inFlight['completed'] === IN_FLIGHT && inFlight['exactlyOnePostEach'] === true)),
      peakRssUnder200MB: rss.bot <= 200,
      readyUnder1s: bot.readyMs <= 1000,
    };
    Object.assign(results, {
      readyMs: { bot: round(bot.readyMs), peer: round(peer.readyMs) },
      commands: commandResults,
      commandRuns,
      submitRuns,
      ratios: commandResults['bot']!.map((r, i) => {
        const p = commandResults['peer']![i]!;
        return { rate: r.rate, ackP99: ratio(r.ackP99, p.ackP99), openP99: ratio(r.openP99, p.openP99) };
      }),
      viewSubmission: Object.fromEntries(Object.entries(submitResults).map(([k, v]) => [k, { rate: SUBMIT_RATE, ...v }])),
      ...(inFlight === undefined ? {} : { inFlight }),
      peakRssMb: rss,
      targets,
    });
  } finally {
    await stop(bot);
    await stop(peer);
    await outcomes.close();
  }
}

interface PostgresResult {
  delayMsEachWay: number;
  readyMs: number;
  /** Round trips before a command's views.open and before a submission's ack, requests sent one at a time. */
  roundTrips: { command: RoundTripCount; submission: RoundTripCount };
  commands: CommandResult;
  commandRuns: CommandResult[];
  viewSubmission: SubmitResult & { rate: number };
  submitRuns: SubmitResult[];
  /** Connections the bot opened through the proxy over the phase (its pool's). */
  connections: number;
  peakRssMb: number;
  targets: Record<string, boolean>;
}

/**
 * The bot on PostgreSQL in another zone: a database of its own for the run, reached through pgProxy
 * (PG_DELAY_MS each way). Round trips before each ack, counted one request at a time; then commands
 * and submissions at a modest rate, REPEATS runs each (the median reported), every import checked.
 */
async function postgresPhase(h: Harness): Promise<PostgresResult> {
  const db = await createBenchDatabase();
  const proxy = await startPgProxy({ host: db.host, port: db.port, delayMs: PG_DELAY_MS });
  const outcomes = postgresOutcomes(db.url);
  const imports: ImportContext = { slack: h.slack, simplismart: h.simplismart, outcomes, failures: h.failures };
  let bot: Target | undefined;
  try {
    bot = await launch('bot-postgres', join(ROOT, 'dist', 'main.js'), {
      ...botEnv(h),
      DATABASE_URL: throughProxy(db.url, proxy.port),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    const target = bot;
    process.stdout.write(`bot on PostgreSQL (+${PG_DELAY_MS} ms each way): ready in ${round(bot.readyMs)} ms\n`);
    const events = new URL(`${bot.url}/slack/events`);
    // Warm-up, not measured (the pool's connections open, the JIT warms).
    await openLoop(events, PG_COMMAND_RATE, commands(PG_COMMAND_RATE * 3, 'pg-warm'));
    const warm = submissions(PG_SUBMIT_RATE * 3, 'pgwarm');
    await quiesce(h.slack);
    await h.slack.reset();
    await checkImports(imports, 'PostgreSQL warm-up', 'pgwarm', warm, await openLoop(events, PG_SUBMIT_RATE, warm));

    const probeTag = 'pgprobe';
    const probeSubmissions = submissions(PG_PROBES, probeTag);
    const sourceKeyOf = new Map(probeSubmissions.map((p, i) => [p.id, `${sourcePrefix(probeTag)}${i}`]));
    const probeTarget = {
      url: bot.url,
      proxy,
      skewMs: h.skewMs,
      viewOpenedAt: async (triggerId: string) => (await h.slack.stats()).viewsOpened.get(triggerId),
      settled: async (id: string) => {
        const key = sourceKeyOf.get(id);
        for (const deadline = performance.now() + 10_000; performance.now() < deadline; ) {
          const state = (await outcomes.states(sourcePrefix(probeTag))).get(key ?? '');
          if (state !== undefined && (END_STATES as readonly string[]).includes(state)) return;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error(`round-trip probe: ${id} reached no outcome`);
      },
    };
    await quiesce(h.slack);
    const roundTrips = {
      command: await commandRoundTrips(probeTarget, commands(PG_PROBES, 'pg-probe')),
      submission: await submissionRoundTrips(probeTarget, probeSubmissions),
    };
    process.stdout.write(
      `PostgreSQL round trips before the ack (median/max of ${PG_PROBES}): command → views.open ${roundTrips.command.median}/${roundTrips.command.max}, submission ${roundTrips.submission.median}/${roundTrips.submission.max}\n`,
    );

    const commandRuns: CommandResult[] = [];
    const submitRuns: SubmitResult[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      await quiesce(h.slack);
      const c = await commandPhase(target, h.slack, PG_COMMAND_RATE);
      commandRuns.push(c);
      process.stdout.write(`bot-postgres commands @${PG_COMMAND_RATE}/s: ack p50/p99 ${c.ackP50}/${c.ackP99} ms, views.open p50/p99 ${c.openP50}/${c.openP99} ms, errors ${c.errors}\n`);
      await quiesce(h.slack);
      const s = await submitPhase(target, `pg${repeat}`, PG_SUBMIT_RATE, imports);
      submitRuns.push(s);
      process.stdout.write(`bot-postgres view_submission @${PG_SUBMIT_RATE}/s: ack p50/p99 ${s.ackP50}/${s.ackP99} ms, errors ${s.errors}\n`);
    }
    const submit = medianSubmitRun(submitRuns);
    return {
      delayMsEachWay: PG_DELAY_MS,
      readyMs: round(bot.readyMs),
      roundTrips,
      commands: medianRun(commandRuns),
      commandRuns,
      viewSubmission: { rate: PG_SUBMIT_RATE, ...submit },
      submitRuns,
      connections: proxy.connections(),
      peakRssMb: peakRssMb(bot.process.pid),
      targets: {
        commandRoundTripsAtMost2: roundTrips.command.median <= COMMAND_ROUND_TRIPS_TARGET,
        submissionRoundTripsAtMost3: roundTrips.submission.median <= SUBMISSION_ROUND_TRIPS_TARGET,
        noErrors: commandRuns.every((r) => r.errors === 0) && submit.errors === 0 && submit.imports?.missing === 0 && submit.imports.notPostedOnce === 0,
      },
    };
  } finally {
    if (bot !== undefined) await stop(bot);
    await outcomes.close();
    await proxy.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  if (ONLY !== undefined && !ONLY_CHOICES.includes(ONLY)) throw new Error(`BENCH_ONLY must be one of ${ONLY_CHOICES.join(', ')}`);
  if (ONLY === 'scrubber') return runScrubberBench();
  if (ONLY === 'nodes') return runNodesBench();
  // The load generator must keep its schedule while the servers it drives keep the cores busy.
  try {
    setPriority(process.pid, -15);
  } catch {
    process.stdout.write('(could not raise the load generator’s priority; its lateness is reported)\n');
  }
  const machine = describeMachine();
  process.stdout.write(`${machineLine(machine)}\n`);
  const slack = await startRemoteSlack();
  // The two processes' clocks share the wall-clock origin; check that they agree.
  const skew = await clockSkewMs(slack.url);
  const simplismart = await startRemoteSimplismart();
  const dataDir = mkdtempSync(join(process.env['BENCH_DATA_DIR'] ?? tmpdir(), 'ss-bench-'));
  const harness: Harness = { slack, simplismart, skewMs: skew, dataDir, failures: [] };
  const results: Record<string, unknown> = {
    when: machine.date,
    machine,
    only: ONLY ?? null,
    tag: process.env['BENCH_TAG'] ?? null,
    botNodeFlags: nodeFlags('bot'),
    peerNodeFlags: nodeFlags('peer'),
    phaseMs: PHASE_MS,
    repeats: REPEATS,
    clockSkewMs: round(skew, 3),
  };
  try {
    const tools: PhaseTools = {
      h: harness,
      repeats: REPEATS,
      botMain: join(ROOT, 'dist', 'main.js'),
      launch,
      stop,
      quiesce: () => quiesce(slack),
      checkImports,
      oauthBotEnv: (dir) => oauthBotEnv(harness, dir),
      cpuMs,
      peakRssMb,
      cpuShare: (targets) => cpuShare(benchPids(harness, targets)),
    };
    const wanted = (phase: string) => ONLY === undefined || ONLY === phase;
    if (ONLY === undefined || ONLY === 'commands' || ONLY === 'submit') await sqlitePhases(harness, results);
    if (wanted('postgres')) results['postgres'] = await postgresPhase(harness);
    if (wanted('formpeer')) results['formPeer'] = await formPeerPhase(harness);
    if (wanted('neighbour')) results['neighbour'] = await neighbourPhase(tools);
    if (wanted('ratelimited')) results['rateLimited'] = await rateLimitedPhase(tools);
    if (wanted('soak')) results['soak'] = await soakPhase(tools);
  } finally {
    slack.process.kill('SIGTERM');
    simplismart.process.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
  (results['machine'] as Machine & { loadAverageAtEnd?: number[] }).loadAverageAtEnd = loadAverage();
  results['failures'] = harness.failures;
  printReport(results);
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  // A partial run says which phase in its name (and BENCH_TAG, when given, what else was special).
  const suffix = [ONLY, process.env['BENCH_TAG']].filter((x) => x !== undefined && x !== '').join('-');
  const kept = resultFileName(machine).replace(/\.json$/, suffix === '' ? '.json' : `-${suffix}.json`);
  writeFileSync(join(out, 'latest.json'), json);
  writeFileSync(join(out, kept), json);
  process.stdout.write(`\nwritten: bench/results/latest.json and bench/results/${kept}\n`);
  for (const plot of writePlots(join(out, kept), results)) process.stdout.write(`plotted: bench/results/${basename(plot)}\n`);
  // Parse and propose for 10, 100 and 1000 nodes: in-process children of their own, after the servers stopped.
  if (ONLY === undefined) runNodesBench();
  if (harness.failures.length > 0) {
    process.stderr.write(`\nbench FAILED:\n${harness.failures.map((f) => `  ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

function printReport(r: Record<string, unknown>): void {
  const machine = r['machine'] as Machine & { loadAverageAtEnd?: number[] };
  const lines = ['', machineLine(machine), `load average at the end: ${(machine.loadAverageAtEnd ?? []).join(' / ')}; ${String(r['phaseMs'])} ms per phase, ${String(r['repeats'])} runs each${typeof r['only'] === 'string' ? `; BENCH_ONLY=${r['only']}` : ''}`];
  if (r['readyMs'] !== undefined) lines.push(...sqliteTable(r));
  const pg = r['postgres'] as PostgresResult | undefined;
  if (pg !== undefined) lines.push(...postgresTable(pg));
  const formPeer = r['formPeer'] as FormPeerResult | undefined;
  if (formPeer !== undefined) lines.push(...formPeerTable(formPeer));
  const neighbour = r['neighbour'] as NeighbourResult | undefined;
  if (neighbour !== undefined) lines.push(...neighbourTable(neighbour));
  const rateLimited = r['rateLimited'] as RateLimitedResult | undefined;
  if (rateLimited !== undefined) lines.push(...rateLimitedTable(rateLimited));
  const soak = r['soak'] as SoakResult | undefined;
  if (soak !== undefined) lines.push(...soakTable(soak));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function importRows(label: string, imports: ImportCheck | undefined): string[] {
  if (imports === undefined) return [];
  const byMethod = Object.entries(imports.slackCallsPerImport)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
  return [
    `| ${label}: imports completed afterwards, of submitted; ms after the last ack | ${imports.completed} of ${imports.imports}${imports.missing > 0 ? ' **MISSING**' : ''}; ${imports.waitMs} | | |`,
    `| ${label}: Simplismart POSTs per import; imports not POSTed exactly once | ${imports.postsPerImport}; ${imports.notPostedOnce} | | |`,
    `| ${label}: Slack Web API calls per import | ${imports.slackCallsPerImportTotal} (${byMethod}) | | |`,
  ];
}

function sqliteTable(r: Record<string, unknown>): string[] {
  const commandsByApp = r['commands'] as Record<string, CommandResult[]>;
  const lines = ['', '| measure | bot | peer | bot/peer |', '| --- | ---: | ---: | ---: |'];
  const ready = r['readyMs'] as { bot: number; peer: number };
  lines.push(`| start → /readyz (ms) | ${ready.bot} | ${ready.peer} | ${round(ready.bot / ready.peer, 2)} |`);
  commandsByApp['bot']!.forEach((b, i) => {
    const p = commandsByApp['peer']![i]!;
    lines.push(`| command ack p50 / p99 @${b.rate}/s (ms) | ${b.ackP50} / ${b.ackP99} | ${p.ackP50} / ${p.ackP99} | ${round(b.ackP99 / p.ackP99, 2)} |`);
    lines.push(`| command → views.open p50 / p99 @${b.rate}/s (ms) | ${b.openP50} / ${b.openP99} | ${p.openP50} / ${p.openP99} | ${round(b.openP99 / p.openP99, 2)} |`);
    lines.push(`| errors @${b.rate}/s | ${b.errors} | ${p.errors} | |`);
    lines.push(`| CPU per command @${b.rate}/s (ms) | ${b.cpuMsPerRequest} | ${p.cpuMsPerRequest} | ${round(b.cpuMsPerRequest / p.cpuMsPerRequest, 2)} |`);
  });
  const submit = r['viewSubmission'] as Record<string, SubmitResult> | undefined;
  const bot = submit?.['bot'];
  const peer = submit?.['peer'];
  if (bot !== undefined && peer !== undefined) {
    lines.push(`| view_submission (6 node groups) ack p50 / p99 @${SUBMIT_RATE}/s (ms) | ${bot.ackP50} / ${bot.ackP99} | ${peer.ackP50} / ${peer.ackP99} | ${round(bot.ackP99 / peer.ackP99, 2)} |`);
    lines.push(`| CPU per submission, its import included @${SUBMIT_RATE}/s (ms) | ${bot.cpuMsPerRequest} | ${peer.cpuMsPerRequest} | ${round(bot.cpuMsPerRequest / peer.cpuMsPerRequest, 2)} |`);
    lines.push(`| CPU per submission on the acking thread @${SUBMIT_RATE}/s (ms) | ${bot.ackingCpuMsPerRequest} | ${peer.ackingCpuMsPerRequest} | ${round(bot.ackingCpuMsPerRequest / peer.ackingCpuMsPerRequest, 2)} |`);
    lines.push(...importRows(`view_submission @${SUBMIT_RATE}/s`, bot.imports));
  }
  const inFlight = r['inFlight'] as { completed: number; totalMs: number; exactlyOnePostEach: boolean } | undefined;
  if (inFlight !== undefined) {
    lines.push(`| ${IN_FLIGHT} imports in flight (API 500 ms): completed, total ms, one POST each | ${inFlight.completed}, ${inFlight.totalMs}, ${inFlight.exactlyOnePostEach ? 'yes' : 'NO'} | n/a | |`);
  }
  const rss = r['peakRssMb'] as { bot: number; peer: number };
  lines.push(`| peak RSS (MB) | ${rss.bot} | ${rss.peer} | ${round(rss.bot / rss.peer, 2)} |`);
  lines.push('', 'Targets:');
  for (const [k, v] of Object.entries(r['targets'] as Record<string, boolean | null>)) lines.push(`  ${v === true ? 'met   ' : v === false ? 'MISSED' : 'n/a   '} ${k}`);
  return lines;
}

function postgresTable(pg: PostgresResult): string[] {
  const c = pg.commands;
  const s = pg.viewSubmission;
  const trips = (t: RoundTripCount) => `${t.median} (max ${t.max}, ${t.samples} sent one at a time)`;
  const lines = [
    '',
    `PostgreSQL, ${pg.delayMsEachWay} ms each way through the proxy (bot only):`,
    '',
    '| measure | bot on PostgreSQL |',
    '| --- | ---: |',
    `| start → /readyz, migrations included (ms) | ${pg.readyMs} |`,
    `| round trips before a command's views.open | ${trips(pg.roundTrips.command)} |`,
    `| round trips before a submission's ack | ${trips(pg.roundTrips.submission)} |`,
    `| command ack p50 / p99 @${c.rate}/s (ms) | ${c.ackP50} / ${c.ackP99} |`,
    `| command → views.open p50 / p99 @${c.rate}/s (ms) | ${c.openP50} / ${c.openP99} |`,
    `| view_submission ack p50 / p99 @${s.rate}/s (ms) | ${s.ackP50} / ${s.ackP99} |`,
    ...importRows(`view_submission @${s.rate}/s`, s.imports).map((row) => row.replace(/ \| \| \|$/, ' |')),
    `| errors (commands, submissions) | ${c.errors}, ${s.errors} |`,
    `| connections opened to PostgreSQL | ${pg.connections} |`,
    `| peak RSS (MB) | ${pg.peakRssMb} |`,
    '',
    'Targets (PostgreSQL):',
  ];
  for (const [k, v] of Object.entries(pg.targets)) lines.push(`  ${v ? 'met   ' : 'MISSED'} ${k}`);
  return lines;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
