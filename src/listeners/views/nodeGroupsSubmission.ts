// The node-groups form is submitted: the groups are checked as the import form's are, and against what
// the cluster already has (names, its auxiliary group) — errors inline, nothing sent; a valid form is
// stored as a request (once, however often Slack delivers it) before the ack, and launched after.
import { buildNodeGroupsBody } from '../../domain/nodeGroupsForm.js';
import type { Services } from '../../services/index.js';
import { errorsForView } from '../../views/formErrors.js';
import { decodeNodeGroupsMeta, NODE_GROUPS_ERROR_PLACEMENT, nodeGroupsErrorsByBlock, readNodeGroupsForm, unusableNodeGroupsMeta } from '../../views/nodeGroupsModal.js';
import { tenantOf } from '../tenant.js';
import { type SubmissionArgs } from '../types.js';
import { submitRequest } from './requestSubmission.js';

export async function nodeGroupsSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, view } = args;
  const meta = decodeNodeGroupsMeta(view.private_metadata);
  if (meta === undefined) {
    await ack({ response_action: 'errors', errors: { [NODE_GROUPS_ERROR_PLACEMENT.formLevel]: unusableNodeGroupsMeta(view.private_metadata) } });
    return;
  }
  const form = readNodeGroupsForm(view.state.values, meta);
  // A store outage from here on reaches reportErrorsToPeople, which says so under the form's first field.
  const change = await services.clusters.forChange(tenantOf(args).teamId, form.clusterId, view.id);
  const built = buildNodeGroupsBody(form, change.known);
  if (!built.ok) {
    await ack({ response_action: 'errors', errors: errorsForView(nodeGroupsErrorsByBlock(built.errors), view.blocks, NODE_GROUPS_ERROR_PLACEMENT) });
    return;
  }
  await submitRequest(args, services, { kind: 'add_node_groups', body: built.body, cluster: change.target }, meta, NODE_GROUPS_ERROR_PLACEMENT.formLevel);
}
