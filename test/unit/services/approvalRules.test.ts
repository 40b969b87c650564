// Who may decide on a pending import, read off the Approvals service over a real store: approvers
// named or in a group, never the requester; only the requester cancels; another workspace's request is
// as absent as one that never existed; a click after the decision is told who decided.
import { APPROVER, OTHER_TEAM, OUTSIDER, REQUESTER, submitImport, TEAM, useWorld } from './world.js';

const world = useWorld({ approval: true });

async function pending() {
  const request = await submitImport(world);
  await world.services.requests.launch(request);
  return request;
}

test('the requester cannot approve their own import, even when named an approver', async () => {
  await world.store.saveApprovalPolicy(TEAM, { required: true, approverUserIds: [REQUESTER, APPROVER], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' }, 'U0ADMIN', world.now.value);
  const request = await pending();
  const reply = await world.services.approvals.approve(request.id, REQUESTER, TEAM, world.slack.client);
  expect(reply).toEqual({ ok: false, text: expect.stringMatching(/^You asked for this import, so you can’t approve it yourself/) });
  expect((await world.store.getRequest(request.id))?.state).toBe('pending_approval');
});

test('someone who is not an approver is refused, and told who can approve', async () => {
  const request = await pending();
  const reply = await world.services.approvals.approve(request.id, OUTSIDER, TEAM, world.slack.client);
  expect(reply).toEqual({ ok: false, text: `Only <@${APPROVER}> can approve or reject this import. Ask one of them, or an admin to change \`/simplismart approvals\`.` });
});

test('a member of an approver group may approve: members are looked up at the click', async () => {
  await world.store.saveApprovalPolicy(TEAM, { required: true, approverUserIds: [], approverGroupIds: ['S0PLATFORM'], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' }, 'U0ADMIN', world.now.value);
  const request = await pending();
  expect((await world.services.approvals.approve(request.id, OUTSIDER, TEAM, world.slack.client)).ok).toBe(false);
  world.slack.groupMembers['S0PLATFORM'] = [OUTSIDER];
  expect(await world.services.approvals.approve(request.id, OUTSIDER, TEAM, world.slack.client)).toEqual({ ok: true, text: expect.stringMatching(/^Approved: the import is running/) });
  await world.services.background.drain(5000);
  expect(world.local.imports).toBe(1);
});

test('another workspace’s request looks absent to every decision, and to lookups', async () => {
  const request = await pending();
  const gone = { ok: false, text: 'That request no longer exists.' };
  expect(await world.services.approvals.approve(request.id, APPROVER, OTHER_TEAM, world.slack.client)).toEqual(gone);
  expect(await world.services.approvals.reject(request.id, APPROVER, OTHER_TEAM, 'no', world.slack.client)).toEqual(gone);
  expect(await world.services.approvals.cancel(request.id, REQUESTER, OTHER_TEAM)).toEqual(gone);
  expect((await world.services.approvals.mayDecide(request.id, APPROVER, OTHER_TEAM, world.slack.client)).refusal).toEqual(gone);
  expect(await world.services.requests.findForTeam(request.id, OTHER_TEAM)).toBeUndefined();
  expect(await world.services.requests.trail(request.id, OTHER_TEAM)).toBeUndefined();
  expect((await world.store.getRequest(request.id))?.state).toBe('pending_approval');
});

test('only the requester cancels; approvers reject instead', async () => {
  const request = await pending();
  expect((await world.services.approvals.cancel(request.id, APPROVER, TEAM)).text).toMatch(/^Only <@U0REQUESTR>, who asked for this import, can cancel it/);
  expect(await world.services.approvals.cancel(request.id, REQUESTER, TEAM)).toEqual({ ok: true, text: 'Cancelled. Nothing will be imported.' });
});

test('a click after the decision is told who decided, from the same snapshot the card shows', async () => {
  const request = await pending();
  await world.services.approvals.reject(request.id, APPROVER, TEAM, 'Use SPOT', world.slack.client);
  const late = await world.services.approvals.approve(request.id, APPROVER, TEAM, world.slack.client);
  expect(late.ok).toBe(false);
  expect(late.text).toMatch(/^Too late: :no_entry: Rejected by <@U0APPROVER> at <!date\^\d+\^\{time\}\|[^>]+> <!date\^\d+\^\{date_short\}\|[^>]+>: “Use SPOT”$/);
  const card = world.slack.callsTo('chat.update').at(-1)?.args;
  expect(JSON.stringify(card?.blocks)).toContain(late.text.slice('Too late: '.length));
});

describe('adding node groups, under the policy', () => {
  let views = 0;
  const submitNodeGroups = (sourceKey = `V0NODEGROUPS${(views += 1)}`) =>
    world.services.requests.submit({
      kind: 'add_node_groups',
      cluster: { id: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', name: 'Prod', thread: null },
      body: { org: '54360212-2263-44c6-afaf-1333544854f7', nodegroup_labels: [{ name: 'gpu-h100', is_auxilliary: false }] },
      teamId: TEAM,
      enterpriseId: null,
      userId: REQUESTER,
      channelId: 'C0UNITCHAN',
      sourceKey,
      replacesId: null,
      responseUrl: null,
    });
  const policy = (nodeGroupsApproval: 'same' | 'required' | 'not_required', required: boolean) =>
    world.store.saveApprovalPolicy(TEAM, { required, approverUserIds: [APPROVER], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval }, 'U0ADMIN', world.now.value);

  test('waits for approval as an import does by default; runs at once when the policy says never; waits when it says always', async () => {
    await policy('same', true);
    expect((await submitNodeGroups()).request).toMatchObject({ kind: 'add_node_groups', state: 'pending_approval', approval: { approverUserIds: [APPROVER] } });
    await policy('not_required', true);
    expect((await submitNodeGroups()).request).toMatchObject({ state: 'approved', approval: null });
    await policy('required', false);
    expect((await submitNodeGroups()).request).toMatchObject({ state: 'pending_approval' });
  });

  test('one submitted form is one request, however often it arrives', async () => {
    const first = await submitNodeGroups('V0SAMEVIEW');
    expect(first.created).toBe(true);
    expect(await submitNodeGroups('V0SAMEVIEW')).toEqual({ request: first.request, created: false });
  });
});
