// Pictures of a bench run's results, as SVG files beside its results file: the latency percentiles of
// commands by rate (the bot against the peer, a bare Bolt app doing the same work), and the CPU each
// request costs. Drawn with Apache ECharts' server-side renderer, which writes an SVG string in Node
// with no DOM and no canvas (README, Dependencies). Any part of the results a run did not measure (a
// BENCH_ONLY run, an older file) is left out; a file with nothing to draw gives no plot.
import { writeFileSync } from 'node:fs';
import * as echarts from 'echarts';

export interface Plot {
  /** What the plot shows, as the end of its file's name: `<results>-<name>.svg`. */
  name: string;
  title: string;
  svg: string;
}

const WIDTH = 760;
const HEIGHT = 440;
const COLOURS = { bot: '#4a154b', peer: '#1f8a70', secondPeer: '#e0a100' };

/** One run of commands at a rate, as bench/run.ts writes it (fields an older file lacks are optional). */
interface CommandRun {
  rate: number;
  cpuMsPerRequest?: number;
  ackP50?: number;
  ackP99?: number;
  openP50?: number;
  openP99?: number;
  openTail?: { p90?: number; p95?: number; p999?: number; max?: number };
}

interface Submissions {
  rate?: number;
  cpuMsPerRequest?: number;
}

