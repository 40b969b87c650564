// "Fill from my nodes" over signed HTTP with the local Slack: the button pushes the small modal, a paste
// or an attached file (served by the local Slack's files.info and private URL) is read, the form
// underneath is updated in place — the cluster fields as typed, the proposed groups, the findings with
// their kubectl label commands on top — and nothing reaches Simplismart until the form is submitted; then
// the request's thread and audit trail say where the groups came from (on SQLite and PostgreSQL). What
// cannot be read is answered under the input: another workspace's file, a file over the cap (its size
// from files.info or as it streams), hostile input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALICE, TEAM } from '../support/fixtures.js';
import { eventually, openImportModal, openModalByCommand, requestIdIn, submitModal, textOf, type TestBot, type View } from '../support/bot.js';
import { fillModal, shownIn, type StateValues } from '../support/modalState.js';
import { blockActions, viewSubmission, type BotResponse } from '../support/slackRequests.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { postgresDatabase, sqliteFile, useBot, type BotDatabase } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack JSON as the local Slack holds it. */
type Json = any;

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'nodes');
const EKS_JSON = readFileSync(join(FIXTURES, 'eks-managed.json'), 'utf8');
/** The header and three nodes of the EKS `--show-labels` table: what fits in the text box. */
const EKS_TABLE = readFileSync(join(FIXTURES, 'eks-show-labels.txt'), 'utf8').split('\n').slice(0, 4).join('\n');
const OTHER_TEAM = 'T0OTHERTEAM';

/** Clicks "Fill from my nodes" in `form` (typed as `typed`) and returns the modal pushed over it. */
async function clickFill(bot: TestBot, slack: FakeSlack, form: View, typed: StateValues): Promise<View> {
  const before = slack.callsTo('views.push').length;
  const response = await bot.send(blockActions({ teamId: TEAM, userId: ALICE, actionId: 'nodegroup_fill_from_nodes', blockId: 'nodegroup_actions', view: form, stateValues: typed }));
  expect(response.status).toBe(200);
  const call = await slack.waitFor('views.push', (c) => slack.callsTo('views.push').indexOf(c) >= before);
  expect(call.response.ok).toBe(true);
  return slack.view(call.response.view.id) as View;
}

/** Submits the pushed modal with a paste and/or files (by id and name, as Slack sends a file input's state). */
function submitFill(bot: TestBot, pushed: View, o: { text?: string; files?: Array<{ id: string; name: string }> }): Promise<BotResponse> {
  const state = fillModal(pushed, o.text === undefined ? {} : { fill_text: o.text });
  if (o.files !== undefined) state['fill_files'] = { value: { type: 'file_input', files: o.files.map((f) => ({ id: f.id, name: f.name, title: f.name })) } as Json };
  return bot.send(viewSubmission({ teamId: TEAM, userId: ALICE, view: pushed, stateValues: state }));
}

/** The form after its update by the fill, as the local Slack holds it. */
async function filled(slack: FakeSlack, form: View, before: number): Promise<View> {
  const call = await slack.waitFor('views.update', (c) => c.args.view_id === form.id && slack.callsTo('views.update').indexOf(c) >= before, { timeoutMs: 5000 });
  expect(call.response.ok).toBe(true);
  return slack.view(form.id) as View;
}

function groupNames(view: View): string[] {
  return (view.blocks).filter((b) => /^ng_\d+_name$/.test(String(b.block_id))).map((b) => String(b.element.initial_value ?? ''));
}

