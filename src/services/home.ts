// The App Home tab of each person: published when they open it, and again when something on it changes
// for them — a request they made or may approve moved, or they changed the connection or the policy.
// The work stays bounded: only people who opened their Home lately (the store remembers, so any replica
// knows), at most a few per change, and the changes of a moment coalesced into one publish per person.
import type { WebClient } from '@slack/web-api';
import type { ImportRequest } from '../domain/importRequest.js';
import type { Workspace } from '../domain/workspace.js';
import { workspaceOf } from '../domain/workspace.js';
import type { Logger } from '../process/logger.js';
import type { Store } from '../store/store.js';
import { homeView } from '../views/home.js';
import { wireView } from '../views/wire.js';
import type { BackgroundWork } from './backgroundWork.js';
import type { Clock } from './clock.js';
import type { Clusters } from './clusters.js';
import type { Connections } from './connections.js';
import type { JobSink } from './jobs.js';
import { HOME_SECTIONS, homeReader } from './homeSections.js';
import { NotInstalledError } from './installations.js';
import { groupMembers } from './slackDirectory.js';

/** Only the Home of someone who opened it within this long is refreshed for them; others see it fresh when they open it. */
export const HOME_VIEWER_MS = 30 * 24 * 60 * 60 * 1000;
/** Homes refreshed per change at most (a request with 200 approvers refreshes the first 25 who use Home). */
export const HOME_REFRESHES_PER_CHANGE = 25;
/** How long an approver group's members are trusted for deciding whose Home to refresh. */
const GROUP_CACHE_MS = 60_000;
const GROUP_CACHE_MAX = 500;

export class AppHome {
  /**
   * Publishes waiting to happen, by person: a change meanwhile joins the one already waiting. Bound: in
   * time — each entry leaves when its timer fires, `debounceMs` after it came (at most
   * HOME_REFRESHES_PER_CHANGE per change arriving meanwhile); `stop` clears them.
   */
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  /**
   * The publish in progress, by person, and whether a change came meanwhile: the publish runs once more
   * after it (the last word is the freshest), instead of a second task awaiting the first — a task
   * never waits for another holding its slot (see BackgroundWork). Bound: entries exist only while
   * their publish runs in a background task (BackgroundWork's limit); each leaves when it ends.
   */
  private readonly publishing = new Map<string, { again: boolean }>();
  /** Approver groups' members, by workspace and group; bound: GROUP_CACHE_MAX; eviction: the first stored first, each trusted GROUP_CACHE_MS. */
  private readonly groups = new Map<string, { members: string[]; until: number }>();
  private stopped = false;

  constructor(
    private readonly deps: {
      store: Store;
      connections: Connections;
      clusters: Clusters;
      /** The background client of a workspace (its own bot token). */
      slackFor: (workspace: Workspace) => Promise<WebClient>;
      background: BackgroundWork;
      /** Where a refresh asked for by this thread is handed (the background thread's, or this one's queue). */
      jobs: () => JobSink;
      clock: Clock;
      logger: Logger;
      /** How long changes are gathered before a Home is published. */
      debounceMs: number;
    },
  ) {}

  /** `app_home_opened`: the person uses Home from now on; their Home is published at once. */
  async opened(workspace: Workspace, userId: string): Promise<void> {
    await this.deps.store.noteHomeOpened(workspace.teamId, userId, this.deps.clock.now());
    await this.publish(workspace, userId);
  }

  /** The person changed what their Home shows (connection, policy): their Home, if they use it. */
  refreshFor(workspace: Workspace, userId: string): void {
    this.deps.jobs().submit({ job: 'homeFor', workspace, userId });
  }

  /** A request appeared or moved: the Home of its requester and of the people who may approve it, for those who use Home. */
  requestChanged(request: ImportRequest): void {
    if (this.stopped) return;
    this.deps.jobs().submit({ job: 'homeRequest', request });
  }

  /** The `homeFor` job, in its background slot. */
  async refreshNow(workspace: Workspace, userId: string): Promise<void> {
    const viewers = await this.deps.store.homeViewers(workspace.teamId, [userId], this.deps.clock.now() - HOME_VIEWER_MS);
    if (viewers.length > 0) this.schedule(workspace, userId);
  }

