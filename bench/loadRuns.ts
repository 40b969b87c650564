// One measured run against a target, as every phase with a peer or a database makes it: the signed
// commands and submissions it sends, a run of commands (ack and views.open) or of submissions (ack, CPU,
// and for the bot every import checked to its outcome), waiting for quiet in between, the median of
// several runs, and the rows the tables print for the imports.
import { randomBytes } from 'node:crypto';
import { fillModal } from '../test/support/modalState.js';
import { slashCommand, viewSubmission } from '../test/support/slackRequests.js';
import { openLoop, percentile, round, type Prepared, type Shot } from './load.js';
import { END_STATES } from './outcomes.js';
import type { ImportCheck, ImportContext, RemoteSlack, Target } from './phase.js';
import { cpuMs } from './processes.js';
import { fullForm, sign, sourcePrefix } from './requests.js';
import { CHANNEL, IMPORTS_TIMEOUT_MS, PHASE_MS, TEAM, USER } from './settings.js';

export function commands(count: number, tag: string): Prepared[] {
  return Array.from({ length: count }, (_, i) => {
    const triggerId = `${tag}.${i}.${randomBytes(6).toString('hex')}`;
    const { body } = slashCommand({ teamId: TEAM, userId: USER, channelId: CHANNEL, text: 'import', triggerId });
    return { id: triggerId, body, headers: sign(body) };
  });
}

export function submissions(count: number, tag: string): Prepared[] {
  const template = fullForm(CHANNEL);
  return Array.from({ length: count }, (_, i) => {
    const name = `Bench ${tag} ${i}`;
    const view = { ...template.view, id: `${sourcePrefix(tag)}${i}`, hash: `h${i}` };
    const { body } = viewSubmission({ teamId: TEAM, userId: USER, view, stateValues: fillModal(view as never, { ...template.values, cluster_name: name }) });
    return { id: name, body, headers: sign(body) };
  });
}

export interface CommandResult {
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

export async function commandPhase(target: Target, slack: RemoteSlack, rate: number): Promise<CommandResult> {
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
export async function quiesce(slack: RemoteSlack): Promise<void> {
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

export function medianRun(runs: CommandResult[]): CommandResult {
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

export interface SubmitResult {
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

export async function submitPhase(target: Target, run: number | string, rate: number, imports?: ImportContext): Promise<SubmitResult> {
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
export async function checkImports(ctx: ImportContext, label: string, tag: string, prepared: readonly Prepared[], shots: readonly Shot[]): Promise<ImportCheck> {
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

export function medianSubmitRun(runs: SubmitResult[]): SubmitResult {
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

export function importRows(label: string, imports: ImportCheck | undefined): string[] {
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
