// How often the store is read while a request is launched and decided: every refresh of its messages
// reads one snapshot (request, votes, decision) that the thread's parent and the approval card are both
// rendered from; a lookup by id is one read. (Before snapshots, the same paths made 4, 2, 8 and 14
// reads: the parent and the card each read the votes and the audit trail again. An import needing no
// approval made 3 until its parent said "Importing" from the start instead of being updated to.)
import { APPROVER, readsIn, requireApproval, submitImport, TEAM, useWorld } from './world.js';

const world = useWorld();

async function readsDuring(work: () => Promise<void>) {
  world.resetCounts();
  await work();
  return readsIn(world.counts).byMethod;
}

test('an import that needs no approval: the thread guard, one refresh (after the outcome), the token', async () => {
  const request = await submitImport(world);
  const reads = await readsDuring(() => world.services.requests.launch(request));
  expect(world.local.imports).toBe(1);
  expect(reads).toEqual({ getSnapshot: 2, getConnection: 1 });
});

test('an import waiting for approval: one snapshot, the parent rendered from it', async () => {
  await requireApproval(world);
  const request = await submitImport(world);
  const reads = await readsDuring(() => world.services.requests.launch(request));
  expect(world.slack.callsTo('chat.postMessage').map((c) => c.args.text)).toEqual([
    expect.stringMatching(/^Waiting for approval/),
    expect.stringMatching(/submitted the import/),
    expect.stringMatching(/^Approval needed/),
  ]);
  expect(reads).toEqual({ getSnapshot: 1 });
});

test('an edited import replacing a pending one: the old one is found once and refreshed from one snapshot', async () => {
  await requireApproval(world);
  const first = await submitImport(world);
  await world.services.requests.launch(first);
  const second = await submitImport(world, { replacesId: first.id });
  const reads = await readsDuring(() => world.services.requests.launch(second));
  expect((await world.store.getRequest(first.id))?.state).toBe('cancelled');
  expect(reads).toEqual({ getSnapshot: 2, getRequest: 1 });
});

test('an approver approves and the import runs: one lookup, a snapshot per refresh, the token', async () => {
  await requireApproval(world);
  const request = await submitImport(world);
  await world.services.requests.launch(request);
  const reads = await readsDuring(async () => {
    await world.services.approvals.approve(request.id, APPROVER, TEAM, world.slack.client);
    await world.services.background.drain(5000);
  });
  expect(world.local.imports).toBe(1);
  expect(reads).toEqual({ getRequest: 1, getSnapshot: 3, getConnection: 1 });
});
