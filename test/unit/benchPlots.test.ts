// The bench's plots (bench/plots.ts): well-formed SVG documents with their axes and one series per
// target and percentile, drawn from whatever phases a results file holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchPlots } from '../../bench/plots.js';

const ROOT = join(import.meta.dirname, '..', '..');

const run = (rate: number, ms: number) => ({ rate, cpuMsPerRequest: ms / 2, ackP50: ms / 4, ackP99: ms / 2, openP50: ms / 3, openP99: ms, openTail: { p90: ms / 2, p95: ms * 0.7, p999: ms * 2, max: ms * 3 } });
const RESULTS = {
  when: '2026-12-08T03:29:40.909Z',
  machine: { cpu: 'AMD EPYC', cores: 2 },
  commands: { bot: [run(100, 6), run(300, 11), run(600, 17)], peer: [run(100, 3), run(300, 3.5), run(600, 7)] },
  viewSubmission: { bot: { rate: 100, cpuMsPerRequest: 8.46 }, peer: { rate: 100, cpuMsPerRequest: 1.89 } },
};

/** Every element opened is closed, in order (self-closing ones aside): the document is well formed. */
function expectWellFormed(svg: string): void {
  expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svg.trim()).toMatch(/<\/svg>$/);
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing === '/') continue;
    if (closing === '/') expect(open.pop()).toBe(name);
    else open.push(name!);
  }
  expect(open).toEqual([]);
}

/** The texts the SVG shows (tick labels, titles, legend). */
const textsOf = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => text!.replace(/&amp;/g, '&').replace(/&#x2192;|&rarr;/g, '→'));

describe('a full run', () => {
  const plots = benchPlots(RESULTS);

  it('gives a latency plot and a CPU plot, each a well-formed SVG document', () => {
    expect(plots.map((p) => p.name)).toEqual(['latency', 'cpu']);
    for (const plot of plots) expectWellFormed(plot.svg);
  });

  it('latency: rates on one axis, milliseconds (log) on the other, p50/p90/p99 of the bot and of the peer', () => {
    const latency = plots.find((p) => p.name === 'latency')!;
    const texts = textsOf(latency.svg);
    expect(texts).toEqual(expect.arrayContaining(['commands per second', 'milliseconds (log scale)', '100', '300', '600', '1', '10']));
    expect(texts).toEqual(expect.arrayContaining(['bot p50', 'bot p90', 'bot p99', 'peer p50', 'peer p90', 'peer p99']));
    expect(texts.some((t) => t.startsWith('Slash command'))).toBe(true);
    // Six lines of three points each: a path per series with a move and two line-tos.
    const lines = [...latency.svg.matchAll(/<path d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+L[\d.]+ [\d.]+"[^>]*stroke="(#[0-9a-f]{6})"/gi)].map(([, colour]) => colour!.toLowerCase());
    expect(lines.filter((c) => c === '#4a154b')).toHaveLength(3);
    expect(lines.filter((c) => c === '#1f8a70')).toHaveLength(3);
  });

  it('CPU: a bar per phase and target, labelled with its milliseconds', () => {
    const texts = textsOf(plots.find((p) => p.name === 'cpu')!.svg);
    expect(texts).toEqual(expect.arrayContaining(['CPU milliseconds per request', 'commands 100/s', 'commands 600/s', 'submissions 100/s', 'bot', 'peer']));
    expect(texts).toEqual(expect.arrayContaining(['3', '5.5', '8.5', '8.46', '1.89']));
  });
});

describe('partial results', () => {
  it('a run of other phases only (soak, neighbour, scrubber) has nothing to plot', () => {
    expect(benchPlots({ when: 'x', soak: { rssMb: [1, 2] } })).toEqual([]);
    expect(benchPlots(null)).toEqual([]);
    expect(benchPlots([1, 2])).toEqual([]);
  });

  it('a form-peer run gives its CPU, the second peer beside the bot', () => {
    const plots = benchPlots({ formPeer: { rate: 300, bot: run(300, 4), formPeer: run(300, 3) } });
    expect(plots.map((p) => p.name)).toEqual(['cpu']);
    expectWellFormed(plots[0]!.svg);
    expect(textsOf(plots[0]!.svg)).toEqual(expect.arrayContaining(['form peer', '2', '1.5', 'second peer (the bot’s form)']));
  });

  it('every committed results file plots without error', () => {
    const file = join(ROOT, 'bench', 'results', '2026-12-08T0329Z-amd-epyc-2c.json');
    const plots = benchPlots(JSON.parse(readFileSync(file, 'utf8')));
    expect(plots.map((p) => p.name)).toEqual(['latency', 'cpu']);
    for (const plot of plots) expectWellFormed(plot.svg);
  });
});
