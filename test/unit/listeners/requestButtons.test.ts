// The buttons on a request's messages as plain functions of built arguments: they ack, ask a service,
// and tell the person who clicked through the notifier — where they clicked, or by DM when Slack no
// longer takes the response_url. They never read the store themselves.
import { approve, cancel, reject, viewPayload } from '../../../src/listeners/actions/requestButtons.js';
import { ACTION, CALLBACK } from '../../../src/views/ids.js';
import { decodeRejectMeta } from '../../../src/views/rejectModal.js';
import { APPROVER, OTHER_TEAM, OUTSIDER, REQUESTER, submitImport, useWorld } from '../services/world.js';
import { buttonArgs } from './args.js';

const world = useWorld({ approval: true });

async function pendingId(): Promise<string> {
  const request = await submitImport(world);
  await world.services.requests.launch(request);
  return request.id;
}

const dmsTo = (userId: string) => world.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === userId);

test('Approve by an approver: acked, decided by the service, told ephemerally where they clicked', async () => {
  const id = await pendingId();
  const { args, acks } = buttonArgs(world, { actionId: ACTION.approve, value: id, userId: APPROVER, responseUrl: world.local.responseUrl('approve-1') });
  await approve(args, world.services);
  expect(acks).toEqual([undefined]);
  expect(world.local.responsesTo('approve-1')).toEqual([expect.objectContaining({ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(/^Approved: the import is running/) })]);
  expect(dmsTo(APPROVER)).toEqual([]);
  await world.services.background.drain(5000);
  expect(world.local.imports).toBe(1);
});

test('Approve by the requester, with a response_url Slack no longer takes: refused, and told by DM instead', async () => {
  const id = await pendingId();
  world.local.refused.add('expired');
  const { args } = buttonArgs(world, { actionId: ACTION.approve, value: id, userId: REQUESTER, responseUrl: world.local.responseUrl('expired') });
  await approve(args, world.services);
  expect(dmsTo(REQUESTER).map((c) => c.args.text)).toEqual([expect.stringMatching(/^You asked for this import, so you can’t approve it yourself/)]);
  expect(world.local.imports).toBe(0);
});

test('a button naming another workspace’s request: “no longer exists”, by DM when there is no response_url', async () => {
  const id = await pendingId();
  for (const [press, actionId] of [
    [approve, ACTION.approve],
    [cancel, ACTION.cancel],
    [viewPayload, ACTION.viewPayload],
  ] as const) {
    const { args } = buttonArgs(world, { actionId, value: id, userId: OUTSIDER, teamId: OTHER_TEAM });
    await press(args, world.services);
  }
  expect(dmsTo(OUTSIDER).map((c) => c.args.text)).toEqual(['That request no longer exists.', 'That request no longer exists.', 'That request no longer exists.']);
  expect(world.slack.callsTo('views.open')).toEqual([]);
});

test('Reject asks the service whether the clicker may decide, then opens the form carrying the request and where they clicked', async () => {
  const id = await pendingId();
  const outsider = buttonArgs(world, { actionId: ACTION.reject, value: id, userId: OUTSIDER, responseUrl: world.local.responseUrl('reject-no') });
  await reject(outsider.args, world.services);
  expect(world.local.responsesTo('reject-no')[0].text).toMatch(/^Only <@U0APPROVER> can approve or reject/);
  expect(world.slack.callsTo('views.open')).toEqual([]);

  const url = world.local.responseUrl('reject-yes');
  const approver = buttonArgs(world, { actionId: ACTION.reject, value: id, userId: APPROVER, responseUrl: url, triggerId: 'trigger-reject' });
  await reject(approver.args, world.services);
  const [opened] = world.slack.callsTo('views.open');
  expect(opened?.args.trigger_id).toBe('trigger-reject');
  expect(opened?.args.view.callback_id).toBe(CALLBACK.rejectModal);
  expect(decodeRejectMeta(opened?.args.view.private_metadata)).toEqual({ id, u: url });
});
