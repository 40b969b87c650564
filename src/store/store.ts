// The one storage interface. SQLite (embedded default) and PostgreSQL (several replicas) implement it
// with the same schema and the same SQL; the contract suite in test/store runs against both.
import type { ApprovalPolicy, StoredApprovalPolicy } from '../domain/approvalPolicy.js';
import type { Approval, ImportLease, ImportOutcome, ImportRequest, MessageRef, RequestEvent, RequestSnapshot, RequestState, RequestThread } from '../domain/importRequest.js';
import type { SlackInstallation } from '../domain/installation.js';
import type { NamedReference, StoredReference } from '../domain/references.js';
import type { RequestKind } from '../domain/requestKinds.js';
import type { NewStepExecution, StepCompletionResult, StepExecution } from '../domain/stepExecution.js';
import type { WorkspaceScope } from '../domain/workspace.js';
import type { WorkspaceConnection } from '../domain/workspaceConnection.js';
import type { StoreUnavailableError } from '../errors.js';
import type { StoredWorkspaceSettings } from './workspaceSettingsRows.js';

/** A request as submitted: the fields fixed at submission, where it starts, when and why. */
export type NewImportRequest = Pick<
  ImportRequest,
  'id' | 'kind' | 'teamId' | 'enterpriseId' | 'requesterId' | 'channelId' | 'sourceKey' | 'payload' | 'cluster' | 'approval' | 'expiresAt' | 'responseUrl' | 'replacesId' | 'policy'
> & {
  state: Extract<RequestState, 'pending_approval' | 'approved'>;
  at: number;
  /** Why the request starts where it does, for the first audit entry. */
  note: string;
  /** Where its node groups came from ("Fill from my nodes"), kept with it. */
  provenance?: string;
  /** The Workflow Builder step execution that asks for it, stored with it atomically (one per execution id). */
  step?: NewStepExecution;
};

/** Fields that may change alongside (or outside) a state transition. */
export interface RequestPatch {
  thread?: RequestThread | null;
  threadPermalink?: string | null;
  cards?: MessageRef[];
  outcome?: ImportOutcome | null;
  lease?: ImportLease | null;
}

/** Which of a workspace's requests to list; every given condition must hold. */
export interface RequestFilter {
  kind?: RequestKind;
  /** One person's requests. */
  requesterId?: string;
  states?: readonly RequestState[];
  /** Requests that change one of these clusters (node groups); at most a few hundred. */
  clusterIds?: readonly string[];
}

/** A replica asking for an installation's refresh lease (see Store.claimInstallationRefresh); times in ms. */
export interface RefreshClaim {
  key: string;
  /** The generation the claimant read: a lease is only had over the installation as it was read. */
  generation: string;
  owner: string;
  until: number;
  now: number;
}

export interface TransitionArgs {
  id: string;
  /** The states the caller believes the request is in; the move happens only from one of these. */
  from: readonly RequestState[];
  to: RequestState;
  actorId: string | null;
  at: number;
  note?: string | null;
  patch?: RequestPatch;
  /**
   * Moves only if the request's lease is exactly this (null: no lease). Recovery passes the lease it
   * saw lapse, so that a lease renewed since (its owner is alive after all) wins over it.
   */
  ifLease?: ImportLease | null;
}

/** What a store reports about itself outside any call. */
export interface StoreWatcher {
  /**
   * The store's file was deleted or replaced under the running process: every call fails with this
   * error until it is back. Told once per loss, whatever the number of calls that meet it.
   */
  lost(error: StoreUnavailableError): void;
  /** The lost file is back where it was (the same file): calls work again. */
  back(): void;
}

/** Whether this attempt may post a request's keyed message (see Store.claimMessage). */
export type MessageClaim =
  /**
   * It may: nobody claimed the key, or the claim found had no message recorded and was older than
   * `staleBefore` (`retaken`: its attempt stopped, or lost Slack's answer, so the message may be there).
   */
  | { claimed: true; retaken: boolean }
  /** Another attempt posted it (`posted`: where), or claimed it lately and has not recorded it (null). */
  | { claimed: false; posted: RequestThread | null };

