// The App Home tab, one function per section — the workspace's Simplismart connection (and, for
// admins, its buttons), importing a cluster, the requests waiting for this person's approval, and their
// own recent requests, each in its kind's words; the workspace's clusters are clustersHome.ts's — put
// together within what Slack accepts for a Home view (100 blocks).
import type { HomeView, KnownBlock } from '@slack/types';
import type { Approval, ImportRequest } from '../domain/importRequest.js';
import { STATE_EMOJI } from '../domain/importRequest.js';
import { decisionButtons } from './approvalCard.js';
import { actions, button, confirmDialog, context, header, listWithin, section, slackDate, SLACK_LIMITS, userMention } from './blocks.js';
import { connectionLines, type ConnectionStatus } from './commandReplies.js';
import { ACTION } from './ids.js';
import { progressText } from './importMessages.js';
import { stateLabel, wordsOf } from './requestKinds.js';

/** How many requests each list shows; the rest are counted. */
export const HOME_LIST_MAX = 10;
/** Slack's limit for a Home view. */
const HOME_BLOCKS_MAX = 100;

/** Said on a form opened outside any channel (the Home tab, the global shortcut): where its thread goes. */
export const THREAD_IN_DM_NOTE = 'Opened outside a channel: this import’s thread (every step, and the outcome) will be in your DM with the app.';

/** The sections in order, dividers between them, within 100 blocks (a section that would not fit is cut short). */
export function homeView(sections: ReadonlyArray<readonly KnownBlock[]>): HomeView {
  const blocks: KnownBlock[] = [];
  for (const part of sections.filter((s) => s.length > 0)) {
    if (blocks.length > 0) blocks.push({ type: 'divider' });
    blocks.push(...part);
  }
  if (blocks.length > HOME_BLOCKS_MAX) {
    blocks.length = HOME_BLOCKS_MAX - 1;
    blocks.push(context('_More is not shown here: Slack’s Home tab holds 100 blocks._'));
  }
  return { type: 'home', blocks };
}

/** The connection, as `/simplismart status` tells it; admins get its buttons. */
export function connectionSection(status: ConnectionStatus, isAdmin: boolean): KnownBlock[] {
  const lines = connectionLines(status);
  const connected = lines !== undefined;
  const blocks: KnownBlock[] = [
    header('Simplismart connection'),
    section(
      lines?.join('\n') ??
        `:electric_plug: *Not connected.* Imports can’t be sent until ${isAdmin ? 'you connect' : 'a workspace admin connects'} this workspace with a Simplismart API token (Simplismart → Settings → API keys).`,
    ),
  ];
  if (isAdmin) {
    blocks.push(
      actions('home_admin', [
        button(connected ? 'Reconnect…' : 'Connect…', ACTION.homeConnect, connected ? {} : { style: 'primary' }),
        ...(connected && status.connection !== undefined
          ? [
              button('Disconnect', ACTION.homeDisconnect, {
                style: 'danger',
                confirm: confirmDialog('Disconnect Simplismart?', 'The workspace’s Simplismart token is deleted; imports stop until an admin connects again.', 'Disconnect', 'Keep it'),
              }),
            ]
          : []),
        button('Approval policy…', ACTION.homePolicy),
      ]),
    );
  } else {
    blocks.push(context('Workspace admins and owners connect, disconnect and set the approval policy.'));
  }
  return blocks;
}

/** The import form's button: the same form, gate and pre-fill as `/simplismart import`. */
export function importSection(connected: boolean): KnownBlock[] {
  return [
    header('Import a cluster'),
    section(
      connected
        ? 'Import an existing Kubernetes cluster into Simplismart with one form. You can also type `/simplismart import` in a channel, or use the *Import a cluster* shortcut anywhere.'
        : 'Once the workspace is connected, import an existing Kubernetes cluster into Simplismart with one form.',
      { accessory: button('Import a cluster…', ACTION.homeImport, { style: 'primary' }) },
    ),
  ];
}

/** Requests this person may approve now, each with the card's own Approve / Reject… buttons. */
export function waitingSection(items: ReadonlyArray<{ request: ImportRequest; approvals: readonly Approval[]; approvedByYou: boolean }>, total: number): KnownBlock[] {
  const blocks: KnownBlock[] = [header('Waiting for you')];
  if (items.length === 0) {
    blocks.push(context('Nothing waits for your approval.'));
    return blocks;
  }
  for (const { request, approvals, approvedByYou } of items.slice(0, HOME_LIST_MAX)) {
    const words = wordsOf(request);
    const expires = request.expiresAt === null ? '' : ` · expires ${slackDate(request.expiresAt)}`;
    const mine = approvedByYou ? ' · _you approved_' : '';
    blocks.push(
      section(`:raising_hand: ${userMention(request.requesterId)} wants to ${words.verb} ${words.summary(request)} · ${progressText(request, approvals)}${mine}${expires}${request.threadPermalink === null ? '' : ` · <${request.threadPermalink}|thread>`}`),
      actions(`home_waiting_${request.id}`, decisionButtons(request)),
    );
  }
  const more = total - Math.min(items.length, HOME_LIST_MAX);
  if (more > 0) blocks.push(context(`…and ${more} more waiting: see the approval cards.`));
  return blocks;
}

/** This person's latest requests: state, cluster, when, and the thread. */
export function recentSection(requests: readonly ImportRequest[]): KnownBlock[] {
  const blocks: KnownBlock[] = [header('Your recent requests')];
  if (requests.length === 0) {
    blocks.push(context('You have not asked to import a cluster or add node groups yet.'));
    return blocks;
  }
  const lines = requests.slice(0, HOME_LIST_MAX).map((r) => {
    const link = r.threadPermalink === null ? '' : ` · <${r.threadPermalink}|thread>`;
    return `${STATE_EMOJI[r.state]} ${wordsOf(r).shortName(r)} — ${stateLabel(r)} · ${slackDate(r.createdAt, '{date_short} {time}')}${link}`;
  });
  blocks.push(section(listWithin(lines, SLACK_LIMITS.sectionText - 100, { separator: '\n', more: (n) => `\n…and ${n} more` })));
  blocks.push(context('`/simplismart history` lists the workspace’s requests; `/simplismart history <id>` shows one’s audit trail.'));
  return blocks;
}
