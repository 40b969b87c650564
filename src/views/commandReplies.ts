// Ephemeral replies to `/simplismart …`: help, status, history, a request's audit trail, and the
// notes that say why something cannot be done and what to do instead.
import type { KnownBlock } from '@slack/types';
import type { StoredApprovalPolicy } from '../domain/approvalPolicy.js';
import { describeExpiry } from '../domain/approvalPolicy.js';
import type { ImportRequest, RequestEvent } from '../domain/importRequest.js';
import { STATE_EMOJI, STATE_LABELS } from '../domain/importRequest.js';
import { tokenFreshness, type WorkspaceConnection } from '../domain/workspaceConnection.js';
import {
  approverMentions,
  channelMention,
  code,
  context,
  escapedWithin,
  escapeMrkdwn,
  MESSAGE_TEXT_BUDGET,
  section,
  slackDate,
  userMention,
} from './blocks.js';
import { parsePayload } from './importMessages.js';
import { blockTextLength, message, slackMessage, type SlackMessage } from './message.js';

export function helpMessage(unknown?: string): SlackMessage {
  const lines = [
    unknown === undefined ? '*Simplismart for Slack*' : `I don’t know \`${escapedWithin(unknown, 40)}\`. Here is what I can do:`,
    '• `/simplismart import` — import an existing Kubernetes cluster into Simplismart with a form. Pre-fill it: `/simplismart import name="Prod" provider=aws region=us-west-2 group=gpu-pool machine_type=g5.2xlarge`',
    '• `/simplismart status` — is this workspace connected, to which org, and when does its token expire',
    '• `/simplismart connect` — (admins) connect this workspace with a Simplismart API token',
    '• `/simplismart disconnect` — (admins) remove the stored token',
    '• `/simplismart approvals` — see the approval policy; admins can change it',
    '• `/simplismart history` — recent import requests; `/simplismart history <request id>` — one request’s full audit trail',
    '• `/simplismart help` — this message',
  ];
  return message(lines.join('\n'));
}

export function notConnectedMessage(): SlackMessage {
  return message(
    ':electric_plug: This workspace isn’t connected to Simplismart yet, so imports can’t be sent. A workspace admin must run `/simplismart connect` and paste an API token (Simplismart → Settings → API keys).',
  );
}

export function notAdminMessage(what: string): SlackMessage {
  return message(`:lock: Only Slack workspace admins and owners can ${what}. Ask one of them to do it.`);
}

/**
 * The database is down: what was not done, and what to do. One wording wherever it is met; a form says
 * what it could not save (`notSaved`) and that it stays open.
 */
export function storeUnavailableMessage(notSaved?: string): SlackMessage {
  const what = notSaved === undefined ? 'nothing was changed. Try again' : `${notSaved}. Your form stays open: submit it again`;
  return message(`:warning: The bot’s database isn’t answering, so ${what} in a minute; if it persists, tell whoever runs this bot.`);
}

export function unexpectedErrorMessage(reference: string): SlackMessage {
  return message(
    `:warning: Something went wrong on my side, so this didn’t go through (reference \`${reference}\`). Nothing was imported. Try again; if it keeps happening, give the reference to whoever runs this bot.`,
  );
}

export function slackBusyMessage(retryAfterSeconds: number | undefined): SlackMessage {
  const wait = retryAfterSeconds === undefined ? 'a few seconds' : `${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`;
  return message(`:hourglass: Slack is limiting how fast this app may open forms right now. Try the command again in ${wait}.`);
}

export function triggerExpiredMessage(): SlackMessage {
  return message(':hourglass: Slack’s window for opening the form closed before it could open. Run the command again.');
}

/** A workspace's Simplismart connection as `status` and the App Home show it. */
export interface ConnectionStatus {
  connection: WorkspaceConnection | undefined;
  fallback: { orgId: string; tokenHint: string; expiresAt: number | null } | undefined;
  now: number;
}

export function statusMessage(args: ConnectionStatus): SlackMessage {
  const lines = connectionLines(args);
  return lines === undefined ? notConnectedMessage() : message(lines.join('\n'));
}

/**
 * Connected or not, by whom, the org, the masked token and its expiry — with the warning when it has
 * expired or expires within 7 days. Undefined when the workspace is not connected.
 */
export function connectionLines(args: ConnectionStatus): string[] | undefined {
  const { connection, fallback, now } = args;
  if (connection === undefined && fallback === undefined) return undefined;
  const expiresAt = connection !== undefined ? connection.tokenExpiresAt : (fallback?.expiresAt ?? null);
  const freshness = tokenFreshness(expiresAt, now);
  const expiry =
    freshness === 'no_expiry'
      ? 'never (no `exp` in the token)'
      : freshness === 'expired'
        ? `:rotating_light: *expired* ${slackDate(expiresAt ?? now)} — imports will fail until an admin runs \`/simplismart connect\` with a new token`
        : freshness === 'expiring_soon'
          ? `:warning: ${slackDate(expiresAt ?? now)} — *within 7 days*: an admin should run \`/simplismart connect\` with a new token soon`
          : slackDate(expiresAt ?? now);
  const lines = [
    connection !== undefined
      ? `:large_green_circle: *Connected* to Simplismart by ${userMention(connection.connectedBy)} on ${slackDate(connection.connectedAt)}.`
      : ':large_green_circle: *Connected* through the bot’s own configuration (SIMPLISMART_TOKEN); an admin can give this workspace its own token with `/simplismart connect`.',
    `• Organisation: ${code(connection?.orgId ?? fallback?.orgId ?? '')}`,
    `• Token: ${code(connection?.tokenHint ?? fallback?.tokenHint ?? '')}`,
    `• Expires: ${expiry}`,
  ];
  if (connection !== undefined && connection.defaultHostedZone !== null) lines.push(`• Default hosted zone: ${code(connection.defaultHostedZone)}`);
  if (connection !== undefined && connection.defaultSecretId !== null) lines.push(`• Default secret: ${code(connection.defaultSecretId)}`);
  return lines;
}

