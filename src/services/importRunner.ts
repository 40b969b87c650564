// Sends an approved request to Simplismart exactly once: the move approved → importing is a
// compare-and-set, so whichever process wins it is the only one that POSTs; then the outcome is
// stored and told in the thread.
import type { ImportOutcome, ImportRequest, RequestState } from '../domain/importRequest.js';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { TokenDecryptionError } from '../secrets/tokenCipher.js';
import type { SimplismartClient } from '../simplismart/client.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { Credentials } from './connections.js';
import type { ImportThread } from './importThread.js';

/** Time allowed after the API timeout for storing the answer before recovery may call it abandoned. */
export const IMPORT_DEADLINE_GRACE_MS = 60_000;

export function stateForOutcome(outcome: ImportOutcome): RequestState {
  switch (outcome.kind) {
    case 'imported':
      return 'succeeded';
    case 'unknown':
      return 'outcome_unknown';
    default:
      return 'failed';
  }
}

export class ImportRunner {
  constructor(
    private readonly deps: {
      store: Store;
      connections: { credentialsFor(teamId: string): Promise<Credentials | undefined> };
      simplismart: SimplismartClient;
      thread: ImportThread;
      clock: Clock;
      logger: Logger;
      apiTimeoutMs: number;
    },
  ) {}

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
      patch: { importDeadline: now + this.deps.apiTimeoutMs + IMPORT_DEADLINE_GRACE_MS },
    });
    if (importing === undefined) {
      logger.debug({ requestId }, 'import already taken by another worker');
      return undefined;
    }
    const log = logger.child({ requestId, teamId: importing.teamId });
    // Thread chatter must not delay the call; it is awaited before the outcome so replies stay in order.
    const told = thread
      .reply(importing, ':arrows_counterclockwise: Importing: sending the request to Simplismart…')
      .then(() => thread.refresh(importing.id))
      .catch((error: unknown) => log.warn({ err: error }, 'could not post the importing step'));

    const outcome = await this.send(importing);
    log.info({ outcome: outcome.kind, code: 'code' in outcome ? outcome.code : undefined }, 'import finished');
    const finished = await this.storeOutcome(importing, outcome);
    await told;
    if (finished === undefined) {
      // The recovery sweep already called it unknown and told the thread; a second "unknown" adds nothing.
      log.info('outcome already recorded by recovery');
      return undefined;
    }
    await thread.announceOutcome(finished);
    return finished;
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
    const outcome = await this.deps.simplismart.importCluster(credentials.token, request.payload);
    return outcome.kind === 'rejected' ? { ...outcome, tokenSource: credentials.source } : outcome;
  }

  /**
   * The answer is the one thing that must not be lost: a brief store outage is waited out (bounded)
   * rather than leaving a finished import to be reported as "unknown".
   */
  private async storeOutcome(request: ImportRequest, outcome: ImportOutcome): Promise<ImportRequest | undefined> {
    const to = stateForOutcome(outcome);
    // A late real answer may overwrite the recovery sweep's "unknown"; an unknown never overwrites anything.
    const from: RequestState[] = to === 'outcome_unknown' ? ['importing'] : ['importing', 'outcome_unknown'];
    for (let attempt = 1; ; attempt += 1) {
      try {
        const stored = await this.deps.store.transition({
          id: request.id,
          from,
          to,
          actorId: null,
          at: this.deps.clock.now(),
          note: 'code' in outcome ? outcome.code : 'imported',
          patch: { outcome, importDeadline: null },
        });
        return stored;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || attempt >= 6) throw error;
        this.deps.logger.warn({ err: error, requestId: request.id, attempt }, 'store unavailable while saving an outcome; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    }
  }
}
