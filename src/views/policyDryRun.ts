// `/simplismart policy test`'s answer: for each recent request, the rule of the policy file in force it
// would meet now, and what decided it when it was submitted; then a tally by rule.
import type { ImportRequest } from '../domain/importRequest.js';
import type { Evaluation } from '../domain/policyFile/evaluate.js';
import { recordedRuleWords, shortHash } from '../domain/policyFile/record.js';
import { deciderWords, outcomeWords, SLACK_MENTIONS } from '../domain/policyFile/words.js';
import type { PolicyInForce, ReloadFailure } from '../services/policyFile.js';
import { code, context, escapedWithin, escapeMrkdwn, section, userMention } from './blocks.js';
import { sectionsFor, slackMessage, type SlackMessage } from './message.js';
import { wordsOf } from './requestKinds.js';

export interface DryRunRow {
  request: ImportRequest;
  evaluation: Evaluation;
}

function now(evaluation: Evaluation): string {
  const { outcome } = evaluation;
  const what = outcome.kind === 'deny' ? `:no_entry: refused: “${escapedWithin(outcome.message, 200)}”` : outcome.kind === 'allow' ? ':unlock: allowed' : `:lock: ${outcomeWords(outcome, SLACK_MENTIONS)}`;
  return `*${escapeMrkdwn(deciderWords(evaluation.rule))}* → ${what}`;
}

function then(request: ImportRequest): string {
  if (request.policy !== null && request.policy !== undefined) return `${escapedWithin(recordedRuleWords(request.policy), 120)} of ${code(shortHash(request.policy.hash))}`;
  return 'the policy set in Slack';
}

export function dryRunMessage(inForce: PolicyInForce, failure: ReloadFailure | null, rows: readonly DryRunRow[]): SlackMessage {
  const head = section(
    `:test_tube: *Dry run* of ${code(inForce.path)} (${code(shortHash(inForce.policy.hash))}) against this workspace’s ${rows.length} latest request${rows.length === 1 ? '' : 's'}: the rule each would meet if submitted now. Nothing is changed.${failure === null ? '' : ' :warning: The file on disk has problems: this is the last good version, still in force.'}`,
  );
  if (rows.length === 0) return slackMessage('Dry run: no requests yet', [head, context('No requests in this workspace yet: nothing to try the policy on.')]);
  const lines = rows.map(({ request, evaluation }) => `${code(request.id)} ${wordsOf(request).shortName(request)} · ${userMention(request.requesterId)} — ${now(evaluation)} _(then: ${then(request)})_`);
  const tally = new Map<string, number>();
  for (const { evaluation } of rows) tally.set(deciderWords(evaluation.rule), (tally.get(deciderWords(evaluation.rule)) ?? 0) + 1);
  const foot = context(escapeMrkdwn([...tally].map(([rule, n]) => `${n} × ${rule}`).join(' · ')));
  return slackMessage(`Dry run of the policy file against ${rows.length} requests`, [head, ...sectionsFor(lines, [head, foot]), foot]);
}
