// The App Home's section on this workspace's clusters: the list of `/simplismart clusters` in short —
// a few lines, the rest counted. Pure: the Home that holds it reads the clusters (services.clusters).
import type { KnownBlock } from '@slack/types';
import type { WorkspaceCluster } from '../domain/workspaceCluster.js';
import { context, escapedWithin, header, section } from './blocks.js';
import { whereItRuns } from './clusterReplies.js';

/** How many clusters the section names; Home is a glance, `/simplismart clusters` the list. */
export const HOME_CLUSTERS_SHOWN = 5;

export function clustersHomeSection(clusters: readonly WorkspaceCluster[]): KnownBlock[] {
  if (clusters.length === 0) {
    return [header('Clusters'), context('None imported through the bot yet. Import one with `/simplismart import`.')];
  }
  const lines = clusters.slice(0, HOME_CLUSTERS_SHOWN).map((c) => {
    const link = c.imported.threadPermalink === null ? '' : ` · <${c.imported.threadPermalink}|thread>`;
    return `*${escapedWithin(c.name, 100)}* · ${whereItRuns(c)} · ${c.nodeGroups.length} node group${c.nodeGroups.length === 1 ? '' : 's'}${link}`;
  });
  const more = clusters.length - HOME_CLUSTERS_SHOWN;
  return [
    header('Clusters'),
    section(lines.join('\n')),
    context(`${more > 0 ? `…and ${more} more. ` : ''}\`/simplismart clusters\` lists them all; \`/simplismart nodegroups <name>\` adds node groups.`),
  ];
}
