// The bot against the second peer (bench/formPeer.ts: a bare Bolt app opening the bot's own import
// form), commands only; and its table in the report.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openLoop, percentile, round } from './load.js';
import { commandPhase, commands, medianRun, quiesce, type CommandResult } from './loadRuns.js';
import { cpuShare, type CpuShare } from './machine.js';
import type { Harness, Target } from './phase.js';
import { benchPids, botEnv, launch, stop } from './processes.js';
import { SIGNING_SECRET } from './requests.js';
import { BOT_TOKEN, FORM_PEER_RATE, FORM_PEER_TARGET, REPEATS, ROOT } from './settings.js';

export interface FormPeerResult {
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
export async function formPeerPhase(h: Harness): Promise<FormPeerResult> {
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

export function formPeerTable(r: FormPeerResult): string[] {
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
