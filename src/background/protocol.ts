// What the acking thread and the background thread (worker.ts) say to each other: plain data only, as
// postMessage clones it.
import type { Registry } from 'prom-client';
import type { Config } from '../process/config.js';
import type { WorkspaceScope } from '../domain/workspace.js';
import type { BackgroundJob } from '../services/jobs.js';

/** The background thread's start-up data (`workerData`). */
export interface WorkerSetup {
  config: Config;
  /** Where the thread's queue publishes its counts (BackgroundWork's PUBLISHED cells). */
  published: SharedArrayBuffer;
  /** The token encryption key (a Buffer arrives as a plain Uint8Array). */
  encryptionKey: Uint8Array;
  /** The process's lease owner id: the imports the thread sends are this process's (see ImportRunner). */
  owner: string;
  sweepIntervalMs: number;
  homeDebounceMs: number | undefined;
  /** A clock the acking thread moves (tests), or undefined for the system clock. */
  clock: SharedArrayBuffer | undefined;
}

export type ToWorker =
  | { type: 'job'; job: BackgroundJob }
  | { type: 'metrics'; id: number }
  /** An uninstall: forget the cached bot tokens of these workspaces, as the acking thread did. */
  | { type: 'forget'; scope: WorkspaceScope }
  /** One sweeper pass now; answered with `swept` once it ended. */
  | { type: 'sweep'; id: number }
  /** Finish within `graceMs`, stop, close the store, then answer `drained`. */
  | { type: 'drain'; graceMs: number };

/** A registry's series as `getMetricsAsJSON` gives them (what AggregatorRegistry.aggregate merges). */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

export type FromWorker =
  /** Start-up recovery done, the sweeper started: jobs are being taken. */
  | { type: 'ready' }
  /** It could not start (the reason, already scrubbed). */
  | { type: 'failed'; message: string }
  /** A log line, written and scrubbed by the thread's own logger. */
  | { type: 'log'; line: string }
  | { type: 'metrics'; id: number; metrics: MetricsJson }
  | { type: 'swept'; id: number }
  | { type: 'drained'; drained: boolean };
