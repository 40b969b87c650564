// Slack payloads at the edges, over real signed HTTP: the longest import people can submit and the
// longest answers Simplismart can give are told in messages Slack accepts (the local Slack refuses
// what Slack refuses, msg_blocks_too_long included), so the outcome is never lost; the most approvers
// are listed without a mention cut in half; "nobody" is said one way; the accelerator menu never offers
// a value twice.
import type { ApprovalPolicy } from '../../src/domain/approvalPolicy.js';
import { MESSAGE_TEXT_BUDGET, NO_APPROVERS } from '../../src/views/blocks.js';
import { APPROVAL_NOTE_MAX } from '../../src/views/requestFormMeta.js';
import { MAX_NODE_GROUPS } from '../../src/views/nodeGroupEditor.js';
import { blockTextLength, suggestionProblems } from '../support/blockKitRules.js';
import { commandReply, eventually, openImportModal, requestIdIn, submitModal, type View } from '../support/bot.js';
import { ADMIN, ALICE, ORG, TEAM } from '../support/fixtures.js';
import { swollen, MANY_APPROVERS, maximalBody } from '../support/maximalImport.js';
import { fillModal, type FillValue } from '../support/modalState.js';
import { blockActions, blockSuggestion } from '../support/slackRequests.js';
import { expectWholeEntities, textsOf } from '../support/slackMessageLimits.js';
import { useBot } from '../support/world.js';

const { bot, slack, simplismart, settled } = useBot({ freshFakes: true });

beforeEach(async () => {
  await setPolicy({ required: false });
});

