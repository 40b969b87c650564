// The end every request form's submission shares (the import form, the node-groups form), once its
// fields read well: the shared intake (services/requestIntake.ts, which Workflow Builder steps go
// through too) — the workspace still connected, the policy still letting this person's request pass,
// the request stored once however often Slack delivers the submit — the form turned into where to
// follow it, and, after the ack, the request launched.
import type { Asked } from '../../services/importRequests.js';
import type { Services } from '../../services/index.js';
import { intake, launchStored } from '../../services/requestIntake.js';
import { submittedModal } from '../../views/importMessages.js';
import type { RequestFormMeta } from '../../views/requestFormMeta.js';
import { tenantOf } from '../tenant.js';
import { type SubmissionArgs } from '../types.js';

export async function submitRequest(args: SubmissionArgs, services: Services, asked: Asked, meta: RequestFormMeta, formLevelBlock: string): Promise<void> {
  const { ack, body, view, client } = args;
  const { teamId, enterpriseId } = tenantOf(args);
  // A store outage from here on reaches reportErrorsToPeople, which says so under the form's first field.
  const taken = await intake(services, client, {
    ...asked,
    teamId,
    enterpriseId,
    userId: body.user.id,
    channelId: meta.c,
    sourceKey: view.id,
    replacesId: meta.r ?? null,
    responseUrl: meta.u ?? null,
    provenance: meta.p ?? null,
  });
  if (taken.kind === 'refused') {
    const text = taken.code === 'not_connected' ? `${taken.reason} Your form stays open.` : taken.reason;
    await ack({ response_action: 'errors', errors: { [formLevelBlock]: text } });
    return;
  }
  await ack({ response_action: 'update', view: submittedModal(taken.request) });
  if (taken.created) launchStored(services, taken.request);
}
