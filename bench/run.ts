// `npm run bench`: the bot (built, HTTP mode, SQLite default, a child process) against the plainest
// Bolt app doing the same first step (the peer, another child), both driven over loopback with signed
// requests at fixed rates, with a local Slack Web API and a local Simplismart API (sqlitePhases.ts); then
// the bot on PostgreSQL behind a proxy that puts the database in another zone (postgresPhase.ts); the bot
// against a second peer that opens the bot's own import form (formPeerPhase.ts); the bot installed in two
// workspaces, one flooding it with imports while the other's are timed (neighbour.ts); and the bot
// installed in thousands of workspaces for minutes, its memory sampled (soak.ts). This file runs the
// phases and reports: it prints the machine and a table per phase with ratios and the targets, and writes
// the same as JSON: latest.json and a file per run (bench/results/<date>-<cpu>[-<phase>].json) that later
// runs leave alone. The settings (BENCH_*) are in settings.ts; starting, measuring and stopping processes
// in processes.ts; one measured run of commands or submissions, and the import check, in loadRuns.ts.
// BENCH_ONLY=scrubber runs only the log scrubber's micro-benchmark (bench/scrubber.ts); BENCH_ONLY=nodes
// only the node-group proposal's (bench/nodes.ts). A full run ends with the nodes phase (it writes its
// own file).
import { setPriority, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { round } from './load.js';
import { checkImports, quiesce } from './loadRuns.js';
import { cpuShare, describeMachine, loadAverage, machineLine, resultFileName, type Machine } from './machine.js';
import { formPeerPhase, formPeerTable, type FormPeerResult } from './formPeerPhase.js';
import { neighbourPhase, neighbourTable, type NeighbourResult } from './neighbour.js';
import { runNodesBench } from './nodes.js';
import type { Harness, PhaseTools } from './phase.js';
import { writePlots } from './plots.js';
import { postgresPhase, postgresTable, type PostgresResult } from './postgresPhase.js';
import { benchPids, clockSkewMs, cpuMs, launch, nodeFlags, oauthBotEnv, peakRssMb, startRemoteSimplismart, startRemoteSlack, stop } from './processes.js';
import { runScrubberBench } from './scrubber.js';
import { ONLY, ONLY_CHOICES, PHASE_MS, REPEATS, ROOT } from './settings.js';
import { rateLimitedPhase, rateLimitedTable, type RateLimitedResult } from './rateLimited.js';
import { soakPhase, soakTable, type SoakResult } from './soak.js';
import { sqlitePhases, sqliteTable } from './sqlitePhases.js';

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

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
