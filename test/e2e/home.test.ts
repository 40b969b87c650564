// The App Home over signed HTTP with the local Slack: published when someone opens it, with the sections
// an admin and a non-admin should see; "Waiting for you" by the card's own approver rules (groups
// included); refreshed when something on it changes — only for people who opened it, a change's burst
// coalesced; Approve from Home behaving exactly as on the card (one POST however it is clicked); a
// node-group request there in its own words, the workspace's clusters in short; the Import button and
// the global shortcut opening the command's form (named references offered), its thread in the person's DM.
import type { ApprovalPolicy } from '../../src/domain/approvalPolicy.js';
import type { ImportRequest } from '../../src/domain/importRequest.js';
import { THREAD_IN_DM_NOTE } from '../../src/views/home.js';
import { ACTION, SHORTCUT } from '../../src/views/ids.js';
import { connectWorkspace, eventually, findButton, openImportModal, openModalByCommand, pause, requestIdIn, submitAndWaitForCard, submitModal, textOf } from '../support/bot.js';
import { ADMIN, ALICE, BOB, CAROL, fakeJwt, HOSTED_ZONE, ORG, SECRET_ID, TEAM, validImportValues } from '../support/fixtures.js';
import { shownIn } from '../support/modalState.js';
import { blockActions, eventCallback, globalShortcut } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit as the local Slack holds it. */
type Json = any;

const DAVE = 'U0DAVE0005';
const ERIN = 'U0ERIN0006';
const LEADS = 'S0LEADS001';

const { bot, slack, simplismart, clock, settled, token } = useBot({
  slack: { users: { [ADMIN]: { is_admin: true }, [ALICE]: {}, [BOB]: {}, [CAROL]: {}, [DAVE]: {}, [ERIN]: {} }, groups: { [LEADS]: [CAROL] } },
});

