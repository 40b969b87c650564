// The node-groups form is submitted: the groups are checked as the import form's are, and against what
// the cluster already has (names, its auxiliary group) — errors inline, nothing sent; a valid form is
// stored as a request (once, however often Slack delivers it) before the ack, and launched after.
import { buildNodeGroupsBody } from '../../domain/nodeGroupsForm.js';
import type { Services } from '../../services/index.js';
import { errorsForView } from '../../views/formErrors.js';
import { submittedModal } from '../../views/importMessages.js';
import { decodeNodeGroupsMeta, NODE_GROUPS_ERROR_PLACEMENT, nodeGroupsErrorsByBlock, readNodeGroupsForm, unusableNodeGroupsMeta } from '../../views/nodeGroupsModal.js';
import { teamOf, type SubmissionArgs } from '../types.js';

export async function nodeGroupsSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const formError = (text: string) => ack({ response_action: 'errors', errors: { [NODE_GROUPS_ERROR_PLACEMENT.formLevel]: text } });
  const meta = decodeNodeGroupsMeta(view.private_metadata);
  if (meta === undefined) {
    await formError(unusableNodeGroupsMeta(view.private_metadata));
    return;
  }
  const teamId = teamOf(body);
  const form = readNodeGroupsForm(view.state.values, meta);
  // A store outage from here on reaches reportErrorsToPeople, which says so under the form's first field.
  const change = await services.clusters.forChange(teamId, form.clusterId);
  const built = buildNodeGroupsBody(form, change.known);
  if (!built.ok) {
    await ack({ response_action: 'errors', errors: errorsForView(nodeGroupsErrorsByBlock(built.errors), view.blocks, NODE_GROUPS_ERROR_PLACEMENT) });
    return;
  }
  if (!(await services.connections.isConnected(teamId))) {
    await formError('This workspace is not connected to Simplismart any more: a workspace admin must run `/simplismart connect`. Your form stays open.');
    return;
  }
  const gate = await services.policies.gate(client, teamId, body.user.id, 'add_node_groups');
  if (gate.kind === 'blocked') {
    await formError(gate.reason);
    return;
  }
  const { request, created } = await services.requests.submit({
    kind: 'add_node_groups',
    cluster: change.target,
    teamId,
    userId: body.user.id,
    channelId: meta.c,
    sourceKey: view.id,
    body: built.body,
    replacesId: meta.r ?? null,
    responseUrl: meta.u ?? null,
  });
  await ack({ response_action: 'update', view: submittedModal(request) });
  if (created) {
    services.background.run('launch node-groups request', () => services.requests.launch(request), { requestId: request.id });
  }
}
