// The approval card: what approvers need to decide (the cluster, the node groups, requester, expiry,
// progress, the exact JSON on request) and the buttons, which give way to the decision once made.
// One card for every kind of request, in its kind's words.
import type { Button, KnownBlock, ModalView } from '@slack/types';
import type { Approval, ImportRequest, RequestEvent } from '../domain/importRequest.js';
import { bodyOf, endpointOf } from '../domain/requestKinds.js';
import { actions, button, code, confirmDialog, context, escapedWithin, escapeMrkdwn, fields, listWithin, plain, section, slackDate, SLACK_LIMITS, userMention } from './blocks.js';
import { ACTION } from './ids.js';
import { approversText, editAndRetryButton, nodeGroupsText, progressText } from './importMessages.js';
import { slackMessage, type SlackMessage } from './message.js';
import { ruleLine } from './policyRule.js';
import { capitalised, wordsOf } from './requestKinds.js';

/** Who approved so far, as mentions, in the room a sentence or a field leaves (at most 10 people). */
function approvedBy(approvals: readonly Approval[], maxChars = 1000): string {
  return listWithin(
    approvals.map((a) => userMention(a.approverId)),
    maxChars,
  );
}

export function approvalCard(request: ImportRequest, approvals: readonly Approval[], decision: RequestEvent | undefined): SlackMessage {
  const { body } = bodyOf(request);
  const words = wordsOf(request);
  const summary = words.summary(request);
  const pending = request.state === 'pending_approval';
  const blocks: KnownBlock[] = [
    section(
      pending
        ? `:raising_hand: *Approval needed* · ${approversText(request)}: ${userMention(request.requesterId)} wants to ${words.verb} ${summary}.`
        : `*${capitalised(words.noun)} approval* · ${userMention(request.requesterId)}’s ${words.nounPhrase(summary)}.`,
    ),
    fields([
      ...words.cardFields(request),
      ['Requester', userMention(request.requesterId)],
      ['Expires', request.expiresAt === null ? '—' : slackDate(request.expiresAt)],
      ['Progress', `${progressText(request, approvals)}${approvals.length > 0 ? ` (${approvedBy(approvals)})` : ''}`],
      ['Org', code(body.org)],
    ]),
    section(nodeGroupsText(body.nodegroup_labels)),
  ];
  if (pending) {
    blocks.push(
      actions(`card_${request.id}`, [
        ...decisionButtons(request),
        button('Cancel (requester)', ACTION.cancel, {
          value: request.id,
          confirm: confirmDialog('Cancel this request?', 'Approvers will no longer be able to approve it.', 'Cancel request', 'Keep it'),
        }),
      ]),
    );
  } else {
    blocks.push(section(decisionLine(request, approvals, decision)));
    const again = request.state === 'rejected' || request.state === 'expired';
    blocks.push(
      actions(`card_${request.id}`, [
        button('View JSON', ACTION.viewPayload, { value: request.id }),
        ...(again ? [editAndRetryButton(request, false, 'Edit and submit again')] : []),
      ]),
    );
  }
  const rule = ruleLine(request);
  if (rule !== undefined) blocks.push(context(rule));
  blocks.push(context(`Request ${code(request.id)} · approvers are checked when they click; requesters cannot approve their own ${words.plural}`));
  return slackMessage(
    pending
      ? `Approval needed: ${words.cardTitle(request)} requested by the user ${request.requesterId}, request ${request.id}`
      : `${capitalised(words.noun)} approval for ${words.title(request)}: ${request.state}`,
    blocks,
  );
}

/**
 * Approve, Reject… and View JSON for a pending request: the same buttons (and so the same listeners and
 * checks) on the card and on an approver's App Home, in the request's kind's words.
 */
export function decisionButtons(request: ImportRequest): Button[] {
  const words = wordsOf(request);
  return [
    button('Approve', ACTION.approve, {
      value: request.id,
      style: 'primary',
      confirm: confirmDialog(`Approve this ${words.noun}?`, words.approveConfirm(request), 'Approve'),
    }),
    button('Reject…', ACTION.reject, { value: request.id, style: 'danger' }),
    button('View JSON', ACTION.viewPayload, { value: request.id }),
  ];
}

/** "Approved by @x at 14:02" and its siblings: what a late clicker and the card both say. */
export function decisionLine(request: ImportRequest, approvals: readonly Approval[], decision: RequestEvent | undefined): string {
  const when = decision === undefined ? '' : ` at ${slackDate(decision.at, '{time}')} ${slackDate(decision.at, '{date_short}')}`;
  const by = decision?.actorId === undefined || decision.actorId === null ? '' : ` by ${userMention(decision.actorId)}`;
  const reason = decision?.note === undefined || decision.note === null ? '' : `: “${escapedWithin(decision.note, 500)}”`;
  switch (request.state) {
    case 'rejected':
      return `:no_entry: Rejected${by}${when}${reason}`;
    case 'expired':
      return `:alarm_clock: Expired${when}: not enough approvals in time.`;
    case 'cancelled':
      return `:heavy_multiplication_x: Cancelled${by}${when}${reason}`;
    case 'pending_approval':
      return `:hourglass_flowing_sand: Waiting: ${progressText(request, approvals)}.`;
    default: {
      const approvers = approvedBy(approvals);
      const last = approvals.at(-1);
      const at = last === undefined ? '' : ` at ${slackDate(last.at, '{time}')} ${slackDate(last.at, '{date_short}')}`;
      return `:white_check_mark: Approved by ${approvers === '' ? 'policy' : approvers}${at}.`;
    }
  }
}

/** The exact JSON that is (or was) sent, pretty-printed, in a modal opened from the card. */
export function payloadModal(request: ImportRequest): ModalView {
  const pretty = JSON.stringify(JSON.parse(request.payload), null, 2);
  const endpoint = `POST /${endpointOf(request)}`;
  // Escaped (a name must not turn into a mention or a disguised link), then cut between characters,
  // never inside an entity, into sections that hold 3000 characters with the backticks.
  const chunks: string[] = [''];
  for (const ch of pretty) {
    const escaped = escapeMrkdwn(ch);
    if ((chunks.at(-1) ?? '').length + escaped.length > 2900) {
      if (chunks.length >= 40) break;
      chunks.push('');
    }
    chunks[chunks.length - 1] += escaped;
  }
  return {
    type: 'modal',
    title: plain('Request JSON', SLACK_LIMITS.modalTitle),
    close: plain('Close', SLACK_LIMITS.modalButton),
    blocks: [
      context(`The body of ${code(endpoint)} for request ${code(request.id)}, byte for byte what is sent (shown indented). It holds no secret: the kubeconfig stays in Simplismart’s secret.`),
      ...chunks.map((chunk) => section(`\`\`\`${chunk}\`\`\``)),
    ],
  };
}
