// The messages of a request: one notification thread — the status message always shows the current
// state and each step is a reply: a thread of its own in the requesting channel (or the requester's DM
// when the bot cannot post there), or, for a change to a cluster the bot imported, the cluster's own
// thread (one thread per cluster) — and the approval card, in the approvals channel or the thread.
// Every message goes out with the bot token of the request's own workspace. Few calls per request: an
// import that needs no approval is its status message, its outcome and one update of the status message.
//
// Every message the thread posts is keyed (MessageKey) and posted once across attempts: its key is
// claimed in the store before it is posted and where it landed recorded after (Store.claimMessage), so
// that a step run again — by another replica, by the sweeper resuming a launch, after a restart — finds
// it instead of posting it twice. When Slack's answer to a post is lost (a timeout, a cut connection, a
// 5xx) the message may or may not be there: it is posted once more, saying so (sentAgain), rather than
// not at all or twice unmarked. Reading the channel to find out would take the history scopes.
import { threadTsOf, type ImportRequest, type MessageRef, type RequestSnapshot, type RequestState, type RequestThread } from '../domain/importRequest.js';
import { hasEnded } from '../domain/stepExecution.js';
import { workspaceOf, type Workspace } from '../domain/workspace.js';
import { AppError, StoreUnavailableError } from '../errors.js';
import type { Logger } from '../process/logger.js';
import { CALL_WAIT_BUDGET_MS, type Parking } from '../slack/rateLimitedClient.js';
import { slackMayHaveActed } from '../slack/errors.js';
import type { MessageClaim, Store } from '../store/store.js';
import { approvalCard } from '../views/approvalCard.js';
import { describeOutcome, SAVING_DELAYED_LINE, type OutcomeContext, type OutcomeDescription } from '../views/importOutcome.js';
import { approversText, outcomeMessage, parentMessage, sentAgain, submittedLine } from '../views/importMessages.js';
import { message, type SlackMessage } from '../views/message.js';
import type { Clock } from './clock.js';
import type { Notifier } from './notifier.js';
import type { SlackLinks } from './slackLinks.js';
import type { SlackPoster } from './slackPoster.js';

/**
 * Which of a request's messages: each is posted once. A step that can happen once per request has its
 * name; a vote, the voter's; an outcome, the state it tells (recovery's "unknown", then the real one).
 */
export type MessageKey =
  | 'parent'
  | 'submitted'
  | 'card'
  | 'card_notice'
  | 'sending'
  | 'approved'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'saving_delayed'
  | 'saved_after_delay'
  | `vote:${string}`
  | `outcome:${RequestState}`;

/**
 * How long a claim on a message may stay without its message recorded before another attempt takes it
 * over (posting the message again, saying so): longer than one post can take — its waits on Slack's
 * rate limits (CALL_WAIT_BUDGET_MS) and its answer (the client's 15 s) — so that a live attempt is
 * never overtaken.
 */
export const MESSAGE_CLAIM_STALE_MS = CALL_WAIT_BUDGET_MS + 3 * 60_000;

/** The request's thread is being posted by another attempt (or its answer was lost lately): nothing to reply in yet. */
export class ThreadBeingOpenedError extends AppError {
  constructor(requestId: string) {
    super('thread_being_opened', `the thread of request ${requestId} is being posted by another attempt, or Slack's answer to it was lost; it is not posted twice`);
  }
}

export class ImportThread {
  constructor(
    private readonly deps: {
      store: Store;
      posters: (workspace: Workspace) => SlackPoster;
      links: SlackLinks;
      notifier: Notifier;
      logger: Logger;
      outcomeContext: OutcomeContext;
      clock: Clock;
      /** Where a step waits for another task opening the same thread: parked, its slot and place given back (BackgroundWork.park). */
      waits: Parking;
      /** Told when a request appears or its state may have changed (the App Home of the people it concerns). */
      changed?: (request: ImportRequest) => void;
      /** Told when a request is seen ended (each time its messages are refreshed then): a Workflow Builder step completes. */
      ended?: (request: ImportRequest) => void;
    },
  ) {}

