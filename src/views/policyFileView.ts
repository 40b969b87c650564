// The policy file in force, read-only, as `/simplismart approvals` and the App Home's Approval policy
// button show it when POLICY_FILE is set: where it comes from (path, hash, when it was read), each rule
// in order with what it asks and what it decides, the default, a refused reload, and what this
// workspace's Slack does not know of the IDs it names.
import type { ModalView } from '@slack/types';
import { describeExpiry } from '../domain/approvalPolicy.js';
import { rangeText } from '../domain/policyFile/evaluate.js';
import type { Conditions, Matcher, Outcome } from '../domain/policyFile/policy.js';
import { KIND_NAMES } from '../domain/policyFile/policy.js';
import { outcomeWords, SLACK_MENTIONS } from '../domain/policyFile/words.js';
import type { PolicyInForce, ReloadFailure } from '../services/policyFile.js';
import { channelMention, code, context, escapeMrkdwn, plain, section, slackDate, SLACK_LIMITS } from './blocks.js';
import { sectionsFor, slackMessage, type SlackMessage } from './message.js';

function values(m: Matcher, show: (v: string) => string = (v) => code(v)): string {
  const list = m.values.map(show).join(', ');
  return m.negated ? `not ${list}` : list;
}

/** A rule's conditions in a line: "kind import · channel not #infra-requests · total GPUs more than 16". */
export function conditionsText(c: Conditions | null): string {
  if (c === null) return 'every request';
  const parts: string[] = [];
  if (c.workspace) parts.push(`workspace ${values(c.workspace)}`);
  if (c.kind) parts.push(`kind ${values({ ...c.kind, values: c.kind.values.map((k) => KIND_NAMES[k]) })}`);
  if (c.channel) parts.push(`channel ${values(c.channel, channelMention)}`);
  if (c.requesterInGroup) parts.push(`requester in ${values(c.requesterInGroup, (g) => `<!subteam^${g}>`)}`);
  if (c.provider) parts.push(`provider ${values(c.provider)}`);
  if (c.region) parts.push(`region ${values(c.region)}`);
  if (c.cluster) parts.push(`cluster ${values(c.cluster)}`);
  if (c.totalGpus) parts.push(`total GPUs ${rangeText(c.totalGpus)}`);
  if (c.nodeGroups) parts.push(`node groups ${rangeText(c.nodeGroups)}`);
  if (c.anyNodeGroup) {
    const g = c.anyNodeGroup;
    const inner = [
      ...(g.accelerator ? [`accelerator ${values(g.accelerator)}`] : []),
      ...(g.capacityType ? [`capacity ${values(g.capacityType)}`] : []),
      ...(g.gpus ? [`GPUs ${rangeText(g.gpus)}`] : []),
    ];
    parts.push(`a node group with ${inner.join(' and ')}`);
  }
  return parts.join(' · ');
}

function outcomeText(o: Outcome): string {
  if (o.kind === 'deny') return `:no_entry: refused: “${escapeMrkdwn(o.message)}”`;
  if (o.kind === 'allow') return ':unlock: allowed without approval';
  return `:lock: ${outcomeWords(o, SLACK_MENTIONS)} within ${describeExpiry(o.expirySeconds)}${o.approvalsChannel === null ? '' : `, cards in ${channelMention(o.approvalsChannel)}`}`;
}

function lines(inForce: PolicyInForce, failure: ReloadFailure | null, problems: readonly string[]): { head: string; rules: string[]; foot: string } {
  const { policy, path, loadedAt } = inForce;
  const head = `:scroll: *The approval policy comes from a file*, reviewed in git: ${code(path)} (${code(policy.hash)}, read ${slackDate(loadedAt)}). It is changed there, not in Slack. Rules are tried in order; the first that matches decides.`;
  const rules = [
    ...policy.rules.map((r) => `${r.index + 1}. *${escapeMrkdwn(r.name)}* (line ${r.line}) — when ${conditionsText(r.when)}: ${outcomeText(r.outcome)}`),
    `*Otherwise* (${policy.fallback.line === null ? 'the file sets no default' : `default, line ${policy.fallback.line}`}): ${outcomeText(policy.fallback.outcome)}`,
    ...problems.map((p) => `:warning: ${escapeMrkdwn(p)}`),
  ];
  const foot = [
    ...(failure === null ? [] : [`:warning: The file on disk has ${failure.problems.length} problem${failure.problems.length === 1 ? '' : 's'} (since ${slackDate(failure.at)}): this last good version stays in force until it is fixed.`]),
    'Requesters never approve their own requests. `/simplismart policy test` shows which rule recent requests would meet.',
  ].join(' ');
  return { head, rules, foot };
}

/** The ephemeral answer to `/simplismart approvals`. */
export function policyFileMessage(inForce: PolicyInForce, failure: ReloadFailure | null, problems: readonly string[]): SlackMessage {
  const { head, rules, foot } = lines(inForce, failure, problems);
  const top = section(head);
  const bottom = context(foot);
  return slackMessage(`Approval policy from ${inForce.path}`, [top, ...sectionsFor(rules, [top, bottom]), bottom]);
}

/** The same, read-only, as the modal admins open (no submit: the file is changed in git). */
export function policyFileModal(inForce: PolicyInForce, failure: ReloadFailure | null, problems: readonly string[]): ModalView {
  const { head, rules, foot } = lines(inForce, failure, problems);
  const top = section(head);
  const bottom = context(foot);
  return {
    type: 'modal',
    title: plain('Approval policy', SLACK_LIMITS.modalTitle),
    close: plain('Close', SLACK_LIMITS.modalButton),
    blocks: [top, ...sectionsFor(rules, [top, bottom]).slice(0, SLACK_LIMITS.modalBlocks - 2), bottom],
  };
}
