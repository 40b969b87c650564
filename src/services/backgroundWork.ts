// Work that runs after Slack got its ack (imports, thread messages, card updates, Home refreshes): a
// bounded queue, so that a burst of submissions grows a backlog instead of starting every import at
// once and starving the acks of later requests of the CPU. `run` only enqueues: the ack path never
// waits on the queue. Each task is guarded so that a failure is logged with context instead of
// becoming unhandled, and a shutdown can wait for the backlog.
//
// The limit is on CPU, not on waiting: a task gives its slot back while it only waits on another
// service (`outside`: the import's POST, which may take Simplismart seconds), and takes one again,
// ahead of tasks not started yet, to finish. How many tasks may be started at all (holding a slot or
// waiting outside one) is bounded too, at STARTED_PER_SLOT times the slots: with a fast Simplismart
// the waits are short, and without that bound every queued task would start as soon as another waits.
// A task that waits on time alone (a rate limit Slack announced) or on another task's work `park`s:
// it gives back its slot and its place among the started, so that one workspace's rate-limit storm
// does not hold everyone's work up.
//
// No task holds its slot or its place while it waits for another task: such a wait parks (see `park`).
// A task that held its slot while awaiting a promise another task shares (a request's thread being
// opened) could wait forever for that task, parked and needing a slot to come back.
//
// The queue lives in memory; what must survive a restart is in the request rows. A request whose
// launch never ran is `approved` (resumed by the sweeper as a stalled import) or `pending_approval`
// with neither thread nor card (launched by the sweeper); see Sweeper. What is lost with the queue is
// only what a later change redoes anyway (a Home refresh) or what is logged as not done (a rejection,
// which is given priority over everything not started).
import { AsyncLocalStorage } from 'node:async_hooks';
import PQueue from 'p-queue';
import { FairQueue, type FairQueueOptions } from './fairQueue.js';
import { DEFAULT_BACKGROUND_CONCURRENCY } from '../process/config.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../process/logger.js';
import { EventLoopLoad } from './eventLoopLoad.js';

/**
 * Which waiting task starts first. A decision someone made (a rejection) is not in any row until it
 * runs; a request's own work is; a Home refresh is redone by the next change.
 */
export type BackgroundPriority = 'decision' | 'request' | 'refresh';
const PRIORITY: Readonly<Record<BackgroundPriority, number>> = { decision: 2, request: 1, refresh: 0 };
/** A task coming back from waiting outside its slot finishes before anything new starts. */
const RESUME_PRIORITY = 3;

/** Tasks started (in a slot or waiting outside one) per slot. */
export const STARTED_PER_SLOT = 8;

/**
 * Tasks not started yet that one workspace may have queued, and all workspaces together: past these,
 * a request's work is not queued (its row says what is left, and the sweeper resumes it: see Sweeper),
 * a Home refresh is skipped (the next change redoes it). A decision someone made is always queued.
 */
export const MAX_WAITING_PER_WORKSPACE = 1000;
export const MAX_WAITING = 10_000;

interface Waiting {
  name: string;
  context: Record<string, unknown>;
  priority: BackgroundPriority;
  tenant: string;
}

/** The slot a running task holds; `away` counts its waits outside it. */
interface Slot {
  release: () => void;
  away: number;
  /** Whose line the task takes its slot again in, coming back from a wait. */
  tenant: string;
  /** Its priority, with which it takes a place again after parking. */
  priority: number;
  /** Gives back its place among the tasks started; `nothing` while it has none. */
  admission: () => void;
  /** It gave its place back to park (see `park`) and has not taken one again. */
  parked: boolean;
  /** Its slot (and place, if parked) being taken again: another wait of the task ending meanwhile shares it. */
  returning: Promise<void> | undefined;
  /** The task returned: a wait of it that nobody awaited and that comes back later takes nothing. */
  ended: boolean;
}

type FairPQueue = PQueue<FairQueue, FairQueueOptions>;

const nothing = (): void => undefined;

/**
 * What the queue publishes, cell by cell, where another thread reads it (see `published`); `received`
 * is the background thread's count of jobs it took (src/background/worker.ts).
 */
export const PUBLISHED = { size: 0, queued: 1, parked: 2, concurrency: 3, received: 4, cells: 5 } as const;

