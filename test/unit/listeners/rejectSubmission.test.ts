// The reject form's submission as a plain function: the form closes at once, the service decides after,
// and the approver hears the result where they clicked Reject — or by DM when that no longer works.
import { rejectSubmission } from '../../../src/listeners/views/rejectSubmission.js';
import { CALLBACK, INPUT_ACTION, REJECT_BLOCK } from '../../../src/views/ids.js';
import { rejectModal } from '../../../src/views/rejectModal.js';
import { APPROVER, submitImport, useWorld } from '../services/world.js';
import { submissionArgs } from './args.js';

const world = useWorld({ approval: true });

async function submit(privateMetadata: string, reason: string) {
  const built = submissionArgs(world, {
    callbackId: CALLBACK.rejectModal,
    privateMetadata,
    values: { [REJECT_BLOCK.reason]: { [INPUT_ACTION]: { type: 'plain_text_input', value: reason } } },
    userId: APPROVER,
  });
  await rejectSubmission(built.args, world.services);
  await world.services.background.drain(5000);
  return built.acks;
}

async function pending() {
  const request = await submitImport(world);
  await world.services.requests.launch(request);
  return request;
}

test('closes the form, rejects, and tells the approver where they clicked', async () => {
  const request = await pending();
  const acks = await submit(rejectModal(request, world.local.responseUrl('card-click')).private_metadata!, '  Use SPOT capacity  ');
  expect(acks).toEqual([{ response_action: 'clear' }]);
  expect((await world.store.getSnapshot(request.id))?.decision).toMatchObject({ toState: 'rejected', actorId: APPROVER, note: 'Use SPOT capacity' });
  expect(world.local.responsesTo('card-click').map((r) => r.text)).toEqual(['Rejected. The requester is told why in the thread.']);
});

test('the click’s response_url no longer works: the result comes by DM', async () => {
  const request = await pending();
  world.local.refused.add('card-click');
  await submit(rejectModal(request, world.local.responseUrl('card-click')).private_metadata!, 'Use SPOT capacity');
  expect(world.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === APPROVER).map((c) => c.args.text)).toEqual(['Rejected. The requester is told why in the thread.']);
});

test('a reason too short, or metadata this bot did not write, is refused under the field; nothing is decided', async () => {
  const request = await pending();
  expect(await submit(rejectModal(request).private_metadata!, 'no')).toEqual([{ response_action: 'errors', errors: { [REJECT_BLOCK.reason]: expect.stringMatching(/^Say why/) } }]);
  expect(await submit(request.id, 'A good reason')).toEqual([{ response_action: 'errors', errors: { [REJECT_BLOCK.reason]: expect.stringMatching(/out of date/) } }]);
  expect((await world.store.getRequest(request.id))?.state).toBe('pending_approval');
});
