// Ephemeral replies to `/simplismart …`: help, status, history, a request's audit trail, and the
// notes that say why something cannot be done and what to do instead.
import type { StoredApprovalPolicy } from '../domain/approvalPolicy.js';
import { describeExpiry } from '../domain/approvalPolicy.js';
import type { ImportRequest, RequestEvent } from '../domain/importRequest.js';
import { STATE_EMOJI, STATE_LABELS } from '../domain/importRequest.js';
import { tokenFreshness, type WorkspaceConnection } from '../domain/workspaceConnection.js';
import {
  actions,
  approverMentions,
  channelMention,
  code,
  context,
  escapedWithin,
  section,
  slackDate,
  userMention,
} from './blocks.js';
import { addNodeGroupsButton, importSimilarButton } from './importMessages.js';
import { message, sectionsFor, slackMessage, type SlackMessage } from './message.js';
import { stateLabel, wordsOf } from './requestKinds.js';
import { ruleWhyLines } from './policyRule.js';
import { recordedRuleWords } from '../domain/policyFile/record.js';

export function helpMessage(unknown?: string): SlackMessage {
  const lines = [
    unknown === undefined ? '*Simplismart for Slack*' : `I don’t know \`${escapedWithin(unknown, 40)}\`. Here is what I can do:`,
    '• `/simplismart import` — import an existing Kubernetes cluster into Simplismart with a form. Pre-fill it: `/simplismart import name="Prod" provider=aws region=us-west-2 group=gpu-pool machine_type=g5.2xlarge`',
    '• `/simplismart status` — is this workspace connected, to which org, and when does its token expire',
    '• `/simplismart connect` — (admins) connect this workspace with a Simplismart API token',
    '• `/simplismart disconnect` — (admins) remove the stored token',
    '• `/simplismart approvals` — see the approval policy; admins can change it (unless it comes from a policy file)',
    '• `/simplismart policy test` — which rule of the policy file each recent request would meet (a dry run; only you see it)',
    '• `/simplismart nodegroups [cluster]` — add node groups to a cluster (one imported here, by name, or any by its UUID)',
    '• `/simplismart nodes &lt;kubectl output&gt;` — paste what `kubectl get nodes --show-labels` prints (or one node’s `-o json`; the command holds about 4,000 characters): the node groups your nodes make, the nodes still missing the Simplismart label and the commands that add it; only you see it, nothing is sent',
    '• `/simplismart clusters` — the clusters imported through the bot here; `/simplismart clusters <name or UUID>` — one, with its history of changes',
    '• `/simplismart references` — the names given to hosted zones, secrets and tool catalogs (offered in the import form); admins can change them',
    '• `/simplismart history` — recent requests; `/simplismart history <request id>` — one request’s full audit trail',
    '• `/simplismart help` — this message',
    'The app’s *Home* tab shows the connection, what waits for your approval, your requests and the clusters; the *Import a cluster* shortcut opens the import form from anywhere.',
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

/** Said where a payload came from when the workspace's rotating bot token could not be renewed. */
export function tokenRefreshFailedMessage(): SlackMessage {
  return message(
    ':warning: Slack did not renew this app’s access to your workspace, so nothing was done. Try again in a minute; if it keeps failing, a workspace admin should install the app again (the install page of whoever runs this bot, `/slack/install`).',
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
  const nodeGroupsOnly = policy !== undefined && !policy.required && policy.nodeGroupsApproval === 'required';
  if (policy === undefined || (!policy.required && !nodeGroupsOnly)) {
    return message(
      `:unlock: Imports run straight away: approval is not required in this workspace.${canEdit ? '' : ' Workspace admins can require it with `/simplismart approvals`.'}`,
    );
  }
  const lines = [
    nodeGroupsOnly
      ? ':unlock: Imports run straight away, but :lock: *adding node groups to a cluster needs approval*.'
      : ':lock: *Approval is required* before an import runs.',
    `• Approvers: ${approverMentions(policy.approverUserIds, policy.approverGroupIds, 2000)}; a requester never approves their own request`,
    `• Approvals needed: ${policy.approvalsNeeded}`,
    `• Requests expire after ${describeExpiry(policy.expirySeconds)}`,
    `• Approval cards go to ${policy.approvalsChannelId === null ? 'the request’s own thread' : channelMention(policy.approvalsChannelId)}`,
    ...(nodeGroupsOnly ? [] : [`• Adding node groups to a cluster: ${policy.nodeGroupsApproval === 'not_required' ? 'runs straight away, without approval' : 'needs the same approval'}`]),
    `_Last changed by ${userMention(policy.updatedBy)} on ${slackDate(policy.updatedAt)}._${canEdit ? '' : ' Only workspace admins can change it.'}`,
  ];
  return message(lines.join('\n'));
}

export function historyMessage(requests: readonly ImportRequest[]): SlackMessage {
  if (requests.length === 0) return message('No import requests in this workspace yet. Start one with `/simplismart import`.');
  const rows = requests.map((r) => {
    const uuid = r.outcome?.kind === 'imported' && r.outcome.cluster.uuid !== null ? ` · ${code(r.outcome.cluster.uuid)}` : '';
    const approvers = r.approval === null ? '' : ` · approvers ${approverMentions(r.approval.approverUserIds, r.approval.approverGroupIds, 200)}`;
    const link = r.threadPermalink === null ? '' : ` · <${r.threadPermalink}|thread>`;
    const rule = r.policy === null || r.policy === undefined ? '' : ` · ${escapedWithin(recordedRuleWords(r.policy), 120)}`;
    const text = `${STATE_EMOJI[r.state]} ${code(r.id)} ${wordsOf(r).shortName(r)} — ${stateLabel(r)} · ${userMention(r.requesterId)} · ${slackDate(r.createdAt, '{date_short} {time}')}${approvers}${rule}${uuid}${link}`;
    return r.kind === 'import_cluster' ? { text, accessory: importSimilarButton(r, 'Import similar') } : text;
  });
  const top = section('*Recent requests*');
  const bottom = context('`/simplismart history <request id>` shows one request’s full audit trail; *Import similar* opens the import form filled from that request.');
  return slackMessage(`Recent requests: ${requests.map((r) => `${r.id} ${stateLabel(r)}`).join(', ')}`, [
    top,
    ...sectionsFor(rows, [top, bottom]),
    bottom,
  ]);
}

export function auditMessage(request: ImportRequest, events: readonly RequestEvent[]): SlackMessage {
  const header = `${STATE_EMOJI[request.state]} Request ${code(request.id)}: ${wordsOf(request).shortName(request)} — ${stateLabel(request)}${request.threadPermalink === null ? '' : ` · <${request.threadPermalink}|thread>`}`;
  const trail = events.map((e) => {
    const who = e.actorId === null ? 'the bot' : userMention(e.actorId);
    const move = e.fromState === null ? `created as _${STATE_LABELS[e.toState]}_` : e.fromState === e.toState ? `_${STATE_LABELS[e.toState]}_` : `_${STATE_LABELS[e.fromState]}_ → _${STATE_LABELS[e.toState]}_`;
    const why = e.note === null ? '' : ` — ${escapedWithin(e.note, 300)}`;
    return `${e.seq}. ${slackDate(e.at, '{date_short} {time_secs}')} · ${who} · ${move}${why}`;
  });
  // The policy file's rule that decided it, and why, before the trail.
  const lines = [...ruleWhyLines(request), ...trail];
  const top = section(header);
  const buttons = [
    ...(request.kind === 'import_cluster' ? [importSimilarButton(request)] : []),
    ...(clusterOfRequest(request) === null ? [] : [addNodeGroupsButton(request)]),
  ];
  const bottom = buttons.length === 0 ? [] : [actions(undefined, buttons)];
  return slackMessage(`Audit trail of ${request.id}: ${events.length} entries`, [top, ...sectionsFor(lines, [top, ...bottom]), ...bottom]);
}

/** The cluster more node groups can be added to after this request: the one it imported or changed, once it succeeded. */
function clusterOfRequest(request: ImportRequest): string | null {
  if (request.state !== 'succeeded') return null;
  return request.cluster?.id ?? (request.outcome?.kind === 'imported' ? request.outcome.cluster.uuid : null);
}
