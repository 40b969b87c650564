// Periodic housekeeping that is safe in every replica at once (each move is a compare-and-set):
// expire pending requests on time, call imports whose process stopped "outcome unknown" (never re-send
// them), and start what a process queued but never ran (BackgroundWork's queue is in memory; the rows
// are what lasts): approved requests nobody picked up, pending ones nobody was asked to approve, and
// Workflow Builder steps whose request ended while nobody completed them (WorkflowSteps).
import type { ImportLease, ImportOutcome, ImportRequest } from '../domain/importRequest.js';
import type { Logger } from '../process/logger.js';
import type { Store } from '../store/store.js';
import type { Approvals } from './approvals.js';
import { MAX_WAITING, type BackgroundWork } from './backgroundWork.js';
import type { Clock } from './clock.js';
import { IMPORT_LEASE_MS, type ImportRunner } from './importRunner.js';
import type { ImportThread } from './importThread.js';

/**
 * An approved request untouched this long was orphaned between approval and sending; a pending one
 * with neither thread nor card, between submission and launch (a process stopped with it queued, or
 * a backlog longer than this: then another replica, or this one, takes it; only one import is sent).
 */
export const STALLED_APPROVED_MS = 60_000;
const BATCH = 50;
/**
 * Stalled requests (their work overflowed the queue, or a process stopped with it queued) handed back
 * to the queue per pass at most. They run there as the queue allows — many at once, each import waiting
 * on Simplismart outside its slot — instead of one after the other inside the pass.
 */
export const HAND_BACK_BATCH = 500;
/** Rows read per pass at most to find requests not handed back yet (those handed back come first: oldest). */
const HAND_BACK_READ = 2000;

/** A lapsed lease as recovery first saw it. */
interface LapseSeen {
  lease: ImportLease | null;
  /** This process's clock when it first saw the lease lapsed. */
  since: number;
}

/** What the process sees of the sweeper: the sweeper itself, or the background thread's (src/background/). */
export interface SweeperControl {
  start(): void;
  stop(): Promise<void>;
  recoverAtStart(): Promise<void>;
  sweep(): Promise<void>;
}

export class Sweeper implements SweeperControl {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Lapsed leases seen by earlier passes, by request id; only the latest pass's are kept (at most BATCH). */
  private lapses = new Map<string, LapseSeen>();
  /** Whether the last pass failed: a store outage is logged once, not every pass. */
  private failing = false;
  /**
   * Requests handed back to the queue whose task has not ended, so that a later pass does not queue them
   * twice. Bound: each is a task in the queue, which holds MAX_WAITING at most (and refuses more); each
   * leaves when its task ends or is dropped at shutdown.
   */
  private readonly handedBack = new Set<string>();

