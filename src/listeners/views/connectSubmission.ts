// The connect form is submitted by an admin: the token is checked, encrypted and stored.
import type { Services } from '../../services/index.js';
import { connectedModal, readConnectForm } from '../../views/connectModal.js';
import { CONNECT_BLOCK } from '../../views/ids.js';
import { submittedByAdmin } from '../admins.js';
import { tenantOf } from '../tenant.js';
import { type SubmissionArgs } from '../types.js';

export async function connectSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view } = args;
  const now = services.clock.now();
  const form = await submittedByAdmin(args, readConnectForm(view.state.values, now), { blockId: CONNECT_BLOCK.token, what: 'connect this workspace' });
  if (form === undefined) return;
  // A store outage reaches reportErrorsToPeople, which says so under the form's first field.
  const workspace = tenantOf(args);
  const connection = await services.connections.connect(workspace, form, body.user.id, now);
  services.logger.info({ teamId: connection.teamId, orgId: connection.orgId, by: body.user.id }, 'workspace connected');
  await ack({ response_action: 'update', view: connectedModal(connection, now) });
  services.home.refreshFor(workspace, body.user.id);
}
