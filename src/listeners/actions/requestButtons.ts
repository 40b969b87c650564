// Buttons on a request's messages and approval card: Edit and retry, Approve, Reject, Cancel,
// View JSON. Who may press what is decided on the server at the moment of the click.
import { formFromBody } from '../../domain/importForm.js';
import type { ImportRequest } from '../../domain/importRequest.js';
import { nodeGroupsFormFromBody } from '../../domain/nodeGroupsForm.js';
import { bodyOfKind, type RequestKind } from '../../domain/requestKinds.js';
import type { Services } from '../../services/index.js';
import { payloadModal } from '../../views/approvalCard.js';
import { userMention } from '../../views/blocks.js';
import { notConnectedMessage } from '../../views/commandReplies.js';
import { message } from '../../views/message.js';
import { stateLabel } from '../../views/requestKinds.js';
import { rejectModal } from '../../views/rejectModal.js';
import { openModal } from '../openModal.js';
import { openImportForm, openNodeGroupsForm, type FormStart } from '../requestForms.js';
import { tenantOf } from '../tenant.js';
import { clickerOf, clickOpeningOf, type ButtonArgs, type FormOpening } from '../types.js';

/** Each kind's form, opened on a stored request's body. */
const EDIT_FORMS: Record<RequestKind, (opening: FormOpening, services: Services, request: ImportRequest, start: FormStart) => Promise<void>> = {
  import_cluster: (opening, services, request, start) => openImportForm(opening, services, formFromBody(bodyOfKind(request, 'import_cluster')), start),
  add_node_groups: (opening, services, request, start) =>
    openNodeGroupsForm(opening, services, nodeGroupsFormFromBody(bodyOfKind(request, 'add_node_groups'), request.cluster?.id ?? ''), start),
};

/** The request the button names, when it is this workspace's. */
function requestFor(args: ButtonArgs, services: Services) {
  return services.requests.findForTeam(args.action.value ?? '', tenantOf(args).teamId);
}

export async function editAndRetry(args: ButtonArgs, services: Services): Promise<void> {
  const { ack, body } = args;
  await ack();
  const tell = services.notifier.to(clickerOf(args));
  const request = await requestFor(args, services);
  if (request === undefined) {
    await tell(message('That request no longer exists.'));
    return;
  }
  if (request.state === 'pending_approval' && request.requesterId !== body.user.id) {
    await tell(message(`Only ${userMention(request.requesterId)} can edit their request while it waits for approval.`));
    return;
  }
  const teamId = tenantOf(args).teamId;
  if (!(await services.connections.isConnected(teamId))) {
    await tell(notConnectedMessage());
    return;
  }
  const note =
    request.state === 'pending_approval'
      ? `Editing request \`${request.id}\`: submitting sends a new request and cancels this one.`
      : `Edited from request \`${request.id}\` (${stateLabel(request)}). Submitting sends a new request.`;
  await EDIT_FORMS[request.kind](clickOpeningOf(args, services, request.channelId), services, request, { replacesId: request.id, notes: [note] });
}

export async function approve(args: ButtonArgs, services: Services): Promise<void> {
  await args.ack();
  const reply = await services.approvals.approve(args.action.value ?? '', args.body.user.id, tenantOf(args).teamId, args.client);
  await services.notifier.tell(clickerOf(args), message(reply.text));
}

export async function cancel(args: ButtonArgs, services: Services): Promise<void> {
  await args.ack();
  const reply = await services.approvals.cancel(args.action.value ?? '', args.body.user.id, tenantOf(args).teamId);
  await services.notifier.tell(clickerOf(args), message(reply.text));
}

/** Checks that the clicker may decide before asking them for a reason. */
export async function reject(args: ButtonArgs, services: Services): Promise<void> {
  const { ack, body, client } = args;
  await ack();
  const tell = services.notifier.to(clickerOf(args));
  const decision = await services.approvals.mayDecide(args.action.value ?? '', body.user.id, tenantOf(args).teamId, client);
  if (decision.refusal !== undefined) {
    await tell(message(decision.refusal.text));
    return;
  }
  await openModal(client, body.trigger_id, rejectModal(decision.request, body.response_url), tell);
}

export async function viewPayload(args: ButtonArgs, services: Services): Promise<void> {
  await args.ack();
  const request = await requestFor(args, services);
  const tell = services.notifier.to(clickerOf(args));
  if (request === undefined) {
    await tell(message('That request no longer exists.'));
    return;
  }
  await openModal(args.client, args.body.trigger_id, payloadModal(request), tell);
}
