// The messages of a request's notification thread: the status message (always the current state), one
// line per step, and the final outcome with its details folded in; plus the modal shown after submit.
// Written once for every kind of request, with its kind's words (requestKinds.ts).
import type { KnownBlock, ModalView } from '@slack/types';
import { LIMITS, type NodeGroup } from '../domain/clusterImport.js';
import type { Approval, ImportRequest, RequestEvent } from '../domain/importRequest.js';
import { STATE_EMOJI } from '../domain/importRequest.js';
import { bodyOf, bodyOfKind } from '../domain/requestKinds.js';
import {
  actions,
  approverMentions,
  button,
  channelMention,
  clip,
  code,
  confirmDialog,
  context,
  escapedWithin,
  escapeMrkdwn,
  fields,
  listWithin,
  plain,
  section,
  slackDate,
  SLACK_LIMITS,
  userMention,
} from './blocks.js';
import { ACTION } from './ids.js';
import type { OutcomeDescription } from './importOutcome.js';
import { slackMessage, stripMarkup, type SlackMessage } from './message.js';
import { ruleLine } from './policyRule.js';
import { capitalised, stateLabel, wordsOf } from './requestKinds.js';

/** Room for the approvers in a sentence: 50 people and 20 groups would take about 1 200 characters. */
const APPROVERS_MAX = 1000;
/** Room for one value Simplismart answered with (its names and statuses are not bounded). */
const API_VALUE_MAX = 200;
/** A section holds 3000 characters; lists leave room for their heading. */
const LIST_MAX = 2800;

/** `gpu-pool — g5.2xlarge, ON_DEMAND, 0–3 nodes (desired 1), 1 × nvidia-a10g per node` */
export function nodeGroupLine(group: NodeGroup): string {
  const c = group.node_config;
  const parts: string[] = [];
  if (c?.machine_type !== undefined) parts.push(escapedWithin(c.machine_type, LIMITS.machineTypeLength));
  if (c?.capacity_type !== undefined) parts.push(c.capacity_type);
  if (c?.min_node_count !== undefined || c?.max_node_count !== undefined) {
    parts.push(`${c.min_node_count ?? '?'}–${c.max_node_count ?? '?'} nodes`);
  }
  if (c?.desired_count !== undefined) parts.push(`desired ${c.desired_count}`);
  if (c?.accelerator_type !== undefined) parts.push(`${c.accelerator_count ?? '?'} × ${escapedWithin(c.accelerator_type, LIMITS.acceleratorTypeLength)} per node`);
  if (c?.vcpu !== undefined) parts.push(`${c.vcpu} vCPU`);
  if (c?.memory !== undefined) parts.push(`${c.memory} GB`);
  const role = group.is_auxilliary ? ' _(auxiliary)_' : '';
  return `• ${code(clip(group.name, LIMITS.nodeGroupNameLength))}${role}${parts.length > 0 ? ` — ${parts.join(', ')}` : ''}`;
}

/** `*Node groups*` (or another title) and one line per group, in one section's room. */
export function nodeGroupsText(groups: readonly NodeGroup[], title = 'Node groups'): string {
  return `*${title}*\n${listWithin(groups.map(nodeGroupLine), LIST_MAX, { separator: '\n', more: (n) => `\n…and ${n} more node group${n === 1 ? '' : 's'}` })}`;
}

export function approversText(request: ImportRequest): string {
  const a = request.approval;
  if (a === null) return 'no one (approval not required)';
  return approverMentions(a.approverUserIds, a.approverGroupIds, APPROVERS_MAX);
}

export function progressText(request: ImportRequest, approvals: readonly Approval[]): string {
  const needed = request.approval?.approvalsNeeded ?? 0;
  return `${Math.min(approvals.length, needed)} of ${needed} approval${needed === 1 ? '' : 's'}`;
}

/**
 * What the parent says the request is doing, the same in its blocks and its notification text. An
 * import that needed no approval is "approved" only for an instant: it is shown as starting.
 */
export function parentStatus(request: Pick<ImportRequest, 'kind' | 'state' | 'approval'>): { emoji: string; label: string } {
  if (request.state === 'approved' && request.approval === null) return { emoji: STATE_EMOJI.importing, label: 'Starting' };
  return { emoji: STATE_EMOJI[request.state], label: stateLabel(request) };
}

