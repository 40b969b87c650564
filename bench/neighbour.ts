// The noisy neighbour (issue 17, item 4): the bot installed in two workspaces through OAuth, each
// connected to a Simplismart token of its own, the local Simplismart taking about a second per import
// (as a real import does). Workspace A submits imports at A_RATE a second while workspace B submits one
// a second; what is measured is B's wait from its submission's ack to its outcome reply in its thread,
// as the local Slack sees it — with the neighbour, and alone (B only, the same bot). Every import of
// every run must end, POSTed once. The bot's background queue is fair across workspaces
// (src/services/fairQueue.ts): this phase measures what that is worth.
//
// BENCH_NEIGHBOUR_BOT_MAIN runs another build of the bot in this phase (e.g. the code before the fair
// queue, built in a scratch copy), for a comparison; it is recorded with the results.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fakeJwt, ORG, ORG_TWO } from '../test/support/fixtures.js';
import { loadAverage, type CpuShare } from './machine.js';
import { openLoop, percentile, round, type Prepared, type Shot } from './load.js';
import { sqliteOutcomes } from './outcomes.js';
import { spread, type ImportCheck, type PhaseTools, type Spread, type Target } from './phase.js';
import { fullForm, importSubmission, prepared, sourcePrefix } from './requests.js';
import { setUp, workspace, type Workspace } from './workspaces.js';

const NEIGHBOUR_MS = Number(process.env['BENCH_NEIGHBOUR_MS'] ?? 20_000);
/** Workspace A's imports a second; B's is one a second. */
const A_RATE = Number(process.env['BENCH_NEIGHBOUR_RATE'] ?? 50);
const B_RATE = 1;
/** How long the local Simplismart takes to answer each import. */
const IMPORT_MS = Number(process.env['BENCH_NEIGHBOUR_IMPORT_MS'] ?? 1000);
/** Target: B's p99 with the neighbour at most this many times B's p99 alone. */
const TARGET_RATIO = 2;

export interface NeighbourRun {
  /** alone: only B submits; neighbour: A floods meanwhile. */
  kind: 'alone' | 'neighbour';
  repeat: number;
  /** B's submission ack → its outcome reply in its thread (ms). */
  b: Spread;
  /** B's submission acks (ms). */
  bAck: Spread;
  /** A's submission acks (ms), with the neighbour. */
  aAck?: Spread;
  /** Submissions (A's and B's) answered other than 200, or not within 10 s. */
  ackErrors: number;
  /** B's imports whose outcome reply was not found, or came with another workspace's token. */
  bWithoutReply: number;
  bReplyCrossed: number;
  /** Every import of the run (A's and B's): ended, one POST each. */
  imports: ImportCheck;
  /** CPU the bot spent over the run, its imports' work included (ms per import). */
  cpuMsPerImport: number;
  generatorLatenessP99: number;
  loadAverage: number[];
  /** How busy the machine was during the run: the bench's processes, and other work. */
  cpu: CpuShare;
  /** Raw: B's waits, in submission order. */
  bWaits: number[];
}

export interface NeighbourResult {
  botMain: string;
  aRate: number;
  bRate: number;
  phaseMs: number;
  importMs: number;
  readyMs: number;
  runs: NeighbourRun[];
  /** The median over the runs of each kind's p50 and p99, with the range. */
  alone: { p50: number; p99: number; p99Range: [number, number] };
  neighbour: { p50: number; p99: number; p99Range: [number, number] };
  /** Every B wait of each kind, pooled over the runs. */
  pooled: { alone: Spread; neighbour: Spread };
  /** neighbour p99 / alone p99: of the medians, and of each run with the alone run before it. */
  ratio: { ofMedians: number; perPair: number[] };
  /** Calls the local Slack saw with a token it did not issue (0: every call carried a workspace's own). */
  unknownTokens: number;
  peakRssMb: number;
  targets: Record<string, boolean>;
}