export function policyMessage(policy: StoredApprovalPolicy | undefined, canEdit: boolean): SlackMessage {
  if (policy === undefined || !policy.required) {
    return message(
      `:unlock: Imports run straight away: approval is not required in this workspace.${canEdit ? '' : ' Workspace admins can require it with `/simplismart approvals`.'}`,
    );
  }
  const lines = [
    ':lock: *Approval is required* before an import runs.',
    `• Approvers: ${approverMentions(policy.approverUserIds, policy.approverGroupIds, 2000)}; a requester never approves their own import`,
    `• Approvals needed: ${policy.approvalsNeeded}`,
    `• Requests expire after ${describeExpiry(policy.expirySeconds)}`,
    `• Approval cards go to ${policy.approvalsChannelId === null ? 'the request’s own thread' : channelMention(policy.approvalsChannelId)}`,
    `_Last changed by ${userMention(policy.updatedBy)} on ${slackDate(policy.updatedAt)}._${canEdit ? '' : ' Only workspace admins can change it.'}`,
  ];
  return message(lines.join('\n'));
}

export function historyMessage(requests: readonly ImportRequest[]): SlackMessage {
  if (requests.length === 0) return message('No import requests in this workspace yet. Start one with `/simplismart import`.');
  const lines = requests.map((r) => {
    const body = parsePayload(r);
    const uuid = r.outcome?.kind === 'imported' && r.outcome.cluster.uuid !== null ? ` · ${code(r.outcome.cluster.uuid)}` : '';
    const approvers = r.approval === null ? '' : ` · approvers ${approverMentions(r.approval.approverUserIds, r.approval.approverGroupIds, 200)}`;
    const link = r.threadPermalink === null ? '' : ` · <${r.threadPermalink}|thread>`;
    return `${STATE_EMOJI[r.state]} ${code(r.id)} *${escapedWithin(body.name, 60)}* — ${STATE_LABELS[r.state]} · ${userMention(r.requesterId)} · ${slackDate(r.createdAt, '{date_short} {time}')}${approvers}${uuid}${link}`;
  });
  const top = section('*Recent import requests*');
  const bottom = context('`/simplismart history <request id>` shows one request’s full audit trail.');
  return slackMessage(`Recent import requests: ${requests.map((r) => `${r.id} ${STATE_LABELS[r.state]}`).join(', ')}`, [
    top,
    ...sectionsFor(lines, [top, bottom]),
    bottom,
  ]);
}

export function auditMessage(request: ImportRequest, events: readonly RequestEvent[]): SlackMessage {
  const body = parsePayload(request);
  const header = `${STATE_EMOJI[request.state]} Request ${code(request.id)}: *${escapeMrkdwn(body.name)}* — ${STATE_LABELS[request.state]}${request.threadPermalink === null ? '' : ` · <${request.threadPermalink}|thread>`}`;
  const lines = events.map((e) => {
    const who = e.actorId === null ? 'the bot' : userMention(e.actorId);
    const move = e.fromState === null ? `created as _${STATE_LABELS[e.toState]}_` : e.fromState === e.toState ? `_${STATE_LABELS[e.toState]}_` : `_${STATE_LABELS[e.fromState]}_ → _${STATE_LABELS[e.toState]}_`;
    const why = e.note === null ? '' : ` — ${escapedWithin(e.note, 300)}`;
    return `${e.seq}. ${slackDate(e.at, '{date_short} {time_secs}')} · ${who} · ${move}${why}`;
  });
  const top = section(header);
  return slackMessage(`Audit trail of ${request.id}: ${events.length} entries`, [top, ...sectionsFor(lines, [top])]);
}

function moreNotShown(count: number): string {
  return `_…and ${count} more not shown._`;
}
const MORE_NOT_SHOWN_ROOM = moreNotShown(1_000_000).length + 1;

/**
 * A section holds 3000 characters and a message MESSAGE_TEXT_BUDGET in all: lines go into as many
 * sections as they need, in what the message's other blocks leave, and the rest is counted, not cut.
 */
function sectionsFor(lines: readonly string[], others: readonly KnownBlock[]): KnownBlock[] {
  const budget = MESSAGE_TEXT_BUDGET - blockTextLength(others) - MORE_NOT_SHOWN_ROOM;
  const blocks: KnownBlock[] = [];
  let chunk = '';
  let used = 0;
  for (const [index, line] of lines.entries()) {
    used += line.length + 1;
    if (used > budget) {
      chunk += `${chunk === '' ? '' : '\n'}${moreNotShown(lines.length - index)}`;
      break;
    }
    if (chunk !== '' && chunk.length + line.length + 1 > 2900) {
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk += `${chunk === '' ? '' : '\n'}${line}`;
  }
  if (chunk !== '') blocks.push(section(chunk));
  return blocks;
}