export type ApprovalVote =
  /** The vote was counted; `approvals` lists every vote so far, this one included. */
  | { outcome: 'recorded'; request: ImportRequest; approvals: Approval[] }
  /** This approver had already voted (double click, redelivery); nothing changed. */
  | { outcome: 'duplicate'; request: ImportRequest; approvals: Approval[] }
  /** The request is no longer waiting (decided, expired, cancelled) or does not exist. */
  | { outcome: 'not_pending'; request: ImportRequest | undefined; approvals: Approval[] };

export interface Store {
  readonly engine: 'sqlite' | 'postgres';

  /** Applies pending migrations; safe when several replicas start at once. */
  migrate(): Promise<void>;
  /** Resolves when the store answers a write; throws StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Registers a watcher (see StoreWatcher); stores that cannot be lost (PostgreSQL) never call it. */
  watch(watcher: StoreWatcher): void;

  getConnection(teamId: string): Promise<WorkspaceConnection | undefined>;
  saveConnection(connection: WorkspaceConnection): Promise<void>;
  /** Resolves true when a connection was deleted. */
  deleteConnection(teamId: string): Promise<boolean>;

  /**
   * Deletes the connections of every workspace an uninstall of `scope` leaves without the app: one team,
   * or the teams of an org that are not installed on their own. Resolves how many.
   */
  deleteConnections(scope: WorkspaceScope): Promise<number>;

  /** The installation stored under `key` (see installationKey), or undefined. */
  getInstallation(key: string): Promise<SlackInstallation | undefined>;
  /** Inserts the installation, or replaces the one under its key whole (an install or re-install); ends any refresh lease. */
  saveInstallation(installation: SlackInstallation): Promise<void>;
  /**
   * Replaces the installation only while its stored generation is still `generation` (a refreshed token,
   * a forgotten user token): false when it was deleted or saved anew since it was read. Ends the refresh lease.
   */
  replaceInstallation(installation: SlackInstallation, generation: string): Promise<boolean>;
  /**
   * Takes the installation's refresh lease for `owner` until `until`, if its generation is still the one
   * read and no one else holds a lease that is still running at `now`. False otherwise.
   */
  claimInstallationRefresh(claim: RefreshClaim): Promise<boolean>;
  /** Gives the refresh lease back, if `owner` still holds it. */
  releaseInstallationRefresh(key: string, owner: string): Promise<void>;
  /** Resolves true when an installation was deleted. */
  deleteInstallation(key: string): Promise<boolean>;

  /** Remembers that `userId` opened the App Home at `at` (their Home is then refreshed when it changes). */
  noteHomeOpened(teamId: string, userId: string, at: number): Promise<void>;
  /** Of `userIds`, those who opened the Home of workspace `teamId` at or after `since`. */
  homeViewers(teamId: string, userIds: readonly string[], since: number): Promise<string[]>;

  /**
   * Records an install link's state as used, once: true the first time, false when it was used before.
   * Records expired before `now` are forgotten on the way.
   */
  consumeOAuthState(stateHash: string, expiresAt: number, now: number): Promise<boolean>;

  getApprovalPolicy(teamId: string): Promise<StoredApprovalPolicy | undefined>;
  saveApprovalPolicy(teamId: string, policy: ApprovalPolicy, updatedBy: string, at: number): Promise<void>;

  /**
   * The workspace's connection, saved approval policy and (with `withReferences`) named references, in one
   * query: what a form or a submission reads before its ack (each round trip there counts against Slack's 3 s).
   */
  getWorkspaceSettings(teamId: string, withReferences: boolean): Promise<StoredWorkspaceSettings>;

  /** The workspace's named references, by kind, category and the order they were given in. */
  listReferences(teamId: string): Promise<StoredReference[]>;
  /** Replaces the workspace's named references with `references` (in their order), all or nothing. */
  replaceReferences(teamId: string, references: readonly NamedReference[], updatedBy: string, at: number): Promise<void>;

