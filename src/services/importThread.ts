// The messages of a request: one notification thread — the status message always shows the current
// state and each step is a reply: a thread of its own in the requesting channel (or the requester's DM
// when the bot cannot post there), or, for a change to a cluster the bot imported, the cluster's own
// thread (one thread per cluster) — and the approval card, in the approvals channel or the thread.
// Every message goes out with the bot token of the request's own workspace. Few calls per request: an
// import that needs no approval is its status message, its outcome and one update of the status message.
import { threadTsOf, type ImportRequest, type MessageRef, type RequestSnapshot, type RequestThread } from '../domain/importRequest.js';
import { workspaceOf, type Workspace } from '../domain/workspace.js';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { approvalCard } from '../views/approvalCard.js';
import { describeOutcome, SAVING_DELAYED_LINE, type OutcomeContext, type OutcomeDescription } from '../views/importOutcome.js';
import { approversText, outcomeMessage, parentMessage, submittedLine } from '../views/importMessages.js';
import { message, type SlackMessage } from '../views/message.js';
import type { Notifier } from './notifier.js';
import type { SlackLinks } from './slackLinks.js';
import type { SlackPoster } from './slackPoster.js';

export class ImportThread {
  constructor(
    private readonly store: Store,
    private readonly posters: (workspace: Workspace) => SlackPoster,
    private readonly links: SlackLinks,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
    private readonly outcomeContext: OutcomeContext,
    /** Told when a request appears or its state may have changed (the App Home of the people it concerns). */
    private readonly changed: (request: ImportRequest) => void = () => undefined,
  ) {}

  private posterFor(request: ImportRequest): SlackPoster {
    return this.posters(workspaceOf(request));
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
      const opened = await inFlight;
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
    const { ref, fellBack } = await this.place(request, parent);
    const permalink = await this.links.permalink(workspaceOf(request), ref);
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
    if (request.approval !== null) await this.reply(opened, submittedLine(opened));
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

  /** Posts the card in the approvals channel, or in the request's thread when there is none. */
  async postCard(request: ImportRequest): Promise<void> {
    const { store } = this;
    const poster = this.posterFor(request);
    const card = approvalCard(request, [], undefined);
    const refs: MessageRef[] = [];
    const channel = request.approval?.approvalsChannelId ?? null;
    if (channel !== null) {
      try {
        refs.push(await poster.post(channel, card));
      } catch (error) {
        this.logger.warn({ err: error, requestId: request.id, channel }, 'could not post the card in the approvals channel; using the thread');
      }
    }
    if (refs.length === 0) {
      const opened = request.thread === null ? await this.open(request) : request;
      if (opened.thread !== null) refs.push(await poster.post(opened.thread.channel, card, threadTsOf(opened.thread)));
    }
    await store.updateRequest(request.id, { cards: refs });
    if (channel !== null && refs[0]?.channel === channel) {
      const link = await this.links.permalink(workspaceOf(request), refs[0]);
      await this.reply(request, `:raising_hand: Approval card posted in <#${channel}>${link === null ? '' : ` (<${link}|open it>)`}; approvers: ${approversText(request)}.`);
    }
  }

  /** One line in the thread. */
  async reply(request: ImportRequest, line: string): Promise<void> {
    await this.replyMessage(request, message(line));
  }

  async replyMessage(request: ImportRequest, message: SlackMessage): Promise<void> {
    const opened = request.thread === null ? await this.open(request) : request;
    if (opened.thread === null) return;
    await this.posterFor(opened).post(opened.thread.channel, message, threadTsOf(opened.thread));
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

  /** The final reply: the outcome with its details, the requester mentioned; then the parent is updated. */
  async announceOutcome(request: ImportRequest): Promise<void> {
    const description = this.describe(request);
    if (description !== undefined) await this.replyMessage(request, outcomeMessage(request, description));
    await this.refresh(request.id);
  }

  /**
   * The outcome of a request whose store does not take it yet (`request` as it will be once saved):
   * the outcome reply and a note that saving is delayed, and the parent brought up to date from memory
   * as far as the store still answers reads. Throws only when the outcome itself could not be posted.
   */
  async announceUnsaved(request: ImportRequest): Promise<void> {
    const description = this.describe(request);
    if (description !== undefined) await this.replyMessage(request, outcomeMessage(request, description));
    try {
      await this.reply(request, SAVING_DELAYED_LINE);
      if (request.thread !== null) {
        const stored = await this.store.getSnapshot(request.id);
        await this.posterFor(request).update(request.thread, this.parentOf({ request, approvals: stored?.approvals ?? [], decision: stored?.decision }));
      }
    } catch (error) {
      this.logger.warn({ err: error, requestId: request.id }, 'could not tell the thread that saving is delayed');
    }
  }

  describe(request: ImportRequest): OutcomeDescription | undefined {
    return request.outcome === null ? undefined : describeOutcome(request.outcome, this.outcomeContext, request.kind);
  }

  private parentOf({ request, approvals, decision }: RequestSnapshot): SlackMessage {
    return parentMessage(request, approvals, decision, this.describe(request));
  }

  private async tellRequesterAboutDm(request: ImportRequest): Promise<void> {
    if (request.responseUrl === null) return;
    const text = `I can’t post in this channel, so I’ll keep you posted about request \`${request.id}\` in a DM. Invite me with \`/invite @Simplismart\` to have requests told here.`;
    const to = { ...workspaceOf(request), userId: request.requesterId, responseUrl: request.responseUrl };
    await this.notifier.tell(to, message(text), { orDm: false }).catch((error: unknown) => {
      // The DM already carries everything; the ephemeral note is a courtesy.
      this.logger.info({ err: error, requestId: request.id }, 'could not send the DM notice through response_url');
    });
  }
}
