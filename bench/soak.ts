// The soak (issue 17, item 5): the bot under the image's V8 flags, installed in SOAK_WORKSPACES
// workspaces through OAuth, each connected to a Simplismart token of its own and one in ten requiring
// approval, takes mixed traffic spread over all of them at a moderate rate for SOAK_MS: import commands
// (the form opened), help, Home openings, import submissions, and the approvers of the workspaces that
// require it approving what waits. Every SAMPLE_MS the bench reads the bot's RSS and heap from its
// GET /metrics; the verdict compares the window after the warm-up with the last window (memoryTrend.ts).
// Afterwards every import must have ended, POSTed once.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeJwt, ORG } from '../test/support/fixtures.js';
import { loadAverage, type CpuShare } from './machine.js';
import { memorySample, memoryTrend, rssSplit, type MemorySample, type Trend } from './memoryTrend.js';
import { openLoop, round, type Prepared, type Shot } from './load.js';
import { sqliteOutcomes } from './outcomes.js';
import { spread, type ImportCheck, type PhaseTools, type Spread, type Target } from './phase.js';
import { approveClick, command, fullForm, homeOpened, importSubmission, prepared, sourcePrefix } from './requests.js';
import { send, setUp, workspace, type Workspace } from './workspaces.js';

const SOAK_MS = Number(process.env['BENCH_SOAK_MS'] ?? 300_000);
const WORKSPACES = Number(process.env['BENCH_SOAK_WORKSPACES'] ?? 2000);
/** Requests a second, all kinds together. */
const RATE = Number(process.env['BENCH_SOAK_RATE'] ?? 20);
const SAMPLE_MS = Number(process.env['BENCH_SOAK_SAMPLE_MS'] ?? 5000);
/** How long the local Simplismart takes per import. */
const IMPORT_MS = Number(process.env['BENCH_SOAK_IMPORT_MS'] ?? 1000);
/** The first minute (or fifth of a short soak) is warm-up: caches fill, the JIT and the heap settle. */
const WARM_UP_MS = Math.min(60_000, SOAK_MS / 5);
/** Each side of the comparison: the samples of 30 s (or a fifth of a short soak). */
const WINDOW_MS = Math.min(30_000, SOAK_MS / 5);
/** Requests are built and signed per chunk, as they go: a signature older than five minutes is refused. */
const CHUNK_MS = 10_000;
/** One workspace in this many requires approval. */
const APPROVAL_EVERY = 10;
/** An approver clicks a request once it has waited this long (its card posted). */
const APPROVER_DELAY_MS = 2000;
/** Target: RSS at the end within this many percent of RSS after the warm-up. */
const RSS_GROWTH_TARGET_PCT = 10;

/** Twenty requests: the mix repeated over the soak. */
const MIX = ['open', 'home', 'submit', 'open', 'help', 'open', 'home', 'submit', 'open', 'home', 'open', 'submit', 'help', 'open', 'home', 'submit', 'open', 'home', 'submit', 'open'] as const;
type Kind = (typeof MIX)[number];

export interface SoakResult {
  workspaces: number;
  approvalWorkspaces: number;
  /** Installing, connecting and setting policies everywhere (ms). */
  setUpMs: number;
  durationMs: number;
  rate: number;
  importMs: number;
  warmUpMs: number;
  windowMs: number;
  sent: Record<Kind | 'approve', number>;
  /** Acks by kind (ms). */
  acks: Record<Kind, Spread>;
  /** Answers other than 200 (approvals included), and import commands whose form did not open within 3 s. */
  errors: number;
  formsNotOpened: number;
  imports: ImportCheck;
  homePublishes: number;
  unknownTokens: number;
  samples: MemorySample[];
  rss: Trend;
  heapUsed: Trend;
  /** RSS's anonymous and file-backed parts (from /proc), where read. */
  rssAnon?: Trend;
  rssFile?: Trend;
  peakRssMb: number;
  cpuMsPerRequest: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  /** How busy the machine was during the traffic: the bench's processes, and other work. */
  cpu: CpuShare;
  targets: Record<string, boolean>;
}