/** Bob, Erin and the leads (Carol) approve; one approval is enough. */
const POLICY: ApprovalPolicy = { required: true, approverUserIds: [BOB, ERIN], approverGroupIds: [LEADS], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' };

beforeAll(async () => {
  await bot.store.saveApprovalPolicy(TEAM, POLICY, ADMIN, clock.now());
});

let clusters = 0;
/** Alice (or `who`) asks for an import; resolves once its approval card is posted. */
function submitForApproval(who = ALICE): Promise<ImportRequest> {
  clusters += 1;
  return submitAndWaitForCard(bot, slack, { userId: who, name: `Home cluster ${clusters}` });
}

const publishesFor = (userId: string) => slack.callsTo('views.publish').filter((c) => c.args.user_id === userId && c.response?.ok === true);

/** `userId` opens the Home tab; resolves with the Home view published for them (as the local Slack holds it). */
async function openHome(userId: string): Promise<Json> {
  const before = publishesFor(userId).length;
  expect((await bot.send(eventCallback({ teamId: TEAM, event: { type: 'app_home_opened', user: userId, channel: `D${userId.slice(1)}`, tab: 'home' } }))).status).toBe(200);
  await eventually(() => expect(publishesFor(userId).length).toBeGreaterThan(before));
  return slack.view(publishesFor(userId).at(-1)!.response.view.id);
}

const headers = (home: Json): string[] => home.blocks.filter((b: Json) => b.type === 'header').map((b: Json) => b.text.text);
const actionIds = (home: Json): string[] => home.blocks.flatMap((b: Json) => [...(b.elements ?? []), ...(b.accessory === undefined ? [] : [b.accessory])]).map((e: Json) => e.action_id).filter(Boolean);
/** The ids of the requests in "Waiting for you" (their Approve buttons). */
const waitingIds = (home: Json): string[] =>
  home.blocks.filter((b: Json) => String(b.block_id).startsWith('home_waiting_')).map((b: Json) => b.elements.find((e: Json) => e.action_id === ACTION.approve).value);

/** Clicks a button of someone's Home view, as Slack sends it (no response_url: answers go by DM). */
function clickOnHome(home: Json, userId: string, actionId: string, value?: string) {
  const block = home.blocks.find((b: Json) => [...(b.elements ?? []), ...(b.accessory === undefined ? [] : [b.accessory])].some((e: Json) => e.action_id === actionId && (value === undefined || e.value === value)));
  if (block === undefined) throw new Error(`no ${actionId} ${value ?? ''} on the Home of ${userId}`);
  return bot.send(blockActions({ teamId: TEAM, userId, actionId, blockId: block.block_id, view: home, ...(value === undefined ? {} : { value }) }));
}

test('on open, an admin’s Home: the connection as `status` shows it with Connect / Disconnect / Approval policy, Import, Waiting, their requests', async () => {
  const home = await openHome(ADMIN);
  expect(headers(home)).toEqual(['Simplismart connection', 'Import a cluster', 'Waiting for you', 'Your recent requests', 'Clusters']);
  expect(actionIds(home)).toEqual(expect.arrayContaining([ACTION.homeConnect, ACTION.homeDisconnect, ACTION.homePolicy, ACTION.homeImport]));
  const text = textOf(home);
  expect(text).toContain('Connected');
  expect(text).toContain(ORG);
  expect(text).toContain(`${token.slice(0, 4)}…${token.slice(-4)}`);
  expect(text).not.toContain(token);
  expect(home.blocks.length).toBeLessThanOrEqual(100);
});

test('a non-admin’s Home has no admin buttons, and warns like `status` when the token expires within 7 days', async () => {
  const soon = fakeJwt({ exp: Math.floor(clock.now() / 1000) + 3 * 86_400 });
  simplismart.addToken(soon, ORG);
  await connectWorkspace(bot, TEAM, soon, ORG);
  const home = await openHome(DAVE);
  expect(actionIds(home)).not.toEqual(expect.arrayContaining([ACTION.homeConnect]));
  expect(actionIds(home)).not.toContain(ACTION.homeDisconnect);
  expect(actionIds(home)).toContain(ACTION.homeImport);
  expect(textOf(home)).toMatch(/within 7 days/);
  await connectWorkspace(bot, TEAM, token, ORG);
});

test('“Waiting for you” holds what this person may approve — named approvers and group members — never the requester’s own', async () => {
  const request = await submitForApproval(ALICE);
  expect(waitingIds(await openHome(BOB))).toEqual([request.id]);
  expect(waitingIds(await openHome(CAROL))).toEqual([request.id]);
  expect(waitingIds(await openHome(DAVE))).toEqual([]);
  const alices = await openHome(ALICE);
  expect(waitingIds(alices)).toEqual([]);
  expect(textOf(alices)).toMatch(/Home cluster \d+\* — Waiting for approval/);
  await bot.services.approvals.cancel(request.id, ALICE, TEAM);
});

test('a change refreshes the Home of the people it concerns who opened theirs — coalesced — and of nobody else', async () => {
  await openHome(ERIN); // an approver who uses Home
  const request = await submitForApproval(ALICE);
  await eventually(() => expect(publishesFor(ERIN).at(-1)?.args.view.blocks.some((b: Json) => b.block_id === `home_waiting_${request.id}`)).toBe(true));
  slack.clearCalls();
  const ref = request.cards[0]!;
  const card = slack.message(ref.channel, ref.ts);
  const { blockId } = findButton(card.blocks, ACTION.approve);
  expect((await bot.send(blockActions({ teamId: TEAM, userId: BOB, actionId: ACTION.approve, blockId, message: card, channelId: ref.channel, responseUrl: slack.responseUrl() }))).status).toBe(200);
  await settled(request.id, 'succeeded');
  await eventually(() => {
    const last = publishesFor(ALICE).at(-1);
    expect(JSON.stringify(last?.args.view)).toMatch(/Home cluster \d+\* — Imported/);
  }, 4000);
  await pause(500);
  // The requester's, the approvers' who opened Home; the burst of steps (approved, importing, imported) in few publishes.
  for (const who of [ALICE, BOB, CAROL, ERIN]) expect(publishesFor(who).length).toBeGreaterThanOrEqual(1);
  for (const who of [ALICE, BOB, CAROL, ERIN]) expect(publishesFor(who).length).toBeLessThanOrEqual(2);
  expect(publishesFor(DAVE)).toHaveLength(0);
  expect(publishesFor(ADMIN)).toHaveLength(0);
  expect(waitingIds(slack.view(publishesFor(ERIN).at(-1)!.response.view.id))).not.toContain(request.id);
});

test('Approve from Home behaves as on the card: clicked twice there and once on the card at the same time, one POST', async () => {
  const request = await submitForApproval(ALICE);
  const home = await openHome(BOB);
  const carolsHome = await openHome(CAROL);
  expect(waitingIds(home)).toContain(request.id);
  const ref = request.cards[0]!;
  const card = slack.message(ref.channel, ref.ts);
  const { blockId } = findButton(card.blocks, ACTION.approve);
  const posts = () => simplismart.importRequests().filter((r) => r.json.name === JSON.parse(request.payload).name).length;
  const answers = await Promise.all([
    clickOnHome(home, BOB, ACTION.approve, request.id),
    clickOnHome(home, BOB, ACTION.approve, request.id),
    clickOnHome(carolsHome, CAROL, ACTION.approve, request.id),
    bot.send(blockActions({ teamId: TEAM, userId: CAROL, actionId: ACTION.approve, blockId, message: card, channelId: ref.channel, responseUrl: slack.responseUrl() })),
  ]);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
  await settled(request.id, 'succeeded');
  await pause(300);
  expect(posts()).toBe(1);
  // Those who clicked on Home (no response_url) were told by DM, as the notifier does everywhere.
  expect(slack.callsTo('chat.postMessage').some((c) => c.args.channel === BOB)).toBe(true);
});

test('Reject… from Home opens the card’s reject form after the same checks; someone who may not decide is told so', async () => {
  const request = await submitForApproval(ALICE);
  const davesHome = { ...(await openHome(DAVE)) };
  // Dave's Home has no buttons for it; a forged click is refused by the server-side check.
  davesHome.blocks = [...davesHome.blocks, { type: 'actions', block_id: 'forged', elements: [{ type: 'button', action_id: ACTION.reject, value: request.id, text: { type: 'plain_text', text: 'x' } }] }];
  await clickOnHome(davesHome, DAVE, ACTION.reject, request.id);
  await eventually(() => expect(slack.callsTo('chat.postMessage').some((c) => c.args.channel === DAVE && /Only .* can approve or reject/.test(String(c.args.text)))).toBe(true));
  const opened = slack.callsTo('views.open').length;
  await clickOnHome(await openHome(BOB), BOB, ACTION.reject, request.id);
  const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= opened);
  expect(call.args.view.callback_id).toBe('reject_import');
  await bot.services.approvals.cancel(request.id, ALICE, TEAM);
});

