// The rate-limited workspace (issue 17, item 4): the bot installed in two workspaces through OAuth, each
// connected to a Simplismart token of its own, the local Simplismart taking about a second per import.
// Workspace A submits imports at A_RATE a second, B at B_RATE, for RATE_LIMITED_MS; in the limited run
// the local Slack answers A's chat.postMessage with HTTP 429 and `Retry-After: RETRY_AFTER_S` for the
// first LIMIT_MS of the run (Slack does nothing with those calls), in the baseline run with no limit.
// What is measured, for both workspaces: submission ack → outcome reply in its thread (as the local
// Slack sees it); every import ends, POSTed once; the messages each import posted (counted at the local
// Slack: none twice); when A's messages went again after Slack reopened, against the Retry-After.
//
// The bot parks a call Slack limited outside its background slot until the Retry-After has passed
// (src/slack/rateLimitedClient.ts): B's imports must not wait behind A's parked ones, A's must all end
// once the limit lifts, and a message retried after a 429 must not be posted twice.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fakeJwt, ORG, ORG_TWO } from '../test/support/fixtures.js';
import { loadAverage, type CpuShare } from './machine.js';
import { openLoop, percentile, round, type Prepared, type Shot } from './load.js';
import { sqliteOutcomes } from './outcomes.js';
import { spread, type ImportCheck, type PhaseTools, type RemoteSlack, type Spread, type Target } from './phase.js';
import { fullForm, importSubmission, prepared, sourcePrefix } from './requests.js';
import type { PostedMessage } from './slackServer.js';
import { setUp, workspace, type Workspace } from './workspaces.js';

const RATE_LIMITED_MS = Number(process.env['BENCH_RATELIMITED_MS'] ?? 15_000);
const A_RATE = Number(process.env['BENCH_RATELIMITED_A_RATE'] ?? 5);
const B_RATE = Number(process.env['BENCH_RATELIMITED_B_RATE'] ?? 1);
/** Slack's Retry-After on each 429 (seconds). */
const RETRY_AFTER_S = Number(process.env['BENCH_RATELIMITED_RETRY_AFTER_S'] ?? 2);
/**
 * How long from the run's start Slack refuses A's chat.postMessage: three Retry-Afters, so a message
 * is refused up to three times (the bot gives a call five, rateLimitedClient.ts MAX_RATE_LIMITED).
 */
const LIMIT_MS = Number(process.env['BENCH_RATELIMITED_LIMIT_MS'] ?? 3 * RETRY_AFTER_S * 1000);
/** How long the local Simplismart takes to answer each import. */
const IMPORT_MS = Number(process.env['BENCH_RATELIMITED_IMPORT_MS'] ?? 1000);
/** Runs of each kind (baseline, limited), alternating. */
const REPEATS = Number(process.env['BENCH_RATELIMITED_REPEATS'] ?? 1);
/** Target: B's p99 with A limited at most this many times its p99 in the baseline run. */
const TARGET_RATIO = 2;
/** Target: A's messages go again within the Retry-After (and this much more) once Slack reopens. */
const RESUME_MARGIN_MS = 1000;
/** The bot reads a 429 after Slack sent it: its next call comes a Retry-After later or more, within this on the clocks' agreement. */
const CLOCK_TOLERANCE_MS = 50;
const LIMITED_METHOD = 'chat.postMessage';

type Who = 'a' | 'b';

