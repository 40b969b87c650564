// `/simplismart approvals`: admins change the policy through its form; anyone reads it; the form
// refuses a policy that could never be met.
import { commandReply, runCommand } from '../support/bot.js';
import { ADMIN, ALICE, BOB, CAROL, TEAM } from '../support/fixtures.js';
import { fillModal } from '../support/modalState.js';
import { viewSubmission } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

const LEADS = 'S0LEADS001';
const APPROVALS_CHANNEL = 'C0APPROVAL';

const { bot, slack } = useBot({
  slack: { users: { [ADMIN]: { is_admin: true }, [ALICE]: {}, [BOB]: {}, [CAROL]: {} } },
  beforeStart: ({ slack }) => slack.setGroupMembers(LEADS, [BOB], { handle: 'platform-leads', name: 'Platform leads' }),
});

async function openPolicyForm(): Promise<Record<string, unknown> & { id: string }> {
  const before = slack.callsTo('views.open').length;
  await runCommand(bot, 'approvals', { userId: ADMIN });
  await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= before);
  return slack.lastView() as Record<string, unknown> & { id: string };
}

function submit(view: Record<string, unknown>, values: Parameters<typeof fillModal>[1], userId = ADMIN) {
  return bot.send(viewSubmission({ teamId: TEAM, userId, view, stateValues: fillModal(view, values) }));
}

test('an admin sets the policy through the form; it is stored and confirmed', async () => {
  const view = await openPolicyForm();
  expect(JSON.stringify(view)).toContain('@platform-leads');
  const response = await submit(view, {
    policy_required: ['required'],
    policy_users: [BOB, CAROL],
    policy_groups: [LEADS],
    policy_approvals_needed: '2',
    policy_expiry_hours: '2',
    policy_channel: APPROVALS_CHANNEL,
  });
  expect(response.json).toMatchObject({ response_action: 'update' });
  expect(JSON.stringify(response.json)).toContain('2 approvals');
  const policy = await bot.store.getApprovalPolicy(TEAM);
  expect(policy).toMatchObject({
    required: true,
    approverUserIds: [BOB, CAROL],
    approverGroupIds: [LEADS],
    approvalsNeeded: 2,
    expirySeconds: 7200,
    approvalsChannelId: APPROVALS_CHANNEL,
    updatedBy: ADMIN,
  });
  // Opening the form again shows what is stored.
  const again = JSON.stringify(await openPolicyForm());
  expect(again).toContain(BOB);
  expect(again).toContain(APPROVALS_CHANNEL);
});

test('anyone else reads the policy, ephemerally, and gets no form', async () => {
  const opened = slack.callsTo('views.open').length;
  const reply = await commandReply(bot, slack, 'approvals', { userId: ALICE });
  expect(JSON.stringify(reply.blocks)).toContain(`<@${BOB}>`);
  expect(JSON.stringify(reply.blocks)).toContain('Only workspace admins can change it');
  expect(slack.callsTo('views.open')).toHaveLength(opened);
});

test('a policy that could never be met is refused under the field to fix', async () => {
  const view = await openPolicyForm();
  const noApprovers = await submit(view, { policy_required: ['required'], policy_users: [], policy_groups: [] });
  expect(noApprovers.json).toMatchObject({ response_action: 'errors', errors: { policy_users: expect.stringMatching(/at least one approver/) } });
  const tooMany = await submit(view, { policy_required: ['required'], policy_users: [BOB, CAROL], policy_groups: [], policy_approvals_needed: '3' });
  expect(tooMany.json).toMatchObject({ response_action: 'errors', errors: { policy_approvals_needed: expect.stringMatching(/at most 2/) } });
});

test('a single approver is warned that their own imports will need someone else', async () => {
  const view = await openPolicyForm();
  const response = await submit(view, { policy_required: ['required'], policy_users: [BOB], policy_groups: [], policy_approvals_needed: '1' });
  expect(JSON.stringify(response.json)).toMatch(/Requesters never approve their own imports/);
});

test('a non-admin who submits the form (opened before losing the role, or forged) changes nothing', async () => {
  const view = await openPolicyForm();
  const before = await bot.store.getApprovalPolicy(TEAM);
  const response = await submit(view, { policy_required: [], policy_users: [], policy_groups: [] }, ALICE);
  expect(response.json).toMatchObject({ response_action: 'errors' });
  expect(await bot.store.getApprovalPolicy(TEAM)).toEqual(before);
});
