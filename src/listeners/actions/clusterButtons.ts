// Buttons that start a new request from an earlier one: "Add node groups" (on an import's outcome, a
// change's, the cluster list) opens the node-groups form on that cluster; "Import a similar cluster"
// (on an import's outcome and in history) opens the import form filled from that import, name and slug
// left to give.
import { formFromBody } from '../../domain/importForm.js';
import type { ImportRequest } from '../../domain/importRequest.js';
import { emptyNodeGroupsForm } from '../../domain/nodeGroupsForm.js';
import { bodyOfKind } from '../../domain/requestKinds.js';
import type { Services } from '../../services/index.js';
import { code } from '../../views/blocks.js';
import { notConnectedMessage } from '../../views/commandReplies.js';
import { message } from '../../views/message.js';
import { connectedDefaults, openImportForm, openNodeGroupsForm } from '../requestForms.js';
import { tenantOf } from '../tenant.js';
import { clickedIn, clickerOf, clickOpeningOf, type ButtonArgs } from '../types.js';

/** The cluster a request is about: the one it changed, or the one it imported (once Simplismart said its UUID). */
function clusterIdOf(request: ImportRequest): string | null {
  if (request.cluster !== null) return request.cluster.id;
  return request.outcome?.kind === 'imported' ? request.outcome.cluster.uuid : null;
}

export async function addNodeGroups(args: ButtonArgs, services: Services): Promise<void> {
  await args.ack();
  const tell = services.notifier.to(clickerOf(args));
  const teamId = tenantOf(args).teamId;
  const request = await services.requests.findForTeam(args.action.value ?? '', teamId);
  const clusterId = request === undefined ? null : clusterIdOf(request);
  if (request === undefined || clusterId === null) {
    await tell(message('I don’t know that cluster’s UUID. Run `/simplismart nodegroups` and choose the cluster, or paste its UUID from the Simplismart console.'));
    return;
  }
  const opening = clickOpeningOf(args, services, clickedIn(args) ?? request.channelId);
  const defaults = await connectedDefaults(opening, services);
  if (defaults === undefined) return;
  await openNodeGroupsForm(opening, services, emptyNodeGroupsForm(clusterId, defaults.orgId));
}

export async function importSimilar(args: ButtonArgs, services: Services): Promise<void> {
  await args.ack();
  const tell = services.notifier.to(clickerOf(args));
  const teamId = tenantOf(args).teamId;
  const request = await services.requests.findForTeam(args.action.value ?? '', teamId);
  if (request === undefined || request.kind !== 'import_cluster') {
    await tell(message('That import request no longer exists. Start a new one with `/simplismart import`.'));
    return;
  }
  if (!(await services.connections.isConnected(teamId))) {
    await tell(notConnectedMessage());
    return;
  }
  const form = { ...formFromBody(bodyOfKind(request, 'import_cluster')), name: '', slug: '' };
  const note = `Filled from request ${code(request.id)}: give the new cluster its own name (and slug).`;
  await openImportForm(clickOpeningOf(args, services, clickedIn(args) ?? request.channelId), services, form, { notes: [note] });
}
