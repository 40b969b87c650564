// The one way in for a request, whatever asked for it — the import form, the node-groups form, a
// Workflow Builder step: the workspace still connected, the approval policy letting this person's
// request pass, then the request stored once however often it is delivered (its source key). Launching
// it (its thread, its approval card or its import) happens after, in the background (launchStored).
import type { WebClient } from '@slack/web-api';
import type { ImportRequest } from '../domain/importRequest.js';
import type { ApprovalPolicies } from './approvalPolicies.js';
import type { Connections } from './connections.js';
import type { ImportRequests, Submission } from './importRequests.js';
import type { JobSink } from './jobs.js';
import { RequestDeniedError } from './requestPolicy.js';
import type { WorkspaceSettingsReader } from './workspaceSettings.js';

export interface IntakeServices {
  settings: WorkspaceSettingsReader;
  connections: Connections;
  policies: ApprovalPolicies;
  requests: ImportRequests;
  jobs: JobSink;
}

export type Intake =
  /** Nothing stored: `reason` says why, in words for the person (the form shows it; a step fails with it). */
  | { kind: 'refused'; code: 'not_connected' | 'blocked_by_policy'; reason: string }
  | { kind: 'stored'; request: ImportRequest; created: boolean };

export const NOT_CONNECTED_REASON = 'This workspace is not connected to Simplismart any more: a workspace admin must run `/simplismart connect`.';

/**
 * Stores `submission` as a request if its workspace may send it. `client` speaks for the workspace
 * (the policy's user groups are read with it). A store outage throws (StoreUnavailableError).
 */
export async function intake(services: IntakeServices, client: WebClient, submission: Submission): Promise<Intake> {
  // The connection and the policy in one read; storing the request is the only other round trip.
  const settings = await services.settings.read(submission.teamId, { references: false });
  if (!services.connections.connectedWith(settings.connection)) return { kind: 'refused', code: 'not_connected', reason: NOT_CONNECTED_REASON };
  const gate = await services.policies.gate(client, submission.teamId, submission.userId, submission.kind, settings.policy);
  if (gate.kind === 'blocked') return { kind: 'refused', code: 'blocked_by_policy', reason: gate.reason };
  try {
    const { request, created } = await services.requests.submit(submission, settings.policy);
    return { kind: 'stored', request, created };
  } catch (error) {
    // The policy file refused it (a deny rule, or approvals no one could give): nothing stored or sent.
    if (error instanceof RequestDeniedError) return { kind: 'refused', code: 'blocked_by_policy', reason: error.message };
    throw error;
  }
}

/** After the ack: the stored request launched (once: only the delivery that created it launches it). */
export function launchStored(services: IntakeServices, request: ImportRequest): void {
  services.jobs.submit({ job: 'launch', request });
}
