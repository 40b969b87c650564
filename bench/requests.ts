// What the bench sends the bot, built and signed as Slack sends it: the fullest import form and its
// submission, and, for the phases where the bot is installed in many workspaces, each workspace's
// commands, Home openings, connect and policy forms and approval clicks. Bodies are signed when they
// are built: a request must leave within Bolt's five minutes (long phases build theirs as they go).
import { createHmac } from 'node:crypto';
import { DEFAULT_POLICY } from '../src/domain/approvalPolicy.js';
import { emptyForm, emptyNodeGroup, type ImportForm } from '../src/domain/importForm.js';
import { connectModal } from '../src/views/connectModal.js';
import { ACTION } from '../src/views/ids.js';
import { renderImportModal } from '../src/views/importModal.js';
import { metaFor } from '../src/views/importModalMeta.js';
import { policyModal } from '../src/views/policyModal.js';
import { HOSTED_ZONE, ORG, SECRET_ID } from '../test/support/fixtures.js';
import { fillModal } from '../test/support/modalState.js';
import { blockActions, eventCallback, slashCommand, viewSubmission, type SlackRequest } from '../test/support/slackRequests.js';
import type { Prepared } from './load.js';

export const SIGNING_SECRET = 'bench-signing-secret-0123456789';

export function sign(body: string, contentType = 'application/x-www-form-urlencoded'): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature };
}

/** The view id (the request's source key) of submission `i` of `tag`; they all start with sourcePrefix(tag). */
export const sourcePrefix = (tag: string): string => `V${tag.toUpperCase()}X`;

/** A request ready for the load generator, signed now; `id` is what the phase finds it by. */
export function prepared(id: string, request: SlackRequest): Prepared {
  return { id, body: request.body, headers: sign(request.body, request.contentType) };
}

export interface FilledForm {
  view: Record<string, unknown>;
  values: Record<string, string>;
}

/** A full import form: every cluster field and six node groups (the form's maximum), "More settings" open. */
export function fullForm(channelId: string, org: string = ORG): FilledForm {
  const form: ImportForm = {
    ...emptyForm(),
    provider: 'aws',
    serviceType: 'NodePort',
    nodeGroups: Array.from({ length: 6 }, (_, slot) => emptyNodeGroup(slot)),
  };
  // "More settings" open: the fullest form a person can submit.
  const view = renderImportModal(form, { ...metaFor(form, channelId), x: 1 });
  const values: Record<string, string> = {
    cluster_name: 'template',
    cluster_region: 'us-west-2',
    cluster_org: org,
    cluster_hostedZone: HOSTED_ZONE,
    cluster_secretId: SECRET_ID,
    cluster_publicIp: '203.0.113.10',
    cluster_nodePortHttp: '30080',
    cluster_nodePortHttps: '30443',
    cluster_clusterNodeConfig: 'machine_type=m5.xlarge\ncapacity_type=ON_DEMAND',
  };
  for (let slot = 0; slot < 6; slot += 1) {
    Object.assign(values, {
      [`ng_${slot}_name`]: `pool-${slot}`,
      [`ng_${slot}_machineType`]: 'g5.2xlarge',
      [`ng_${slot}_capacityType`]: slot % 2 === 0 ? 'ON_DEMAND' : 'SPOT',
      [`ng_${slot}_minNodes`]: '0',
      [`ng_${slot}_maxNodes`]: '4',
      [`ng_${slot}_desiredNodes`]: '1',
      [`ng_${slot}_acceleratorType`]: 'nvidia-a10g',
      [`ng_${slot}_acceleratorCount`]: '1',
      [`ng_${slot}_vcpu`]: '8',
      [`ng_${slot}_memory`]: '32',
    });
  }
  return { view: view as unknown as Record<string, unknown>, values };
}

/** The submission of `form` as cluster `name`; `viewId` is the request's source key. */
export function importSubmission(form: FilledForm, o: { teamId: string; userId: string; viewId: string; name: string }): SlackRequest {
  const view = { ...form.view, id: o.viewId, hash: `h${o.viewId}` };
  return viewSubmission({ teamId: o.teamId, userId: o.userId, view, stateValues: fillModal(view as never, { ...form.values, cluster_name: o.name }) });
}

/** One person of a workspace, in one of its channels. */
export interface Person {
  teamId: string;
  userId: string;
  channelId: string;
}

export function command(who: Person, text: string, triggerId: string, responseUrl?: string): SlackRequest {
  return slashCommand({ teamId: who.teamId, userId: who.userId, channelId: who.channelId, text, triggerId, ...(responseUrl === undefined ? {} : { responseUrl }) });
}

/** The person opens the bot's Home tab. */
export function homeOpened(who: Person): SlackRequest {
  return eventCallback({ teamId: who.teamId, event: { type: 'app_home_opened', user: who.userId, channel: `D${who.teamId.slice(1)}`, tab: 'home' } });
}

/** An admin's connect form, filled with the workspace's own Simplismart token. */
export function connectSubmission(admin: Person, token: string, org: string): SlackRequest {
  const view = { ...connectModal(undefined), id: `VCONNECT${admin.teamId}`, hash: 'hconnect' };
  return viewSubmission({
    teamId: admin.teamId,
    userId: admin.userId,
    view,
    stateValues: fillModal(view, { connect_token: token, connect_org: org, connect_hosted_zone: HOSTED_ZONE, connect_secret_id: SECRET_ID }),
  });
}

/** An admin's approval policy: every import needs one approval, from `approverId`. */
export function policySubmission(admin: Person, approverId: string): SlackRequest {
  const view = { ...policyModal(DEFAULT_POLICY, []), id: `VPOLICY${admin.teamId}`, hash: 'hpolicy' };
  return viewSubmission({
    teamId: admin.teamId,
    userId: admin.userId,
    view,
    stateValues: fillModal(view, { policy_required: ['required'], policy_users: [approverId], policy_approvals_needed: '1', policy_expiry_hours: '24' }),
  });
}

/** The approver clicks Approve on a request's card. */
export function approveClick(approver: Person, requestId: string, responseUrl: string): SlackRequest {
  return blockActions({ teamId: approver.teamId, userId: approver.userId, channelId: approver.channelId, blockId: 'approval', actionId: ACTION.approve, value: requestId, responseUrl });
}
