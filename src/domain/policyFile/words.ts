// An evaluation in the words people see: "needs 2 approvals from @gpu-leads: rule 'more than 16 GPUs'".
// Plain text: how people and groups are named is the caller's (Slack mentions in messages, IDs in the
// dry run), and a Slack surface escapes the rule's name and message for mrkdwn as it does any text.
import { describeExpiry } from '../approvalPolicy.js';
import { orList, type Decider, type Evaluation } from './evaluate.js';
import type { Outcome } from './policy.js';

export interface Names {
  user(id: string): string;
  group(id: string): string;
}

/** IDs as they are: the dry run's output. */
export const PLAIN_IDS: Names = { user: (id) => id, group: (id) => id };

/** Slack's mentions, which Slack shows as @name and @group-handle. */
export const SLACK_MENTIONS: Names = { user: (id) => `<@${id}>`, group: (id) => `<!subteam^${id}>` };

/** "allowed without approval", "needs 2 approvals from @ana or @gpu-leads", "not allowed: <message>". */
export function outcomeWords(outcome: Outcome, names: Names = PLAIN_IDS): string {
  switch (outcome.kind) {
    case 'allow':
      return 'allowed without approval';
    case 'require': {
      const who = [...outcome.users.map((u) => names.user(u)), ...outcome.groups.map((g) => names.group(g))];
      return `needs ${outcome.approvals} approval${outcome.approvals === 1 ? '' : 's'} from ${orList(who)}`;
    }
    case 'deny':
      return 'not allowed';
  }
}

/** "rule 'more than 16 GPUs'", "no rule matched (the policy's default)". */
export function deciderWords(decider: Decider): string {
  if (decider.kind === 'rule') return `rule '${decider.name}'`;
  return decider.line === null ? 'no rule matched, and the policy sets no default' : 'no rule matched (the policy’s default)';
}

/** One line for the person: the outcome, then the rule (a refusal ends with the rule's message). */
export function describeEvaluation(evaluation: Evaluation, names: Names = PLAIN_IDS): string {
  const { outcome, rule } = evaluation;
  // The built-in default's message says itself that no rule matched.
  if (outcome.kind === 'deny') return rule.kind === 'default' && rule.line === null ? `not allowed: ${outcome.message}` : `not allowed (${deciderWords(rule)}): ${outcome.message}`;
  return `${outcomeWords(outcome, names)}: ${deciderWords(rule)}`;
}

/** How long a request waits for approval under an outcome, in words ("1 day"); null when it does not wait. */
export function waitWords(outcome: Outcome): string | null {
  return outcome.kind === 'require' ? describeExpiry(outcome.expirySeconds) : null;
}
