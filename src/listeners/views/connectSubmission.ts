// The connect form is submitted by an admin: the token is checked, encrypted and stored.
import type { Services } from '../../services/index.js';
import { isWorkspaceAdmin } from '../../services/slackDirectory.js';
import { connectedModal, readConnectForm } from '../../views/connectModal.js';
import { CONNECT_BLOCK } from '../../views/ids.js';
import { teamOf, type SubmissionArgs } from '../types.js';

export async function connectSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const now = services.clock.now();
  const form = readConnectForm(view.state.values, now);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  // Checked again on submit: the form could have been opened before the person lost admin rights.
  if (!(await isWorkspaceAdmin(client, body.user.id))) {
    await ack({ response_action: 'errors', errors: { [CONNECT_BLOCK.token]: 'Only Slack workspace admins and owners can connect this workspace.' } });
    return;
  }
  // A store outage reaches reportErrorsToPeople, which says so under the form's first field.
  const connection = await services.connections.connect(teamOf(body), form, body.user.id, now);
  services.logger.info({ teamId: connection.teamId, orgId: connection.orgId, by: body.user.id }, 'workspace connected');
  await ack({ response_action: 'update', view: connectedModal(connection, now) });
}
