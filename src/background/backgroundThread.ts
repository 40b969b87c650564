// The acking thread's side of the background thread (worker.ts): starts it, hands it jobs, reads its
// metrics, writes its log lines, asks it to drain at shutdown, and never lets it die silently.
//
// One long-lived thread (`node:worker_threads`), not a pool: the machines this runs on have two cores,
// one for the acks and one for everything else; and the work is not request/response CPU tasks (what a
// pool such as piscina schedules) but a queue with its own state — leases, parked rate-limited calls,
// per-workspace lines (BackgroundWork) — which must live in one place to stay fair and bounded.
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import type { Logger, SecretScrubber } from '../process/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { PUBLISHED, type BackgroundPriority, type BackgroundQueue } from '../services/backgroundWork.js';
import type { WorkspaceScope } from '../domain/workspace.js';
import type { BackgroundJob, JobSink } from '../services/jobs.js';
import type { SweeperControl } from '../services/sweeper.js';
import type { FromWorker, MetricsJson, ToWorker, WorkerSetup } from './protocol.js';

/** A thread that dies more often than this within RESTART_WINDOW_MS is not restarted: the process exits for Kubernetes to restart it. */
export const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;
/** How long a scrape waits for the background thread's series before serving without them. */
const METRICS_TIMEOUT_MS = 1000;
/** How long past the shutdown grace the thread may take to close its store and answer. */
const DRAIN_SLACK_MS = 5000;

export class BackgroundThreadError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('background_thread_failed', message, cause === undefined ? {} : { cause });
  }
}

export interface BackgroundThreadOptions {
  /** The worker's entry: dist's background/worker.js (tests pass a build of their own). */
  entry: URL;
  setup: WorkerSetup;
  logger: Logger;
  scrubber: SecretScrubber;
  /** Where the thread's lines are written: the acking thread's log sink. */
  writeLine: (line: string) => void;
  metrics: Metrics;
  /** The thread died more than MAX_RESTARTS times in a minute: the process should exit non-zero. */
  onFatal: (error: BackgroundThreadError) => void;
}

export class BackgroundThread implements JobSink {
  private worker!: Worker;
  private stopping = false;
  private readonly restarts: number[] = [];
  private readonly scrapes = new Map<number, (metrics: MetricsJson) => void>();
  private nextScrape = 0;
  private drained: ((drained: boolean) => void) | undefined;
  /** The current thread's start: resolved once it is ready. */
  private starting: Promise<void> = Promise.resolve();
  /** Whether the current thread is running (false once it exited). */
  private alive = false;
  private readonly sweeps = new Map<number, () => void>();
  /** Jobs handed to the thread so far (it counts those it took in RemoteBackground's `received` cell). */
  private postedJobs = 0;
  private nextSweep = 0;

  private constructor(private readonly options: BackgroundThreadOptions) {}

  /** Starts the thread and resolves once it recovered what the last run left and takes jobs. */
  static async start(options: BackgroundThreadOptions): Promise<BackgroundThread> {
    const thread = new BackgroundThread(options);
    await thread.spawn();
    return thread;
  }

  /** Resolves once the current thread (a restarted one too) is ready. */
  ready(): Promise<void> {
    return this.starting;
  }

  submit(job: BackgroundJob): boolean {
    if (this.stopping) {
      this.options.logger.info({ job: job.job }, `stopping: background job ${job.job} not started; the request’s row says what is left`);
      return false;
    }
    this.postedJobs += 1;
    this.post({ type: 'job', job });
    return true;
  }

  /** An uninstall: the thread forgets those workspaces' cached tokens, before any job handed after this. */
  forget(scope: WorkspaceScope): void {
    if (!this.stopping) this.post({ type: 'forget', scope });
  }

  /** Jobs handed to the thread so far. */
  get posted(): number {
    return this.postedJobs;
  }

