// How a request names the policy file's rule that decided it (frozen at submission): on the approval
// card, in the thread, in the history. Nothing for a request the Slack-set policy decided.
import { describeExpiry } from '../domain/approvalPolicy.js';
import type { ImportRequest } from '../domain/importRequest.js';
import type { Evaluation } from '../domain/policyFile/evaluate.js';
import { recordedRuleWords, shortHash } from '../domain/policyFile/record.js';
import { deciderWords, outcomeWords, SLACK_MENTIONS } from '../domain/policyFile/words.js';
import { code, escapedWithin, escapeMrkdwn } from './blocks.js';

/** "Decided by rule 'more than 16 GPUs' of the policy file (`sha256:0a1b…`)", or undefined. */
export function ruleLine(request: Pick<ImportRequest, 'policy'>): string | undefined {
  const record = request.policy;
  if (record === null || record === undefined) return undefined;
  return `Decided by ${escapedWithin(recordedRuleWords(record), 200)} of the policy file (${code(shortHash(record.hash))})`;
}

/** The rule, the file's path and hash, and why it matched, one line each: for the audit trail. */
export function ruleWhyLines(request: Pick<ImportRequest, 'policy'>): string[] {
  const record = request.policy;
  if (record === null || record === undefined) return [];
  return [
    `*Policy:* ${escapedWithin(recordedRuleWords(record), 200)}: ${escapedWithin(record.outcome, 300)} · ${code(record.path)} ${code(record.hash)}`,
    ...record.why.map((w) => `  • ${escapedWithin(w, 300)}`),
  ];
}

/**
 * The evaluation as the form shows it before submit: "needs 2 approvals from @gpu-leads: rule 'more
 * than 16 GPUs'" (mentions kept, the file's own words escaped), or the refusal and its message.
 */
export function evaluationMrkdwn(evaluation: Evaluation): string {
  const rule = escapeMrkdwn(deciderWords(evaluation.rule));
  const { outcome } = evaluation;
  if (outcome.kind === 'deny') return `:no_entry: Not allowed (${rule}): ${escapeMrkdwn(outcome.message)} Change the request, or it will be refused.`;
  return `:scroll: Policy file: ${outcomeWords(outcome, SLACK_MENTIONS)}${outcome.kind === 'require' ? ` within ${describeExpiry(outcome.expirySeconds)}` : ''}: ${rule}.`;
}

/** Said on a form before what it asks can be evaluated (node groups not filled in yet). */
export const POLICY_PENDING_NOTE = ':scroll: Approval is decided by the policy file from what you ask for: the rule that applies shows here as you change node groups, and on submit.';
