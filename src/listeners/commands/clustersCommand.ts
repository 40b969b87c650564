// `/simplismart clusters [name or UUID]`: every cluster this workspace imported through the bot, or one
// of them with its history of changes.
import type { Services } from '../../services/index.js';
import { ambiguousClustersMessage, clusterMessage, clustersMessage, noClusterMessage } from '../../views/clusterReplies.js';
import { commanderOf, type CommandArgs } from '../types.js';
import { tenantOf } from '../tenant.js';

export async function clustersCommand(args: CommandArgs, services: Services, rest: string): Promise<void> {
  const tell = services.notifier.to(commanderOf(args));
  const { teamId } = tenantOf(args);
  const query = rest.trim();
  if (query === '') {
    await tell(clustersMessage(await services.clusters.list(teamId)));
    return;
  }
  const found = await services.clusters.find(teamId, query);
  const [only] = found;
  if (only === undefined) await tell(noClusterMessage(query));
  else if (found.length > 1) await tell(ambiguousClustersMessage(query, found));
  else await tell(clusterMessage(only));
}