  /** No publish starts after this (the process is stopping); those in progress finish. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
  }

  /** Publishes the person's Home now, built from what the store and Slack say at this moment. */
  async publish(workspace: Workspace, userId: string): Promise<void> {
    const client = await this.deps.slackFor(workspace);
    const { store, connections, clusters, logger } = this.deps;
    const reader = homeReader({ workspace, userId, now: this.deps.clock.now(), client, store, connections, clusters, logger });
    const sections = await Promise.all(HOME_SECTIONS.map((section) => section(reader)));
    await client.views.publish({ user_id: userId, view: wireView(homeView(sections)) });
  }

  /** The `homeRequest` job, in its background slot. */
  async refreshPeopleOf(request: ImportRequest): Promise<void> {
    const { store, clock, logger } = this.deps;
    const workspace = workspaceOf(request);
    const people = new Set([request.requesterId]);
    if (request.approval !== null) {
      for (const id of request.approval.approverUserIds) people.add(id);
      for (const id of await this.membersOf(workspace, request.approval.approverGroupIds)) people.add(id);
    }
    const viewers = await store.homeViewers(workspace.teamId, [...people], clock.now() - HOME_VIEWER_MS);
    if (viewers.length > HOME_REFRESHES_PER_CHANGE) {
      logger.info({ requestId: request.id, viewers: viewers.length, refreshed: HOME_REFRESHES_PER_CHANGE }, 'more Home tabs show this request than are refreshed per change; the others are fresh when opened');
    }
    for (const userId of viewers.slice(0, HOME_REFRESHES_PER_CHANGE)) this.schedule(workspace, userId);
  }

  /** Members of the approver groups, from a short-lived cache (a failed lookup counts as nobody). */
  private async membersOf(workspace: Workspace, groupIds: readonly string[]): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const now = Date.now();
    const members = await Promise.all(
      groupIds.map(async (groupId) => {
        const key = `${workspace.teamId}:${groupId}`;
        const cached = this.groups.get(key);
        if (cached !== undefined && cached.until > now) return cached.members;
        try {
          const fresh = await groupMembers(await this.deps.slackFor(workspace), [groupId]);
          this.groups.set(key, { members: fresh, until: now + GROUP_CACHE_MS });
          while (this.groups.size > GROUP_CACHE_MAX) this.groups.delete(this.groups.keys().next().value!);
          return fresh;
        } catch (error) {
          this.deps.logger.info({ err: error, groupId }, 'could not list an approver group: its members’ Home tabs are fresh when opened');
          return [];
        }
      }),
    );
    return members.flat();
  }

  private schedule(workspace: Workspace, userId: string): void {
    if (this.stopped) return;
    const key = `${workspace.teamId}:${userId}`;
    if (this.waiting.has(key)) return;
    const timer = setTimeout(() => {
      this.waiting.delete(key);
      // The publish itself runs in its queue slot (not before), one at a time per person.
      this.deps.background.run('publish a Home tab', () => this.publishInTurn(workspace, userId, key), { teamId: workspace.teamId }, 'refresh');
    }, this.deps.debounceMs);
    timer.unref();
    this.waiting.set(key, timer);
  }

  /** Publishes now, or — while this person's Home is being published — has that publish run once more after it. */
  private async publishInTurn(workspace: Workspace, userId: string, key: string): Promise<void> {
    const running = this.publishing.get(key);
    if (running !== undefined) {
      running.again = true;
      return;
    }
    const turn = { again: false };
    this.publishing.set(key, turn);
    try {
      do {
        turn.again = false;
        await this.publishQuietly(workspace, userId);
      } while (turn.again && !this.stopped);
    } finally {
      this.publishing.delete(key);
    }
  }

  /** A refresh nobody asked for: a failure is logged, never thrown (the Home is published again when opened). */
  private async publishQuietly(workspace: Workspace, userId: string): Promise<void> {
    try {
      await this.publish(workspace, userId);
    } catch (error) {
      const gone = error instanceof NotInstalledError;
      this.deps.logger[gone ? 'info' : 'warn']({ err: error, teamId: workspace.teamId, userId }, 'could not refresh a Home tab');
    }
  }
}