/** The parts of a results file the plots read. */
interface Results {
  when?: string;
  machine?: { cpu?: string; cores?: number };
  commands?: { bot?: CommandRun[]; peer?: CommandRun[] };
  viewSubmission?: { bot?: Submissions; peer?: Submissions };
  postgres?: { commands?: CommandRun; viewSubmission?: Submissions };
  formPeer?: { rate?: number; bot?: CommandRun; formPeer?: CommandRun };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function subtitle(r: Results): string {
  const machine = r.machine === undefined ? '' : `${r.machine.cpu ?? 'unknown CPU'}, ${r.machine.cores ?? '?'} cores`;
  return [machine, r.when?.slice(0, 16).replace('T', ' ')].filter(Boolean).join(' · ');
}

/** One chart as an SVG document (a fresh renderer each time, disposed at once). */
function render(option: echarts.EChartsOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: 'system-ui, sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const PERCENTILES: Array<{ label: string; of: (run: CommandRun) => number | null; line: 'dotted' | 'dashed' | 'solid' }> = [
  { label: 'p50', of: (run) => num(run.openP50), line: 'dotted' },
  { label: 'p90', of: (run) => num(run.openTail?.p90), line: 'dashed' },
  { label: 'p99', of: (run) => num(run.openP99), line: 'solid' },
];

/** Command → views.open, by rate: p50, p90 and p99 of the bot and of the peer. */
function latencyPlot(r: Results): Plot | undefined {
  const bot = r.commands?.bot ?? [];
  const peer = r.commands?.peer ?? [];
  const rates = [...new Set([...bot, ...peer].map((run) => run.rate))].sort((a, b) => a - b);
  if (rates.length === 0) return undefined;
  const series = (['bot', 'peer'] as const).flatMap((target) => {
    const runs = target === 'bot' ? bot : peer;
    return PERCENTILES.map((p) => ({
      name: `${target} ${p.label}`,
      type: 'line' as const,
      symbolSize: 7,
      color: COLOURS[target],
      lineStyle: { type: p.line, width: 2 },
      data: rates.map((rate) => {
        const run = runs.find((x) => x.rate === rate);
        return run === undefined ? null : p.of(run);
      }),
    }));
  }).filter((s) => s.data.some((v) => v !== null));
  const title = 'Slash command → views.open latency, by rate (bot against the peer)';
  return {
    name: 'latency',
    title,
    svg: render({
      title: { text: title, subtext: `${subtitle(r)} · median of the runs at each rate`, left: 'center', textStyle: { fontSize: 15 } },
      legend: { bottom: 0, data: series.map((s) => s.name) },
      grid: { left: 70, right: 30, top: 70, bottom: 80 },
      xAxis: { type: 'category', name: 'commands per second', nameLocation: 'middle', nameGap: 30, data: rates.map(String) },
      yAxis: { type: 'log', name: 'milliseconds (log scale)', nameLocation: 'middle', nameGap: 45, logBase: 10 },
      series,
    }),
  };
}

/** CPU milliseconds per request, each phase measured: the bot against the peer (or the second peer). */
function cpuPlot(r: Results): Plot | undefined {
  const rows: Array<{ label: string; bot: number | null; peer: number | null; secondPeer: number | null }> = [];
  for (const run of r.commands?.bot ?? []) {
    const peer = r.commands?.peer?.find((p) => p.rate === run.rate);
    rows.push({ label: `commands ${run.rate}/s`, bot: num(run.cpuMsPerRequest), peer: num(peer?.cpuMsPerRequest), secondPeer: null });
  }
  const submissions = r.viewSubmission;
  if (submissions?.bot !== undefined) rows.push({ label: `submissions ${submissions.bot.rate ?? '?'}/s`, bot: num(submissions.bot.cpuMsPerRequest), peer: num(submissions.peer?.cpuMsPerRequest), secondPeer: null });
  if (r.postgres?.commands !== undefined) rows.push({ label: `PostgreSQL commands ${r.postgres.commands.rate}/s`, bot: num(r.postgres.commands.cpuMsPerRequest), peer: null, secondPeer: null });
  if (r.postgres?.viewSubmission !== undefined) rows.push({ label: `PostgreSQL submissions ${r.postgres.viewSubmission.rate ?? '?'}/s`, bot: num(r.postgres.viewSubmission.cpuMsPerRequest), peer: null, secondPeer: null });
  if (r.formPeer?.bot !== undefined) rows.push({ label: `commands ${r.formPeer.rate ?? r.formPeer.bot.rate}/s, form peer`, bot: num(r.formPeer.bot.cpuMsPerRequest), peer: null, secondPeer: num(r.formPeer.formPeer?.cpuMsPerRequest) });
  if (rows.length === 0 || rows.every((row) => row.bot === null)) return undefined;
  const bars = (['bot', 'peer', 'secondPeer'] as const)
    .map((target) => ({
      name: target === 'secondPeer' ? 'second peer (the bot’s form)' : target,
      type: 'bar' as const,
      color: COLOURS[target],
      label: { show: true, position: 'top' as const, fontSize: 10 },
      data: rows.map((row) => row[target]),
    }))
    .filter((s) => s.data.some((v) => v !== null));
  const title = 'CPU time per request (bot against the peer)';
  return {
    name: 'cpu',
    title,
    svg: render({
      title: { text: title, subtext: `${subtitle(r)} · user + system time of the process, median of the runs`, left: 'center', textStyle: { fontSize: 15 } },
      legend: { bottom: 0, data: bars.map((s) => s.name) },
      grid: { left: 70, right: 30, top: 70, bottom: 90 },
      xAxis: { type: 'category', data: rows.map((row) => row.label), axisLabel: { interval: 0, width: 90, overflow: 'break', fontSize: 10 } },
      yAxis: { type: 'value', name: 'CPU milliseconds per request', nameLocation: 'middle', nameGap: 45 },
      series: bars,
    }),
  };
}

/** Every plot the results hold data for. */
export function benchPlots(results: unknown): Plot[] {
  if (!isRecord(results)) return [];
  const r = results as Results;
  return [latencyPlot(r), cpuPlot(r)].filter((p): p is Plot => p !== undefined);
}

/** Writes the plots of `results` beside `resultsFile` (`x.json` → `x-latency.svg`, …); returns the files written. */
export function writePlots(resultsFile: string, results: unknown): string[] {
  return benchPlots(results).map((plot) => {
    const file = resultsFile.replace(/\.json$/, '') + `-${plot.name}.svg`;
    writeFileSync(file, plot.svg);
    return file;
  });
}
