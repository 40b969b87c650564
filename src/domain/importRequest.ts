// A request to Simplismart and its life — an import, or node groups added to a cluster (its `kind`):
// the states it moves through, which moves are allowed, and what is recorded about it. Pure data and
// rules; the store enforces each move as a compare-and-set.
import type { PolicyRecord } from './policyFile/record.js';
import type { RequestKind } from './requestKinds.js';

export const REQUEST_STATES = [
  'pending_approval',
  'approved',
  'importing',
  'succeeded',
  'failed',
  'outcome_unknown',
  'rejected',
  'expired',
  'cancelled',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/**
 * Allowed moves. `outcome_unknown → succeeded | failed` exists for one case only: the recovery sweep
 * gave up on a call that then answered after all; the real answer is better than "unknown".
 */
export const TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  pending_approval: ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['importing'],
  importing: ['succeeded', 'failed', 'outcome_unknown'],
  outcome_unknown: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
  rejected: [],
  expired: [],
  cancelled: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

export const STATE_LABELS: Record<RequestState, string> = {
  pending_approval: 'Waiting for approval',
  approved: 'Approved',
  importing: 'Importing',
  succeeded: 'Imported',
  failed: 'Failed',
  outcome_unknown: 'Outcome unknown',
  rejected: 'Rejected',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

export const STATE_EMOJI: Record<RequestState, string> = {
  pending_approval: ':hourglass_flowing_sand:',
  approved: ':white_check_mark:',
  importing: ':arrows_counterclockwise:',
  succeeded: ':large_green_circle:',
  failed: ':red_circle:',
  outcome_unknown: ':warning:',
  rejected: ':no_entry:',
  expired: ':alarm_clock:',
  cancelled: ':heavy_multiplication_x:',
};

/** A Slack message the bot posted and may update: the thread's parent or an approval card. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/**
 * Where a request is told: its status message (kept up to date), and the thread its steps go into —
 * its own, under the status message; or, for a change to a cluster the bot imported, the cluster's
 * thread (`root`), where the status message is itself a reply.
 */
export interface RequestThread extends MessageRef {
  /** The ts of the thread's first message when the status message is a reply in it. */
  root?: string;
}

/** Where a request's replies go: the thread it lives in. */
export function threadTsOf(thread: RequestThread): string {
  return thread.root ?? thread.ts;
}

/**
 * The cluster a request changes (node groups are added to it), as known when it was submitted: its
 * UUID, and its name and thread when the bot imported it in this workspace.
 */
export interface ClusterTarget {
  id: string;
  name: string | null;
  /** The cluster's own thread (its import's), where the change is told; null for a cluster imported elsewhere. */
  thread: MessageRef | null;
}

/** The approval rule frozen into a request when it is submitted (later policy edits do not move it). */
export interface ApprovalRequirement {
  approvalsNeeded: number;
  approverUserIds: string[];
  approverGroupIds: string[];
  approvalsChannelId: string | null;
}

/** What the API answered, kept for the thread, the history and the "Edit and retry" button. */
export type ImportOutcome =
  | {
      kind: 'imported';
      cluster: { uuid: string | null; name: string; status: string | null; provider: string; region: string | null };
      /** Set when the API said 201 but its body could not be read: the import happened, details unknown. */
      note?: string;
    }
  | {
      /** Simplismart took the node groups (200). */
      kind: 'node_groups_added';
      /** What Simplismart said ("NodeGroup added successfully"), if anything. */
      apiMessage: string | null;
    }
  | {
      /** The API refused or failed the request; nothing (documented) was created. */
      kind: 'rejected';
      code: string;
      status: number | null;
      apiMessage: string | null;
      fieldErrors: Array<{ field: string; messages: string[] }>;
      /** Whose token was refused matters for the fix: the workspace's own, or the bot's SIMPLISMART_TOKEN. */
      tokenSource?: 'workspace' | 'fallback';
    }
  | {
      /** The request may or may not have reached Simplismart: check before retrying. */
      kind: 'unknown';
      code: string;
      status: number | null;
      apiMessage: string | null;
    }
  | {
      /** The request never left this machine (connection refused, DNS): safe to retry. */
      kind: 'not_sent';
      code: string;
      detail: string;
    };

export interface ImportRequest {
  /** Short, human-typable id, e.g. `ir-7k2m9x4q`; shown in messages and `/simplismart history <id>`. */
  id: string;
  /** What it asks of Simplismart: import a cluster, or add node groups to one. */
  kind: RequestKind;
  teamId: string;
  /** The Enterprise Grid org of the workspace (null outside one): with teamId, how its bot token is found. */
  enterpriseId: string | null;
  requesterId: string;
  /** The channel where `/simplismart import` ran. */
  channelId: string;
  /** Idempotency key for the submission (the modal's view id): a redelivered submit finds this request. */
  sourceKey: string;
  /** The exact JSON body that is (or was) sent; frozen at submission. */
  payload: string;
  /** The cluster it changes (node groups); null for an import. */
  cluster: ClusterTarget | null;
  state: RequestState;
  /** Incremented on every change that goes through the state machine; audit entries are keyed by it. */
  version: number;
  approval: ApprovalRequirement | null;
  /**
   * The policy file's rule that decided the request, frozen with `approval` at submission; null (or
   * absent) when the Slack-set policy decided it (no POLICY_FILE), as for every request stored before.
   */
  policy?: PolicyRecord | null;
  expiresAt: number | null;
  /** The request's status message and the thread it is told in, once posted. */
  thread: RequestThread | null;
  threadPermalink: string | null;
  /** Every posted copy of the approval card. */
  cards: MessageRef[];
  outcome: ImportOutcome | null;
  /** A `response_url` from the slash command, to reach the requester when the channel is closed to the bot. */
  responseUrl: string | null;
  /** The request this one was edited from (that one is cancelled if it was still pending). */
  replacesId: string | null;
  /** While importing: which process is sending it (or holding Simplismart's answer) and until when. */
  lease: ImportLease | null;
  /** Where its node groups came from when "Fill from my nodes" proposed them (one plain line); absent when typed. */
  provenance?: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * The claim of the process importing a request. The owner renews it while it sends the request or
 * holds an answer the store has not taken yet; recovery only considers a request whose lease has lapsed.
 */
export interface ImportLease {
  /** The owning process (host, pid and a random part); null for requests started before leases existed. */
  owner: string | null;
  /** Until when the owner vouches for the request (ms since the epoch, the owner's clock). */
  expiresAt: number;
}

/** One line of a request's audit trail: who did what, when, from which state to which, and why. */
export interface RequestEvent {
  requestId: string;
  /** The request's version after the event; orders the trail. */
  seq: number;
  at: number;
  /** Slack user id, or null for the bot itself (sweeper, recovery). */
  actorId: string | null;
  fromState: RequestState | null;
  toState: RequestState;
  note: string | null;
}

export interface Approval {
  requestId: string;
  approverId: string;
  at: number;
}

/**
 * A request as read at one moment, with what its messages show besides itself: the votes so far and the
 * decision on it. The thread's parent and the approval card are both rendered from one snapshot.
 */
export interface RequestSnapshot {
  request: ImportRequest;
  approvals: Approval[];
  decision: RequestEvent | undefined;
}

/**
 * The decision on a request that waited for approval: the entry that took it out of pending_approval
 * (the quorum, a rejection, expiry, a cancellation) — not a later step such as importing → failed, and
 * not a vote (which stays pending). Undefined while it waits, and for a request that never waited.
 */
export function lastDecision(events: readonly RequestEvent[]): RequestEvent | undefined {
  return events.findLast((e) => e.fromState === 'pending_approval' && e.toState !== 'pending_approval');
}