  private get store(): Store {
    return this.deps.store;
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  private changed(request: ImportRequest): void {
    this.deps.changed?.(request);
  }

  private posterFor(request: ImportRequest): SlackPoster {
    return this.deps.posters(workspaceOf(request));
  }

  /**
   * Threads being opened by this process, so that concurrent steps of one request share one. Bound:
   * requests whose thread is being opened right now; each entry leaves when its opening ends.
   */
  private readonly opening = new Map<string, Promise<ImportRequest>>();

  /**
   * Posts the parent (showing the request's current state) and, for a request waiting for approval,
   * the "submitted" reply; records where the thread lives. An import that needs no approval gets no
   * such reply: its parent says it is importing, and the outcome follows within seconds. Idempotent: a
   * request that already has a thread keeps it — also when `request` was read before another step
   * (e.g. a retry after Slack refused the first post, or a launch resumed by another process) opened
   * it; the returned request then carries the stored thread and cards.
   */
  async open(request: ImportRequest): Promise<ImportRequest> {
    if (request.thread !== null) return request;
    const inFlight = this.opening.get(request.id);
    if (inFlight !== undefined) {
      // Parked, not in its slot: the task opening it may be parked on Slack's rate limit and need a slot to finish.
      const opened = await this.deps.waits.park(() => inFlight);
      return { ...request, thread: opened.thread, threadPermalink: opened.threadPermalink, cards: opened.cards };
    }
    const opening = this.openOnce(request).finally(() => this.opening.delete(request.id));
    this.opening.set(request.id, opening);
    return opening;
  }

  private async openOnce(request: ImportRequest): Promise<ImportRequest> {
    const stored = await this.readOrOutage(request.id);
    if (stored !== undefined && stored.request.thread !== null) {
      return { ...request, thread: stored.request.thread, threadPermalink: stored.request.threadPermalink, cards: stored.request.cards };
    }
    const parent = this.parentOf({ request, approvals: stored?.approvals ?? [], decision: stored?.decision });
    let fellBack = false;
    const ref = await this.once(request, 'parent', async (again) => {
      const placed = await this.place(request, again ? sentAgain(parent) : parent);
      fellBack = placed.fellBack;
      return placed.ref;
    });
    if (ref === undefined) throw new ThreadBeingOpenedError(request.id);
    const permalink = await this.deps.links.permalink(workspaceOf(request), ref);
    const opened = { ...request, thread: ref, threadPermalink: permalink, cards: stored?.request.cards ?? request.cards };
    try {
      await this.store.updateRequest(request.id, { thread: ref, threadPermalink: permalink });
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      // An import's answer may be on its way: its thread is used from memory meanwhile, and saved with the outcome.
      this.logger.warn({ err: error, requestId: request.id }, 'the thread is posted but the store did not take where it is; the import saves it with its outcome');
    }
    this.changed(opened);
    if (fellBack) await this.tellRequesterAboutDm(opened);
    if (request.approval !== null) await this.reply(opened, 'submitted', submittedLine(opened));
    return opened;
  }

  /**
   * Posts the status message: in the cluster's thread for a change to a cluster the bot imported, else
   * as a new thread in the requesting channel (or the requester's DM). A cluster thread the bot can no
   * longer post in (archived, left) gives way to a new thread.
   */
  private async place(request: ImportRequest, status: SlackMessage): Promise<{ ref: RequestThread; fellBack: boolean }> {
    const poster = this.posterFor(request);
    const root = request.cluster?.thread ?? null;
    if (root !== null) {
      try {
        return { ref: { ...(await poster.post(root.channel, status, root.ts)), root: root.ts }, fellBack: false };
      } catch (error) {
        // Slack's answer lost: it may be there, and a new thread would tell it twice.
        if (slackMayHaveActed(error)) throw error;
        this.logger.warn({ err: error, requestId: request.id, channel: root.channel }, 'could not post in the cluster’s thread; starting a new one');
      }
    }
    return poster.postOrDm(request.channelId, request.requesterId, status);
  }

  /**
   * The stored snapshot; undefined when the store is down — then what the caller knows is used. (The
   * runner opens the thread of an import that needed no approval while the POST is out; an outage
   * beginning then must not keep its outcome from being told.)
   */
  private async readOrOutage(requestId: string): Promise<RequestSnapshot | undefined> {
    try {
      return await this.store.getSnapshot(requestId);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.logger.warn({ err: error, requestId }, 'could not read the request to open its thread; opening it from what is known');
      return undefined;
    }
  }

  /** Posts the card in the approvals channel, or in the request's thread when there is none (or it refuses the bot). */
  async postCard(request: ImportRequest): Promise<void> {
    const poster = this.posterFor(request);
    const card = approvalCard(request, [], undefined);
    const channel = request.approval?.approvalsChannelId ?? null;
    const ref = await this.once(request, 'card', async (again) => {
      const shown = again ? sentAgain(card) : card;
      if (channel !== null) {
        try {
          return await poster.post(channel, shown);
        } catch (error) {
          if (slackMayHaveActed(error)) throw error;
          this.logger.warn({ err: error, requestId: request.id, channel }, 'could not post the card in the approvals channel; using the thread');
        }
      }
      const opened = request.thread === null ? await this.open(request) : request;
      if (opened.thread === null) throw new ThreadBeingOpenedError(request.id);
      return poster.post(opened.thread.channel, shown, threadTsOf(opened.thread));
    });
    // Another attempt is posting the card: it records it.
    if (ref === undefined) return;
    const refs: MessageRef[] = [{ channel: ref.channel, ts: ref.ts }];
    await this.store.updateRequest(request.id, { cards: refs });
    if (channel !== null && ref.channel === channel) {
      const link = await this.deps.links.permalink(workspaceOf(request), ref);
      await this.reply(request, 'card_notice', `:raising_hand: Approval card posted in <#${channel}>${link === null ? '' : ` (<${link}|open it>)`}; approvers: ${approversText(request)}.`);
    }
  }

  /** One line in the thread, once (`key`). */
  async reply(request: ImportRequest, key: MessageKey, line: string): Promise<void> {
    await this.replyMessage(request, key, message(line));
  }

  /** A message in the thread, once (`key`); the thread is opened first if it has none. */
  async replyMessage(request: ImportRequest, key: MessageKey, reply: SlackMessage): Promise<void> {
    const opened = request.thread === null ? await this.open(request) : request;
    if (opened.thread === null) return;
    const { channel } = opened.thread;
    const threadTs = threadTsOf(opened.thread);
    const poster = this.posterFor(opened);
    await this.once(opened, key, async (again) => ({ ...(await poster.post(channel, again ? sentAgain(reply) : reply, threadTs)), root: threadTs }));
  }

  /**
   * Posts the request's message `key` through `post` unless an attempt already did: claimed in the
   * store first, recorded after. Resolves where it landed (now or by an earlier attempt), or undefined
   * when another attempt claimed it lately without recording it (it is posting it, or lost Slack's
   * answer): it is not posted again then. Refused by Slack, the claim is given back (a later attempt
   * may post it); Slack's answer lost, it is posted once more at once, saying so (`again`). A claim
   * left unrecorded longer than MESSAGE_CLAIM_STALE_MS is taken over, the message posted saying so. With
   * the store down the message is posted all the same, unkeyed: people hear now, as the outcome's
   * save-later path intends.
   */
  private async once(request: ImportRequest, key: MessageKey, post: (again: boolean) => Promise<RequestThread>): Promise<RequestThread | undefined> {
    const now = this.deps.clock.now();
    const log = { requestId: request.id, message: key };
    let claim: MessageClaim;
    try {
      claim = await this.store.claimMessage(request.id, key, now, now - MESSAGE_CLAIM_STALE_MS);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.logger.warn({ err: error, ...log }, 'the store cannot say whether this message was posted; posting it now all the same');
      return post(false);
    }
    if (!claim.claimed) {
      if (claim.posted === null) this.logger.info(log, 'another attempt is posting this message (or lost Slack’s answer to it): not posted again');
      return claim.posted ?? undefined;
    }
    if (claim.retaken) this.logger.warn(log, 'an earlier attempt claimed this message and never said it was posted: posting it again, saying so');
    let ref: RequestThread;
    try {
      ref = await post(claim.retaken);
    } catch (error) {
      if (!slackMayHaveActed(error)) {
        await this.store.releaseMessage(request.id, key).catch((release: unknown) => this.logger.warn({ err: release, ...log }, 'could not give back the claim of a message Slack refused'));
        throw error;
      }
      if (claim.retaken) throw error;
      this.logger.warn({ err: error, ...log }, 'Slack’s answer to a message was lost (it may be there): posting it once more, saying so');
      ref = await post(true);
    }
    await this.store.recordMessage(request.id, key, ref).catch((error: unknown) => this.logger.warn({ err: error, ...log }, 'posted, but the store did not take where: an attempt after a while posts it again, saying so'));
    return ref;
  }

  /**
   * Brings the parent and every copy of the approval card up to date with the stored request, so no
   * stale button survives a decision. Reads the request fresh: concurrent writers converge on the truth.
   */
  async refresh(requestId: string): Promise<void> {
    const snapshot = await this.store.getSnapshot(requestId);
    if (snapshot === undefined) return;
    const { request } = snapshot;
    this.changed(request);
    if (hasEnded(request.state)) this.deps.ended?.(request);
    const poster = this.posterFor(request);
    const updates: Array<Promise<void>> = [];
    if (request.thread !== null) updates.push(poster.update(request.thread, this.parentOf(snapshot)));
    if (request.cards.length > 0) {
      const card = approvalCard(request, snapshot.approvals, snapshot.decision);
      for (const ref of request.cards) updates.push(poster.update(ref, card));
    }
    const results = await Promise.allSettled(updates);
    for (const result of results) {
      if (result.status === 'rejected') this.logger.warn({ err: result.reason, requestId }, 'could not update a message of the request');
    }
  }

  /**
   * The final reply: the outcome with its details, the requester mentioned; then the parent is updated —
   * also when the reply could not be posted (the parent tells the outcome too), before that failure is thrown.
   */
  async announceOutcome(request: ImportRequest): Promise<void> {
    const description = this.describe(request);
    let failed: { error: unknown } | undefined;
    try {
      if (description !== undefined) await this.replyMessage(request, `outcome:${request.state}`, outcomeMessage(request, description));
    } catch (error) {
      failed = { error };
    }
    await this.refresh(request.id);
    if (failed !== undefined) throw failed.error;
  }

  /**
   * The outcome of a request whose store does not take it yet (`request` as it will be once saved):
   * the outcome reply and a note that saving is delayed, and the parent brought up to date from memory
   * as far as the store still answers reads. Throws only when the outcome itself could not be posted.
   */
  async announceUnsaved(request: ImportRequest): Promise<void> {
    const description = this.describe(request);
    if (description !== undefined) await this.replyMessage(request, `outcome:${request.state}`, outcomeMessage(request, description));
    try {
      await this.reply(request, 'saving_delayed', SAVING_DELAYED_LINE);
      if (request.thread !== null) {
        const stored = await this.store.getSnapshot(request.id);
        await this.posterFor(request).update(request.thread, this.parentOf({ request, approvals: stored?.approvals ?? [], decision: stored?.decision }));
      }
    } catch (error) {
      this.logger.warn({ err: error, requestId: request.id }, 'could not tell the thread that saving is delayed');
    }
  }

  describe(request: ImportRequest): OutcomeDescription | undefined {
    return request.outcome === null ? undefined : describeOutcome(request.outcome, this.deps.outcomeContext, request.kind);
  }

  private parentOf({ request, approvals, decision }: RequestSnapshot): SlackMessage {
    return parentMessage(request, approvals, decision, this.describe(request));
  }

  private async tellRequesterAboutDm(request: ImportRequest): Promise<void> {
    if (request.responseUrl === null) return;
    const text = `I can’t post in this channel, so I’ll keep you posted about request \`${request.id}\` in a DM. Invite me with \`/invite @Simplismart\` to have requests told here.`;
    const to = { ...workspaceOf(request), userId: request.requesterId, responseUrl: request.responseUrl };
    await this.deps.notifier.tell(to, message(text), { orDm: false }).catch((error: unknown) => {
      // The DM already carries everything; the ephemeral note is a courtesy.
      this.logger.info({ err: error, requestId: request.id }, 'could not send the DM notice through response_url');
    });
  }
}
