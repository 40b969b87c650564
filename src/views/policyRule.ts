// How a request names the policy file's rule that decided it (frozen at submission): on the approval
// card, in the thread, in the history. Nothing for a request the Slack-set policy decided.
import type { ImportRequest } from '../domain/importRequest.js';
import { recordedRuleWords, shortHash } from '../domain/policyFile/record.js';
import { code, escapedWithin } from './blocks.js';

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