  /**
   * Inserts the request and its first audit entry atomically. When (teamId, sourceKey) already exists
   * (a redelivered submission), inserts nothing and returns the existing request with created=false.
   */
  createRequest(input: NewImportRequest): Promise<{ request: ImportRequest; created: boolean }>;
  getRequest(id: string): Promise<ImportRequest | undefined>;
  /**
   * The request with its votes and the decision on it (see lastDecision), in one call: what its
   * messages are rendered from. Votes and decision are only looked up for a request that needed approval.
   */
  getSnapshot(id: string): Promise<RequestSnapshot | undefined>;
  /** Newest first; only those matching `filter` when given. */
  listRequests(teamId: string, limit: number, filter?: RequestFilter): Promise<ImportRequest[]>;
  /** How many requests wait for approval in every workspace, by kind (kinds with none are left out): for metrics. */
  countPending(): Promise<Partial<Record<RequestKind, number>>>;
  /**
   * Requests still waiting for approval that an uninstall of `scope` leaves without the app (one
   * workspace, or the workspaces of an org not installed on their own), oldest first.
   */
  listPending(scope: WorkspaceScope, limit: number): Promise<ImportRequest[]>;
  listEvents(requestId: string): Promise<RequestEvent[]>;
  listApprovals(requestId: string): Promise<Approval[]>;

  /**
   * Compare-and-set: moves the request from one of `from` to `to`, bumps its version, applies the patch
   * and appends an audit entry, all or nothing. Resolves undefined when another actor moved it first.
   * Throws when `to` is not reachable from a state in `from` (a programming error).
   */
  transition(args: TransitionArgs): Promise<ImportRequest | undefined>;
  /** Counts one approver's vote on a pending request, once (see ApprovalVote), with an audit entry. */
  recordApproval(args: { id: string; approverId: string; at: number; note?: string | null }): Promise<ApprovalVote>;
  /** Changes bookkeeping fields (messages, permalink) without a state change or an audit entry. */
  updateRequest(id: string, patch: RequestPatch): Promise<void>;

  /**
   * Claims the posting of request `requestId`'s message `key` at `now`, once across attempts and
   * replicas (see MessageClaim). A claim with no message recorded, made before `staleBefore`, is taken over.
   */
  claimMessage(requestId: string, key: string, now: number, staleBefore: number): Promise<MessageClaim>;
  /** Records where the claimed message `key` of the request landed (its thread's root too, for a reply). */
  recordMessage(requestId: string, key: string, ref: RequestThread): Promise<void>;
  /** Gives back a claim whose message was certainly not posted (Slack refused it), so that a later attempt may. */
  releaseMessage(requestId: string, key: string): Promise<void>;

  /** Pending requests whose expiry has passed. */
  listExpiredPending(now: number, limit: number): Promise<ImportRequest[]>;
  /**
   * Importing requests whose lease has lapsed by `now` (or that have none), earliest first: candidates
   * for recovery, which still checks that the lease stays unrenewed before it takes one.
   */
  listLapsedLeases(now: number, limit: number): Promise<ImportRequest[]>;
  /**
   * Extends the lease of an importing request that `owner` holds, without a version bump or an audit
   * entry. Resolves false when the request is no longer importing or no longer that owner's.
   */
  renewLease(id: string, owner: string, expiresAt: number): Promise<boolean>;
  /** Approved requests nobody started importing since `updatedBefore` (the process died in between). */
  listStalledApproved(updatedBefore: number, limit: number): Promise<ImportRequest[]>;
  /**
   * Pending requests submitted before `updatedBefore` that have neither a thread nor an approval card:
   * their launch never ran (the process stopped with it queued), so nobody was asked to approve them.
   */
  listUnlaunchedPending(updatedBefore: number, limit: number): Promise<ImportRequest[]>;

  /** The step execution that started request `requestId`, if one did. */
  getStepExecution(requestId: string): Promise<StepExecution | undefined>;
  /**
   * Claims the completion of step execution `executionId` at `now`, once across attempts and replicas:
   * true when nobody had, or when a claim made before `staleBefore` was never finished (its attempt
   * stopped). Counts the attempt.
   */
  claimStepCompletion(executionId: string, now: number, staleBefore: number): Promise<boolean>;
  /** Records how the claimed completion ended (null: it did not reach Slack; the claim is given back for a later attempt). */
  finishStepCompletion(executionId: string, result: StepCompletionResult | null, note: string | null, at: number): Promise<void>;
  /**
   * Step executions whose request has ended but whose completion is neither done nor claimed since
   * `staleBefore` (a process stopped between the request's end and the completion), oldest first.
   */
  listUncompletedSteps(staleBefore: number, limit: number): Promise<StepExecution[]>;
}