async function setPolicy(policy: Partial<ApprovalPolicy>): Promise<void> {
  await bot.store.saveApprovalPolicy(
    TEAM,
    { required: true, approverUserIds: [], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same', ...policy },
    ADMIN,
    bot.clock.now(),
  );
}

/** The form with six node groups (as many as it holds), every field at its limit. */
async function maximalForm(): Promise<{ view: View; values: Record<string, FillValue> }> {
  const body = maximalBody(ORG);
  let view = await openImportModal(bot, slack, { text: 'provider=aws' });
  for (let added = 1; added < MAX_NODE_GROUPS; added += 1) {
    const before = slack.callsTo('views.update').length;
    await bot.send(blockActions({ teamId: TEAM, userId: ALICE, actionId: 'nodegroup_add', blockId: 'nodegroup_actions', view, stateValues: fillModal(view, {}) }));
    await slack.waitFor('views.update', (c) => slack.callsTo('views.update').indexOf(c) >= before);
    view = slack.view(view.id) as View;
  }
  const values: Record<string, FillValue> = {
    cluster_name: body.name,
    cluster_slug: body.slug,
    cluster_provider: 'aws',
    cluster_region: body.region ?? '',
  };
  body.nodegroup_labels.forEach((group, slot) => {
    const c = group.node_config ?? {};
    Object.assign(values, {
      [`ng_${slot}_name`]: group.name,
      ...(group.is_auxilliary ? { [`ng_${slot}_auxiliary`]: ['auxiliary'] } : {}),
      [`ng_${slot}_machineType`]: c.machine_type,
      [`ng_${slot}_capacityType`]: c.capacity_type,
      [`ng_${slot}_minNodes`]: String(c.min_node_count),
      [`ng_${slot}_maxNodes`]: String(c.max_node_count),
      [`ng_${slot}_desiredNodes`]: String(c.desired_count),
      [`ng_${slot}_acceleratorType`]: c.accelerator_type,
      [`ng_${slot}_acceleratorCount`]: String(c.accelerator_count),
      [`ng_${slot}_vcpu`]: String(c.vcpu),
      [`ng_${slot}_memory`]: String(c.memory),
    });
  });
  return { view, values };
}

/** Every message the bot posted or updated was accepted, and its block text is within the bot's budget. */
function expectEveryMessageAccepted(): void {
  const messages = slack.calls.filter((c) => c.method.startsWith('chat.'));
  expect(messages.length).toBeGreaterThan(0);
  for (const call of messages) {
    expect({ method: call.method, text: String(call.args.text).slice(0, 60), answer: call.response?.error ?? 'ok' }).toMatchObject({ answer: 'ok' });
    expect(blockTextLength(call.args.blocks ?? [])).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
    for (const t of textsOf(call.args.blocks ?? [])) expectWholeEntities(t.text);
  }
}

describe('the longest import and the longest answers are told in messages Slack accepts', () => {
  test('a success whose answer has huge values: the outcome is posted, and every message of the thread', async () => {
    const { view, values } = await maximalForm();
    simplismart.nextResponse({
      kind: 'respond',
      status: 201,
      body: { uuid: swollen(5000, 'u'), name: swollen(5000, 'n'), status: swollen(5000, 's'), cluster_hosted_on: swollen(5000, 'p'), region: swollen(5000, 'r') },
      commit: true,
    });
    const id = requestIdIn(await submitModal(bot, view, values));
    const { request } = await settled(id, 'succeeded', { timeoutMs: 8000 });
    expect(JSON.parse(request.payload).nodegroup_labels).toHaveLength(MAX_NODE_GROUPS);
    expectEveryMessageAccepted();
  }, 15_000);

  test('a 422 with the longest message and 20 fields of long errors: the outcome with its button is posted', async () => {
    const { view, values } = await maximalForm();
    const fields = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [swollen(300, `f${i}`), Array.from({ length: 12 }, () => swollen(2000, 'e'))]));
    simplismart.nextResponse({ kind: 'respond', status: 422, body: { error: swollen(5000, 'm'), ...fields } });
    const id = requestIdIn(await submitModal(bot, view, values));
    await settled(id, 'failed', { timeoutMs: 8000 });
    expectEveryMessageAccepted();
    const outcome = slack.callsTo('chat.postMessage').find((c) => /^Import failed for /.test(String(c.args.text)));
    expect(JSON.stringify(outcome?.args.blocks)).toContain('request_edit');
  }, 15_000);

  test('the most approvers: the form’s note, the card and the waiting parent are accepted, mentions whole', async () => {
    await setPolicy({ ...MANY_APPROVERS, approvalsNeeded: 10 });
    const { view, values } = await maximalForm();
    const note = view.blocks[0].elements[0].text as string;
    expect(note).toMatch(/^:lock: Imports here need 10 approvals from <@U0APPR0000>, .*> and \d+ more before they run\.$/);
    expect(note.length).toBeLessThanOrEqual(APPROVAL_NOTE_MAX);
    expectWholeEntities(note);
    const id = requestIdIn(await submitModal(bot, view, values));
    await eventually(async () => expect((await bot.store.getRequest(id))?.cards).toHaveLength(1), 8000);
    expectEveryMessageAccepted();
  }, 15_000);
});

test('a policy that names no approvers: the import is refused, saying nobody the one way the bot says it', async () => {
  await setPolicy({ approverUserIds: [], approverGroupIds: [] });
  const reply = await commandReply(bot, slack, 'import');
  expect(reply.text).toContain(`Imports here need 1 approval from ${NO_APPROVERS}, and requesters never approve their own`);
  expect(slack.callsTo('views.open')).toHaveLength(0);
});

test('the accelerator menu offers each value once, whatever is typed (`none` included)', async () => {
  const view = await openImportModal(bot, slack);
  for (const typed of ['none', 'NONE', ' none ', '', 'nvidia-h100', 'h100', 'amd-mi300x', 'nvidia']) {
    const response = await bot.send(blockSuggestion({ teamId: TEAM, userId: ALICE, actionId: 'accelerator_type', blockId: 'ng_0_acceleratorType', value: typed, view }));
    expect(response.status).toBe(200);
    expect({ typed, problems: suggestionProblems(response.json) }).toEqual({ typed, problems: [] });
  }
});