export interface RateLimitedRun {
  /** baseline: no limit; limited: A's chat.postMessage answered 429 for the first LIMIT_MS. */
  kind: 'baseline' | 'limited';
  repeat: number;
  /** A's submissions; each must have its outcome reply (a.n). */
  aSubmitted: number;
  /** Submission ack → outcome reply in its thread (ms), per workspace. */
  a: Spread;
  b: Spread;
  /** A's imports submitted while Slack refused A's messages: the same, and how long after Slack reopened their outcome came (ms). */
  aDuringLimit: Spread;
  aAfterReopen: Spread;
  /** From Slack reopening to A's first message it took (ms); null without a limit. */
  aResumedAfterMs: number | null;
  /** From the last 429 Slack answered A to A's next message Slack took (ms): the Retry-After, waited out once. */
  aNextAfterLast429Ms: number | null;
  /** 429s the local Slack answered A's chat.postMessage; calls it received before a 429's Retry-After ran out (250 ms in-flight grace). */
  limitedAnswers: number;
  callsBeforeRetryAfter: number;
  /** Submissions answered other than 200, or not within 10 s. */
  ackErrors: number;
  /** Imports whose outcome reply was not found, or came with another workspace's token. */
  withoutReply: number;
  replyCrossed: number;
  /** Messages posted per import (status message and outcome reply): most common, least, most; imports with more or fewer than expected. */
  messagesPerImport: { usual: number; min: number; max: number };
  /** Imports with more messages than the expected count, and with fewer. */
  duplicated: number;
  short: number;
  /** Thread replies posted twice (the same thread, the same text). */
  repliesTwice: number;
  /** Every import of the run (A's and B's): ended, one POST each. */
  imports: ImportCheck;
  generatorLatenessP99: number;
  loadAverage: number[];
  cpu: CpuShare;
  /** Raw, in submission order. */
  aWaits: number[];
  bWaits: number[];
}

export interface RateLimitedResult {
  aRate: number;
  bRate: number;
  phaseMs: number;
  retryAfterSeconds: number;
  limitMs: number;
  importMs: number;
  readyMs: number;
  /** Messages each import posts (its status message and its outcome), as the baseline runs counted them. */
  expectedMessagesPerImport: number;
  runs: RateLimitedRun[];
  /** Medians over runs of each kind: p50 and p99 per workspace. */
  baseline: { a: { p50: number; p99: number }; b: { p50: number; p99: number } };
  limited: { a: { p50: number; p99: number }; b: { p50: number; p99: number } };
  /** B's p99 limited / baseline: of the medians, and run by run. */
  bRatio: { ofMedians: number; perPair: number[] };
  unknownTokens: number;
  peakRssMb: number;
  targets: Record<string, boolean>;
}

/** Fixed-width names, so that one never contains another: rl-<tag>-<a|b>-0007. */
const nameOf = (tag: string, who: Who, i: number) => `rl-${tag}-${who}-${String(i).padStart(4, '0')}`;

function importsOf(w: Workspace, tag: string, who: Who, count: number): Prepared[] {
  const form = fullForm(w.member.channelId, w.org);
  return Array.from({ length: count }, (_, i) => {
    const name = nameOf(tag, who, i);
    return prepared(name, importSubmission(form, { teamId: w.teamId, userId: w.member.userId, viewId: `${sourcePrefix(tag)}${who.toUpperCase()}${i}`, name }));
  });
}

/** The local Slack's controls this phase alone uses (bench/slackServer.ts). */
const control = {
  get: async <T>(slack: RemoteSlack, path: string): Promise<T> => (await fetch(`${slack.url}${path}`)).json() as Promise<T>,
  /** Limits `method` in `team` for `forMs` from now; returns when that ends (now(), the local Slack's clock). */
  limit: (slack: RemoteSlack, team: string, method: string, retryAfter: number, forMs: number) =>
    control.get<{ from: number; until: number }>(slack, `/__ratelimit?team=${team}&method=${method}&retryAfter=${retryAfter}&forMs=${forMs}`),
  limited: (slack: RemoteSlack) => control.get<Record<string, { answered: number; early: number; lastAt: number }>>(slack, '/__limited'),
  messages: (slack: RemoteSlack, q: string) => control.get<PostedMessage[]>(slack, `/__messages?q=${encodeURIComponent(q)}`),
};

