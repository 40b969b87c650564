// Periodic housekeeping that is safe in every replica at once (each move is a compare-and-set):
// expire pending requests on time, call imports whose process died "outcome unknown" (never re-send
// them), and start approved requests that nobody picked up.
import type { ImportOutcome } from '../domain/importRequest.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { Approvals } from './approvals.js';
import type { Clock } from './clock.js';
import type { ImportRunner } from './importRunner.js';
import type { ImportThread } from './importThread.js';

/** An approved request untouched this long was orphaned between approval and sending. */
export const STALLED_APPROVED_MS = 60_000;
const BATCH = 50;

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      store: Store;
      approvals: Approvals;
      runner: ImportRunner;
      thread: ImportThread;
      clock: Clock;
      logger: Logger;
      intervalMs: number;
    },
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.sweep(), this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * At start: SQLite serves exactly one process, so whatever it shows as importing was cut off by
   * the last stop. On PostgreSQL another replica may still be mid-call; those wait for their deadline.
   */
  async recoverAtStart(): Promise<void> {
    if (this.deps.store.engine === 'sqlite') {
      for (;;) {
        const cutOff = await this.deps.store.listAbandonedImports(Number.MAX_SAFE_INTEGER, BATCH);
        if (cutOff.length === 0) break;
        for (const request of cutOff) await this.guard('recover', request.id, () => this.recover(request.id));
      }
    }
    await this.sweep();
  }

  /** One pass; concurrent calls share the pass in progress. Errors are logged, never thrown. */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const { store, clock, logger } = this.deps;
    try {
      const now = clock.now();
      for (const request of await store.listExpiredPending(now, BATCH)) {
        await this.guard('expire', request.id, () => this.deps.approvals.expire(request));
      }
      for (const request of await store.listAbandonedImports(now, BATCH)) {
        await this.guard('recover', request.id, () => this.recover(request.id));
      }
      for (const request of await store.listStalledApproved(now - STALLED_APPROVED_MS, BATCH)) {
        await this.guard('resume', request.id, () => this.deps.runner.run(request.id, null));
      }
    } catch (error) {
      logger.warn({ err: error }, 'sweep failed; will try again');
    }
  }

  /** The process that was sending this import is gone: its outcome is unknown, and it is not re-sent. */
  private async recover(requestId: string): Promise<void> {
    const outcome: ImportOutcome = { kind: 'unknown', code: 'interrupted', status: null, apiMessage: null };
    const recovered = await this.deps.store.transition({
      id: requestId,
      from: ['importing'],
      to: 'outcome_unknown',
      actorId: null,
      at: this.deps.clock.now(),
      note: 'the bot stopped while the import was being sent; not re-sent',
      patch: { outcome, importDeadline: null },
    });
    if (recovered === undefined) return;
    this.deps.logger.warn({ requestId }, 'import interrupted by a restart; marked outcome_unknown');
    await this.deps.thread.announceOutcome(recovered);
  }

  private async guard(what: string, requestId: string, task: () => Promise<unknown>): Promise<void> {
    try {
      await task();
    } catch (error) {
      this.deps.logger.warn({ err: error, requestId }, `sweeper could not ${what} a request`);
    }
  }
}