  /** The thread's series, for the scrape to merge; none when it does not answer in time. */
  metricsJson(): Promise<MetricsJson> {
    if (this.stopping) return Promise.resolve([]);
    const id = this.nextScrape++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.scrapes.delete(id);
        resolve([]);
      }, METRICS_TIMEOUT_MS);
      this.scrapes.set(id, (metrics) => {
        clearTimeout(timer);
        resolve(metrics);
      });
      this.post({ type: 'metrics', id });
    });
  }

  /** One pass of the thread's sweeper now (it knows which imports this process is sending). */
  sweep(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const id = this.nextSweep++;
    return new Promise((resolve) => {
      this.sweeps.set(id, resolve);
      this.post({ type: 'sweep', id });
    });
  }

  /**
   * Shutdown: jobs are no longer taken; the thread finishes what it can within `graceMs` (it logs what
   * was left), stops its sweeper, closes its store and ends. True when all its work ended.
   */
  async drain(graceMs: number): Promise<boolean> {
    this.stopping = true;
    if (!this.alive) return false;
    const answer = new Promise<boolean>((resolve) => (this.drained = resolve));
    this.post({ type: 'drain', graceMs });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs + DRAIN_SLACK_MS)));
    const drained = await Promise.race([answer, late]);
    clearTimeout(timer);
    if (this.drained !== undefined) this.options.logger.warn('the background thread did not answer its drain in time: stopped without it; recovery settles its work at the next start');
    await this.worker.terminate();
    return drained;
  }

  /** Ends the thread at once, as a crash would (tests): it is restarted like one. */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Starts a thread; resolves when it is ready, rejects when it could not start. */
  private spawn(): Promise<void> {
    const { logger, scrubber } = this.options;
    const worker = new Worker(this.options.entry, { workerData: this.options.setup, name: 'background' });
    this.worker = worker;
    this.alive = true;
    this.starting = new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'log':
            this.options.writeLine(scrubber.scrub(message.line));
            return;
          case 'ready':
            ready = true;
            resolve();
            return;
          case 'failed':
            if (!ready) reject(new BackgroundThreadError(`The background thread could not start: ${message.message}`));
            return;
          case 'metrics':
            this.scrapes.get(message.id)?.(message.metrics);
            this.scrapes.delete(message.id);
            return;
          case 'swept':
            this.sweeps.get(message.id)?.();
            this.sweeps.delete(message.id);
            return;
          case 'drained': {
            const answer = this.drained;
            this.drained = undefined;
            answer?.(message.drained);
            return;
          }
        }
      });
      worker.on('error', (error: Error) => {
        logger.error({ err: error }, 'the background thread threw an error it did not catch');
        if (!ready) reject(new BackgroundThreadError(`The background thread could not start: ${scrubber.scrub(error.message)}`, error));
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.alive = false;
        if (this.worker !== worker || this.stopping) return;
        if (!ready) {
          reject(new BackgroundThreadError(`The background thread exited (code ${code}) before it was ready`));
          return;
        }
        this.died(code);
      });
    });
    return this.starting;
  }

  /**
   * The thread ended while the process runs: said loudly, counted, and restarted — its imports' leases
   * lapse and the sweeper (in the new thread, or another replica) settles them as after a crash — unless
   * it keeps dying, then the process exits non-zero for Kubernetes to restart it.
   */
  private died(code: number): void {
    const { logger, metrics } = this.options;
    metrics.backgroundThreadDied();
    const now = Date.now();
    this.restarts.push(now);
    while (this.restarts.length > 0 && this.restarts[0]! < now - RESTART_WINDOW_MS) this.restarts.shift();
    for (const [, answer] of this.scrapes) answer([]);
    this.scrapes.clear();
    for (const [, swept] of this.sweeps) swept();
    this.sweeps.clear();
    // Jobs on their way to the dead thread are gone (their rows say what is left): none counted in transit.
    this.postedJobs = Atomics.load(new Int32Array(this.options.setup.published), PUBLISHED.received);
    if (this.restarts.length > MAX_RESTARTS) {
      logger.fatal({ code, restarts: this.restarts.length }, 'the background thread keeps dying: stopping the process so that it is restarted');
      this.options.onFatal(new BackgroundThreadError(`The background thread died ${this.restarts.length} times within a minute (last exit code ${code})`));
      return;
    }
    logger.error({ code }, 'the background thread died: restarting it; the work it had in hand resumes from the database (the sweeper)');
    this.spawn().catch((error: unknown) => {
      logger.fatal({ err: error }, 'the background thread could not be restarted: stopping the process so that it is restarted');
      this.options.onFatal(error instanceof BackgroundThreadError ? error : new BackgroundThreadError('The background thread could not be restarted', error));
    });
  }
}

/**
 * The background thread's queue as the acking thread sees it: its counts, read from the memory the
 * thread publishes them in (see BackgroundWork's `published`), and a wait until it is idle. Work is
 * handed to it as jobs (services.jobs), never as closures, which cannot cross threads.
 */
export class RemoteBackground implements BackgroundQueue {
  private readonly cells: Int32Array;

  /** `posted`: the jobs handed to the thread so far (BackgroundThread.posted). */
  constructor(
    private readonly posted: () => number,
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(PUBLISHED.cells * Int32Array.BYTES_PER_ELEMENT),
  ) {
    this.cells = new Int32Array(buffer);
  }

  /** Jobs queued or running there, and those on their way to it. */
  get size(): number {
    return Atomics.load(this.cells, PUBLISHED.size) + this.inTransit;
  }

  get queued(): number {
    return Atomics.load(this.cells, PUBLISHED.queued) + this.inTransit;
  }

  private get inTransit(): number {
    return Math.max(0, this.posted() - Atomics.load(this.cells, PUBLISHED.received));
  }

  get running(): number {
    return this.size - this.queued;
  }

  get parked(): number {
    return Atomics.load(this.cells, PUBLISHED.parked);
  }

  get concurrency(): number {
    return Atomics.load(this.cells, PUBLISHED.concurrency);
  }

  run(name: string, _task: () => Promise<unknown>, _context?: Record<string, unknown>, _priority?: BackgroundPriority): boolean {
    throw new Error(`background task ${name}: with BACKGROUND_THREAD=worker, work after an ack is handed to services.jobs as a job (a closure cannot cross threads)`);
  }

  /** Waits until the thread's queue is empty, for at most `timeoutMs`; true if it was. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.size > 0) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  /** The thread stops its queue itself when it drains (BackgroundThread.drain). */
  stop(): void {}
}

/** The background thread's sweeper as the acking thread sees it: a pass runs there, where the leases are known. */
export function remoteSweeper(thread: () => BackgroundThread | undefined): SweeperControl {
  return {
    start: () => undefined,
    stop: async () => undefined,
    recoverAtStart: async () => thread()?.sweep(),
    sweep: async () => thread()?.sweep(),
  };
}
