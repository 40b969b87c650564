// From a validated form to a stored request (an import, or node groups added to a cluster), and from
// there to its thread, its approval card or its sending. Storing happens before Slack gets its ack
// (nothing is lost); everything else after.
import { requirementFrom, type ApprovalPolicy } from '../domain/approvalPolicy.js';
import type { AddNodeGroupsBody, ImportClusterBody } from '../domain/clusterImport.js';
import type { ApprovalRequirement, ClusterTarget, ImportRequest, RequestEvent } from '../domain/importRequest.js';
import { newRequestId } from '../domain/requestId.js';
import type { NewStepExecution } from '../domain/stepExecution.js';
import type { Logger } from '../process/logger.js';
import type { Store } from '../store/store.js';
import type { ApprovalPolicies } from './approvalPolicies.js';
import type { Clock } from './clock.js';
import type { ImportRunner } from './importRunner.js';
import type { ImportThread } from './importThread.js';
import { RequestDeniedError, type RequestPolicy } from './requestPolicy.js';

/** What a submission asks of Simplismart: a cluster imported, or node groups added to `cluster`. */
export type Asked =
  | { kind: 'import_cluster'; body: ImportClusterBody }
  | { kind: 'add_node_groups'; body: AddNodeGroupsBody; cluster: ClusterTarget };

export type Submission = Asked & {
  teamId: string;
  /** The workspace's Enterprise Grid org, or null: kept so that later work finds the workspace's bot token. */
  enterpriseId: string | null;
  userId: string;
  channelId: string;
  /** The modal's view id: a redelivered submission carries the same one. */
  sourceKey: string;
  replacesId: string | null;
  responseUrl: string | null;
  /** Where the node groups came from ("Fill from my nodes"), for the thread and the audit trail; null when typed. */
  provenance?: string | null;
  /** The Workflow Builder step execution that asks for it (stored with it, once per execution id). */
  step?: NewStepExecution;
};

