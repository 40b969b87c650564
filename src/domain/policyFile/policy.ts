// A policy file once read: its rules in order, each with the conditions it asks of a request and what
// happens to a request it is the first to match, and what happens when none does. Conditions of a rule
// all hold together; the values listed for one condition are alternatives.
import type { CapacityType, Provider } from '../clusterImport.js';
import type { ApprovalRequirement } from '../importRequest.js';
import type { RequestKind } from '../requestKinds.js';

/** The request kinds as the file names them. */
export const KIND_NAMES: Readonly<Record<RequestKind, string>> = {
  import_cluster: 'import',
  add_node_groups: 'node_groups',
};

/** One of `values` (`negated`: none of them). Globs where the condition takes patterns. */
export interface Matcher<T extends string = string> {
  values: readonly T[];
  negated: boolean;
}

export const BOUND_OPS = ['is', 'at_least', 'at_most', 'more_than', 'less_than'] as const;
export type BoundOp = (typeof BOUND_OPS)[number];

/** A count's condition: every bound holds. */
export interface Range {
  bounds: ReadonlyArray<{ op: BoundOp; n: number }>;
}

/** Conditions that one node group of the request meets together. */
export interface NodeGroupConditions {
  accelerator?: Matcher;
  capacityType?: Matcher<CapacityType>;
  gpus?: Range;
}

export interface Conditions {
  workspace?: Matcher;
  kind?: Matcher<RequestKind>;
  channel?: Matcher;
  requesterInGroup?: Matcher;
  provider?: Matcher<Provider>;
  region?: Matcher;
  cluster?: Matcher;
  totalGpus?: Range;
  nodeGroups?: Range;
  anyNodeGroup?: NodeGroupConditions;
}

export interface Approvals {
  kind: 'require';
  approvals: number;
  users: readonly string[];
  groups: readonly string[];
  expirySeconds: number;
  approvalsChannel: string | null;
}

export type Outcome = { kind: 'allow' } | { kind: 'deny'; message: string } | Approvals;

export interface Rule {
  /** Its position in the file's list, from 0. */
  index: number;
  name: string;
  /** The line its entry starts on. */
  line: number;
  /** null: every request (the file gives no `when`). */
  when: Conditions | null;
  outcome: Outcome;
}

export interface Policy {
  rules: readonly Rule[];
  /** When no rule matches: the file's `default` (with its line), or BUILT_IN_DEFAULT (line null). */
  fallback: { outcome: Outcome; line: number | null };
  /** sha256 of the file's normalised content (see hash.ts). */
  hash: string;
}

/** What a request no rule matches gets when the file sets no `default`: refused, so that a gap in the rules is seen at once. */
export const BUILT_IN_DEFAULT: Outcome = {
  kind: 'deny',
  message: 'No rule of the approval policy covers this request, and the policy sets no default: ask the people who keep the policy file to add a rule for it.',
};

/** The expiry of a `require` that gives none: as the Slack-set policy's default. */
export const DEFAULT_EXPIRY_SECONDS = 24 * 60 * 60;

/** The requirement frozen into a request the outcome lets wait for approval (as `requirementFrom` does for the Slack-set policy); null otherwise. */
export function requirementOf(outcome: Outcome): ApprovalRequirement | null {
  if (outcome.kind !== 'require') return null;
  return { approvalsNeeded: outcome.approvals, approverUserIds: [...outcome.users], approverGroupIds: [...outcome.groups], approvalsChannelId: outcome.approvalsChannel };
}