/** The status message: always the request's current state, in one glance. */
export function parentMessage(
  request: ImportRequest,
  approvals: readonly Approval[],
  decision: RequestEvent | undefined,
  outcome: OutcomeDescription | undefined,
): SlackMessage {
  const words = wordsOf(request);
  const summary = words.summary(request);
  const status = parentStatus(request);
  const state = `${status.emoji} *${status.label}*`;
  const who = userMention(request.requesterId);
  let line: string;
  switch (request.state) {
    case 'pending_approval':
      line = `${state} · ${who} wants to ${words.verb} ${summary} · ${progressText(request, approvals)} from ${approversText(request)}${request.expiresAt === null ? '' : `, expires ${slackDate(request.expiresAt)}`}`;
      break;
    case 'succeeded': {
      const uuid = request.outcome?.kind === 'imported' ? request.outcome.cluster.uuid : null;
      line = `${state} · ${summary} for ${who}${uuid === null ? '' : ` · UUID ${code(uuid)}`}`;
      break;
    }
    case 'failed':
    case 'outcome_unknown':
      line = `${state} · ${summary} for ${who}${outcome === undefined ? '' : ` — ${outcome.headline}`}`;
      break;
    case 'rejected':
    case 'cancelled':
      line = `${state}${decision?.actorId === undefined || decision.actorId === null ? '' : ` by ${userMention(decision.actorId)}`} · ${who}’s ${words.nounPhrase(summary)}${decision?.note === undefined || decision.note === null ? '' : ` — “${escapedWithin(decision.note, 300)}”`}`;
      break;
    case 'expired':
      line = `${state} · ${who}’s ${words.nounPhrase(summary)} was not approved in time`;
      break;
    case 'approved':
      line =
        request.approval === null
          ? `${state} · ${who} is ${words.gerund} ${summary}`
          : `${state} · ${who}’s ${words.nounPhrase(summary)} is about to start`;
      break;
    default:
      line = `${state} · ${who} is ${words.gerund} ${summary}`;
  }
  const where = request.thread?.root === undefined ? 'every step is in this thread' : 'every step is in this cluster’s thread';
  // Where the node groups came from ("Fill from my nodes"), kept on the status message for the thread's life.
  const from = request.provenance === undefined ? [] : [context(`:mag: ${escapedWithin(request.provenance, 300)}`)];
  return slackMessage(`${status.label}: ${words.title(request)} (${request.id})`, [section(line), ...from, context(`Request ${code(request.id)} · ${where}`)]);
}

/** Said above a message posted a second time because Slack's answer to the first never arrived. */
export const SENT_AGAIN_NOTE = ':repeat: Sent again: Slack did not confirm an earlier copy of this message, so it may appear twice.';

/** `message` posted once more after its first copy's answer was lost: said so first (never cut by the 50-block limit). */
export function sentAgain(message: SlackMessage): SlackMessage {
  return slackMessage(message.text, [context(SENT_AGAIN_NOTE), ...message.blocks]);
}

export function submittedLine(request: ImportRequest): string {
  const words = wordsOf(request);
  const base = `:memo: ${userMention(request.requesterId)} submitted the ${words.nounPhrase(words.summary(request))}.`;
  const rule = ruleLine(request);
  const decided = rule === undefined ? '' : ` ${rule}.`;
  if (request.approval === null) return `${base} No approval is required.${decided}`;
  const needed = request.approval.approvalsNeeded;
  return `${base} Waiting for ${needed} approval${needed === 1 ? '' : 's'} from ${approversText(request)}${request.expiresAt === null ? '' : ` until ${slackDate(request.expiresAt)}`}.${decided}`;
}

/** The final message of the thread: the outcome, with everything people need folded into it. */
export function outcomeMessage(request: ImportRequest, outcome: OutcomeDescription): SlackMessage {
  const result = request.outcome;
  if (outcome.tone === 'success' && result?.kind === 'imported') return importedMessage(request, result.cluster, outcome);
  if (outcome.tone === 'success' && result?.kind === 'node_groups_added') return nodeGroupsAddedMessage(request, result.apiMessage, outcome);
  const words = wordsOf(request);
  const who = userMention(request.requesterId);
  const blocks: KnownBlock[] = [];
  const icon = outcome.tone === 'unknown' ? ':warning:' : ':red_circle:';
  const title = outcome.tone === 'unknown' ? 'Outcome unknown' : words.failedTitle;
  blocks.push(section(`${icon} ${who}, *${title}* for ${words.summary(request)}: ${outcome.headline}`));
  if (outcome.apiMessage !== null) blocks.push(section(`*Simplismart said:*\n>${escapedWithin(outcome.apiMessage, 1500).replace(/\n/g, '\n>')}`));
  if (outcome.fieldErrors.length > 0) {
    const lines = outcome.fieldErrors.map((f) => `• ${code(clip(f.field, 100))}: ${escapedWithin(f.messages.join(' '), 300)}`);
    blocks.push(section(`*Fields*\n${listWithin(lines, LIST_MAX, { separator: '\n', more: (n) => `\n…and ${n} more field${n === 1 ? '' : 's'}` })}`));
  }
  blocks.push(section(`*Next step:* ${outcome.nextStep}`));
  blocks.push(actions(undefined, [editAndRetryButton(request, outcome.retryNeedsCare)]));
  blocks.push(context(`Request ${code(request.id)}`));
  return slackMessage(`${title} for ${words.title(request)}: ${stripMarkup(outcome.headline)} ${stripMarkup(outcome.nextStep)}`, blocks);
}

