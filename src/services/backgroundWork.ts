// Work that runs after Slack got its ack (imports, thread messages, card updates, Home refreshes): a
// bounded queue, so that a burst of submissions grows a backlog instead of starting every import at
// once and starving the acks of later requests of the CPU. `run` only enqueues: the ack path never
// waits on the queue. Each task is guarded so that a failure is logged with context instead of
// becoming unhandled, and a shutdown can wait for the backlog.
//
// The queue lives in memory; what must survive a restart is in the request rows. A request whose
// launch never ran is `approved` (resumed by the sweeper as a stalled import) or `pending_approval`
// with neither thread nor card (launched by the sweeper); see Sweeper. What is lost with the queue is
// only what a later change redoes anyway (a Home refresh) or what was told as not done (a rejection
// is given priority over everything else, and any still waiting at the end is logged by request id).
import PQueue from 'p-queue';
import { isAppError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Which waiting task starts first. A decision someone made (a rejection) is not in any row until it
 * runs; a request's own work is; a Home refresh is redone by the next change.
 */
export type BackgroundPriority = 'decision' | 'request' | 'refresh';
const PRIORITY: Readonly<Record<BackgroundPriority, number>> = { decision: 2, request: 1, refresh: 0 };

export const DEFAULT_BACKGROUND_CONCURRENCY = 8;

interface Waiting {
  name: string;
  context: Record<string, unknown>;
  priority: BackgroundPriority;
}

export class BackgroundWork {
  private readonly queue: PQueue;
  /** The tasks not started yet, for the shutdown log: what the rows will resume, and what they will not. */
  private readonly waiting = new Set<Waiting>();
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    options: { concurrency?: number } = {},
  ) {
    this.queue = new PQueue({ concurrency: options.concurrency ?? DEFAULT_BACKGROUND_CONCURRENCY });
  }

  /** The backlog: tasks waiting plus tasks running. */
  get size(): number {
    return this.queue.size + this.queue.pending;
  }

  /** Tasks waiting for a free slot. */
  get queued(): number {
    return this.queue.size;
  }

  /** Tasks running now (at most the concurrency). */
  get running(): number {
    return this.queue.pending;
  }

  get concurrency(): number {
    return this.queue.concurrency;
  }

  /**
   * Queues `task`; it starts as soon as a slot is free (at once when one is). Its error is logged
   * under `name`, never thrown at the caller. Returns at once: callers ack before or without waiting.
   */
  run(name: string, task: () => Promise<unknown>, context: Record<string, unknown> = {}, priority: BackgroundPriority = 'request'): void {
    if (this.stopped) {
      this.logger.info({ task: name, ...context }, `stopping: background task ${name} not started`);
      return;
    }
    const waiting: Waiting = { name, context, priority };
    this.waiting.add(waiting);
    this.queue
      .add(
        async () => {
          this.waiting.delete(waiting);
          try {
            await task();
          } catch (error) {
            if (isAppError(error) && error.code === 'slack_not_installed') {
              // The workspace removed the app meanwhile: what was done is stored; there is nobody left to tell.
              this.logger.warn({ err: error, task: name, ...context }, `background task ${name} could not reach Slack: ${error.message}`);
              return;
            }
            this.logger.error({ err: error, task: name, ...context }, `background task ${name} failed`);
          }
        },
        { priority: PRIORITY[priority] },
      )
      // Only `stop` rejects a task's promise (an AbortError for a task it removed); nothing to report.
      .catch(() => undefined);
  }

  /**
   * Waits until nothing is waiting or running (tasks that tasks start included) for at most
   * `timeoutMs`; true if all ended.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.queue.onIdle().then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The process is stopping: nothing more starts (tasks running go on). Tasks still waiting are
   * dropped and logged — each request's own work is resumed from its row at the next start.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const dropped = [...this.waiting];
    this.waiting.clear();
    this.queue.clear();
    if (dropped.length === 0) return;
    const requestIds = (p: BackgroundPriority) => dropped.filter((w) => w.priority === p).map((w) => w.context['requestId']).filter((id) => id !== undefined);
    this.logger.warn(
      { dropped: dropped.length, requests: requestIds('request'), decisions: requestIds('decision') },
      'stopping with background work not started: each request’s own work resumes from the database at the next start; decisions listed here were not made and must be made again',
    );
  }
}