  constructor(
    private readonly deps: {
      store: Store;
      approvals: Approvals;
      runner: ImportRunner;
      /** Launches a request whose launch never ran: its thread, its card or its import. */
      launch: (request: ImportRequest) => Promise<void>;
      /** Where stalled requests' work is handed back: this thread's queue. */
      background: BackgroundWork;
      thread: ImportThread;
      /** Workflow Builder steps whose request ended while nobody completed them (a restart between the two). */
      steps?: { completeOverdue(): Promise<void> };
      clock: Clock;
      logger: Logger;
      intervalMs: number;
      /** How long a lapsed lease must stay unrenewed before recovery takes it; the lease length by default. */
      leaseMs?: number;
    },
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.sweep(), this.deps.intervalMs);
    this.timer.unref();
  }

  /**
   * Called once the shutdown grace is over: the runner gives up answers it still holds (a pass may be
   * resuming an import, which would otherwise wait for the store forever), then the pass in progress ends.
   */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.deps.runner.stop();
    await this.running;
  }

  /**
   * At start, one pass like any other. Even on SQLite an import found importing is not taken at once:
   * only its lease says whether the process that sent it is gone (see `takeLapsed`).
   */
  async recoverAtStart(): Promise<void> {
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
      for (const request of await this.takeLapsed(now)) {
        await this.guard('recover', request.id, () => this.recover(request));
      }
      // Handed back to the queue in a batch (bounded as the queue is: it refuses past its bounds, and the
      // rest wait for a later pass), not run here one after the other.
      const room = (): number => Math.min(HAND_BACK_READ, HAND_BACK_BATCH + this.handedBack.size);
      let handed = 0;
      for (const request of await store.listStalledApproved(now - STALLED_APPROVED_MS, room())) {
        if (handed >= HAND_BACK_BATCH) break;
        // Without a thread its launch never ran (an import needing no approval): launch it whole.
        const step = request.thread === null ? () => this.deps.launch(request) : () => this.deps.runner.run(request.id, null);
        const taken = this.handBack('resume', request, step);
        if (taken === 'full') break;
        if (taken === 'queued') handed += 1;
      }
      for (const request of await store.listUnlaunchedPending(now - STALLED_APPROVED_MS, room())) {
        if (handed >= HAND_BACK_BATCH) break;
        const taken = this.handBack('launch', request, () => this.deps.launch(request));
        if (taken === 'full') break;
        if (taken === 'queued') handed += 1;
      }
      await this.deps.steps?.completeOverdue();
      if (this.failing) logger.info('sweeps work again');
      this.failing = false;
    } catch (error) {
      // One warning per outage: the same failure every 15 s says nothing new.
      if (this.failing) logger.debug({ err: error }, 'sweep failed again');
      else logger.warn({ err: error }, 'sweep failed; will try again');
      this.failing = true;
    }
  }

  /**
   * Importing requests whose owner is gone. A lapsed lease alone does not prove it: an owner cut off
   * from the store (an outage) cannot renew, and renews as soon as it can. So a request is taken only
   * when the very lease this process saw lapsed is still there, unrenewed, a whole lease period later —
   * time in which a live owner that reaches the store renews it. This process's own imports are never
   * taken: it knows they are alive.
   */
  private async takeLapsed(now: number): Promise<ImportRequest[]> {
    const waitMs = this.deps.leaseMs ?? IMPORT_LEASE_MS;
    const seen = new Map<string, LapseSeen>();
    const due: ImportRequest[] = [];
    for (const request of await this.deps.store.listLapsedLeases(now, BATCH)) {
      if (this.deps.runner.holds(request.id)) continue;
      const before = this.lapses.get(request.id);
      const same = before !== undefined && sameLease(before.lease, request.lease);
      const since = same ? before.since : now;
      seen.set(request.id, { lease: request.lease, since });
      if (now - since >= waitMs) due.push(request);
    }
    this.lapses = seen;
    return due;
  }

  /** The process that was importing this request is gone: its outcome is unknown, and it is not re-sent. */
  private async recover(request: ImportRequest): Promise<void> {
    const outcome: ImportOutcome = { kind: 'unknown', code: 'owner_stopped', status: null, apiMessage: null };
    const recovered = await this.deps.store.transition({
      id: request.id,
      from: ['importing'],
      to: 'outcome_unknown',
      actorId: null,
      at: this.deps.clock.now(),
      note: 'the process importing it stopped renewing its lease before saving the outcome; not re-sent',
      patch: { outcome, lease: null },
      // A lease renewed since it was seen lapsed means its owner is alive after all: then nothing moves.
      ifLease: request.lease,
    });
    if (recovered === undefined) return;
    this.lapses.delete(request.id);
    this.deps.logger.warn(
      { requestId: request.id, owner: request.lease?.owner ?? null, leaseExpiredAt: request.lease?.expiresAt ?? null },
      'the process importing this request stopped (its lease lapsed and stayed unrenewed) before saving the outcome; marked outcome_unknown, not re-sent',
    );
    await this.deps.thread.announceOutcome(recovered);
  }

  /** Queues a stalled request's work, unless it is queued already or the queue is full. */
  private handBack(what: string, request: ImportRequest, step: () => Promise<unknown>): 'queued' | 'already' | 'full' {
    if (this.handedBack.has(request.id)) return 'already';
    if (this.handedBack.size >= MAX_WAITING) return 'full';
    this.handedBack.add(request.id);
    const queued = this.deps.background.run(
      `${what} a stalled request`,
      async () => {
        try {
          await this.guard(what, request.id, step);
        } finally {
          this.handedBack.delete(request.id);
        }
      },
      { requestId: request.id, teamId: request.teamId },
      'request',
    );
    if (!queued) this.handedBack.delete(request.id);
    return queued ? 'queued' : 'full';
  }

  private async guard(what: string, requestId: string, task: () => Promise<unknown>): Promise<void> {
    try {
      await task();
    } catch (error) {
      this.deps.logger.warn({ err: error, requestId }, `sweeper could not ${what} a request`);
    }
  }
}

function sameLease(a: ImportLease | null, b: ImportLease | null): boolean {
  return a?.owner === b?.owner && a?.expiresAt === b?.expiresAt;
}
