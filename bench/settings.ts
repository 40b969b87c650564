// The bench's settings: where the repository is, the workspace the single-workspace phases speak for, and
// the constants the environment may change (BENCH_* in docs/performance.md): rates, phase length, repeats,
// the targets, and BENCH_ONLY with its choices.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeJwt } from '../test/support/fixtures.js';
import { SINGLE_WORKSPACE } from './slackServer.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BOT_TOKEN = SINGLE_WORKSPACE.token;
export const TEAM = SINGLE_WORKSPACE.teamId;
export const CHANNEL = 'CBENCH';
export const USER = 'UBENCHUSER';
export const jwt = fakeJwt({ sub: 'bench' });

export const COMMAND_RATES = (process.env['BENCH_RATES'] ?? '100,300,600').split(',').map(Number);
export const PHASE_MS = Number(process.env['BENCH_PHASE_MS'] ?? 10_000);
export const SUBMIT_RATE = 100;
export const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 3);
export const IN_FLIGHT = 200;
/** The PostgreSQL phase: a modest load (a team's, not a stress test), the database 5 ms away each way. */
export const PG_COMMAND_RATE = Number(process.env['BENCH_PG_RATE'] ?? 50);
export const PG_SUBMIT_RATE = Number(process.env['BENCH_PG_SUBMIT_RATE'] ?? 20);
export const PG_DELAY_MS = Number(process.env['BENCH_PG_DELAY_MS'] ?? 5);
/** Requests sent one at a time to count the round trips before each ack. */
export const PG_PROBES = Number(process.env['BENCH_PG_PROBES'] ?? 20);
/** Targets of issue 12: round trips before a command's modal opens, before a submission's ack. */
export const COMMAND_ROUND_TRIPS_TARGET = 2;
export const SUBMISSION_ROUND_TRIPS_TARGET = 3;
/** How long imports may take to reach an outcome after a submission phase before the phase fails. */
export const IMPORTS_TIMEOUT_MS = Number(process.env['BENCH_IMPORTS_TIMEOUT_MS'] ?? 120_000);
export const ONLY = process.env['BENCH_ONLY'];
/**
 * `scrubber`: only the log scrubber's micro-benchmark (bench/scrubber.ts), no servers started;
 * `formpeer`: commands against the second peer (the bot's own form); `neighbour`: one workspace's
 * imports while another floods (neighbour.ts); `soak`: thousands of workspaces for minutes (soak.ts).
 */
export const ONLY_CHOICES = ['commands', 'submit', 'postgres', 'scrubber', 'formpeer', 'neighbour', 'soak', 'nodes', 'ratelimited'];
/** The second peer's phase: commands at this rate, the bot against a bare Bolt app opening the bot's own form. */
export const FORM_PEER_RATE = Number(process.env['BENCH_FORM_PEER_RATE'] ?? 300);
/** Target: the bot's views.open p99 at most this many times the second peer's. */
export const FORM_PEER_TARGET = 1.3;