/** Fixed-width names, so that one never contains another: nb-<tag>-<a|b>-0007. */
const nameOf = (tag: string, who: 'a' | 'b', i: number) => `nb-${tag}-${who}-${String(i).padStart(4, '0')}`;

function importsOf(w: Workspace, tag: string, who: 'a' | 'b', count: number): Prepared[] {
  const form = fullForm(w.member.channelId, w.org);
  return Array.from({ length: count }, (_, i) => {
    const name = nameOf(tag, who, i);
    return prepared(name, importSubmission(form, { teamId: w.teamId, userId: w.member.userId, viewId: `${sourcePrefix(tag)}${who.toUpperCase()}${i}`, name }));
  });
}

const acks = (shots: readonly Shot[]) => spread(shots.filter((s) => s.status === 200 && s.done !== undefined).map((s) => s.done! - s.fired));

export async function neighbourPhase(t: PhaseTools): Promise<NeighbourResult> {
  const { h } = t;
  const a = workspace('TNOISYA01', fakeJwt({ sub: 'neighbour-a' }), ORG);
  const b = workspace('TQUIETB01', fakeJwt({ sub: 'neighbour-b' }), ORG_TWO);
  await h.simplismart.addTokens({ [a.simplismartToken]: a.org, [b.simplismartToken]: b.org });
  const dataDir = join(h.dataDir, 'neighbour');
  mkdirSync(dataDir, { recursive: true });
  const override = process.env['BENCH_NEIGHBOUR_BOT_MAIN'];
  const script = override === undefined ? t.botMain : resolve(override);
  const outcomes = sqliteOutcomes(join(dataDir, 'simplismart-slack.db'));
  const imports = { slack: h.slack, simplismart: h.simplismart, outcomes, failures: h.failures };
  let bot: Target | undefined;
  try {
    bot = await t.launch('bot-oauth', script, t.oauthBotEnv(dataDir));
    const target = bot;
    const events = new URL(`${bot.url}/slack/events`);
    await h.slack.setRedirect(`${bot.url}/slack/oauth_redirect`);
    await setUp(bot.url, [a, b], { parallel: 1 });
    process.stdout.write(`neighbour: bot (${script}) ready in ${round(bot.readyMs)} ms, installed in ${a.teamId} and ${b.teamId}, each connected\n`);
    await h.simplismart.setBehaviour({ kind: 'delay', delayMs: IMPORT_MS });

    // Warm-up, not measured: both workspaces import for a few seconds, then everything ends.
    {
      const tag = 'nbwarm';
      const warmA = importsOf(a, tag, 'a', A_RATE * 3);
      const warmB = importsOf(b, tag, 'b', 5);
      await t.quiesce();
      await h.slack.reset();
      const [sa, sb] = await Promise.all([openLoop(events, A_RATE, warmA), openLoop(events, 2, warmB)]);
      await t.checkImports(imports, 'neighbour warm-up', tag, [...warmA, ...warmB], [...sa, ...sb]);
    }

    const runs: NeighbourRun[] = [];
    for (let repeat = 0; repeat < t.repeats; repeat += 1) {
      for (const kind of ['alone', 'neighbour'] as const) {
        const tag = `nb${kind === 'alone' ? 'q' : 'n'}${repeat}`;
        const fromB = importsOf(b, tag, 'b', Math.round((B_RATE * NEIGHBOUR_MS) / 1000));
        const fromA = kind === 'neighbour' ? importsOf(a, tag, 'a', Math.round((A_RATE * NEIGHBOUR_MS) / 1000)) : [];
        await t.quiesce();
        await h.slack.reset();
        const cpuBefore = t.cpuMs(target.process.pid);
        const share = t.cpuShare([target]);
        const [shotsA, shotsB] = await Promise.all([fromA.length === 0 ? Promise.resolve([]) : openLoop(events, A_RATE, fromA), openLoop(events, B_RATE, fromB)]);
        const check = await t.checkImports(imports, `neighbour ${kind} run ${repeat}`, tag, [...fromA, ...fromB], [...shotsA, ...shotsB]);
        const cpu = t.cpuMs(target.process.pid) - cpuBefore;
        const machine = share();
        const replies = await h.slack.replies(`nb-${tag}-b-`);
        const origin = performance.timeOrigin;
        let withoutReply = 0;
        let crossed = 0;
        const waits: number[] = [];
        for (const shot of shotsB) {
          const reply = replies.find((r) => r.text.includes(shot.id));
          if (reply === undefined || shot.done === undefined) {
            withoutReply += 1;
            continue;
          }
          if (reply.team !== b.teamId) crossed += 1;
          waits.push(reply.at - h.skewMs - (origin + shot.done));
        }
        const late = [...shotsA, ...shotsB].map((s) => s.fired - s.scheduled);
        const run: NeighbourRun = {
          kind,
          repeat,
          b: spread(waits),
          bAck: acks(shotsB),
          ...(kind === 'neighbour' ? { aAck: acks(shotsA) } : {}),
          ackErrors: [...shotsA, ...shotsB].filter((s) => s.status !== 200).length,
          bWithoutReply: withoutReply,
          bReplyCrossed: crossed,
          imports: check,
          cpuMsPerImport: round(cpu / (shotsA.length + shotsB.length), 2),
          generatorLatenessP99: round(percentile(late, 99)),
          loadAverage: loadAverage(),
          cpu: machine,
          bWaits: waits.map((w) => round(w)),
        };
        runs.push(run);
        process.stdout.write(
          `neighbour ${kind} run ${repeat}: B submit → outcome p50/p99/max ${run.b.p50}/${run.b.p99}/${run.b.max} ms (${run.b.n} of ${shotsB.length}), B ack p99 ${run.bAck.p99} ms` +
            `${run.aAck === undefined ? '' : `, A ack p99 ${run.aAck.p99} ms (${shotsA.length} sent)`}; last import ${check.waitMs} ms after the last ack; load ${run.loadAverage.join(' / ')}; cores used by the bench ${machine.benchCores}, by other work ${machine.otherCores}\n`,
        );
        if (withoutReply > 0 || crossed > 0) {
          const failure = `neighbour ${kind} run ${repeat}: ${withoutReply} of B's imports without an outcome reply, ${crossed} posted with another workspace's token`;
          process.stderr.write(`\n!!! FAILED ${failure}\n\n`);
          h.failures.push(failure);
        }
      }
    }
    await h.simplismart.setBehaviour(null);
    const { unknownTokens } = await h.slack.stats();
    return summarise(runs, {
      botMain: override === undefined ? 'dist/main.js' : script,
      readyMs: round(bot.readyMs),
      unknownTokens,
      peakRssMb: t.peakRssMb(bot.process.pid),
    });
  } finally {
    await h.simplismart.setBehaviour(null);
    if (bot !== undefined) await t.stop(bot);
    await outcomes.close();
  }
}

