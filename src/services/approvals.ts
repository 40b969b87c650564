// Deciding on a pending request (an import, node groups added): approve (until the quorum), reject with
// a reason, cancel by the requester, expire. Who may act is checked here, at the moment of the click; every decision is a
// compare-and-set, so a double click, a redelivery or two replicas still end in one import.
import type { WebClient } from '@slack/web-api';
import { checkApprover, describeExpiry, quorumReached } from '../domain/approvalPolicy.js';
import type { ImportRequest } from '../domain/importRequest.js';
import type { Logger } from '../process/logger.js';
import type { Store } from '../store/store.js';
import { decisionLine } from '../views/approvalCard.js';
import { clip, escapeMrkdwn, userMention } from '../views/blocks.js';
import { approversText, progressText } from '../views/importMessages.js';
import { wordsOf } from '../views/requestKinds.js';
import type { Clock } from './clock.js';
import type { ImportRequests } from './importRequests.js';
import type { ImportRunner } from './importRunner.js';
import type { ImportThread } from './importThread.js';
import type { JobSink } from './jobs.js';
import { groupMembers } from './slackDirectory.js';

/** What the person who clicked is told (ephemerally). */
export interface DecisionReply {
  ok: boolean;
  text: string;
}

export class Approvals {
  constructor(
    private readonly deps: {
      store: Store;
      requests: ImportRequests;
      thread: ImportThread;
      runner: ImportRunner;
      /** Where the import after the last approval is handed. */
      jobs: () => JobSink;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async approve(requestId: string, userId: string, teamId: string, client: WebClient): Promise<DecisionReply> {
    const { store, clock, thread } = this.deps;
    const refusal = await this.refuse(await this.deps.requests.findForTeam(requestId, teamId), userId, client);
    if (refusal !== undefined) return refusal;
    const vote = await store.recordApproval({ id: requestId, approverId: userId, at: clock.now(), note: 'approved' });
    if (vote.outcome === 'not_pending') return this.late(requestId);
    if (vote.outcome === 'duplicate') {
      return { ok: true, text: `You already approved this ${wordsOf(vote.request).noun} (${progressText(vote.request, vote.approvals)}).` };
    }
    const current = vote.request;
    const requirement = current.approval;
    if (requirement === null || !quorumReached(vote.approvals.length, requirement)) {
      await thread.reply(current, `vote:${userId}`, `:+1: ${userMention(userId)} approved (${progressText(current, vote.approvals)}).`);
      await thread.refresh(requestId);
      return { ok: true, text: `Approved. ${progressText(current, vote.approvals)}; the ${wordsOf(current).noun} runs once the rest approve.` };
    }
    const approved = await store.transition({
      id: requestId,
      from: ['pending_approval'],
      to: 'approved',
      actorId: userId,
      at: clock.now(),
      note: `quorum reached (${vote.approvals.length} of ${requirement.approvalsNeeded})`,
    });
    if (approved === undefined) {
      // Another approver's vote completed the quorum in the same instant; that process imports.
      return this.late(requestId);
    }
    const names = vote.approvals.map((a) => userMention(a.approverId)).join(', ');
    await thread.reply(approved, 'approved', `:white_check_mark: Approved by ${names}.`);
    await thread.refresh(requestId);
    // The API call can take its whole timeout; the approver hears back now, the thread tells the rest.
    this.deps.jobs().submit({ job: 'import', requestId, teamId: approved.teamId, userId });
    return { ok: true, text: `Approved: the ${wordsOf(approved).noun} is running. Follow it in the request’s thread.` };
  }

  async reject(requestId: string, userId: string, teamId: string, reason: string, client: WebClient): Promise<DecisionReply> {
    const { store, clock, thread } = this.deps;
    const refusal = await this.refuse(await this.deps.requests.findForTeam(requestId, teamId), userId, client);
    if (refusal !== undefined) return refusal;
    const rejected = await store.transition({
      id: requestId,
      from: ['pending_approval'],
      to: 'rejected',
      actorId: userId,
      at: clock.now(),
      note: reason,
    });
    if (rejected === undefined) return this.late(requestId);
    await thread.reply(
      rejected,
      'rejected',
      `:no_entry: ${userMention(userId)} rejected ${userMention(rejected.requesterId)}’s ${wordsOf(rejected).noun}: “${escapeMrkdwn(clip(reason, 1000))}”. Use *Edit and submit again* on the card to change it.`,
    );
    await thread.refresh(requestId);
    return { ok: true, text: 'Rejected. The requester is told why in the thread.' };
  }

  async cancel(requestId: string, userId: string, teamId: string): Promise<DecisionReply> {
    const { store, clock, thread } = this.deps;
    const request = await this.deps.requests.findForTeam(requestId, teamId);
    if (request === undefined) return { ok: false, text: 'That request no longer exists.' };
    if (request.requesterId !== userId) {
      return { ok: false, text: `Only ${userMention(request.requesterId)}, who asked for this ${wordsOf(request).noun}, can cancel it. Approvers can reject it instead.` };
    }
    if (request.state !== 'pending_approval') return this.late(request.id);
    const cancelled = await store.transition({
      id: requestId,
      from: ['pending_approval'],
      to: 'cancelled',
      actorId: userId,
      at: clock.now(),
      note: 'cancelled by the requester',
    });
    if (cancelled === undefined) return this.late(requestId);
    await thread.reply(cancelled, 'cancelled', `:heavy_multiplication_x: ${userMention(userId)} cancelled the request.`);
    await thread.refresh(requestId);
    return { ok: true, text: `Cancelled. ${wordsOf(cancelled).nothingWillHappen}` };
  }

  /** Called by the sweeper for a pending request past its expiry. */
  async expire(request: ImportRequest): Promise<boolean> {
    const { store, clock, thread } = this.deps;
    const expired = await store.transition({
      id: request.id,
      from: ['pending_approval'],
      to: 'expired',
      actorId: null,
      at: clock.now(),
      note: 'not approved in time',
    });
    if (expired === undefined) return false;
    const waited = expired.expiresAt === null ? '' : ` within ${describeExpiry(Math.round((expired.expiresAt - expired.createdAt) / 1000))}`;
    await thread.reply(
      expired,
      'expired',
      `:alarm_clock: Expired: not approved${waited}. ${userMention(expired.requesterId)}, use *Edit and submit again* on the card to ask again.`,
    );
    await thread.refresh(request.id);
    return true;
  }

  /** Whether `userId` may decide on the request now: the Reject button asks before opening its form. */
  async mayDecide(requestId: string, userId: string, teamId: string, client: WebClient): Promise<{ request: ImportRequest; refusal: undefined } | { request: ImportRequest | undefined; refusal: DecisionReply }> {
    const request = await this.deps.requests.findForTeam(requestId, teamId);
    const refusal = await this.refuse(request, userId, client);
    if (refusal !== undefined || request === undefined) return { request, refusal: refusal ?? { ok: false, text: 'That request no longer exists.' } };
    return { request, refusal: undefined };
  }

  /** Why `userId` may not decide on `request` right now, or undefined when they may. */
  private async refuse(request: ImportRequest | undefined, userId: string, client: WebClient): Promise<DecisionReply | undefined> {
    if (request === undefined) return { ok: false, text: 'That request no longer exists.' };
    if (request.state !== 'pending_approval') return this.late(request.id);
    const requirement = request.approval;
    if (requirement === null) return { ok: false, text: 'This request does not need approval.' };
    const members = requirement.approverGroupIds.length > 0 ? await groupMembers(client, requirement.approverGroupIds) : [];
    const check = checkApprover(userId, request.requesterId, requirement, members);
    if (check.ok) return undefined;
    if (check.reason === 'self_approval') {
      return { ok: false, text: `You asked for this ${wordsOf(request).noun}, so you can’t approve it yourself. It needs ${progressText(request, [])} from ${approversText(request)}.` };
    }
    return { ok: false, text: `Only ${approversText(request)} can approve or reject this ${wordsOf(request).noun}. Ask one of them, or an admin to change \`/simplismart approvals\`.` };
  }

  /** "Already approved by @x at 14:02", and its siblings, from the request as it stands now. */
  private async late(requestId: string): Promise<DecisionReply> {
    const now = await this.deps.store.getSnapshot(requestId);
    if (now === undefined) return { ok: false, text: 'That request no longer exists.' };
    return { ok: false, text: `Too late: ${decisionLine(now.request, now.approvals, now.decision)}` };
  }
}
