// The clusters a workspace imported through the bot, over signed HTTP: `/simplismart clusters` lists them
// (name, UUID, provider, region, node groups with those added later, who and when, the thread), one by
// name or UUID with its history of changes; and "Import a similar cluster" from an import's outcome and
// from `history`, which opens the import form filled from that request, name and slug left empty.
import { ALICE, BOB, ORG, TEAM, TEAM_TWO, validImportValues, fakeJwt, ORG_TWO } from '../support/fixtures.js';
import { clickToOpen, commandReply, connectWorkspace, openImportModal, openModalByCommand, requestIdIn, submitModal, textOf } from '../support/bot.js';
import { normalizeBlocks, shownIn } from '../support/modalState.js';
import { useBot, type Settled } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack and API JSON as the local servers recorded them. */
type Json = any;

const world = useBot({ slack: { users: { [ALICE]: {}, [BOB]: {} } } });
const { bot, slack, simplismart, settled } = world;

async function importCluster(name: string, values: Record<string, string> = {}, who = ALICE): Promise<Settled & { uuid: string }> {
  const view = await openImportModal(bot, slack, { text: 'provider=aws', userId: who });
  const id = requestIdIn(await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: name, ...values }), { userId: who }));
  const done = await settled(id, 'succeeded');
  return { ...done, uuid: simplismart.clusters.find((c) => c.name === name)!.uuid };
}

const allText = (reply: { text: string; blocks: unknown[] }) => `${reply.text}\n${JSON.stringify(reply.blocks)}`;

let north: Settled & { uuid: string };
let south: Settled & { uuid: string };
let change: Settled;

beforeAll(async () => {
  north = await importCluster('North', { ng_0_name: 'gpu-a10g' });
  world.clock.advance(60_000);
  south = await importCluster('South', { ng_0_name: 'cpu-pool', ng_0_acceleratorType: '', ng_0_acceleratorCount: '' }, BOB);
  world.clock.advance(60_000);
  const form = await clickToOpen(bot, slack, north.outcome, 'cluster_add_node_groups');
  change = await settled(requestIdIn(await submitModal(bot, form, { ng_0_name: 'gpu-h100', ng_0_machineType: 'p5.48xlarge' })), 'succeeded');
}, 30_000);

test('`/simplismart clusters` lists every cluster imported here: name, UUID, provider, region, node groups (with those added since), who, when, its thread', async () => {
  const reply = await commandReply(bot, slack, 'clusters');
  const text = allText(reply);
  for (const shown of ['North', north.uuid, 'aws', 'us-west-2', '2 node groups (`gpu-a10g`, `gpu-h100`)', `imported by <@${ALICE}>`, `${north.request.threadPermalink}|thread>`]) expect(text).toContain(shown);
  for (const shown of ['South', south.uuid, '1 node group (`cpu-pool`)', `imported by <@${BOB}>`]) expect(text).toContain(shown);
  // The most recently imported first, each with its button to add node groups.
  expect(text.indexOf('South')).toBeLessThan(text.indexOf('North'));
  const buttons = (reply.blocks as Json[]).flatMap((b) => (b.accessory === undefined ? [] : [b.accessory]));
  expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
    ['cluster_add_node_groups', south.request.id],
    ['cluster_add_node_groups', north.request.id],
  ]);
});

test('`/simplismart clusters <name>` (or its UUID): the cluster, its node groups marking the one added, its history of changes', async () => {
  for (const query of ['north', north.uuid]) {
    const text = allText(await commandReply(bot, slack, `clusters ${query}`));
    expect(text).toContain(`*North* · \`${north.uuid}\` · aws · us-west-2`);
    expect(text).toContain(`Imported by <@${ALICE}>`);
    expect(text).toContain('`gpu-a10g`');
    expect(text).toMatch(new RegExp(`\`gpu-h100\` — p5\\.48xlarge _\\(added with \`${change.request.id}\`\\)_`));
    expect(text).toContain(`imported it (\`${north.request.id}\`)`);
    expect(text).toMatch(new RegExp(`add \`gpu-h100\` — :large_green_circle: Node groups added \\(\`${change.request.id}\`\\)`));
    expect(text).toContain('request_import_similar');
  }
});