/** What callers outside the services see of the queue: its counts, a wait until it is idle, its stop. */
export interface BackgroundQueue extends BackgroundCounts {
  run(name: string, task: () => Promise<unknown>, context?: Record<string, unknown>, priority?: BackgroundPriority): boolean;
  drain(timeoutMs: number): Promise<boolean>;
  stop(): void;
}

/** The counts of a BackgroundWork, as another thread reads them. */
export interface BackgroundCounts {
  readonly size: number;
  readonly queued: number;
  readonly running: number;
  readonly parked: number;
  readonly concurrency: number;
}

export class BackgroundWork implements BackgroundQueue {
  /** The slots: tasks doing work in this process. */
  private readonly queue: FairPQueue;
  /** Admission: tasks started and not ended, in a slot or waiting outside one. */
  private readonly admitted: FairPQueue;
  /**
   * Every task not ended: waiting, holding a slot, or waiting outside one. Bound: those waiting are at
   * most MAX_WAITING (decisions aside), those started at most the slots × STARTED_PER_SLOT; each
   * leaves when its task ends.
   */
  private readonly tasks = new Set<Promise<void>>();
  /** The tasks not started yet, for the shutdown log; a part of `tasks`, each leaving as it starts. */
  private readonly waiting = new Set<Waiting>();
  /**
   * Tasks not started yet, and tasks parked without a place, by workspace: what MAX_WAITING_PER_WORKSPACE
   * bounds. A workspace leaves when its last one starts or comes back.
   */
  private readonly waitingBy = new Map<string, number>();
  /** Tasks parked without a place among the started (see `park`); each leaves as it takes one again. */
  private parkedCount = 0;
  private readonly slots = new AsyncLocalStorage<Slot>();
  private stopped = false;

  /** Steps the slots down to one while the event loop is saturated (none when built without it). */
  private readonly load: EventLoopLoad | undefined;

  /** Where the counts are written as they change, for the acking thread to read (src/background/). */
  private readonly published: Int32Array | undefined;

  constructor(
    private readonly logger: Logger,
    options: { concurrency?: number; stepAsideWhenBusy?: boolean; published?: SharedArrayBuffer } = {},
  ) {
    this.published = options.published === undefined ? undefined : new Int32Array(options.published);
    const concurrency = options.concurrency ?? DEFAULT_BACKGROUND_CONCURRENCY;
    // Both wait in one line per workspace, served in turn (FairQueue): a flood from one workspace
    // delays another's work by a task, not by the flood.
    this.queue = new PQueue({ concurrency, queueClass: FairQueue });
    this.admitted = new PQueue({ concurrency: concurrency * STARTED_PER_SLOT, queueClass: FairQueue });
    this.publish();
    if (options.stepAsideWhenBusy === true) {
      this.load = new EventLoopLoad((busy) => this.stepAside(busy, concurrency));
      this.load.start();
    }
  }

  /**
   * While the loop is saturated, one slot: the acks then wait behind at most one task's step, and the
   * backlog grows instead of their latency (tasks started are bounded per slot as always); the
   * configured slots come back when it calms down. Work
   * already in more slots finishes its step; p-queue starts nothing new until it is under the limit.
   */
  stepAside(busy: boolean, concurrency: number): void {
    const slots = busy ? 1 : concurrency;
    this.queue.concurrency = slots;
    // Answers arriving for tasks waiting outside their slots are parsed outside them too: fewer started.
    this.admitted.concurrency = slots * STARTED_PER_SLOT;
    this.publish();
    this.logger.info(
      { slots: this.queue.concurrency, backlog: this.size },
      busy ? 'event loop saturated: background work down to one slot so that acks keep their time' : 'event loop calm again: background work back to its slots',
    );
  }

  /** The backlog: tasks queued plus tasks running. */
  get size(): number {
    return this.tasks.size;
  }

  /** Tasks not started yet. */
  get queued(): number {
    return this.waiting.size;
  }

  /** Tasks started and not ended (holding a slot, or waiting on another service outside one, or parked). */
  get running(): number {
    return this.tasks.size - this.waiting.size;
  }

  /** Tasks parked without a place among the started (see `park`). */
  get parked(): number {
    return this.parkedCount;
  }

  get concurrency(): number {
    return this.queue.concurrency;
  }

