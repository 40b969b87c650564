// Replies to `/simplismart clusters [name or UUID]`: every cluster the workspace imported through the
// bot (name, UUID, provider, region, node groups, who imported it and when, its thread), or one of
// them with its history of changes — and what to say when a name matches none, or several.
import type { KnownBlock } from '@slack/types';
import { LIMITS } from '../domain/clusterImport.js';
import { STATE_EMOJI } from '../domain/importRequest.js';
import type { WorkspaceCluster } from '../domain/workspaceCluster.js';
import { groupsOf } from '../domain/workspaceCluster.js';
import { actions, clip, code, context, escapedWithin, escapeMrkdwn, listWithin, section, slackDate, userMention } from './blocks.js';
import { addNodeGroupsButton, importSimilarButton, nodeGroupLine } from './importMessages.js';
import { message, sectionsFor, slackMessage, type ButtonRow, type SlackMessage } from './message.js';
import { stateLabel } from './requestKinds.js';

/** `aws · us-west-2` */
export function whereItRuns(cluster: Pick<WorkspaceCluster, 'provider' | 'region'>): string {
  return [cluster.provider, cluster.region].filter((p): p is string => p !== null).map((p) => escapedWithin(p, 60)).join(' · ');
}

/** `3 node groups (`a`, `b`, `c`)` within `max` characters. */
export function nodeGroupNames(cluster: WorkspaceCluster, max = 300): string {
  const n = cluster.nodeGroups.length;
  const names = cluster.nodeGroups.map((g) => code(clip(g.group.name, LIMITS.nodeGroupNameLength)));
  return `${n} node group${n === 1 ? '' : 's'} (${listWithin(names, max)})`;
}

function threadLink(cluster: WorkspaceCluster): string {
  return cluster.imported.threadPermalink === null ? '' : ` · <${cluster.imported.threadPermalink}|thread>`;
}

function uuidText(cluster: WorkspaceCluster): string {
  return cluster.uuid === null ? '_UUID unknown_' : code(cluster.uuid);
}

export function clustersMessage(clusters: readonly WorkspaceCluster[]): SlackMessage {
  if (clusters.length === 0) {
    return message('No cluster has been imported through the bot in this workspace yet. Import one with `/simplismart import`.');
  }
  const rows = clusters.map((c): string | ButtonRow => {
    const text = `*${escapedWithin(c.name, 100)}* · ${uuidText(c)} · ${whereItRuns(c)} · ${nodeGroupNames(c)} · imported by ${userMention(c.imported.requesterId)} ${slackDate(c.imported.updatedAt, '{date_short}')}${threadLink(c)}`;
    return c.uuid === null ? text : { text, accessory: addNodeGroupsButton(c.imported) };
  });
  const top = section(`*Clusters imported through the bot here* (${clusters.length})`);
  const bottom = context('`/simplismart clusters <name or UUID>` shows one with its history of changes; `/simplismart nodegroups <name>` adds node groups to it.');
  return slackMessage(`Clusters imported here: ${clusters.map((c) => escapeMrkdwn(c.name)).join(', ')}`, [top, ...sectionsFor(rows, [top, bottom]), bottom]);
}

/** One cluster: what it is, its node groups (those added since marked), and its history of changes. */
export function clusterMessage(cluster: WorkspaceCluster): SlackMessage {
  const imported = cluster.imported;
  const head = section(
    `:large_green_circle: *${escapedWithin(cluster.name, LIMITS.nameLength)}* · ${uuidText(cluster)} · ${whereItRuns(cluster)} · slug ${code(cluster.slug)}\n` +
      `Imported by ${userMention(imported.requesterId)} on ${slackDate(imported.updatedAt)} (request ${code(imported.id)})${threadLink(cluster)}`,
  );
  const groups = cluster.nodeGroups.map((g) => `${nodeGroupLine(g.group)}${g.addedBy === null ? '' : ` _(added with ${code(g.addedBy.id)})_`}`);
  const groupsBlock = section(`*Node groups*\n${listWithin(groups, 2800, { separator: '\n', more: (n) => `\n…and ${n} more` })}`);
  const history = [
    `• ${slackDate(imported.createdAt, '{date_short} {time}')} · ${userMention(imported.requesterId)} · imported it (${code(imported.id)})`,
    ...cluster.changes.map((r) => {
      const names = listWithin(groupsOf(r).map((g) => code(clip(g.name, LIMITS.nodeGroupNameLength))), 300);
      const link = r.threadPermalink === null ? '' : ` · <${r.threadPermalink}|thread>`;
      return `• ${slackDate(r.createdAt, '{date_short} {time}')} · ${userMention(r.requesterId)} · add ${names} — ${STATE_EMOJI[r.state]} ${stateLabel(r)} (${code(r.id)})${link}`;
    }),
  ];
  const historyHead = section('*History of changes*');
  const buttons = actions(undefined, [...(cluster.uuid === null ? [] : [addNodeGroupsButton(imported)]), importSimilarButton(imported)]);
  const fixed: KnownBlock[] = [head, groupsBlock, historyHead, buttons];
  return slackMessage(`${escapeMrkdwn(cluster.name)} (${cluster.uuid ?? 'UUID unknown'}): ${cluster.nodeGroups.length} node groups, ${cluster.changes.length} changes`, [
    head,
    groupsBlock,
    historyHead,
    ...sectionsFor(history, fixed),
    buttons,
  ]);
}

/** A name several clusters share: which they are, and how to name one. */
export function ambiguousClustersMessage(query: string, clusters: readonly WorkspaceCluster[]): SlackMessage {
  const lines = clusters.map((c) => `• *${escapedWithin(c.name, 100)}* · ${uuidText(c)} · ${whereItRuns(c)} · imported ${slackDate(c.imported.updatedAt, '{date_short}')}`);
  const top = section(`${clusters.length} clusters imported here are called “${escapedWithin(query, 100)}”. Give the UUID of the one you mean:`);
  return slackMessage(`${clusters.length} clusters are called ${escapeMrkdwn(query)}`, [top, ...sectionsFor(lines, [top])]);
}

export function noClusterMessage(query: string): SlackMessage {
  return message(
    `No cluster imported through the bot in this workspace is called “${escapedWithin(query, 100)}”. \`/simplismart clusters\` lists them; for a cluster imported elsewhere, use its UUID.`,
  );
}