export class ImportRequests {
  constructor(
    private readonly deps: {
      store: Store;
      thread: ImportThread;
      runner: ImportRunner;
      policies: ApprovalPolicies;
      /** The policy file, when one is configured: it decides instead of the Slack-set policy. */
      decisions: RequestPolicy;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /**
   * The request `id` if it belongs to workspace `teamId`; undefined otherwise — another workspace's
   * request is as absent as one that never existed. Every lookup by a payload's id goes through here.
   */
  async findForTeam(id: string, teamId: string): Promise<ImportRequest | undefined> {
    const request = await this.deps.store.getRequest(id);
    return request !== undefined && request.teamId === teamId ? request : undefined;
  }

  /** The workspace's latest requests (of every kind), newest first. */
  recent(teamId: string, limit: number): Promise<ImportRequest[]> {
    return this.deps.store.listRequests(teamId, limit);
  }

  /** A workspace's request with its whole audit trail, oldest entry first. */
  async trail(id: string, teamId: string): Promise<{ request: ImportRequest; events: RequestEvent[] } | undefined> {
    const request = await this.findForTeam(id, teamId);
    return request === undefined ? undefined : { request, events: await this.deps.store.listEvents(id) };
  }

  /**
   * Stores the request (once per submission) with the workspace's approval rule frozen into it: the
   * policy file's rule when POLICY_FILE is set (with the file's hash and why), the Slack-set policy
   * otherwise. `inForce`: the Slack-set policy the caller read already (the one its gate let the request
   * through with). Throws RequestDeniedError, storing nothing, when the policy file refuses the request.
   */
  async submit(submission: Submission, inForce?: ApprovalPolicy): Promise<{ request: ImportRequest; created: boolean }> {
    const { store, clock } = this.deps;
    const decision = await this.deps.decisions.decide(submission).catch(async (error: unknown) => {
      // A redelivered submission of a request stored before the policy file changed finds that request,
      // as any redelivery does: the refusal is for a request not stored yet.
      const stored = error instanceof RequestDeniedError ? await this.#storedFrom(submission) : undefined;
      if (stored === undefined) throw error;
      return stored;
    });
    if (decision !== undefined && 'created' in decision) return decision;
    let requirement: ApprovalRequirement | null;
    let expirySeconds: number;
    if (decision === undefined) {
      const policy = inForce ?? (await this.deps.policies.inForce(submission.teamId));
      requirement = requirementFrom(policy, submission.kind);
      expirySeconds = policy.expirySeconds;
    } else {
      ({ requirement, expirySeconds } = decision);
    }
    const now = clock.now();
    const provenance = submission.provenance ?? null;
    return store.createRequest({
      id: newRequestId(),
      kind: submission.kind,
      cluster: submission.kind === 'add_node_groups' ? submission.cluster : null,
      teamId: submission.teamId,
      enterpriseId: submission.enterpriseId,
      requesterId: submission.userId,
      channelId: submission.channelId,
      sourceKey: submission.sourceKey,
      // Serialised once, here: these bytes are what approvers see and what is sent.
      payload: JSON.stringify(submission.body),
      state: requirement === null ? 'approved' : 'pending_approval',
      approval: requirement,
      policy: decision?.record ?? null,
      expiresAt: requirement === null ? null : now + expirySeconds * 1000,
      responseUrl: submission.responseUrl,
      replacesId: submission.replacesId,
      at: now,
      note: `${requirement === null ? 'submitted; approval not required' : 'submitted for approval'}${submission.step === undefined ? '' : ` (Workflow Builder step, execution ${submission.step.executionId})`}${provenance === null ? '' : `; ${provenance}`}`,
      ...(provenance === null ? {} : { provenance }),
      ...(submission.step === undefined ? {} : { step: submission.step }),
    });
  }

  /** The request this submission (its form's id) stored already, among its requester's latest; undefined when none. */
  async #storedFrom(submission: Submission): Promise<{ request: ImportRequest; created: false } | undefined> {
    const theirs = await this.deps.store.listRequests(submission.teamId, 50, { requesterId: submission.userId });
    const request = theirs.find((r) => r.sourceKey === submission.sourceKey);
    return request === undefined ? undefined : { request, created: false };
  }

  /**
   * After the ack (or, when the process stopped with it queued, from the sweeper): retire the request
   * this one replaces, then import — the runner opens the thread with the parent showing "Importing" —
   * or open the thread and ask for approval. Safe to run again: the import is sent by whoever wins
   * approved → importing, and a thread or card already stored is not posted again.
   */
  async launch(request: ImportRequest): Promise<void> {
    const { thread, logger } = this.deps;
    if (request.replacesId !== null) await this.retire(request.replacesId, request);
    if (request.state !== 'pending_approval') {
      await this.deps.runner.run(request.id, request.requesterId);
      return;
    }
    let current = request;
    try {
      current = await thread.open(request);
    } catch (error) {
      // Slack being unreachable must not lose the card: postCard tries the approvals channel, then the thread again.
      logger.warn({ err: error, requestId: request.id }, 'could not open the notification thread');
    }
    if (current.cards.length === 0) await thread.postCard(current);
  }

  /** "Editing creates a new request and cancels the old one" — when the old one is still waiting. */
  private async retire(oldId: string, replacement: ImportRequest): Promise<void> {
    if ((await this.findForTeam(oldId, replacement.teamId)) === undefined) return;
    const cancelled = await this.deps.store.transition({
      id: oldId,
      from: ['pending_approval'],
      to: 'cancelled',
      actorId: replacement.requesterId,
      at: this.deps.clock.now(),
      note: `replaced by ${replacement.id}`,
    });
    if (cancelled === undefined) return;
    await this.deps.thread.reply(cancelled, 'cancelled', `:heavy_multiplication_x: Cancelled: replaced by the edited request \`${replacement.id}\`.`);
    await this.deps.thread.refresh(oldId);
  }
}