/** A small seeded generator (mulberry32): the same traffic every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function soakPhase(t: PhaseTools): Promise<SoakResult> {
  const { h } = t;
  const teams: Workspace[] = Array.from({ length: WORKSPACES }, (_, i) => workspace(`TSOAK${String(i).padStart(5, '0')}`, fakeJwt({ sub: `soak-${i}` }), ORG));
  const requiresApproval = (w: Workspace) => Number(w.teamId.slice(5)) % APPROVAL_EVERY === 0;
  await h.simplismart.addTokens(Object.fromEntries(teams.map((w) => [w.simplismartToken, w.org])));
  const dataDir = join(h.dataDir, 'soak');
  mkdirSync(dataDir, { recursive: true });
  const outcomes = sqliteOutcomes(join(dataDir, 'simplismart-slack.db'));
  const imports = { slack: h.slack, simplismart: h.simplismart, outcomes, failures: h.failures };
  let bot: Target | undefined;
  let sampler: NodeJS.Timeout | undefined;
  let approving = true;
  let approver: Promise<void> = Promise.resolve();
  try {
    bot = await t.launch('bot-oauth', t.botMain, t.oauthBotEnv(dataDir));
    const target = bot;
    const events = new URL(`${bot.url}/slack/events`);
    await h.slack.setRedirect(`${bot.url}/slack/oauth_redirect`);
    const setUpStart = performance.now();
    await setUp(bot.url, teams, { parallel: 8, approval: requiresApproval });
    const setUpMs = round(performance.now() - setUpStart);
    process.stdout.write(`soak: bot ready in ${round(bot.readyMs)} ms; ${WORKSPACES} workspaces installed and connected (${teams.filter(requiresApproval).length} requiring approval) in ${round(setUpMs / 1000)} s\n`);
    await h.simplismart.setBehaviour({ kind: 'delay', delayMs: IMPORT_MS });
    await t.quiesce();
    await h.slack.reset();

    const loadAtStart = loadAverage();
    const samples: MemorySample[] = [];
    const started = performance.now();
    const sample = async () => {
      const text = await fetch(`${target.url}/metrics`).then((r) => r.text(), () => '');
      const s = memorySample(round(performance.now() - started), text);
      let status = '';
      try {
        status = readFileSync(`/proc/${target.process.pid}/status`, 'utf8');
      } catch {
        // Not Linux, or the bot is gone: /metrics alone.
      }
      if (s !== undefined) samples.push({ ...s, ...rssSplit(status) });
    };
    await sample();
    sampler = setInterval(() => void sample(), SAMPLE_MS);

    // The approvers: every second, what has waited APPROVER_DELAY_MS is approved by its workspace's approver.
    const tag = 'soak';
    const approvals = { sent: 0, errors: 0 };
    const approved = new Set<string>();
    const byTeam = new Map(teams.map((w) => [w.teamId, w]));
    approver = (async () => {
      while (approving) {
        for (const p of await outcomes.pending(sourcePrefix(tag), Date.now() - APPROVER_DELAY_MS)) {
          if (approved.has(p.id)) continue;
          approved.add(p.id);
          const answer = await send(target.url, approveClick(byTeam.get(p.teamId)!.approver, p.id, `${h.slack.url}/response/approve`));
          approvals.sent += 1;
          if (answer.status !== 200) approvals.errors += 1;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();

    const next = random(17);
    const kinds = new Map<string, Kind>();
    const submitted: Prepared[] = [];
    const shots: Shot[] = [];
    let n = 0;
    const cpuBefore = t.cpuMs(target.process.pid);
    const share = t.cpuShare([target]);
    while (performance.now() - started < SOAK_MS) {
      const count = Math.max(1, Math.round((RATE * Math.min(CHUNK_MS, SOAK_MS - (performance.now() - started))) / 1000));
      const chunk: Prepared[] = [];
      for (let i = 0; i < count; i += 1, n += 1) {
        const kind = MIX[n % MIX.length]!;
        const w = teams[Math.floor(next() * teams.length)]!;
        const id = `soak-${String(n).padStart(6, '0')}`;
        kinds.set(id, kind);
        if (kind === 'submit') {
          const request = prepared(id, importSubmission(fullForm(w.member.channelId, w.org), { teamId: w.teamId, userId: w.member.userId, viewId: `${sourcePrefix(tag)}${n}`, name: id }));
          chunk.push(request);
          submitted.push({ id, body: '', headers: {} });
        } else if (kind === 'home') {
          chunk.push(prepared(id, homeOpened(w.member)));
        } else {
          // The trigger id is the request's id: the local Slack notes its views.open by it.
          chunk.push(prepared(id, command(w.member, kind === 'open' ? 'import' : 'help', id, `${h.slack.url}/response/${id}`)));
        }
      }
      shots.push(...(await openLoop(events, RATE, chunk)));
    }
    const durationMs = round(performance.now() - started);
    const machine = share();
    await sample();
    const loadAtEnd = loadAverage();

    const check = await t.checkImports(imports, 'soak', tag, submitted, shots);
    approving = false;
    await approver;
    clearInterval(sampler);
    sampler = undefined;
    const cpu = t.cpuMs(target.process.pid) - cpuBefore;
    const stats = await h.slack.stats();
    const origin = performance.timeOrigin;
    const formsNotOpened = shots.filter((s) => {
      if (kinds.get(s.id) !== 'open') return false;
      const at = stats.viewsOpened.get(s.id);
      return at === undefined || at - h.skewMs - (origin + s.fired) > 3000;
    }).length;
    const ackOf = (kind: Kind) => spread(shots.filter((s) => kinds.get(s.id) === kind && s.status === 200 && s.done !== undefined).map((s) => s.done! - s.fired));
    const sent = { open: 0, help: 0, home: 0, submit: 0, approve: approvals.sent };
    for (const kind of kinds.values()) sent[kind] += 1;
    const errors = shots.filter((s) => s.status !== 200).length + approvals.errors;
    const rss = memoryTrend(samples, WARM_UP_MS, WINDOW_MS, (s) => s.rssMb);
    const heapUsed = memoryTrend(samples, WARM_UP_MS, WINDOW_MS, (s) => s.heapUsedMb);
    const split = samples.every((s) => s.rssAnonMb !== undefined)
      ? { rssAnon: memoryTrend(samples, WARM_UP_MS, WINDOW_MS, (s) => s.rssAnonMb!), rssFile: memoryTrend(samples, WARM_UP_MS, WINDOW_MS, (s) => s.rssFileMb!) }
      : {};
    const result: SoakResult = {
      workspaces: WORKSPACES,
      approvalWorkspaces: teams.filter(requiresApproval).length,
      setUpMs,
      durationMs,
      rate: RATE,
      importMs: IMPORT_MS,
      warmUpMs: WARM_UP_MS,
      windowMs: WINDOW_MS,
      sent,
      acks: { open: ackOf('open'), help: ackOf('help'), home: ackOf('home'), submit: ackOf('submit') },
      errors,
      formsNotOpened,
      imports: check,
      homePublishes: stats.callsByMethod['views.publish'] ?? 0,
      unknownTokens: stats.unknownTokens,
      samples,
      rss,
      heapUsed,
      ...split,
      peakRssMb: t.peakRssMb(target.process.pid),
      cpuMsPerRequest: round(cpu / (shots.length + approvals.sent), 2),
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadAtEnd,
      cpu: machine,
      targets: {
        rssAtEndWithin10PctOfAfterWarmUp: rss.growthPct <= RSS_GROWTH_TARGET_PCT,
        noErrors: errors === 0 && formsNotOpened === 0 && stats.unknownTokens === 0,
        everyImportEndedOnePostEach: check.missing === 0 && check.notPostedOnce === 0,
      },
    };
    process.stdout.write(
      `soak: ${shots.length} requests and ${approvals.sent} approvals in ${round(durationMs / 1000)} s; RSS after warm-up ${rss.afterWarmUp.median} MB, at the end ${rss.atEnd.median} MB (${rss.growthPct}%); heap used ${heapUsed.afterWarmUp.median} → ${heapUsed.atEnd.median} MB; errors ${errors}\n`,
    );
    return result;
  } finally {
    approving = false;
    await approver.catch(() => undefined);
    if (sampler !== undefined) clearInterval(sampler);
    await h.simplismart.setBehaviour(null);
    if (bot !== undefined) await t.stop(bot);
    await outcomes.close();
  }
}

export function soakTable(r: SoakResult): string[] {
  const w = (x: SoakResult['rss']['afterWarmUp']) => `${x.median} (${x.min}–${x.max}, ${x.samples} samples)`;
  const ack = (k: Kind) => `${r.acks[k].p50} / ${r.acks[k].p99}`;
  const lines = [
    '',
    `Soak: ${r.workspaces} workspaces (${r.approvalWorkspaces} requiring approval), ${r.rate} requests/s for ${round(r.durationMs / 1000)} s, Simplismart ${r.importMs} ms per import; memory from /metrics every ${SAMPLE_MS / 1000} s`,
    '',
    '| measure | value |',
    '| --- | ---: |',
    `| set-up: installs (OAuth), connect forms, policies (s) | ${round(r.setUpMs / 1000)} |`,
    `| sent: import commands, help, Home openings, submissions, approvals | ${r.sent.open}, ${r.sent.help}, ${r.sent.home}, ${r.sent.submit}, ${r.sent.approve} |`,
    `| ack p50 / p99 (ms): import command, help, Home, submission | ${ack('open')}; ${ack('help')}; ${ack('home')}; ${ack('submit')} |`,
    `| errors; forms not opened within 3 s; calls with a token Slack did not issue | ${r.errors}; ${r.formsNotOpened}; ${r.unknownTokens} |`,
    `| imports ended, of submitted; not POSTed once | ${r.imports.completed} of ${r.imports.imports}; ${r.imports.notPostedOnce} |`,
    `| Home tabs published | ${r.homePublishes} |`,
    `| CPU per request (ms) | ${r.cpuMsPerRequest} |`,
    `| RSS after warm-up (${r.warmUpMs / 1000}–${(r.warmUpMs + r.windowMs) / 1000} s), median (range) MB | ${w(r.rss.afterWarmUp)} |`,
    `| RSS over the last ${r.windowMs / 1000} s, median (range) MB | ${w(r.rss.atEnd)} |`,
    `| RSS growth | ${r.rss.growthPct}% |`,
    `| heap used after warm-up → at the end, median MB | ${w(r.heapUsed.afterWarmUp)} → ${w(r.heapUsed.atEnd)} (${r.heapUsed.growthPct}%) |`,
    ...(r.rssAnon === undefined || r.rssFile === undefined
      ? []
      : [`| RSS anonymous; file-backed, after warm-up → at the end, median MB | ${r.rssAnon.afterWarmUp.median} → ${r.rssAnon.atEnd.median}; ${r.rssFile.afterWarmUp.median} → ${r.rssFile.atEnd.median} |`]),
    `| peak RSS (MB) | ${r.peakRssMb} |`,
    `| load average at the start / end of the traffic | ${r.loadAverageAtStart.join(' / ')}; ${r.loadAverageAtEnd.join(' / ')} |`,
    `| cores used during the traffic: by the bench, by other work | ${r.cpu.benchCores}, ${r.cpu.otherCores} |`,
    '',
    'Targets (soak):',
  ];
  for (const [k, v] of Object.entries(r.targets)) lines.push(`  ${v ? 'met   ' : 'MISSED'} ${k}`);
  return lines;
}
