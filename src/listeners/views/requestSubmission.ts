// The end every request form's submission shares (the import form, the node-groups form), once its
// fields read well: the workspace still connected, the policy still letting this person's request pass,
// the request stored once however often Slack delivers the submit, the form turned into where to follow
// it — and, after the ack, the request launched.
import type { Asked } from '../../services/importRequests.js';
import type { Services } from '../../services/index.js';
import { submittedModal } from '../../views/importMessages.js';
import type { RequestFormMeta } from '../../views/requestFormMeta.js';
import { tenantOf } from '../tenant.js';
import { type SubmissionArgs } from '../types.js';

export async function submitRequest(args: SubmissionArgs, services: Services, asked: Asked, meta: RequestFormMeta, formLevelBlock: string): Promise<void> {
  const { ack, body, view, client } = args;
  const formError = (text: string) => ack({ response_action: 'errors', errors: { [formLevelBlock]: text } });
  const { teamId, enterpriseId } = tenantOf(args);
  // A store outage from here on reaches reportErrorsToPeople, which says so under the form's first field.
  // The connection and the policy in one read; storing the request is the only other round trip.
  const settings = await services.settings.read(teamId, { references: false });
  if (!services.connections.connectedWith(settings.connection)) {
    await formError('This workspace is not connected to Simplismart any more: a workspace admin must run `/simplismart connect`. Your form stays open.');
    return;
  }
  const gate = await services.policies.gate(client, teamId, body.user.id, asked.kind, settings.policy);
  if (gate.kind === 'blocked') {
    await formError(gate.reason);
    return;
  }
  const { request, created } = await services.requests.submit({
    ...asked,
    teamId,
    enterpriseId,
    userId: body.user.id,
    channelId: meta.c,
    sourceKey: view.id,
    replacesId: meta.r ?? null,
    responseUrl: meta.u ?? null,
  }, settings.policy);
  await ack({ response_action: 'update', view: submittedModal(request) });
  if (created) {
    services.jobs.submit({ job: 'launch', request });
  }
}
