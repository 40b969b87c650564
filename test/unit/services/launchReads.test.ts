// How often launching a request reads the store: the thread's parent and the approval card are
// rendered from one snapshot of the request, read once per refresh — not re-assembled from three reads
// by each message.
import { APPROVER, readsIn, requireApproval, startWorld, submitImport, TEAM, type World } from './world.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

async function launchReads(launch: () => Promise<void>) {
  world.resetCounts();
  await launch();
  return { ...readsIn(world.counts), statements: world.counts.statements };
}

test('an import that needs no approval', async () => {
  const request = await submitImport(world);
  const reads = await launchReads(() => world.services.requests.launch(request));
  expect(world.simplismart.imports).toBe(1);
  console.log('no approval', JSON.stringify(reads));
});

test('an import waiting for approval', async () => {
  await requireApproval(world);
  const request = await submitImport(world);
  const reads = await launchReads(() => world.services.requests.launch(request));
  expect(world.slack.callsTo('chat.postMessage').length).toBeGreaterThanOrEqual(3);
  console.log('approval', JSON.stringify(reads));
});

test('an edited import that replaces a pending one', async () => {
  await requireApproval(world);
  const first = await submitImport(world);
  await world.services.requests.launch(first);
  const second = await submitImport(world, { replacesId: first.id });
  const reads = await launchReads(() => world.services.requests.launch(second));
  expect((await world.store.getRequest(first.id))?.state).toBe('cancelled');
  console.log('replacement', JSON.stringify(reads));
});

test('an approver approves, and the import runs', async () => {
  await requireApproval(world);
  const request = await submitImport(world);
  await world.services.requests.launch(request);
  const reads = await launchReads(async () => {
    await world.services.approvals.approve(request.id, APPROVER, TEAM, world.slack.client);
    await world.services.background.drain(5000);
  });
  expect(world.simplismart.imports).toBe(1);
  console.log('approve', JSON.stringify(reads));
});