export async function rateLimitedPhase(t: PhaseTools): Promise<RateLimitedResult> {
  const { h } = t;
  const a = workspace('TRATEA001', fakeJwt({ sub: 'ratelimited-a' }), ORG);
  const b = workspace('TRATEB001', fakeJwt({ sub: 'ratelimited-b' }), ORG_TWO);
  await h.simplismart.addTokens({ [a.simplismartToken]: a.org, [b.simplismartToken]: b.org });
  const dataDir = join(h.dataDir, 'ratelimited');
  mkdirSync(dataDir, { recursive: true });
  const outcomes = sqliteOutcomes(join(dataDir, 'simplismart-slack.db'));
  const imports = { slack: h.slack, simplismart: h.simplismart, outcomes, failures: h.failures };
  const fail = (failure: string) => {
    process.stderr.write(`\n!!! FAILED ${failure}\n\n`);
    h.failures.push(failure);
  };
  let bot: Target | undefined;
  try {
    bot = await t.launch('bot-oauth', t.botMain, t.oauthBotEnv(dataDir));
    const target = bot;
    const events = new URL(`${bot.url}/slack/events`);
    await h.slack.setRedirect(`${bot.url}/slack/oauth_redirect`);
    await setUp(bot.url, [a, b], { parallel: 1 });
    process.stdout.write(`ratelimited: bot ready in ${round(bot.readyMs)} ms, installed in ${a.teamId} (limited) and ${b.teamId}, each connected\n`);
    await h.simplismart.setBehaviour({ kind: 'delay', delayMs: IMPORT_MS });

    // Warm-up, not measured: both workspaces import for a few seconds, then everything ends.
    {
      const tag = 'rlwarm';
      const warmA = importsOf(a, tag, 'a', A_RATE * 2);
      const warmB = importsOf(b, tag, 'b', 3);
      await t.quiesce();
      await h.slack.reset();
      const [sa, sb] = await Promise.all([openLoop(events, A_RATE, warmA), openLoop(events, 2, warmB)]);
      await t.checkImports(imports, 'ratelimited warm-up', tag, [...warmA, ...warmB], [...sa, ...sb]);
    }

    const runs: RateLimitedRun[] = [];
    let expected = Number.NaN;
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      for (const kind of ['baseline', 'limited'] as const) {
        const tag = `rl${kind === 'baseline' ? 'u' : 'l'}${repeat}`;
        const fromA = importsOf(a, tag, 'a', Math.round((A_RATE * RATE_LIMITED_MS) / 1000));
        const fromB = importsOf(b, tag, 'b', Math.round((B_RATE * RATE_LIMITED_MS) / 1000));
        await t.quiesce();
        await h.slack.reset();
        const share = t.cpuShare([target]);
        // The local Slack's clock (now()) is this process's plus the skew.
        const window = kind === 'limited' ? await control.limit(h.slack, a.teamId, LIMITED_METHOD, RETRY_AFTER_S, LIMIT_MS) : undefined;
        const [shotsA, shotsB] = await Promise.all([openLoop(events, A_RATE, fromA), openLoop(events, B_RATE, fromB)]);
        const check = await t.checkImports(imports, `ratelimited ${kind} run ${repeat}`, tag, [...fromA, ...fromB], [...shotsA, ...shotsB]);
        const machine = share();
        const origin = performance.timeOrigin;
        const atSlack = (shot: Shot) => origin + shot.done! + h.skewMs;
        const posted = await control.messages(h.slack, `rl-${tag}-`);
        const replies = posted.filter((m) => m.thread !== undefined);
        let withoutReply = 0;
        let crossed = 0;
        const waitsOf = (shots: readonly Shot[], w: Workspace) => {
          const waits: number[] = [];
          const outcomeAt: Array<number | undefined> = [];
          for (const shot of shots) {
            const reply = replies.find((r) => r.text.includes(shot.id));
            if (reply === undefined || shot.done === undefined) {
              withoutReply += 1;
              outcomeAt.push(undefined);
              continue;
            }
            if (reply.team !== w.teamId) crossed += 1;
            waits.push(reply.at - atSlack(shot));
            outcomeAt.push(reply.at);
          }
          return { waits, outcomeAt };
        };
        const ofA = waitsOf(shotsA, a);
        const ofB = waitsOf(shotsB, b);
        // Messages per import, counted by the name each of them carries.
        const counts = [...fromA, ...fromB].map((p) => posted.filter((m) => m.text.includes(p.id)).length);
        const usual = mode(counts);
        if (kind === 'baseline' && Number.isNaN(expected)) expected = usual;
        const threadTexts = replies.map((r) => `${r.thread ?? ''}\u0000${r.text}`);
        const repliesTwice = threadTexts.length - new Set(threadTexts).size;
        const duringLimit = window === undefined ? [] : shotsA.map((s, i) => ({ s, at: ofA.outcomeAt[i] })).filter(({ s }) => s.done !== undefined && atSlack(s) < window.until);
        const firstAfter = window === undefined ? undefined : posted.filter((m) => m.team === a.teamId && m.at >= window.until).reduce<number | undefined>((min, m) => (min === undefined || m.at < min ? m.at : min), undefined);
        const limitedCalls = (await control.limited(h.slack))[`${a.teamId} ${LIMITED_METHOD}`];
        const nextAfter429 = limitedCalls === undefined ? undefined : posted.filter((m) => m.team === a.teamId && m.at >= limitedCalls.lastAt).reduce<number | undefined>((min, m) => (min === undefined || m.at < min ? m.at : min), undefined);
        const run: RateLimitedRun = {
          kind,
          repeat,
          aSubmitted: shotsA.length,
          a: spread(ofA.waits),
          b: spread(ofB.waits),
          aDuringLimit: spread(duringLimit.flatMap(({ s, at }) => (at === undefined ? [] : [at - atSlack(s)]))),
          aAfterReopen: spread(window === undefined ? [] : duringLimit.flatMap(({ at }) => (at === undefined ? [] : [at - window.until]))),
          aResumedAfterMs: window === undefined || firstAfter === undefined ? null : round(firstAfter - window.until),
          aNextAfterLast429Ms: limitedCalls === undefined || nextAfter429 === undefined ? null : round(nextAfter429 - limitedCalls.lastAt),
          limitedAnswers: limitedCalls?.answered ?? 0,
          callsBeforeRetryAfter: limitedCalls?.early ?? 0,
          ackErrors: [...shotsA, ...shotsB].filter((s) => s.status !== 200).length,
          withoutReply,
          replyCrossed: crossed,
          messagesPerImport: { usual, min: Math.min(...counts), max: Math.max(...counts) },
          duplicated: Number.isNaN(expected) ? 0 : counts.filter((c) => c > expected).length,
          short: Number.isNaN(expected) ? 0 : counts.filter((c) => c < expected).length,
          repliesTwice,
          imports: check,
          generatorLatenessP99: round(percentile([...shotsA, ...shotsB].map((s) => s.fired - s.scheduled), 99)),
          loadAverage: loadAverage(),
          cpu: machine,
          aWaits: ofA.waits.map((w) => round(w)),
          bWaits: ofB.waits.map((w) => round(w)),
        };
        runs.push(run);
        process.stdout.write(
          `ratelimited ${kind} run ${repeat}: A submit → outcome p50/p99/max ${run.a.p50}/${run.a.p99}/${run.a.max} ms (${run.a.n} of ${shotsA.length}), B ${run.b.p50}/${run.b.p99}/${run.b.max} ms (${run.b.n} of ${shotsB.length})` +
            `${window === undefined ? '' : `; ${run.limitedAnswers} 429s to A, A's messages went again ${run.aNextAfterLast429Ms} ms after the last 429 and ${run.aResumedAfterMs} ms after Slack reopened, A's limited imports' outcomes ${run.aAfterReopen.p50}/${run.aAfterReopen.max} ms (p50/max) after it`}` +
            `; messages per import ${usual} (${run.messagesPerImport.min}–${run.messagesPerImport.max}); load ${run.loadAverage.join(' / ')}; cores used by the bench ${machine.benchCores}, by other work ${machine.otherCores}\n`,
        );
        if (withoutReply > 0 || crossed > 0) fail(`ratelimited ${kind} run ${repeat}: ${withoutReply} imports without an outcome reply, ${crossed} posted with another workspace's token`);
        if (run.duplicated > 0 || run.repliesTwice > 0 || run.short > 0) fail(`ratelimited ${kind} run ${repeat}: ${run.duplicated} imports posted more than ${expected} messages, ${run.short} fewer, ${run.repliesTwice} thread replies posted twice`);
        if (kind === 'limited' && run.limitedAnswers === 0) fail(`ratelimited limited run ${repeat}: the local Slack answered no 429 (nothing was limited)`);
      }
    }
    await h.simplismart.setBehaviour(null);
    const { unknownTokens } = await h.slack.stats();
    const result = summarise(runs, { expected, readyMs: round(bot.readyMs), unknownTokens, peakRssMb: t.peakRssMb(bot.process.pid) });
    for (const [name, met] of Object.entries(result.targets)) if (!met) fail(`ratelimited: target missed: ${name}`);
    return result;
  } finally {
    await h.simplismart.setBehaviour(null);
    if (bot !== undefined) await t.stop(bot);
    await outcomes.close();
  }
}