/** The runs' figures: each kind's median p50 and p99 with the range, the pooled waits, the ratios and the targets. */
export function summarise(runs: readonly NeighbourRun[], about: { botMain: string; readyMs: number; unknownTokens: number; peakRssMb: number }): NeighbourResult {
  const of = (kind: NeighbourRun['kind']) => runs.filter((r) => r.kind === kind);
  const kindSummary = (kind: NeighbourRun['kind']) => {
    const p99s = of(kind).map((r) => r.b.p99);
    return { p50: round(percentile(of(kind).map((r) => r.b.p50), 50)), p99: round(percentile(p99s, 50)), p99Range: [Math.min(...p99s), Math.max(...p99s)] as [number, number] };
  };
  const alone = kindSummary('alone');
  const neighbour = kindSummary('neighbour');
  const perPair = of('neighbour').map((n) => {
    const before = of('alone').find((r) => r.repeat === n.repeat);
    return before === undefined ? Number.NaN : round(n.b.p99 / before.b.p99, 2);
  });
  const ofMedians = round(neighbour.p99 / alone.p99, 2);
  const everyImport = runs.every((r) => r.imports.missing === 0 && r.imports.notPostedOnce === 0 && r.bWithoutReply === 0 && r.bReplyCrossed === 0);
  return {
    botMain: about.botMain,
    aRate: A_RATE,
    bRate: B_RATE,
    phaseMs: NEIGHBOUR_MS,
    importMs: IMPORT_MS,
    readyMs: about.readyMs,
    runs: [...runs],
    alone,
    neighbour,
    pooled: { alone: spread(of('alone').flatMap((r) => r.bWaits)), neighbour: spread(of('neighbour').flatMap((r) => r.bWaits)) },
    ratio: { ofMedians, perPair },
    unknownTokens: about.unknownTokens,
    peakRssMb: about.peakRssMb,
    targets: {
      bP99WithNeighbourWithin2xAlone: ofMedians <= TARGET_RATIO,
      everyImportEndedOnePostEachOutcomeInItsThread: everyImport && about.unknownTokens === 0,
      everySubmissionAcked: runs.every((r) => r.ackErrors === 0),
    },
  };
}