describe.each<[string, () => BotDatabase | Promise<BotDatabase>]>([
  ['sqlite', sqliteFile],
  ['postgres', postgresDatabase],
])('Fill from my nodes on %s', (_engine, database) => {
  const world = useBot({ freshFakes: true, database, slack: { teams: { [OTHER_TEAM]: { name: 'Other' } } } });
  const { bot, slack, simplismart, settled } = world;

  test('a file: the form underneath is filled in place — fields kept, groups proposed, findings with their commands on top — and the request’s thread and audit say where the groups came from', async () => {
    const form = await openImportModal(bot, slack, { text: 'provider=aws' });
    const typed = fillModal(form, { cluster_name: 'Fleet West', cluster_region: 'us-west-2' });
    const pushed = await clickFill(bot, slack, form, typed);
    expect(pushed.callback_id).toBe('fill_from_nodes');
    expect(slack.viewStack(form.id)).toEqual([form.id, pushed.id]);
    const block = (pushed.blocks).find((b) => b.block_id === 'fill_files');
    expect(block.element).toMatchObject({ type: 'file_input', filetypes: ['json', 'yaml', 'yml', 'txt'], max_files: 3 });

    const fileId = slack.addFile({ name: 'nodes.json', content: EKS_JSON });
    const updates = slack.callsTo('views.update').length;
    const response = await submitFill(bot, pushed, { files: [{ id: fileId, name: 'nodes.json' }] });
    expect(response.status).toBe(200);
    // A plain ack: the pushed modal closes, the form underneath shows again.
    expect(response.text).toBe('');
    const after = await filled(slack, form, updates);

    // The file was read with this workspace's own token, through files.info and its private URL.
    const info = slack.callsTo('files.info').at(-1)!;
    expect(info.args.file).toBe(fileId);
    const download = slack.callsTo('files-pri').at(-1)!;
    expect(download.token).toBe(info.token);
    expect(download.status).toBe(200);
    // Updated in place, guarded by the hash it had when the button was clicked.
    const update = slack.callsTo('views.update').at(-1)!;
    expect(update.args.hash).toBe(form.hash);

    expect(shownIn(after, 'cluster_name')).toBe('Fleet West');
    expect(shownIn(after, 'cluster_region')).toBe('us-west-2');
    expect(shownIn(after, 'cluster_provider')).toBe('aws');
    expect(groupNames(after)).toEqual(['gpu-a10g', 'gpu-spot', 'system']);
    const text = textOf(after);
    expect(text).toContain('Node groups proposed from 6 nodes of the file nodes.json (kubectl-json)');
    expect(text).toContain("kubectl label nodes -l 'eks.amazonaws.com/nodegroup=gpu-a10g,!simplismart.ai/node-pool-name' simplismart.ai/node-pool-name=gpu-a10g");
    expect(text).toContain('1 NotReady');
    expect(after.blocks.length).toBeLessThanOrEqual(100);
    // Nothing went to Simplismart yet.
    expect(simplismart.importRequests()).toEqual([]);

    // The person completes what nodes cannot tell and submits the form as always: every check still applies.
    const slots = (after.blocks).map((b) => /^ng_(\d+)_name$/.exec(String(b.block_id))?.[1]).filter((s): s is string => s !== undefined);
    const submitted = await submitModal(bot, after, { [`ng_${slots[1]}_acceleratorCount`]: '1' });
    if (submitted.json?.response_action !== "update") throw new Error(JSON.stringify(submitted.json));
    const id = requestIdIn(submitted);
    const done = await settled(id, 'succeeded');
    expect(done.request.provenance).toBe('Node groups proposed from 6 nodes of the file nodes.json (kubectl-json) with “Fill from my nodes”.');
    expect(JSON.stringify(done.parent.blocks)).toContain('Node groups proposed from 6 nodes of the file nodes.json');
    const trail = await bot.store.listEvents(id);
    expect(trail[0]!.note).toBe('submitted; approval not required; Node groups proposed from 6 nodes of the file nodes.json (kubectl-json) with “Fill from my nodes”.');
    const posted = simplismart.importRequests();
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]!.json)).toContain('"gpu-a10g"');
    // The dump itself is nowhere in the store, and neither it nor the file's address is in the logs (debug
    // level, where the Web API client logs every request: the filled form, whose findings name nodes, is
    // the proposal; the node's uid and its images are the dump's alone).
    expect(JSON.stringify(await bot.store.getRequest(id))).not.toContain('ip-10-0-1-11');
    expect(bot.logs.join('\n')).not.toContain('5e1f0b9c-0000-4000-8000-c8a475fc53c0');
    expect(bot.logs.join('\n')).not.toContain('registry.k8s.io/pause');
    expect(bot.logs.join('\n')).not.toContain('files-pri');
    expect(bot.logs.length).toBeGreaterThan(10);
  });
});