  /**
   * Queues `task` in the line of the workspace `context.teamId` names (each workspace's line is served
   * in turn); it starts as soon as a slot is free (at once when one is). Its error is logged under
   * `name`, never thrown at the caller. Returns at once: callers ack before or without waiting. False
   * when it was not queued: the queue is stopping, or the backlog is full (MAX_WAITING_PER_WORKSPACE;
   * parked tasks count as waiting).
   */
  run(name: string, task: () => Promise<unknown>, context: Record<string, unknown> = {}, priority: BackgroundPriority = 'request'): boolean {
    if (this.stopped) {
      this.logger.info({ task: name, ...context }, `stopping: background task ${name} not started`);
      return false;
    }
    const tenant = typeof context['teamId'] === 'string' ? context['teamId'] : '';
    if (priority !== 'decision' && (this.waiting.size + this.parkedCount >= MAX_WAITING || (this.waitingBy.get(tenant) ?? 0) >= MAX_WAITING_PER_WORKSPACE)) {
      this.logger.warn(
        { task: name, ...context, waiting: this.waiting.size, waitingForWorkspace: this.waitingBy.get(tenant) ?? 0 },
        priority === 'request'
          ? `background backlog full: ${name} not queued; the request is stored, and the sweeper resumes it`
          : `background backlog full: ${name} skipped; the next change redoes it`,
      );
      return false;
    }
    const waiting: Waiting = { name, context, priority, tenant };
    this.waiting.add(waiting);
    this.backlog(tenant, 1);
    const tracked = (async () => {
      let slot: Slot;
      try {
        const admission = await this.acquire(this.admitted, PRIORITY[priority], tenant, false);
        try {
          slot = { release: await this.acquire(this.queue, PRIORITY[priority], tenant, false), away: 0, tenant, priority: PRIORITY[priority], admission, parked: false, returning: undefined, ended: false };
        } catch (error) {
          admission();
          throw error;
        }
      } catch {
        return; // removed by stop(), which logged it
      } finally {
        this.waiting.delete(waiting);
        this.backlog(tenant, -1);
      }
      try {
        await this.slots.run(slot, task);
      } catch (error) {
        if (isAppError(error) && error.code === 'slack_not_installed') {
          // The workspace removed the app meanwhile: what was done is stored; there is nobody left to tell.
          this.logger.warn({ err: error, task: name, ...context }, `background task ${name} could not reach Slack: ${error.message}`);
          return;
        }
        this.logger.error({ err: error, task: name, ...context }, `background task ${name} failed`);
      } finally {
        slot.ended = true;
        slot.release();
        slot.admission();
      }
    })();
    this.tasks.add(tracked);
    this.publish();
    void tracked.finally(() => {
      this.tasks.delete(tracked);
      this.publish();
    });
    return true;
  }

  /** Writes the counts where another thread reads them (a few integer stores; nothing when unshared). */
  private publish(): void {
    const cells = this.published;
    if (cells === undefined) return;
    Atomics.store(cells, PUBLISHED.size, this.tasks.size);
    Atomics.store(cells, PUBLISHED.queued, this.waiting.size);
    Atomics.store(cells, PUBLISHED.parked, this.parkedCount);
    Atomics.store(cells, PUBLISHED.concurrency, this.queue.concurrency);
  }

  /**
   * Runs `wait` — something that costs this process no CPU, such as a call to another service — with
   * the current task's slot given back meanwhile; the task takes a slot again before it goes on. It
   * keeps its place among the tasks started (that bounds the calls in flight). Outside a task (the
   * sweeper), just runs it. Never for a wait on another task's work: that parks.
   */
  async outside<T>(wait: () => Promise<T>): Promise<T> {
    const slot = this.slots.getStore();
    if (slot === undefined) return wait();
    this.leave(slot);
    try {
      return await wait();
    } finally {
      await this.comeBack(slot);
    }
  }