export function neighbourTable(r: NeighbourResult): string[] {
  const kind = (k: 'alone' | 'neighbour') => r.runs.filter((x) => x.kind === k);
  const runsOf = (k: 'alone' | 'neighbour') => kind(k).map((x) => `${x.b.p50}/${x.b.p99}`).join(', ');
  const lines = [
    '',
    `Noisy neighbour (${r.botMain}): A submits ${r.aRate}/s, B ${r.bRate}/s, for ${r.phaseMs / 1000} s; Simplismart answers each import in ${r.importMs} ms; ${r.runs.length / 2} runs of each, alternating`,
    '',
    '| B: submission ack → outcome reply in its thread (ms) | p50 | p99 (range over runs) | runs p50/p99 | pooled p50 / p99 / max |',
    '| --- | ---: | ---: | --- | ---: |',
    `| B alone | ${r.alone.p50} | ${r.alone.p99} (${r.alone.p99Range.join('–')}) | ${runsOf('alone')} | ${r.pooled.alone.p50} / ${r.pooled.alone.p99} / ${r.pooled.alone.max} |`,
    `| B with A flooding | ${r.neighbour.p50} | ${r.neighbour.p99} (${r.neighbour.p99Range.join('–')}) | ${runsOf('neighbour')} | ${r.pooled.neighbour.p50} / ${r.pooled.neighbour.p99} / ${r.pooled.neighbour.max} |`,
    `| with / alone, p99 | | ${r.ratio.ofMedians} (runs ${r.ratio.perPair.join(', ')}) | | ${round(r.pooled.neighbour.p99 / r.pooled.alone.p99, 2)} |`,
    '',
    `A's acks p99 (ms): ${kind('neighbour').map((x) => x.aAck?.p99).join(', ')}; B's acks p99: ${r.runs.map((x) => x.bAck.p99).join(', ')}`,
    `last import ended after the last ack (ms), with A: ${kind('neighbour').map((x) => x.imports.waitMs).join(', ')}; CPU per import (ms): ${r.runs.map((x) => x.cpuMsPerImport).join(', ')}`,
    `cores used by other work during each run (alone, with A, …): ${r.runs.map((x) => x.cpu.otherCores).join(', ')}; by the bench: ${r.runs.map((x) => x.cpu.benchCores).join(', ')}`,
    `submissions not acked (non-200 or no answer within 10 s), per run: ${r.runs.map((x) => x.ackErrors).join(', ')}`,
    `imports: ${r.runs.reduce((n, x) => n + x.imports.completed, 0)} of ${r.runs.reduce((n, x) => n + x.imports.imports, 0)} ended, not POSTed once: ${r.runs.reduce((n, x) => n + x.imports.notPostedOnce, 0)}; calls with a token Slack did not issue: ${r.unknownTokens}; peak RSS ${r.peakRssMb} MB`,
    '',
    'Targets (noisy neighbour):',
  ];
  for (const [k, v] of Object.entries(r.targets)) lines.push(`  ${v ? 'met   ' : 'MISSED'} ${k}`);
  return lines;
}