type ImportedCluster = Extract<NonNullable<ImportRequest['outcome']>, { kind: 'imported' }>['cluster'];

/** A cluster imported: what Simplismart says of it, its node groups, and what to do with it next. */
function importedMessage(request: ImportRequest, c: ImportedCluster, outcome: OutcomeDescription): SlackMessage {
  const body = bodyOfKind(request, 'import_cluster');
  const uuid = c.uuid === null ? '' : ` (${escapedWithin(c.uuid, API_VALUE_MAX)})`;
  return slackMessage(`${escapeMrkdwn(body.name)} is imported into Simplismart${uuid}.`, [
    section(`:large_green_circle: ${userMention(request.requesterId)}, ${wordsOf(request).summary(request)} is imported into Simplismart.`),
    fields([
      ['Cluster', escapedWithin(c.name, API_VALUE_MAX)],
      ['UUID', c.uuid === null ? '_unknown_' : code(clip(c.uuid, API_VALUE_MAX))],
      ['Status', c.status === null ? '_unknown_' : escapedWithin(c.status, API_VALUE_MAX)],
      ['Provider', escapedWithin(c.provider, API_VALUE_MAX)],
      ['Region', c.region === null ? '—' : escapedWithin(c.region, API_VALUE_MAX)],
      ['Slug', code(body.slug)],
    ]),
    section(nodeGroupsText(body.nodegroup_labels)),
    actions(undefined, [...(c.uuid === null ? [] : [addNodeGroupsButton(request)]), importSimilarButton(request)]),
    context(`${outcome.nextStep} · Request ${code(request.id)}`),
  ]);
}

/** Node groups added to a cluster: which, what Simplismart said, and the way to add more. */
function nodeGroupsAddedMessage(request: ImportRequest, apiMessage: string | null, outcome: OutcomeDescription): SlackMessage {
  const words = wordsOf(request);
  const groups = bodyOf(request).body.nodegroup_labels;
  return slackMessage(`${groups.length} node group${groups.length === 1 ? '' : 's'} added to ${words.title(request)}.`, [
    section(`:large_green_circle: ${userMention(request.requesterId)}, Simplismart added ${words.summary(request)}.`),
    ...(apiMessage === null ? [] : [context(`Simplismart said: “${escapedWithin(apiMessage, API_VALUE_MAX)}”`)]),
    section(nodeGroupsText(groups, 'New node groups')),
    actions(undefined, [addNodeGroupsButton(request, 'Add more node groups')]),
    context(`${outcome.nextStep} · Request ${code(request.id)}`),
  ]);
}

/** Opens the node-groups form for the cluster `request` imported or changed. */
export function addNodeGroupsButton(request: Pick<ImportRequest, 'id'>, label = 'Add node groups') {
  return button(label, ACTION.addNodeGroups, { value: request.id });
}

/** Opens the import form filled from `request` (an import), with a new name and slug to give. */
export function importSimilarButton(request: Pick<ImportRequest, 'id'>, label = 'Import a similar cluster') {
  return button(label, ACTION.importSimilar, { value: request.id });
}

export function editAndRetryButton(request: ImportRequest, needsCare: boolean, label = 'Edit and retry') {
  const check = wordsOf(request).retryCheck;
  return button(label, ACTION.editAndRetry, {
    value: request.id,
    ...(needsCare ? { confirm: confirmDialog(check.title, check.text, 'I checked, edit it') } : {}),
  });
}

/** What the modal turns into once submitted: where to follow along, and the request id. */
export function submittedModal(request: ImportRequest): ModalView {
  const words = wordsOf(request);
  const summary = words.summary(request);
  const pending = request.state === 'pending_approval';
  const where =
    request.cluster?.thread !== null && request.cluster?.thread !== undefined
      ? 'Follow every step in the cluster’s own thread (where its import was told).'
      : `Follow every step in the thread I start in ${channelMention(request.channelId)} (or in a DM if I can’t post there).`;
  const lines = [
    pending
      ? `:hourglass_flowing_sand: Your ${words.nounPhrase(summary)} is waiting for approval from ${approversText(request)}.`
      : `:arrows_counterclockwise: ${capitalised(words.gerund)} ${summary} now.`,
    `${where} Request ${code(request.id)}.`,
    ...(ruleLine(request) === undefined ? [] : [`${ruleLine(request) ?? ''}.`]),
  ];
  return {
    type: 'modal',
    title: plain(pending ? 'Sent for approval' : words.startedTitle, SLACK_LIMITS.modalTitle),
    close: plain('Done', SLACK_LIMITS.modalButton),
    blocks: lines.map((l) => section(l)),
  };
}
