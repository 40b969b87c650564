// `BENCH_ONLY=scrubber npm run bench`: the log scrubber alone (issue 16), in this process, no servers.
// For 0, 3k, 30k and 100k tokens seen — realistic ones (rotating Slack tokens, refresh tokens,
// Simplismart JWTs) and, as the worst case, as many secrets without a known shape — it reports how
// many values the scrubber kept and the milliseconds per log line: a line without a secret, one
// carrying a token, a 5 KB trace payload. Prints the machine and a table; writes the same as JSON to
// bench/results/<date>T<hhmm>Z-<cpu>-scrubber.json. The tests check that the scrubber stays bounded
// (its size); how fast that makes a line is measured here, where a slow machine cannot fail a test.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretScrubber } from '../src/process/secretScrubber.js';
import { fakeJwt } from '../test/support/fixtures.js';
import { round } from './load.js';
import { describeMachine, loadAverage, machineLine, resultFileName, type Machine } from './machine.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEEN = [0, 3_000, 30_000, 100_000];
/** Each line is scrubbed for at least this long (after a warm-up); the mean is reported. */
const MEASURE_MS = Number(process.env['BENCH_SCRUBBER_MS'] ?? 300);

/** What the bench needs of a scrubber (so that another implementation can be measured the same way). */
export interface Scrubber {
  add(...secrets: Array<string | undefined>): void;
  pin?(...secrets: Array<string | undefined>): void;
  scrub(text: string): string;
  readonly size?: number;
}

export interface ScrubberRow {
  tokens: 'shaped' | 'unshaped';
  seen: number;
  /** Exact values the scrubber kept (undefined when it does not say). */
  kept: number | undefined;
  addMsPerToken: number;
  msPerLine: { noSecret: number; withToken: number; payload5k: number };
}

const KEY = randomBytes(32);
/** What the process pins at start (configSecrets and the encryption key's forms), as in production. */
const CONFIGURED = [
  'bench-signing-secret-0123456789abcdef',
  'bench-client-secret-0123456789abcdef',
  'bench-state-secret-0123456789',
  'bench-metrics-token-0123456789',
  KEY.toString('hex'),
  KEY.toString('base64'),
  KEY.toString('base64').replace(/=+$/, ''),
  KEY.toString('base64url'),
];

/** The tokens a long-running bot sees: each workspace's rotating bot token and refresh token every 12 h, and Simplismart JWTs. */
function shapedToken(i: number): string {
  const body = `${1 + (i % 9)}-${randomBytes(30).toString('hex')}`;
  return [`xoxe.xoxb-${body}`, `xoxe-${body}`, `xoxe.xoxp-${body}`, fakeJwt({ sub: `key-${i}` })][i % 4]!;
}

/**
 * The worst case: secrets with no shape the scrubber knows (random, as an opaque API key is: no common
 * prefix for the pattern to reject a position on), each of which it has to keep by value.
 */
function unshapedSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** A Bolt debug line (the Web API client's request log) as pino writes it: no secret in it. */
function plainLine(): string {
  return `${JSON.stringify({
    level: 20,
    time: Date.now(),
    service: 'simplismart-slack',
    component: 'bolt',
    msg: 'http request url: https://slack.com/api/chat.postMessage method: POST headers: {"User-Agent":"@slack/web-api:8.2.0 @slack/bolt:5.1.0 node/24.21.0 linux"} body: {"channel":"C0123456789","thread_ts":"1733050000.000100","text":"Importing cluster prod-cluster (aws, us-west-2): 3 node groups","unfurl_links":false}',
    requestId: 'ir-0001',
  })}\n`;
}

/** An error line echoing a token (an API answer quoting the header): the scrubber has work to do. */
function tokenLine(token: string): string {
  return `${JSON.stringify({ level: 50, time: Date.now(), service: 'simplismart-slack', err: { type: 'HTTPError', message: `refused: ${token} is not valid here`, stack: 'HTTPError: refused\n    at request (file:///app/dist/simplismart/client.js:88:15)' }, msg: 'import failed' })}\n`;
}

/** A trace-level payload of some 5 KB (a submitted form's values): long, and no secret. */
function payloadLine(): string {
  const groups = Array.from({ length: 24 }, (_, i) => ({ name: `gpu-pool-${i}`, is_auxilliary: i === 0, node_config: { machine_type: 'g5.2xlarge', capacity_type: 'ON_DEMAND', min_node_count: 0, max_node_count: 3, desired_count: 1, accelerator_type: 'nvidia-a10g' } }));
  return `${JSON.stringify({ level: 10, time: Date.now(), service: 'simplismart-slack', body: { org: '54360212-2263-44c6-afaf-1333544854f7', nodegroup_labels: groups }, msg: 'POST /infrastructure/clusters/existing' })}\n`;
}

/** Mean wall-clock ms per call, over at least MEASURE_MS after a warm-up (one thread, CPU-bound: wall ≈ CPU). */
function msPerCall(fn: () => unknown): number {
  const warm = performance.now();
  while (performance.now() - warm < MEASURE_MS / 4) fn();
  let calls = 0;
  const start = performance.now();
  let elapsed: number;
  do {
    for (let i = 0; i < 16; i += 1) fn();
    calls += 16;
    elapsed = performance.now() - start;
  } while (elapsed < MEASURE_MS);
  return elapsed / calls;
}

export function scrubberFigures(make: () => Scrubber): ScrubberRow[] {
  const rows: ScrubberRow[] = [];
  for (const tokens of ['shaped', 'unshaped'] as const) {
    for (const seen of SEEN) {
      const scrubber = make();
      if (scrubber.pin !== undefined) scrubber.pin(...CONFIGURED);
      else scrubber.add(...CONFIGURED);
      const secrets = Array.from({ length: seen }, (_, i) => (tokens === 'shaped' ? shapedToken(i) : unshapedSecret()));
      const added = performance.now();
      for (const secret of secrets) scrubber.add(secret);
      const addMs = performance.now() - added;
      // The token in the line is the last one seen (for the unshaped, one the scrubber still keeps).
      const token = secrets.at(-1) ?? shapedToken(0);
      const lines = { noSecret: plainLine(), withToken: tokenLine(token), payload5k: payloadLine() };
      if (scrubber.scrub(lines.withToken).includes(token)) throw new Error(`the scrubber left a ${tokens} token in a line`);
      rows.push({
        tokens,
        seen,
        kept: scrubber.size,
        addMsPerToken: seen === 0 ? 0 : round(addMs / seen, 5),
        msPerLine: {
          noSecret: round(msPerCall(() => scrubber.scrub(lines.noSecret)), 5),
          withToken: round(msPerCall(() => scrubber.scrub(lines.withToken)), 5),
          payload5k: round(msPerCall(() => scrubber.scrub(lines.payload5k)), 5),
        },
      });
    }
  }
  return rows;
}

export function scrubberTable(rows: ScrubberRow[]): string[] {
  const lines = ['', '| tokens seen | kind | values kept | ms/line, no secret (450 B) | ms/line, a token in it | ms/line, 5 KB payload | ms to add a token |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of rows) {
    lines.push(`| ${r.seen} | ${r.tokens} | ${r.kept ?? '?'} | ${r.msPerLine.noSecret} | ${r.msPerLine.withToken} | ${r.msPerLine.payload5k} | ${r.addMsPerToken} |`);
  }
  return lines;
}

/** The whole micro-benchmark: machine, table, results file. */
export function runScrubberBench(): void {
  const machine: Machine & { loadAverageAtEnd?: number[] } = describeMachine();
  process.stdout.write(`${machineLine(machine)}\n`);
  const rows = scrubberFigures(() => new SecretScrubber());
  machine.loadAverageAtEnd = loadAverage();
  process.stdout.write(`${scrubberTable(rows).join('\n')}\nload average at the end: ${machine.loadAverageAtEnd.join(' / ')}; each line scrubbed for ${MEASURE_MS} ms\n`);
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = resultFileName(machine).replace(/\.json$/, '-scrubber.json');
  writeFileSync(join(out, file), `${JSON.stringify({ when: machine.date, machine, measureMs: MEASURE_MS, lineChars: { noSecret: plainLine().length, payload5k: payloadLine().length }, rows }, null, 2)}\n`);
  process.stdout.write(`\nwritten: bench/results/${file}\n`);
}