test('a node-group request on Home in its own words — waiting for its approver, among the requester’s recent requests — approved there; the workspace’s clusters in short', async () => {
  // Imports go straight through; adding node groups waits for the same approvers.
  await bot.store.saveApprovalPolicy(TEAM, { ...POLICY, required: false, nodeGroupsApproval: 'required' }, ADMIN, clock.now());
  try {
    const imported = requestIdIn(await submitModal(bot, await openImportModal(bot, slack, { text: 'provider=aws' }), validImportValues({ cluster_region: 'us-west-2', cluster_name: 'Home fleet' })));
    await settled(imported, 'succeeded');
    const form = await openModalByCommand(bot, slack, 'nodegroups Home fleet');
    const id = requestIdIn(await submitModal(bot, form, { ng_0_name: 'gpu-home', ng_0_capacityType: 'SPOT' }));
    await eventually(async () => expect((await bot.store.getRequest(id))?.cards).toHaveLength(1));

    const bobs = await openHome(BOB);
    expect(waitingIds(bobs)).toContain(id);
    const waiting = bobs.blocks.find((b: Json) => b.type === 'section' && String(b.text?.text).includes('gpu-home'));
    expect(waiting.text.text).toContain(`<@${ALICE}> wants to add 1 node group (\`gpu-home\`) to *Home fleet*`);
    const approveButton = bobs.blocks.find((b: Json) => b.block_id === `home_waiting_${id}`).elements.find((e: Json) => e.action_id === ACTION.approve);
    expect(approveButton.confirm.title.text).toBe('Approve this node-group change?');

    const alices = await openHome(ALICE);
    expect(textOf(alices)).toContain('1 node group (`gpu-home`) to *Home fleet* — Waiting for approval');
    const clusters = alices.blocks.slice(alices.blocks.findIndex((b: Json) => b.type === 'header' && b.text.text === 'Clusters'));
    expect(JSON.stringify(clusters)).toMatch(/\*Home fleet\* · aws · us-west-2 · 1 node group/);

    expect((await clickOnHome(bobs, BOB, ACTION.approve, id)).status).toBe(200);
    await settled(id, 'succeeded');
    expect(simplismart.nodeGroupRequests().map((r) => r.json.nodegroup_labels.map((g: Json) => g.name))).toEqual([['gpu-home']]);
    // Alice's Home is refreshed with the change's outcome and the cluster's new node group.
    await eventually(() => {
      const last = JSON.stringify(publishesFor(ALICE).at(-1)?.args.view);
      expect(last).toContain('1 node group (`gpu-home`) to *Home fleet* — Node groups added');
      expect(last).toMatch(/\*Home fleet\* · aws · us-west-2 · 2 node groups/);
    }, 4000);
  } finally {
    await bot.store.saveApprovalPolicy(TEAM, POLICY, ADMIN, clock.now());
  }
});

