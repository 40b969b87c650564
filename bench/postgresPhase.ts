// The bot on PostgreSQL in another zone (bench/pgProxy.ts delays every chunk), bot only: round trips
// before each ack, then commands and submissions at a modest rate; and its table in the report.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openLoop, round } from './load.js';
import { checkImports, commandPhase, commands, importRows, medianRun, medianSubmitRun, quiesce, submissions, submitPhase, type CommandResult, type SubmitResult } from './loadRuns.js';
import { END_STATES, postgresOutcomes } from './outcomes.js';
import type { Harness, ImportContext, Target } from './phase.js';
import { startPgProxy } from './pgProxy.js';
import { createBenchDatabase, throughProxy } from './postgresDatabase.js';
import { botEnv, launch, peakRssMb, stop } from './processes.js';
import { sourcePrefix } from './requests.js';
import { commandRoundTrips, submissionRoundTrips, type RoundTripCount } from './roundTrips.js';
import { COMMAND_ROUND_TRIPS_TARGET, PG_COMMAND_RATE, PG_DELAY_MS, PG_PROBES, PG_SUBMIT_RATE, REPEATS, ROOT, SUBMISSION_ROUND_TRIPS_TARGET } from './settings.js';

export interface PostgresResult {
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
export async function postgresPhase(h: Harness): Promise<PostgresResult> {
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

export function postgresTable(pg: PostgresResult): string[] {
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
