// The App Home's sections, in order: what each reads (through the services and the workspace's own
// client) and which view shows it. Adding a section to Home is one function here and one line in
// HOME_SECTIONS.
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { checkApprover } from '../domain/approvalPolicy.js';
import type { ImportRequest } from '../domain/importRequest.js';
import type { Workspace } from '../domain/workspace.js';
import type { Logger } from '../process/logger.js';
import type { Store } from '../store/store.js';
import { clustersHomeSection } from '../views/clustersHome.js';
import type { ConnectionStatus } from '../views/commandReplies.js';
import { connectionSection, HOME_LIST_MAX, importSection, recentSection, waitingSection } from '../views/home.js';
import type { Clusters } from './clusters.js';
import type { Connections } from './connections.js';
import { groupMembers, isWorkspaceAdmin } from './slackDirectory.js';

/** Pending requests looked at for "Waiting for you", oldest first. */
const PENDING_SCAN = 50;
/** User groups looked up per Home (each one Web API call). */
const GROUPS_MAX = 20;

/** What a section may read, for one person's Home. Each read is made once per Home, whichever sections ask. */
export interface HomeReader {
  workspace: Workspace;
  userId: string;
  now: number;
  /** The workspace's client (its own bot token). */
  client: WebClient;
  store: Store;
  connections: Connections;
  clusters: Clusters;
  logger: Logger;
  /** The workspace's connection, as `/simplismart status` shows it. */
  connection(): Promise<ConnectionStatus>;
  /** Whether this person is a workspace admin or owner now. */
  isAdmin(): Promise<boolean>;
}

export type HomeSection = (home: HomeReader) => Promise<KnownBlock[]>;

const connection: HomeSection = async (home) => connectionSection(await home.connection(), await home.isAdmin());

const importCluster: HomeSection = async (home) => {
  const { connection: own, fallback } = await home.connection();
  return importSection(own !== undefined || fallback !== undefined);
};

/** Pending requests this person may approve, by the card's own rule (checkApprover, groups resolved now). */
const waiting: HomeSection = async (home) => {
  const { store, userId } = home;
  const pending = (await store.listPending({ teamId: home.workspace.teamId }, PENDING_SCAN)).filter((r) => r.approval !== null && r.requesterId !== userId);
  const inGroups = await groupsOf(home, [...new Set(pending.flatMap((r) => r.approval?.approverGroupIds ?? []))]);
  const mine = pending.filter((r) => {
    const requirement = r.approval!; // filtered above
    const members = requirement.approverGroupIds.some((g) => inGroups.has(g)) ? [userId] : [];
    return checkApprover(userId, r.requesterId, requirement, members).ok;
  });
  const shown = mine.slice(0, HOME_LIST_MAX);
  const items = await Promise.all(
    shown.map(async (request: ImportRequest) => {
      const approvals = await store.listApprovals(request.id);
      return { request, approvals, approvedByYou: approvals.some((a) => a.approverId === userId) };
    }),
  );
  return waitingSection(items, mine.length);
};

const recent: HomeSection = async (home) => recentSection(await home.store.listRequests(home.workspace.teamId, HOME_LIST_MAX, { requesterId: home.userId }));

const clusters: HomeSection = async (home) => clustersHomeSection(await home.clusters.list(home.workspace.teamId));

export const HOME_SECTIONS: readonly HomeSection[] = [connection, importCluster, waiting, recent, clusters];

/** The groups (of `groupIds`) this person belongs to; a group Slack will not list counts as not theirs. */
async function groupsOf(home: HomeReader, groupIds: readonly string[]): Promise<Set<string>> {
  const mine = new Set<string>();
  await Promise.all(
    groupIds.slice(0, GROUPS_MAX).map(async (groupId) => {
      try {
        if ((await groupMembers(home.client, [groupId])).includes(home.userId)) mine.add(groupId);
      } catch (error) {
        home.logger.info({ err: error, groupId }, 'could not list an approver group for the Home tab; its requests are not shown there');
      }
    }),
  );
  return mine;
}

/** Reads made once per Home, whichever sections ask. */
export function homeReader(base: Omit<HomeReader, 'connection' | 'isAdmin'>): HomeReader {
  let status: Promise<ConnectionStatus> | undefined;
  let admin: Promise<boolean> | undefined;
  return {
    ...base,
    connection: () => (status ??= base.connections.describe(base.workspace.teamId).then((d) => ({ ...d, now: base.now }))),
    isAdmin: () => (admin ??= isWorkspaceAdmin(base.client, base.userId)),
  };
}
