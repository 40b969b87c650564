// `/simplismart nodegroups [cluster]`: opens the form that adds node groups to a cluster — the one
// named (by name, slug or UUID) chosen already; a UUID of a cluster imported elsewhere typed in.
import { isUuid } from '../../domain/clusterImport.js';
import { OTHER_OPTION_TEXT } from '../../domain/menuOptions.js';
import { emptyNodeGroupsForm } from '../../domain/nodeGroupsForm.js';
import { matchClusters } from '../../domain/workspaceCluster.js';
import type { Services } from '../../services/index.js';
import { escapedWithin } from '../../views/blocks.js';
import { connectedDefaults, openNodeGroupsForm } from '../requestForms.js';
import { openingOf, type CommandArgs } from '../types.js';

export async function nodeGroupsCommand(args: CommandArgs, services: Services, rest: string): Promise<void> {
  const opening = openingOf(args, services);
  // The connection and the policy in one read, the clusters listed once: both for the form too.
  const settings = await services.settings.read(opening.workspace.teamId, { references: false });
  const defaults = await connectedDefaults(opening, services, settings);
  if (defaults === undefined) return;
  const query = rest.trim();
  const clusters = await services.clusters.list(opening.workspace.teamId);
  const found = query === '' ? [] : matchClusters(clusters, query);
  const named = found.length === 1 ? (found[0]?.uuid ?? null) : null;
  const clusterId = named ?? (isUuid(query) ? query : '');
  const notes =
    query === '' || clusterId !== ''
      ? []
      : [
          found.length > 1
            ? `${found.length} clusters imported here are called “${escapedWithin(query, 100)}”: choose the one you mean.`
            : `No cluster imported through the bot here is called “${escapedWithin(query, 100)}”: choose one, or choose “${OTHER_OPTION_TEXT}” and paste its UUID.`,
        ];
  await openNodeGroupsForm(opening, services, emptyNodeGroupsForm(clusterId, defaults.orgId), { notes, settings, clusters });
}