test('Import a cluster on Home, and the global shortcut, open the command’s form (the workspace’s named references offered); its thread goes to the person’s DM', async () => {
  await bot.store.saveApprovalPolicy(TEAM, { required: false, approverUserIds: [], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' }, ADMIN, clock.now());
  const names = [
    { kind: 'hosted_zone' as const, category: '', name: 'Production zone', uuid: HOSTED_ZONE },
    { kind: 'secret' as const, category: '', name: 'prod-eks kubeconfig', uuid: SECRET_ID },
  ];
  await bot.store.replaceReferences(TEAM, names, ADMIN, clock.now());
  for (const open of [
    async () => clickOnHome(await openHome(DAVE), DAVE, ACTION.homeImport),
    async () => bot.send(globalShortcut({ teamId: TEAM, userId: DAVE, callbackId: SHORTCUT.importCluster })),
  ]) {
    const opened = slack.callsTo('views.open').length;
    expect((await open()).status).toBe(200);
    const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= opened);
    expect(call.args.view.callback_id).toBe('import_cluster');
    expect(JSON.stringify(call.args.view.blocks)).toContain(THREAD_IN_DM_NOTE.slice(0, 40));
    // Pre-filled from the connection, as the command's form, the named hosted zone and secret offered by name.
    expect(JSON.stringify(call.args.view.blocks)).toContain(ORG);
    const view = slack.view(call.response.view.id);
    expect(shownIn(view, 'cluster_hostedZone_name')).toBe(HOSTED_ZONE);
    expect(shownIn(view, 'cluster_secretId_name')).toBe(SECRET_ID);
    const response = await submitModal(bot, view, validImportValues({ cluster_provider: 'kubernetes', cluster_name: `From outside a channel ${opened}` }), { userId: DAVE });
    const id = /ir-[a-z2-9]{8}/.exec(JSON.stringify(response.json.view))![0];
    const done = await settled(id, 'succeeded');
    expect(done.request.channelId).toBe(DAVE);
    expect(done.request.thread?.channel).toBe('D0DAVE0005');
    expect(simplismart.importRequests().at(-1)!.json).toMatchObject({ hosted_zone: HOSTED_ZONE, secret_id: SECRET_ID });
  }
  await bot.store.replaceReferences(TEAM, [], ADMIN, clock.now());
});

test('Disconnect on an admin’s Home: the same as the command, and the Home shows it; a non-admin’s click is refused', async () => {
  await clickOnHome({ ...(await openHome(DAVE)), blocks: [{ type: 'actions', block_id: 'forged', elements: [{ type: 'button', action_id: ACTION.homeDisconnect, text: { type: 'plain_text', text: 'x' } }] }] }, DAVE, ACTION.homeDisconnect);
  await eventually(() => expect(slack.callsTo('chat.postMessage').some((c) => c.args.channel === DAVE && /Only Slack workspace admins/.test(String(c.args.text)))).toBe(true));
  expect(await bot.store.getConnection(TEAM)).toBeDefined();

  const home = await openHome(ADMIN);
  const before = publishesFor(ADMIN).length;
  await clickOnHome(home, ADMIN, ACTION.homeDisconnect);
  await eventually(async () => expect(await bot.store.getConnection(TEAM)).toBeUndefined());
  await eventually(() => expect(publishesFor(ADMIN).length).toBeGreaterThan(before));
  expect(textOf(slack.view(publishesFor(ADMIN).at(-1)!.response.view.id))).toMatch(/Not connected/);
  await connectWorkspace(bot, TEAM, token, ORG);
});
