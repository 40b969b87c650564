// What run.ts hands the phases that take their tools from it (neighbour.ts, soak.ts): the local servers,
// launching and stopping targets, waiting for quiet, checking that imports ended; and the types every
// phase shares (sqlitePhases.ts, postgresPhase.ts and formPeerPhase.ts import their tools directly). Types
// only, besides the helpers a phase's figures are made of.
import type { ChildProcess } from 'node:child_process';
import type { Prepared, Shot } from './load.js';
import { percentile, round } from './load.js';
import type { CpuShare } from './machine.js';
import type { OutcomeReader } from './outcomes.js';

/** The local Slack Web API, in its own process (bench/slackServer.ts). */
export interface RemoteSlack {
  url: string;
  apiUrl: string;
  process: ChildProcess;
  stats(): Promise<{
    viewsOpened: Map<string, number>;
    posts: string[];
    calls: number;
    callsByMethod: Record<string, number>;
    /** Calls with a token this Slack did not issue. */
    unknownTokens: number;
    /** Bytes of views.open bodies since the last reset. */
    openedBytes: number;
  }>;
  /** Replies posted in threads whose text contains `q`: when each arrived (now()), and the workspace of its token. */
  replies(q: string): Promise<Array<{ at: number; text: string; team: string }>>;
  /** The app's redirect URL at Slack (where the authorize page sends the browser back). */
  setRedirect(uri: string): Promise<void>;
  reset(): Promise<void>;
}

/** The local Simplismart API, in its own process (bench/simplismartProcess.ts). */
export interface RemoteSimplismart {
  url: string;
  process: ChildProcess;
  setBehaviour(behaviour: unknown): Promise<void>;
  /** More accepted tokens: token → org. */
  addTokens(tokens: Record<string, string>): Promise<void>;
  /** One cluster name per POST received. */
  importNames(): Promise<Array<string | null>>;
}

export type TargetName = 'bot' | 'peer' | 'bot-postgres' | 'bot-oauth' | 'form-peer';

export interface Target {
  /** bot-postgres: the bot on PostgreSQL; bot-oauth: the bot any workspace installs; form-peer: the second peer. */
  name: TargetName;
  process: ChildProcess;
  url: string;
  readyMs: number;
}

/** What became of the imports a submission phase started, checked once they all ended (or the wait gave up). */
export interface ImportCheck {
  imports: number;
  /** Reached an end state (succeeded, failed, outcome unknown). */
  completed: number;
  succeeded: number;
  missing: number;
  /** Imports POSTed to Simplismart other than exactly once. */
  notPostedOnce: number;
  /** From the phase's last answer until the last import ended (or the wait gave up), in ms. */
  waitMs: number;
  /** Slack Web API calls per import, by method, as the local Slack counted them (the phase's acks make none). */
  slackCallsPerImport: Record<string, number>;
  slackCallsPerImportTotal: number;
  postsPerImport: number;
}

/** For a bot's submission phase: where its imports' outcomes are read, and where failures are noted. */
export interface ImportContext {
  slack: RemoteSlack;
  simplismart: RemoteSimplismart;
  outcomes: OutcomeReader;
  failures: string[];
}

/** What every phase shares: the local servers, where the SQLite bot keeps its data, and the failures so far. */
export interface Harness {
  slack: RemoteSlack;
  simplismart: RemoteSimplismart;
  skewMs: number;
  dataDir: string;
  failures: string[];
}

export interface PhaseTools {
  h: Harness;
  /** BENCH_REPEATS. */
  repeats: number;
  /** The built bot: dist/main.js. */
  botMain: string;
  /** Starts `script` as target `name` (the bot's V8 flags unless a peer) and waits for its /readyz. */
  launch(name: TargetName, script: string, env: Record<string, string>): Promise<Target>;
  stop(target: Target): Promise<void>;
  /** Waits until the local Slack has seen no call for 750 ms. */
  quiesce(): Promise<void>;
  /** Waits until every import of `prepared` (source keys under sourcePrefix(tag)) ended; one POST each, or a failure noted. */
  checkImports(ctx: ImportContext, label: string, tag: string, prepared: readonly Prepared[], shots: readonly Shot[]): Promise<ImportCheck>;
  /** The environment of the bot any workspace installs (distributed mode), its SQLite file in `dataDir`. */
  oauthBotEnv(dataDir: string): Record<string, string>;
  cpuMs(pid: number | undefined): number;
  peakRssMb(pid: number | undefined): number;
  /** Starts measuring how busy the machine is, the bench's processes (with `targets`) apart from other work; call the result to end. */
  cpuShare(targets: readonly Target[]): () => CpuShare;
}

/** p50, p99 and the largest of a set of latencies (ms), with how many there were. */
export interface Spread {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { n: values.length, p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: values.length === 0 ? Number.NaN : round(Math.max(...values)) };
}