test('a name several clusters share asks for the UUID; a name none has says how to find one', async () => {
  await importCluster('South', { ng_0_name: 'other-pool', cluster_slug: 'south-two' });
  const ambiguous = allText(await commandReply(bot, slack, 'clusters South'));
  expect(ambiguous).toContain('2 clusters imported here are called “South”');
  expect(ambiguous).toContain(south.uuid);
  const none = await commandReply(bot, slack, 'clusters Atlantis');
  expect(none.text).toMatch(/^No cluster imported through the bot in this workspace is called “Atlantis”/);
});

test('another workspace sees none of these clusters', async () => {
  const other = fakeJwt();
  simplismart.addToken(other, ORG_TWO);
  await connectWorkspace(bot, TEAM_TWO, other, ORG_TWO);
  const reply = await commandReply(bot, slack, 'clusters', { teamId: TEAM_TWO });
  expect(reply.text).toMatch(/^No cluster has been imported through the bot in this workspace yet/);
  expect(allText(await commandReply(bot, slack, `clusters ${north.uuid}`, { teamId: TEAM_TWO }))).toContain('No cluster imported through the bot');
});

describe('Import a similar cluster', () => {
  test('from the outcome: the import form filled from that request, name and slug empty; the new import sends the same settings', async () => {
    const form = await clickToOpen(bot, slack, north.outcome, 'request_import_similar');
    expect(form.callback_id).toBe('import_cluster');
    expect(shownIn(form, 'cluster_name')).toBeUndefined();
    expect(shownIn(form, 'cluster_slug')).toBeUndefined();
    expect(shownIn(form, 'cluster_provider')).toBe('aws');
    expect(shownIn(form, 'cluster_region')).toBe('us-west-2');
    expect(shownIn(form, 'cluster_org')).toBe(ORG);
    expect(shownIn(form, 'ng_0_name')).toBe('gpu-a10g');
    expect(shownIn(form, 'ng_0_machineType')).toBe('g5.2xlarge');
    expect(textOf(form)).toContain(`Filled from request \`${north.request.id}\``);
    // The name is asked for again (Slack's client does not submit the form without it).
    expect(form.blocks.find((b: Json) => b.block_id === 'cluster_name').optional).toBe(false);
    const done = await settled(requestIdIn(await submitModal(bot, form, { cluster_name: 'North 2' })), 'succeeded');
    const sent = JSON.parse(done.request.payload);
    const original = JSON.parse(north.request.payload);
    expect(sent).toMatchObject({ ...original, name: 'North 2', slug: 'north-2', avatar: expect.any(Object) });
    expect(sent.nodegroup_labels).toEqual(original.nodegroup_labels);
  });

  test('from `history`: each import row carries the button', async () => {
    const reply = await commandReply(bot, slack, 'history');
    const rows = (reply.blocks as Json[]).filter((b) => b.accessory?.action_id === 'request_import_similar');
    expect(rows.map((b) => b.accessory.value)).toContain(south.request.id);
    // Node-group requests are listed too, without it.
    expect(allText(reply)).toContain(change.request.id);
    expect(rows.map((b) => b.accessory.value)).not.toContain(change.request.id);
    // The reply as Slack shows it (block ids given to blocks that had none).
    const message = { ...reply, channel: 'C0IMPORTS1', ts: '1.000001', blocks: normalizeBlocks(reply.blocks) };
    const form = await clickToOpen(bot, slack, message, 'request_import_similar');
    expect(shownIn(form, 'ng_0_name')).toBeDefined();
    expect(shownIn(form, 'cluster_name')).toBeUndefined();
  });

  test('`/simplismart nodegroups` offers these clusters by name', async () => {
    const form = await openModalByCommand(bot, slack, 'nodegroups', { teamId: TEAM });
    const menu = form.blocks.find((b: Json) => b.block_id === 'ngf_cluster');
    expect(menu.element.options.map((o: Json) => o.text.text)).toEqual(expect.arrayContaining(['North', 'South', 'Other (UUID)…']));
  });
});