function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]?.[0] ?? Number.NaN;
}

function summarise(runs: readonly RateLimitedRun[], about: { expected: number; readyMs: number; unknownTokens: number; peakRssMb: number }): RateLimitedResult {
  const of = (kind: RateLimitedRun['kind']) => runs.filter((r) => r.kind === kind);
  const medians = (kind: RateLimitedRun['kind'], who: Who) => ({
    p50: round(percentile(of(kind).map((r) => r[who].p50), 50)),
    p99: round(percentile(of(kind).map((r) => r[who].p99), 50)),
  });
  const baseline = { a: medians('baseline', 'a'), b: medians('baseline', 'b') };
  const limited = { a: medians('limited', 'a'), b: medians('limited', 'b') };
  const perPair = of('limited').map((l) => {
    const before = of('baseline').find((r) => r.repeat === l.repeat);
    return before === undefined ? Number.NaN : round(l.b.p99 / before.b.p99, 2);
  });
  const ofMedians = round(limited.b.p99 / baseline.b.p99, 2);
  const ended = (r: RateLimitedRun) => r.imports.missing === 0 && r.imports.notPostedOnce === 0 && r.withoutReply === 0 && r.replyCrossed === 0;
  const resumeLimit = RETRY_AFTER_S * 1000 + RESUME_MARGIN_MS;
  return {
    aRate: A_RATE,
    bRate: B_RATE,
    phaseMs: RATE_LIMITED_MS,
    retryAfterSeconds: RETRY_AFTER_S,
    limitMs: LIMIT_MS,
    importMs: IMPORT_MS,
    readyMs: about.readyMs,
    expectedMessagesPerImport: about.expected,
    runs: [...runs],
    baseline,
    limited,
    bRatio: { ofMedians, perPair },
    unknownTokens: about.unknownTokens,
    peakRssMb: about.peakRssMb,
    targets: {
      unaffectedP99WithinTwiceItsBaseline: ofMedians <= TARGET_RATIO,
      limitedImportsAllCompleteAfterTheWait: of('limited').every(
        (r) =>
          r.limitedAnswers > 0 &&
          r.aDuringLimit.n > 0 &&
          r.aResumedAfterMs !== null &&
          r.aResumedAfterMs <= resumeLimit &&
          r.a.n === r.aSubmitted &&
          r.aNextAfterLast429Ms !== null &&
          r.aNextAfterLast429Ms >= RETRY_AFTER_S * 1000 - CLOCK_TOLERANCE_MS &&
          r.aNextAfterLast429Ms <= resumeLimit &&
          r.aAfterReopen.max <= resumeLimit + IMPORT_MS,
      ),
      everyImportEndedOnePostEachOutcomeInItsThread: runs.every((r) => ended(r) && r.short === 0) && about.unknownTokens === 0,
      nothingPostedTwice: runs.every((r) => r.duplicated === 0 && r.repliesTwice === 0),
      everySubmissionAcked: runs.every((r) => r.ackErrors === 0),
    },
  };
}

