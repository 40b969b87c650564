// Sends an approved request (an import, or node groups added) to Simplismart exactly once: the move approved → importing is a
// compare-and-set, so whichever process wins it is the only one that POSTs. The winner holds a lease on
// the request, renewed until the outcome is stored; an answer the store does not take yet is kept in
// memory (and told in the thread at once) until it does.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ImportOutcome, ImportRequest, RequestState } from '../domain/importRequest.js';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../process/logger.js';
import { TokenDecryptionError } from '../secrets/tokenCipher.js';
import type { SimplismartClient } from '../simplismart/client.js';
import type { Store } from '../store/store.js';
import { SAVED_AFTER_DELAY_LINE } from '../views/importOutcome.js';
import { wordsOf } from '../views/requestKinds.js';
import type { Clock } from './clock.js';
import type { Credentials } from './connections.js';
import type { ImportThread } from './importThread.js';

/**
 * How long a process's claim on an importing request lasts unrenewed. Renewed every third of it, so a
 * slow write or two does not let it lapse; recovery waits for it to lapse and stay unrenewed as long again.
 */
export const IMPORT_LEASE_MS = 30_000;
/** The longest wait between two attempts to save an answer the store refused. */
const SAVE_RETRY_MAX_MS = 5000;

export function stateForOutcome(outcome: ImportOutcome): RequestState {
  switch (outcome.kind) {
    case 'imported':
    case 'node_groups_added':
      return 'succeeded';
    case 'unknown':
      return 'outcome_unknown';
    default:
      return 'failed';
  }
}

/** Names this process in the leases it holds: the host and pid say where, the random part tells restarts apart. */
export function processOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** What the logs say about an answer: enough for an operator to act on it, never a secret. */
function outcomeSummary(outcome: ImportOutcome): Record<string, unknown> {
  return {
    outcome: outcome.kind,
    code: 'code' in outcome ? outcome.code : undefined,
    clusterUuid: outcome.kind === 'imported' ? outcome.cluster.uuid : undefined,
  };
}

export class ImportRunner {
  /** This process, as named in the leases it takes. */
  readonly owner: string;
  private readonly leaseMs: number;
  /**
   * Requests this process is sending, or holding an unsaved answer for: recovery leaves them alone.
   * Bound: imports in flight (background tasks started); each leaves when its run ends.
   */
  private readonly inHand = new Set<string>();
  private stopping = false;
  /** Pauses in progress (an unsaved answer waiting to be saved), woken at stop; each leaves when it ends. */
  private readonly wakeUps = new Set<() => void>();

  constructor(
    private readonly deps: {
      store: Store;
      connections: { credentialsFor(teamId: string): Promise<Credentials | undefined> };
      simplismart: SimplismartClient;
      thread: ImportThread;
      clock: Clock;
      logger: Logger;
      /** Where the wait for Simplismart's answer gives back its background slot (BackgroundWork.outside). */
      waits?: { outside<T>(wait: () => Promise<T>): Promise<T> };
      owner?: string;
      leaseMs?: number;
    },
  ) {
    this.owner = deps.owner ?? processOwnerId();
    this.leaseMs = deps.leaseMs ?? IMPORT_LEASE_MS;
  }

  /** Whether this process is sending the request or holding its unsaved answer right now. */
  holds(requestId: string): boolean {
    return this.inHand.has(requestId);
  }

  /**
   * The process is stopping (its grace period is over): an answer still unsaved is given up — logged
   * in full and already told in the thread — instead of waited for. Recovery settles the request later.
   */
  stop(): void {
    this.stopping = true;
    for (const wake of [...this.wakeUps]) wake();
  }

  /**
   * Runs an approved request. Returns without sending anything when another process (or a double
   * click) already took it: only the winner of approved → importing sends.
   */
  async run(requestId: string, actorId: string | null): Promise<ImportRequest | undefined> {
    const { store, clock, logger, thread } = this.deps;
    const now = clock.now();
    const importing = await store.transition({
      id: requestId,
      from: ['approved'],
      to: 'importing',
      actorId,
      at: now,
      note: 'sending to Simplismart',
      patch: { lease: { owner: this.owner, expiresAt: now + this.leaseMs } },
    });
    if (importing === undefined) {
      logger.debug({ requestId }, 'import already taken by another worker');
      return undefined;
    }
    const log = logger.child({ requestId, teamId: importing.teamId });
    this.inHand.add(requestId);
    const lease = this.keepLease(requestId, log);
    try {
      // Thread chatter must not delay the call; it is awaited before the outcome so replies stay in order.
      // A request with no thread yet (one that needed no approval) gets its parent now, already saying
      // "Importing": no separate step to post, no parent to update. One that waited for approval has
      // its thread, and the step is told there.
      let current = importing;
      const told = (
        importing.thread === null
          ? thread.open(importing).then((opened) => {
              current = opened;
            })
          : thread.reply(importing, 'sending', wordsOf(importing).sendingLine).then(() => thread.refresh(importing.id))
      ).catch((error: unknown) => log.warn({ err: error }, 'could not post the importing step'));

      // Waiting for the answer costs no CPU: the background slot serves other work meanwhile.
      const outcome = this.deps.waits === undefined ? await this.send(importing) : await this.deps.waits.outside(() => this.send(importing));
      log.info({ ...outcomeSummary(outcome), kind: importing.kind }, 'request finished');
      const saved = await this.save(() => current, outcome, told, log);
      await told;
      if (saved === undefined) return undefined;
      if (saved.request === undefined) {
        // The recovery sweep already called it unknown and told the thread; a second "unknown" adds nothing.
        log.info('outcome already recorded by recovery');
        return undefined;
      }
      if (saved.toldEarly) {
        await thread.reply(saved.request, 'saved_after_delay', SAVED_AFTER_DELAY_LINE);
        await thread.refresh(requestId);
      } else {
        await thread.announceOutcome(saved.request);
      }
      return saved.request;
    } finally {
      lease.stop();
      this.inHand.delete(requestId);
    }
  }

