// What a request keeps of the policy file that decided it: the file's content hash, the rule (or the
// default) that decided and why, in words. Frozen at submission beside the approval requirement, so a
// reload between submit and approve changes neither; the history, the card and the thread read it.
import type { Decider, Evaluation } from './evaluate.js';
import { deciderWords, outcomeWords } from './words.js';

export interface PolicyRecord {
  /** `sha256:…` of the policy file's content (see hash.ts). */
  hash: string;
  /** The file's path as configured (POLICY_FILE), for people looking for it. */
  path: string;
  rule: Decider;
  /** The outcome in words, IDs as they are: "needs 2 approvals from S0GPULEADS". */
  outcome: string;
  /** Each condition of the deciding rule as it held (see Evaluation.why). */
  why: string[];
}

export function recordOf(evaluation: Evaluation, hash: string, path: string): PolicyRecord {
  return { hash, path, rule: evaluation.rule, outcome: outcomeWords(evaluation.outcome), why: [...evaluation.why] };
}

/** "rule 'more than 16 GPUs'" (or the default), as the card, thread and history name it. */
export function recordedRuleWords(record: PolicyRecord): string {
  return deciderWords(record.rule);
}

/** The hash as people compare it at a glance: `sha256:` and its first 12 hex digits. */
export function shortHash(hash: string): string {
  return hash.slice(0, 'sha256:'.length + 12);
}