export function rateLimitedTable(r: RateLimitedResult): string[] {
  const kind = (k: RateLimitedRun['kind']) => r.runs.filter((x) => x.kind === k);
  const runsOf = (k: RateLimitedRun['kind'], who: Who) => kind(k).map((x) => `${x[who].p50}/${x[who].p99}`).join(', ');
  const limitedRuns = kind('limited');
  const lines = [
    '',
    `Rate-limited workspace: A submits ${r.aRate}/s, B ${r.bRate}/s, for ${r.phaseMs / 1000} s; Simplismart answers each import in ${r.importMs} ms; in the limited runs Slack answers A's chat.postMessage 429 (Retry-After: ${r.retryAfterSeconds}) for the first ${r.limitMs / 1000} s; ${r.runs.length / 2} run(s) of each`,
    '',
    '| submission ack → outcome reply in its thread (ms) | p50 | p99 | runs p50/p99 |',
    '| --- | ---: | ---: | --- |',
    `| B, baseline (no limit) | ${r.baseline.b.p50} | ${r.baseline.b.p99} | ${runsOf('baseline', 'b')} |`,
    `| B, A limited | ${r.limited.b.p50} | ${r.limited.b.p99} | ${runsOf('limited', 'b')} |`,
    `| B: limited / baseline, p99 | | ${r.bRatio.ofMedians} | ${r.bRatio.perPair.join(', ')} |`,
    `| A, baseline (no limit) | ${r.baseline.a.p50} | ${r.baseline.a.p99} | ${runsOf('baseline', 'a')} |`,
    `| A, limited (all its imports) | ${r.limited.a.p50} | ${r.limited.a.p99} | ${runsOf('limited', 'a')} |`,
    `| A, submitted while limited | ${limitedRuns.map((x) => x.aDuringLimit.p50).join(', ')} | ${limitedRuns.map((x) => x.aDuringLimit.p99).join(', ')} | n ${limitedRuns.map((x) => x.aDuringLimit.n).join(', ')} |`,
    '',
    `A limited: 429s answered ${limitedRuns.map((x) => x.limitedAnswers).join(', ')}; its messages went again ${limitedRuns.map((x) => x.aNextAfterLast429Ms).join(', ')} ms after the last 429 (Retry-After ${r.retryAfterSeconds * 1000} ms), ${limitedRuns.map((x) => x.aResumedAfterMs).join(', ')} ms after Slack reopened; its limited imports' outcomes came p50 ${limitedRuns.map((x) => x.aAfterReopen.p50).join(', ')} / max ${limitedRuns.map((x) => x.aAfterReopen.max).join(', ')} ms after it`,
    `calls Slack received before a 429's Retry-After ran out (past 250 ms in flight): ${limitedRuns.map((x) => x.callsBeforeRetryAfter).join(', ')}`,
    `messages per import (expected ${r.expectedMessagesPerImport}: status + outcome), usual (min–max) per run: ${r.runs.map((x) => `${x.messagesPerImport.usual} (${x.messagesPerImport.min}–${x.messagesPerImport.max})`).join(', ')}; imports with more: ${r.runs.map((x) => x.duplicated).join(', ')}, fewer: ${r.runs.map((x) => x.short).join(', ')}; thread replies posted twice: ${r.runs.map((x) => x.repliesTwice).join(', ')}`,
    `imports: ${r.runs.reduce((n, x) => n + x.imports.completed, 0)} of ${r.runs.reduce((n, x) => n + x.imports.imports, 0)} ended, not POSTed once: ${r.runs.reduce((n, x) => n + x.imports.notPostedOnce, 0)}; without an outcome reply: ${r.runs.reduce((n, x) => n + x.withoutReply, 0)}; submissions not acked: ${r.runs.reduce((n, x) => n + x.ackErrors, 0)}; calls with a token Slack did not issue: ${r.unknownTokens}`,
    `last import ended after the last ack (ms), per run: ${r.runs.map((x) => x.imports.waitMs).join(', ')}; load average after each run: ${r.runs.map((x) => x.loadAverage[0]).join(', ')}; cores used by other work: ${r.runs.map((x) => x.cpu.otherCores).join(', ')}, by the bench: ${r.runs.map((x) => x.cpu.benchCores).join(', ')}; peak RSS ${r.peakRssMb} MB`,
    '',
    'Targets (rate-limited):',
  ];
  for (const [k, v] of Object.entries(r.targets)) lines.push(`  ${v ? 'met   ' : 'MISSED'} ${k}`);
  return lines;
}
