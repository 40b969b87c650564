// Completing Workflow Builder steps (docs/workflow-steps.md). A request started by a step remembers its
// execution (store: step_executions); when the request ends — here, on another replica, or after a
// restart, found by the sweeper — `complete(requestId)` claims the completion in the store (a
// compare-and-set: one attempt across replicas calls Slack), calls functions.completeSuccess with the
// outputs or functions.completeError with why, and records how it went. Ids in, nothing else: the
// request and the execution are read fresh from the store, so any process (or worker) may run it.
//
// The call is made with the execution's own token (the event's `bot_access_token`, the one Bolt's
// complete()/fail() use), kept encrypted and bound to the execution id. A completion Slack refuses —
// the execution no longer running or unknown, outputs that do not match the manifest, a dead token — is
// recorded and logged, never retried; one that did not reach Slack is retried by the sweeper a few times.
import type { WebClient } from '@slack/web-api';
import type { ImportRequest } from '../domain/importRequest.js';
import { hasEnded, stepResult, type StepExecution } from '../domain/stepExecution.js';
import type { Logger } from '../process/logger.js';
import type { TokenCipher } from '../secrets/tokenCipher.js';
import { slackErrorCode } from '../slack/errors.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';

/** A claim older than this was lost with its attempt (one call to Slack takes seconds): another may take it. */
export const STEP_CLAIM_STALE_MS = 2 * 60_000;
/** Attempts that did not reach Slack (network, 5xx, 429) before the bot gives up on a completion. */
export const STEP_MAX_ATTEMPTS = 5;
const BATCH = 50;

/**
 * Slack's answers that no retry changes (functions.completeSuccess / completeError): the execution is
 * over or unknown, the outputs do not match output_parameters, or the execution's token is dead.
 */
export const FINAL_REFUSALS: ReadonlySet<string> = new Set([
  'execution_not_in_running_state',
  'function_execution_not_found',
  'parameter_validation_failed',
  'invalid_arguments',
  'token_revoked',
  'token_expired',
  'invalid_auth',
  'not_authed',
  'account_inactive',
]);

/** What completing needs of the Web API: a client speaking with the execution's token. */
export type FunctionsClientFactory = (token: string) => Pick<WebClient, 'functions'>;

/** What the token is sealed to: a sealed token copied onto another execution does not decrypt. */
function boundTo(executionId: string): string {
  return `step_execution:${executionId}`;
}

export class WorkflowSteps {
  constructor(
    private readonly deps: {
      store: Store;
      cipher: TokenCipher;
      functionsClient: FunctionsClientFactory;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** The execution's token, sealed for storing with the request (never stored or logged in the clear). */
  sealToken(executionId: string, token: string): string {
    return this.deps.cipher.encrypt(token, boundTo(executionId));
  }

  /**
   * Fails an execution no request was made for (its workspace has no installation of the app: nothing
   * can be done for it), with the execution's own token. Slack's refusal is logged, not thrown.
   */
  async failUnserved(executionId: string, token: string, error: string): Promise<void> {
    try {
      await this.deps.functionsClient(token).functions.completeError({ function_execution_id: executionId, error });
      this.deps.logger.info({ executionId }, 'failed a Workflow Builder step of a workspace where the app is not installed');
    } catch (failure) {
      this.deps.logger.warn({ executionId, slackError: slackErrorCode(failure) ?? null }, 'could not fail a Workflow Builder step of a workspace where the app is not installed');
    }
  }

  /**
   * Completes the step that started request `requestId`, if one did and the request has ended, once
   * across attempts and replicas. Never throws for Slack's sake (it is recorded); a store outage throws.
   */
  async complete(requestId: string): Promise<void> {
    const { store } = this.deps;
    const step = await store.getStepExecution(requestId);
    if (step === undefined || (step.completion !== null && step.completion !== 'claimed')) return;
    const request = await store.getRequest(requestId);
    if (request === undefined || !hasEnded(request.state)) return;
    await this.completeClaimed(step, request);
  }

  /** The sweeper's pass: steps whose request ended while nobody completed them (a restart, a lost attempt). */
  async completeOverdue(): Promise<void> {
    const now = this.deps.clock.now();
    for (const step of await this.deps.store.listUncompletedSteps(now - STEP_CLAIM_STALE_MS, BATCH)) {
      try {
        await this.complete(step.requestId);
      } catch (error) {
        this.deps.logger.warn({ err: error, requestId: step.requestId, executionId: step.executionId }, 'could not complete a Workflow Builder step');
      }
    }
  }

  private async completeClaimed(step: StepExecution, request: ImportRequest): Promise<void> {
    const { store, clock, logger } = this.deps;
    const now = clock.now();
    if (!(await store.claimStepCompletion(step.executionId, now, now - STEP_CLAIM_STALE_MS))) return;
    const log = { requestId: request.id, executionId: step.executionId, callbackId: step.callbackId };
    const token = this.tokenOf(step);
    if (token === undefined) {
      await store.finishStepCompletion(step.executionId, 'refused', 'no usable execution token', clock.now());
      logger.warn(log, 'could not complete the Workflow Builder step: its execution token is missing or cannot be decrypted');
      return;
    }
    const result = stepResult(request);
    try {
      const functions = this.deps.functionsClient(token).functions;
      if (result.ok) await functions.completeSuccess({ function_execution_id: step.executionId, outputs: { ...result.outputs } });
      else await functions.completeError({ function_execution_id: step.executionId, error: result.error });
    } catch (error) {
      const code = slackErrorCode(error);
      if (code !== undefined && FINAL_REFUSALS.has(code)) {
        await store.finishStepCompletion(step.executionId, 'refused', code, clock.now());
        logger.warn({ ...log, slackError: code }, 'Slack refused the Workflow Builder step’s completion; not retried');
        return;
      }
      const giveUp = step.attempts + 1 >= STEP_MAX_ATTEMPTS;
      await store.finishStepCompletion(step.executionId, giveUp ? 'abandoned' : null, giveUp ? `gave up after ${STEP_MAX_ATTEMPTS} attempts: ${code ?? 'no answer'}` : null, clock.now());
      // Only the code: a transport error can carry the request it failed with, token included.
      logger.warn({ ...log, slackError: code ?? null, attempt: step.attempts + 1 }, giveUp ? 'gave up completing the Workflow Builder step' : 'could not reach Slack to complete the Workflow Builder step; the sweeper tries again');
      return;
    }
    await store.finishStepCompletion(step.executionId, result.ok ? 'succeeded' : 'errored', result.outputs.status, clock.now());
    logger.info({ ...log, status: result.outputs.status }, result.ok ? 'completed the Workflow Builder step' : 'failed the Workflow Builder step, as its request ended');
  }

  private tokenOf(step: StepExecution): string | undefined {
    if (step.sealedToken === null) return undefined;
    try {
      return this.deps.cipher.decrypt(step.sealedToken, boundTo(step.executionId));
    } catch {
      return undefined;
    }
  }
}