  /**
   * Runs `wait` — a wait on time alone (a rate limit Slack announced) or on work another task started
   * (a promise tasks share) — with the current task's slot and its place among the tasks started given
   * back meanwhile, unless it also waits outside on another service then (an import's POST: the place
   * bounds those calls). Back, it takes a place (in its workspace's line, at its own priority) and then
   * a slot (ahead of new work) before it goes on. Its place is never held while waiting on another
   * task, so that task, parked too, always finds one to come back to. While parked it counts against its
   * workspace's backlog (MAX_WAITING_PER_WORKSPACE). Outside a task, just runs it.
   */
  async park<T>(wait: () => Promise<T>): Promise<T> {
    const slot = this.slots.getStore();
    if (slot === undefined) return wait();
    if (slot.away === 0 && !slot.parked) {
      slot.admission();
      slot.admission = nothing;
      slot.parked = true;
      this.parkedCount += 1;
      this.backlog(slot.tenant, 1);
    }
    this.leave(slot);
    try {
      return await wait();
    } finally {
      await this.comeBack(slot);
    }
  }

  /** A wait of the task begins: the first one gives its slot back. */
  private leave(slot: Slot): void {
    if (slot.away++ === 0) {
      slot.release();
      slot.release = nothing;
    }
  }

  /**
   * A wait of the task ends: when it is the last one out, the task takes a place among the started again
   * if it gave its own back (parked), then a slot — in that order, so that no slot is held while waiting
   * for a place. Waits of one task that end together share that one return: a second slot asked for by
   * the same task could never come while the first is held (with one slot, the task would wait for itself).
   */
  private async comeBack(slot: Slot): Promise<void> {
    if (--slot.away > 0) return;
    slot.returning ??= this.retake(slot).finally(() => {
      slot.returning = undefined;
    });
    await slot.returning;
  }

  private async retake(slot: Slot): Promise<void> {
    if (slot.parked) {
      const admission = await this.acquire(this.admitted, slot.priority, slot.tenant, true);
      if (slot.ended) admission();
      else slot.admission = admission;
      slot.parked = false;
      this.parkedCount -= 1;
      this.backlog(slot.tenant, -1);
    }
    const release = await this.acquire(this.queue, RESUME_PRIORITY, slot.tenant, true);
    // Another wait of the same task began meanwhile: it takes the slot again when it ends.
    if (slot.ended || slot.away > 0) release();
    else slot.release = release;
  }

  /** Counts a task waiting to start, or parked, against its workspace's backlog (+1), or takes it off (−1). */
  private backlog(tenant: string, change: 1 | -1): void {
    const count = (this.waitingBy.get(tenant) ?? 0) + change;
    if (count <= 0) this.waitingBy.delete(tenant);
    else this.waitingBy.set(tenant, count);
    this.publish();
  }

  /**
   * Waits until no task is queued or running (tasks that tasks start included) for at most
   * `timeoutMs`; true if all ended.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.tasks.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), remaining);
      });
      const result = await Promise.race([Promise.allSettled([...this.tasks]).then(() => 'done' as const), timeout]);
      clearTimeout(timer);
      if (result === 'timeout') return false;
    }
    return true;
  }

  /**
   * The process is stopping: no task starts any more (those started go on, and one coming back from a
   * wait outside its slot finishes without one: it may hold an answer to save). Tasks still queued
   * are dropped and logged — each request's own work is resumed from its row at the next start.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.load?.stop();
    const dropped = [...this.waiting];
    this.admitted.clear();
    this.queue.clear();
    if (dropped.length === 0) return;
    const requestIds = (p: BackgroundPriority) => dropped.filter((w) => w.priority === p).map((w) => w.context['requestId']).filter((id) => id !== undefined);
    this.logger.warn(
      { dropped: dropped.length, requests: requestIds('request'), decisions: requestIds('decision') },
      'stopping with background work not started: each request’s own work resumes from the database at the next start; decisions listed here were not made and must be made again',
    );
  }

  /**
   * A slot: resolves with its release once the queue starts it. A fresh start removed by stop()
   * rejects; a task coming back from a wait goes on without a slot instead.
   */
  private acquire(queue: FairPQueue, priority: number, tenant: string, resuming: boolean): Promise<() => void> {
    // Between two steps of a fresh start (admitted, not yet asking for a slot) when stop() cleared the queues.
    if (this.stopped && !resuming) return Promise.reject(new Error('the background queue is stopped'));
    return new Promise((resolve, reject) => {
      queue
        .add(() => new Promise<void>((release) => resolve(() => release())), { priority, tenant })
        .catch((error: unknown) => (resuming ? resolve(nothing) : reject(error instanceof Error ? error : new Error(String(error)))));
    });
  }
}
