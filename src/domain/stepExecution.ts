// Workflow Builder custom steps (docs/workflow-steps.md): what a step execution is once stored with its
// request, and what the step answers when the request ends — outputs for the next steps, or the error
// Workflow Builder shows. Pure: the service (services/workflowSteps.ts) reads, claims and calls Slack.
import type { ImportRequest, RequestState } from './importRequest.js';

/** The steps' callback ids, as manifest.yml declares them under `functions`. */
export const STEP = {
  importCluster: 'import_simplismart_cluster',
  addNodeGroups: 'add_simplismart_node_groups',
} as const;
export type StepCallbackId = (typeof STEP)[keyof typeof STEP];

/**
 * Where the completion of a step stands: claimed by an attempt (its call to Slack under way, or lost
 * with a process), or done — Slack took a success or an error, refused it for good
 * (`execution_not_in_running_state`, `function_execution_not_found`, invalid outputs, a dead token), or
 * the bot gave up after too many attempts that did not reach Slack.
 */
export const STEP_COMPLETIONS = ['claimed', 'succeeded', 'errored', 'refused', 'abandoned'] as const;
export type StepCompletion = (typeof STEP_COMPLETIONS)[number];
export type StepCompletionResult = Exclude<StepCompletion, 'claimed'>;

/** What a step execution needs stored, given with the request it starts (one atomic insert). */
export interface NewStepExecution {
  executionId: string;
  callbackId: string;
  /** The execution's token (`bot_access_token`), sealed with the TokenCipher bound to the execution id; null when Slack sent none. */
  sealedToken: string | null;
}

export interface StepExecution extends NewStepExecution {
  requestId: string;
  teamId: string;
  createdAt: number;
  completion: StepCompletion | null;
  claimedAt: number | null;
  /** Attempts at completing that claimed it (each call to Slack once). */
  attempts: number;
  completedAt: number | null;
  /** Why it ended as it did (Slack's error code for a refusal), for the record; never a token. */
  note: string | null;
}

/** The idempotency key of the request an execution creates: the store keeps one per (team, key). */
export function stepSourceKey(executionId: string): string {
  return `step:${executionId}`;
}

/** The states in which a request is over: its step can be completed. */
export const ENDED_STATES: readonly RequestState[] = ['succeeded', 'failed', 'outcome_unknown', 'rejected', 'expired', 'cancelled'];

export function hasEnded(state: RequestState): boolean {
  return ENDED_STATES.includes(state);
}

/** The output parameters both steps declare (manifest.yml): every value a string. */
export interface StepOutputs {
  request_id: string;
  cluster_uuid: string;
  status: string;
  thread_link: string;
  error_text: string;
}

/** How the step ends: completed with outputs, or failed with the error Workflow Builder shows. */
export type StepResult = { ok: true; outputs: StepOutputs } | { ok: false; error: string; outputs: StepOutputs };

/** The status output: `imported` / `node_groups_added` when it worked; otherwise the request's end. */
export function stepStatus(request: ImportRequest): string {
  if (request.state === 'succeeded') return request.kind === 'import_cluster' ? 'imported' : 'node_groups_added';
  return request.state;
}

/** The most a failed step's error says (Workflow Builder shows it in the run's activity). */
export const STEP_ERROR_MAX = 1500;

/**
 * What the step answers for an ended request: success only when Simplismart took it; a rejection, a
 * failure, an unknown outcome, an expiry or a cancellation fail the step (a workflow must not go on as
 * if the cluster existed), each saying why and where the thread is.
 */
export function stepResult(request: ImportRequest): StepResult {
  const outcome = request.outcome;
  const clusterUuid =
    outcome?.kind === 'imported' ? (outcome.cluster.uuid ?? '') : request.cluster !== null ? request.cluster.id : '';
  const errorText = errorTextOf(request);
  const outputs: StepOutputs = {
    request_id: request.id,
    cluster_uuid: clusterUuid,
    status: stepStatus(request),
    thread_link: request.threadPermalink ?? '',
    error_text: errorText,
  };
  if (request.state === 'succeeded') return { ok: true, outputs };
  const where = request.threadPermalink === null ? '' : ` Thread: ${request.threadPermalink}`;
  return { ok: false, error: clip(`${outputs.status}: request ${request.id} — ${errorText}${where}`, STEP_ERROR_MAX), outputs };
}

function errorTextOf(request: ImportRequest): string {
  const outcome = request.outcome;
  switch (request.state) {
    case 'succeeded':
      return '';
    case 'rejected':
      return 'rejected by an approver; the thread says who and why.';
    case 'expired':
      return 'nobody approved it before the approval policy’s expiry.';
    case 'cancelled':
      return 'cancelled before it was sent (by its requester, an edit, or the app being removed).';
    case 'outcome_unknown':
      return 'Simplismart’s answer was lost: the cluster may or may not exist. Check Simplismart before trying again.';
    case 'failed':
      if (outcome?.kind === 'rejected') {
        const fields = outcome.fieldErrors.map((f) => `${f.field}: ${f.messages.join(' ')}`).join('; ');
        return `Simplismart refused it (${outcome.code}${outcome.status === null ? '' : `, HTTP ${outcome.status}`})${outcome.apiMessage === null ? '.' : `: ${outcome.apiMessage}`}${fields === '' ? '' : ` (${fields})`}`;
      }
      if (outcome?.kind === 'not_sent') return `it could not be sent to Simplismart (${outcome.code}): ${outcome.detail}`;
      return 'it failed; the thread says why.';
    default:
      return `it is ${request.state}.`;
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
