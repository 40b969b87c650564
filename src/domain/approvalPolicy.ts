// A workspace's approval policy and the rules of deciding: which requests need approval (imports, and
// adding node groups — the same as imports unless the policy says otherwise), who may approve, how many
// approvals make a quorum, and why a requester never counts. Pure: group members are passed in.
import type { ApprovalRequirement } from './importRequest.js';
import type { RequestKind } from './requestKinds.js';

/** Whether adding node groups to a cluster needs approval: as imports do (the default), always, or never. */
export const NODE_GROUPS_APPROVAL = ['same', 'required', 'not_required'] as const;
export type NodeGroupsApproval = (typeof NODE_GROUPS_APPROVAL)[number];

export interface ApprovalPolicy {
  required: boolean;
  approverUserIds: string[];
  approverGroupIds: string[];
  approvalsNeeded: number;
  expirySeconds: number;
  approvalsChannelId: string | null;
  nodeGroupsApproval: NodeGroupsApproval;
}

export interface StoredApprovalPolicy extends ApprovalPolicy {
  updatedBy: string;
  updatedAt: number;
}

export const DEFAULT_POLICY: ApprovalPolicy = {
  required: false,
  approverUserIds: [],
  approverGroupIds: [],
  approvalsNeeded: 1,
  expirySeconds: 24 * 60 * 60,
  approvalsChannelId: null,
  nodeGroupsApproval: 'same',
};

export const POLICY_LIMITS = {
  approvalsNeeded: { min: 1, max: 10 },
  /** A quarter of an hour to thirty days. */
  expirySeconds: { min: 15 * 60, max: 30 * 24 * 60 * 60 },
  approvers: 50,
  groups: 20,
} as const;

/** Whether a request of `kind` waits for approval under `policy`. */
export function approvalRequired(policy: ApprovalPolicy, kind: RequestKind): boolean {
  if (kind === 'import_cluster' || policy.nodeGroupsApproval === 'same') return policy.required;
  return policy.nodeGroupsApproval === 'required';
}

/** The rule frozen into a request of `kind` submitted under `policy`; null when it needs no approval. */
export function requirementFrom(policy: ApprovalPolicy, kind: RequestKind): ApprovalRequirement | null {
  if (!approvalRequired(policy, kind)) return null;
  return {
    approvalsNeeded: policy.approvalsNeeded,
    approverUserIds: [...policy.approverUserIds],
    approverGroupIds: [...policy.approverGroupIds],
    approvalsChannelId: policy.approvalsChannelId,
  };
}

/** Everyone who may approve: named users and the current members of named groups. */
export function approverSet(requirement: ApprovalRequirement, groupMembers: readonly string[]): Set<string> {
  return new Set([...requirement.approverUserIds, ...groupMembers]);
}

export type ApproverCheck =
  | { ok: true }
  | { ok: false; reason: 'self_approval' | 'not_an_approver' };

export function checkApprover(
  userId: string,
  requesterId: string,
  requirement: ApprovalRequirement,
  groupMembers: readonly string[],
): ApproverCheck {
  if (userId === requesterId) return { ok: false, reason: 'self_approval' };
  if (!approverSet(requirement, groupMembers).has(userId)) return { ok: false, reason: 'not_an_approver' };
  return { ok: true };
}

/**
 * How many distinct people other than the requester could approve. Fewer than the quorum means the
 * request could never pass: the form says so instead of letting it wait until it expires.
 */
export function eligibleApproverCount(
  requirement: ApprovalRequirement,
  requesterId: string,
  groupMembers: readonly string[],
): number {
  const set = approverSet(requirement, groupMembers);
  set.delete(requesterId);
  return set.size;
}

export function quorumReached(approvals: number, requirement: ApprovalRequirement): boolean {
  return approvals >= requirement.approvalsNeeded;
}

export function describeExpiry(seconds: number): string {
  if (seconds % 86400 === 0) return plural(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