describe('Fill from my nodes: carriers and refusals', () => {
  const world = useBot({ freshFakes: true, slack: { teams: { [OTHER_TEAM]: { name: 'Other' } } } });
  const { bot, slack } = world;

  async function pushedOverImportForm(): Promise<{ form: View; pushed: View }> {
    const form = await openImportModal(bot, slack, { text: 'provider=aws' });
    const pushed = await clickFill(bot, slack, form, fillModal(form, { cluster_name: 'Fleet West', cluster_region: 'us-west-2' }));
    return { form, pushed };
  }

  test('a paste: the form filled in place from the table, its typed fields kept', async () => {
    const { form, pushed } = await pushedOverImportForm();
    const updates = slack.callsTo('views.update').length;
    const response = await submitFill(bot, pushed, { text: EKS_TABLE });
    expect(response.text).toBe('');
    const after = await filled(slack, form, updates);
    expect(shownIn(after, 'cluster_name')).toBe('Fleet West');
    expect(groupNames(after)).toEqual(['system']);
    expect(textOf(after)).toContain('Node groups proposed from 3 nodes of a paste (kubectl-show-labels)');
    // No file was asked for.
    expect(slack.callsTo('files.info')).toEqual([]);
  });

  test('cluster fields left empty are filled from what the nodes say; typed ones are kept, and a disagreement is said', async () => {
    const empty = await openImportModal(bot, slack);
    const pushed = await clickFill(bot, slack, empty, fillModal(empty, { cluster_name: 'Fleet West' }));
    let updates = slack.callsTo('views.update').length;
    await submitFill(bot, pushed, { text: EKS_TABLE });
    const after = await filled(slack, empty, updates);
    expect(shownIn(after, 'cluster_provider')).toBe('aws');
    expect(shownIn(after, 'cluster_region')).toBe('us-west-2');
    expect(shownIn(after, 'cluster_name')).toBe('Fleet West');
    expect(textOf(after)).toContain('Filled from the nodes where the form was empty: provider aws, region us-west-2.');

    const gcp = await openImportModal(bot, slack, { text: 'provider=gcp' });
    const pushedGcp = await clickFill(bot, slack, gcp, fillModal(gcp, { cluster_name: 'Fleet West', cluster_region: 'us-central1' }));
    updates = slack.callsTo('views.update').length;
    await submitFill(bot, pushedGcp, { text: EKS_TABLE });
    const afterGcp = await filled(slack, gcp, updates);
    expect(shownIn(afterGcp, 'cluster_provider')).toBe('gcp');
    expect(shownIn(afterGcp, 'cluster_region')).toBe('us-central1');
    expect(textOf(afterGcp)).toContain(':warning: The nodes say provider aws (the form says gcp)');
  });

  test('a file of another workspace is refused under the file input, and nothing is downloaded', async () => {
    const { form, pushed } = await pushedOverImportForm();
    const fileId = slack.addFile({ name: 'nodes.json', content: EKS_JSON, teamId: OTHER_TEAM, sharedWith: [TEAM] });
    const response = await submitFill(bot, pushed, { files: [{ id: fileId, name: 'nodes.json' }] });
    expect(response.json).toEqual({ response_action: 'errors', errors: { fill_files: expect.stringContaining('nodes.json: This file belongs to another workspace') } });
    expect(slack.callsTo('files-pri')).toEqual([]);
    expect(slack.callsTo('views.update').filter((c) => c.args.view_id === form.id)).toEqual([]);
  });

  test('the local Slack refuses another workspace’s token for a file it was not shared with (files.info and the private URL)', async () => {
    const fileId = slack.addFile({ name: 'nodes.json', content: EKS_JSON, teamId: OTHER_TEAM });
    slack.addToken('xoxb-other', { teamId: OTHER_TEAM });
    const own = await fetch(`${slack.apiUrl}files.info?file=${fileId}`, { headers: { authorization: 'Bearer xoxb-other' } }).then((r) => r.json() as Promise<Json>);
    expect(own.ok).toBe(true);
    const url = own.file.url_private as string;
    slack.addToken('xoxb-mine', { teamId: TEAM });
    const mine = await fetch(`${slack.apiUrl}files.info?file=${fileId}`, { headers: { authorization: 'Bearer xoxb-mine' } }).then((r) => r.json() as Promise<Json>);
    expect(mine).toEqual({ ok: false, error: 'file_not_found' });
    expect((await fetch(url, { headers: { authorization: 'Bearer xoxb-mine' } })).status).toBe(404);
    expect((await fetch(url, { headers: { authorization: 'Bearer xoxb-other' } })).status).toBe(200);
  });

  test('a file over the cap is refused with the cap, from files.info before any download', async () => {
    const { pushed } = await pushedOverImportForm();
    const fileId = slack.addFile({ name: 'nodes.json', content: EKS_JSON, size: 11 * 1024 * 1024 });
    const response = await submitFill(bot, pushed, { files: [{ id: fileId, name: 'nodes.json' }] });
    expect(response.json.errors.fill_files).toContain('the bot reads files up to 10 MB');
    expect(slack.callsTo('files-pri')).toEqual([]);
  });

  test('a file larger than files.info said is cut off as it streams, and refused with the cap', async () => {
    const { pushed } = await pushedOverImportForm();
    const fileId = slack.addFile({ name: 'nodes.json', content: Buffer.alloc(11 * 1024 * 1024, 0x20), size: 1000, chunked: true });
    const response = await submitFill(bot, pushed, { files: [{ id: fileId, name: 'nodes.json' }] });
    expect(response.json.errors.fill_files).toContain('larger than 10 MB, the most the bot reads');
  });

  test('hostile or wrong input is answered under its input, clearly, and the form is not touched', async () => {
    const { form, pushed } = await pushedOverImportForm();
    const cases: Array<[{ text?: string; files?: Array<{ id: string; name: string }> }, string, RegExp]> = [
      [{}, 'fill_text', /There is nothing to read/],
      [{ text: `${'['.repeat(2900)}` }, 'fill_text', /nests deeper than 64 levels|cut off/],
      [{ text: readFileSync(join(FIXTURES, 'pods.json'), 'utf8') }, 'fill_text', /Pods, not Nodes/],
      [{ files: [{ id: slack.addFile({ name: 'bomb.yaml', content: `a: &a ["x","x"]\n${Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`).join('\n')}\n` }), name: 'bomb.yaml' }] }, 'fill_files', /bomb\.yaml: /],
      [{ files: [{ id: slack.addFile({ name: 'photo.png', content: 'x', filetype: 'png' }), name: 'photo.png' }] }, 'fill_files', /reads JSON, YAML or text files/],
      [{ files: [{ id: 'F0NOSUCHFILE', name: 'gone.json' }] }, 'fill_files', /gone\.json: Slack says this file is not there/],
    ];
    for (const [given, block, said] of cases) {
      const started = Date.now();
      const response = await submitFill(bot, pushed, given);
      expect(Date.now() - started).toBeLessThan(2500);
      expect(response.json?.response_action).toBe('errors');
      expect(Object.keys(response.json.errors)).toEqual([block]);
      expect(response.json.errors[block]).toMatch(said);
    }
    expect(slack.callsTo('views.update').filter((c) => c.args.view_id === form.id)).toEqual([]);
  });

  test('a slow file: the modal closes within Slack’s 3 seconds and the form is filled once the file is read', async () => {
    const { form, pushed } = await pushedOverImportForm();
    const fileId = slack.addFile({ name: 'nodes.json', content: EKS_JSON, delayMs: 2600 });
    const updates = slack.callsTo('views.update').length;
    const response = await submitFill(bot, pushed, { files: [{ id: fileId, name: 'nodes.json' }] });
    expect(response.text).toBe('');
    expect(response.ms).toBeLessThan(3000);
    // Closed before the file arrived…
    expect(slack.callsTo('files-pri').filter((c) => c.status !== undefined)).toEqual([]);
    // …and the form filled after it did.
    const after = await filled(slack, form, updates);
    expect(groupNames(after)).toEqual(['gpu-a10g', 'gpu-spot', 'system']);
    expect(shownIn(after, 'cluster_name')).toBe('Fleet West');
  }, 15_000);

  test('a slow files.info counts against the same budget: the modal still closes within Slack’s 3 seconds', async () => {
    const { form, pushed } = await pushedOverImportForm();
    const fileId = slack.addFile({ name: 'nodes.json', content: EKS_JSON });
    slack.failNext('files.info', { delayMs: 2400 });
    const updates = slack.callsTo('views.update').length;
    const response = await submitFill(bot, pushed, { files: [{ id: fileId, name: 'nodes.json' }] });
    expect(response.text).toBe('');
    expect(response.ms).toBeLessThan(3000);
    expect(groupNames(await filled(slack, form, updates))).toEqual(['gpu-a10g', 'gpu-spot', 'system']);
  }, 15_000);

  test('a slow file that cannot be read: the modal closed already, so the person is told where only they see it, and the form is left alone', async () => {
    const { form, pushed } = await pushedOverImportForm();
    const fileId = slack.addFile({ name: 'pods.json', content: readFileSync(join(FIXTURES, 'pods.json'), 'utf8'), delayMs: 2600 });
    const response = await submitFill(bot, pushed, { files: [{ id: fileId, name: 'pods.json' }] });
    expect(response.text).toBe('');
    // The command's response_url is gone (this one never worked), so by the app's DM with the person.
    const told = await slack.waitFor('chat.postMessage', (c) => JSON.stringify(c.args).includes('couldn’t fill the form from pods.json'), { timeoutMs: 5000 });
    expect(JSON.stringify(told.args)).toContain('Pods, not Nodes');
    expect(told.args.channel).toBe(ALICE);
    expect(slack.callsTo('views.update').filter((c) => c.args.view_id === form.id)).toEqual([]);
  }, 15_000);

  test('in the node-groups form only pools the cluster does not have yet are proposed', async () => {
    // A cluster imported through the bot with a node group named as one of the pools.
    const form0 = await openImportModal(bot, slack, { text: 'provider=aws' });
    const id = requestIdIn(
      await submitModal(bot, form0, { cluster_name: 'Fleet East', cluster_region: 'us-west-2', ng_0_name: 'system', ng_0_auxiliary: ['auxiliary'], ng_0_machineType: 'm5.xlarge', ng_0_minNodes: '1', ng_0_maxNodes: '3', ng_0_desiredNodes: '2' }),
    );
    await world.settled(id, 'succeeded');
    const form = await openModalByCommand(bot, slack, 'nodegroups Fleet East');
    const pushed = await clickFill(bot, slack, form, fillModal(form));
    const updates = slack.callsTo('views.update').length;
    const fileId = slack.addFile({ name: 'nodes.json', content: EKS_JSON });
    expect((await submitFill(bot, pushed, { files: [{ id: fileId, name: 'nodes.json' }] })).text).toBe('');
    const after = await filled(slack, form, updates);
    expect(groupNames(after)).toEqual(['gpu-a10g', 'gpu-spot']);
    await eventually(() => expect(textOf(after)).toContain('Node groups proposed from 6 nodes'));
  });
});