  private async send(request: ImportRequest): Promise<ImportOutcome> {
    let credentials;
    try {
      credentials = await this.deps.connections.credentialsFor(request.teamId);
    } catch (error) {
      if (error instanceof TokenDecryptionError) return { kind: 'not_sent', code: 'token_undecryptable', detail: error.code };
      throw error;
    }
    if (credentials === undefined) return { kind: 'not_sent', code: 'not_connected', detail: 'no token' };
    const outcome = await this.deps.simplismart.send(credentials.token, request);
    return outcome.kind === 'rejected' ? { ...outcome, tokenSource: credentials.source } : outcome;
  }

  /**
   * The answer is the one thing that must not be lost: while the store refuses it, it is kept here and
   * offered again (the lease renewed meanwhile), for as long as this process lives. Memory stays
   * bounded by the imports that were in flight when the store went away: no new import can start
   * without a write. Resolves undefined only when the process stops first.
   */
  private async save(
    /** The request as sending left it; with its thread once opened. */
    requestNow: () => ImportRequest,
    outcome: ImportOutcome,
    told: Promise<void>,
    log: Logger,
  ): Promise<{ request: ImportRequest | undefined; toldEarly: boolean } | undefined> {
    let toldEarly = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return { request: await this.storeOutcome(requestNow(), outcome), toldEarly };
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        if (attempt === 1) {
          log.warn({ err: error, ...outcomeSummary(outcome) }, 'Simplismart answered but the store does not take the answer yet; keeping it and trying again until it does');
          // Slack is usually up when the store is not: people hear the outcome now, not after the outage.
          await told;
          toldEarly = await this.tellBeforeSaving(requestNow(), outcome, log);
        } else {
          log.debug({ err: error, attempt }, 'the store still does not take the answer');
        }
        if (this.stopping) {
          log.error(
            outcomeSummary(outcome),
            'stopping with an answer from Simplismart that the store never took: the request stays importing until recovery tells its thread; the answer is in this log line and, if Slack took it, in the thread',
          );
          return undefined;
        }
        await this.pause(Math.min(SAVE_RETRY_MAX_MS, 250 * 2 ** attempt));
      }
    }
  }

  private storeOutcome(request: ImportRequest, outcome: ImportOutcome): Promise<ImportRequest | undefined> {
    const to = stateForOutcome(outcome);
    // A late real answer may overwrite the recovery sweep's "unknown"; an unknown never overwrites anything.
    const from: RequestState[] = to === 'outcome_unknown' ? ['importing'] : ['importing', 'outcome_unknown'];
    return this.deps.store.transition({
      id: request.id,
      from,
      to,
      actorId: null,
      at: this.deps.clock.now(),
      note: 'code' in outcome ? outcome.code : outcome.kind.replace(/_/g, ' '),
      // The thread opened while the POST was out, in case the store did not take it then.
      patch: { outcome, lease: null, ...(request.thread === null ? {} : { thread: request.thread, threadPermalink: request.threadPermalink }) },
    });
  }

  /** True when the thread was told the outcome (so that it is not told twice once saved). */
  private async tellBeforeSaving(request: ImportRequest, outcome: ImportOutcome, log: Logger): Promise<boolean> {
    try {
      await this.deps.thread.announceUnsaved({ ...request, state: stateForOutcome(outcome), outcome, lease: null });
      return true;
    } catch (error) {
      log.warn({ err: error }, 'could not tell the thread the unsaved outcome; it is told once saved');
      return false;
    }
  }

  /** Renews the request's lease until stopped; a failed renewal is tried again at the next tick. */
  private keepLease(requestId: string, log: Logger): { stop(): void } {
    let stopped = false;
    let renewing = false;
    const timer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      this.deps.store
        .renewLease(requestId, this.owner, this.deps.clock.now() + this.leaseMs)
        .then((stillMine) => {
          if (stillMine || stopped) return;
          // Only recovery takes a request from its owner: this process was cut off from the store
          // for longer than a lease. The answer is still saved over recovery's "unknown".
          stopped = true;
          clearInterval(timer);
          log.warn('recovery took this import while this process was cut off from the store; its answer will replace the "unknown"');
        })
        .catch((error: unknown) => log.debug({ err: error }, 'could not renew the import lease; trying again'))
        .finally(() => {
          renewing = false;
        });
    }, this.leaseMs / 3);
    timer.unref();
    return {
      stop: () => {
        stopped = true;
        clearInterval(timer);
      },
    };
  }

  /** Waits `ms`, or less when the process stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUps.add(done);
    });
  }
}
