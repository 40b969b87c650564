// The import form over real signed HTTP: the command opens it on its own trigger, pre-fills it, and
// every change inside it (add/remove a node group, provider, service type, accelerator typeahead)
// keeps what was typed; an invalid submit answers inline errors under the exact fields and sends nothing.
import { DOCUMENTED_ACCELERATORS } from '../../src/domain/clusterImport.js';
import { MAX_NODE_GROUPS } from '../../src/views/nodeGroupEditor.js';
import { suggestionProblems } from '../support/blockKitRules.js';
import { BOT_TOKEN, openImportModal, pause, SIGNING_SECRET, submitModal, type View } from '../support/bot.js';
import type { SlackCall } from '../support/fakeSlack.js';
import { ALICE, CHANNEL, HOSTED_ZONE, ORG, SECRET_ID, TEAM, validImportValues } from '../support/fixtures.js';
import { blockIds, fillModal, findBlock, initialOf, shownIn, type FillValue, type StateValues } from '../support/modalState.js';
import { blockActions, blockSuggestion, postToBot, slashCommand, viewSubmission, type BotResponse } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON as the fakes recorded it. */
type Json = any;

const { bot, slack, simplismart } = useBot({ freshFakes: true });

// ---- helpers ----

function inputBlocks(view: { blocks: Json[] }): Json[] {
  return view.blocks.filter((b: Json) => b.type === 'input');
}

/** The value a person left in one element state, in the same shape as initialOf (empty → undefined). */
function typedOf(entry: Json): string | string[] | undefined {
  if ('value' in entry) return entry.value ?? undefined;
  if ('selected_option' in entry) return entry.selected_option?.value ?? undefined;
  if ('selected_options' in entry) {
    const list = (entry.selected_options ?? []).map((o: Json) => String(o.value));
    return list.length === 0 ? undefined : list;
  }
  throw new Error(`unexpected state entry ${JSON.stringify(entry)}`);
}

function allText(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * A person changes something inside the open modal (`value` for selects, nothing for buttons) with
 * `state` typed so far; resolves with the bot's answer, the views.update call it made and the view
 * Slack now shows.
 */
async function actInModal(
  view: View,
  blockId: string,
  actionId: string,
  state: StateValues,
  value?: FillValue,
): Promise<{ response: BotResponse; update: SlackCall; view: View; state: StateValues }> {
  const before = slack.callsTo('views.update').length;
  const request = blockActions({
    teamId: TEAM,
    userId: ALICE,
    actionId,
    blockId,
    view,
    stateValues: state,
    ...(value === undefined ? {} : { value }),
  });
  const response = await bot.send(request);
  const update = await slack.waitFor('views.update', (c) => slack.callsTo('views.update').indexOf(c) >= before);
  expect(update.response).toMatchObject({ ok: true });
  // What Slack reports as typed after the update: the state sent with the action, carried over.
  return { response, update, view: slack.view(view.id) as View, state: request.payload.view.state.values as StateValues };
}

async function openModal(text = ''): Promise<View> {
  return openImportModal(bot, slack, { text });
}

async function nothingSent(): Promise<void> {
  // Give anything launched after the ack a moment to show itself before asserting it did not happen.
  await pause(50);
  expect(simplismart.requests).toHaveLength(0);
  expect(await bot.store.listRequests(TEAM, 50)).toHaveLength(0);
  expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
}

// ---- the command ----

describe('/simplismart import', () => {
  test('acks at once (HTTP 200, empty body) and opens the form with the command’s own trigger_id', async () => {
    const trigger = slack.issueTrigger();
    const response = await bot.send(slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'import', triggerId: trigger }));
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(response.ms).toBeLessThan(1000);

    const open = await slack.waitFor('views.open');
    expect(open.args.trigger_id).toBe(trigger);
    expect(open.response).toMatchObject({ ok: true });
    expect(slack.callsTo('views.open')).toHaveLength(1);
    expect(open.token).toBe(BOT_TOKEN);
    const view = open.args.view;
    expect(view.callback_id).toBe('import_cluster');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ c: CHANNEL });
    // Pre-filled from the workspace's connection.
    expect(shownIn(view, 'cluster_org')).toBe(ORG);
    expect(shownIn(view, 'cluster_hostedZone')).toBe(HOSTED_ZONE);
    expect(shownIn(view, 'cluster_secretId')).toBe(SECRET_ID);
    expect(shownIn(view, 'cluster_serviceType')).toBe('LoadBalancer');
    // One node group to start with, and no region until a provider that needs one is chosen.
    expect(blockIds(view).filter((id) => /^ng_\d+_name$/.test(id))).toEqual(['ng_0_name']);
    expect(findBlock(view, 'cluster_region')).toBeUndefined();
  });

  test('key=value text pre-fills the form and unknown keys are listed back', async () => {
    const view = await openModal('name="Prod cluster" provider=aws region=us-west-2 group=gpu machine_type=g5.2xlarge foo=1');
    expect(shownIn(view, 'cluster_name')).toBe('Prod cluster');
    expect(shownIn(view, 'cluster_provider')).toBe('aws');
    expect(shownIn(view, 'cluster_region')).toBe('us-west-2');
    expect(shownIn(view, 'ng_0_name')).toBe('gpu');
    expect(shownIn(view, 'ng_0_machineType')).toBe('g5.2xlarge');
    // The slug hint shows what the name derives to.
    expect(allText(findBlock(view, 'cluster_slug'))).toContain('prod-cluster');
    const notes = view.blocks.filter((b: Json) => b.type === 'context').map(allText).join('\n');
    expect(notes).toMatch(/Not understood \(ignored\): foo\b/);
    expect(notes).toContain('Pre-filled 5 fields');
  });

  test('invalid pre-fill values are reported, not applied', async () => {
    const view = await openModal('provider=aws2 min=abc name=edge');
    const notes = view.blocks.filter((b: Json) => b.type === 'context').map(allText).join('\n');
    expect(notes).toContain('provider=aws2 is not a provider');
    expect(notes).toContain('min=abc is not a whole number');
    expect(findBlock(view, 'cluster_provider').element.initial_option).toBeUndefined();
    expect(findBlock(view, 'cluster_region')).toBeUndefined();
    expect(findBlock(view, 'ng_0_minNodes').element.initial_value).toBeUndefined();
    // The usable part still applies.
    expect(shownIn(view, 'cluster_name')).toBe('edge');
  });
});

// ---- changes inside the form ----

describe('node groups: add and remove keep what was typed', () => {
  const typed: Record<string, FillValue> = {
    cluster_name: 'Edge Cluster',
    cluster_slug: 'edge-1',
    cluster_hostedZone: '0b6f2a4c-1d3e-4f5a-8b7c-9d0e1f2a3b4c',
    cluster_fontColor: '#000000',
    cluster_clusterTools: 'MONITORING: 0b6f2a4c-1d3e-4f5a-8b7c-9d0e1f2a3b4c',
    ng_0_name: 'gpu-pool',
    ng_0_auxiliary: ['auxiliary'],
    ng_0_machineType: 'p5.48xlarge',
    ng_0_capacityType: 'SPOT',
    ng_0_minNodes: '1',
    ng_0_maxNodes: '4',
    ng_0_desiredNodes: '2',
    ng_0_acceleratorType: 'nvidia-h100',
    ng_0_acceleratorCount: '8',
    ng_0_vcpu: '192',
    ng_0_memory: '2048',
  };

  /** Every input of `before` is in `after` with the same block_id, type and action_id, showing what was typed. */
  function expectKept(before: View, after: View, state: StateValues): void {
    for (const old of inputBlocks(before)) {
      const now = findBlock(after, old.block_id);
      expect({ id: old.block_id, found: now !== undefined }).toEqual({ id: old.block_id, found: true });
      expect(now.type).toBe('input');
      expect(now.element.type).toBe(old.element.type);
      expect(now.element.action_id).toBe(old.element.action_id);
      const entry = state[old.block_id]?.[old.element.action_id];
      expect({ id: old.block_id, shows: initialOf(now.element) }).toEqual({ id: old.block_id, shows: entry === undefined ? undefined : typedOf(entry) });
    }
  }

  test('Add node group: views.update on the same view with its hash, every input keeps its ids and value', async () => {
    // A set colour opens "More settings" from the start, so its fields are part of what must be kept.
    const view = await openModal('font_color=#111111');
    const state = fillModal(view, typed);
    const { response, update, view: after } = await actInModal(view, 'nodegroup_actions', 'nodegroup_add', state);
    expect(response.status).toBe(200);
    expect(update.args.view_id).toBe(view.id);
    expect(update.args.hash).toBe(view.hash);
    expectKept(view, after, state);
    // Spot-check the values, not only their agreement with the state.
    expect(shownIn(after, 'ng_0_name')).toBe('gpu-pool');
    expect(shownIn(after, 'ng_0_auxiliary')).toEqual(['auxiliary']);
    expect(shownIn(after, 'ng_0_acceleratorType')).toBe('nvidia-h100');
    expect(shownIn(after, 'cluster_hostedZone')).toBe('0b6f2a4c-1d3e-4f5a-8b7c-9d0e1f2a3b4c');
    // The new group comes after the first, empty, before the add button.
    const ids = blockIds(after);
    expect(ids.indexOf('ng_1_name')).toBeGreaterThan(ids.indexOf('ng_0_memory'));
    expect(ids.indexOf('nodegroup_actions')).toBeGreaterThan(ids.indexOf('ng_1_memory'));
    expect(findBlock(after, 'ng_1_name').element.initial_value).toBeUndefined();
    expect(findBlock(after, 'ng_1_auxiliary').element.initial_options).toBeUndefined();
    // Both groups can now be removed.
    expect(findBlock(after, 'ng_0_header').accessory).toMatchObject({ action_id: 'nodegroup_remove', value: '0' });
    expect(findBlock(after, 'ng_1_header').accessory).toMatchObject({ action_id: 'nodegroup_remove', value: '1' });
    expect(JSON.parse(after.private_metadata)).toMatchObject({ s: [0, 1], n: 2 });
  });

  test('Remove the middle of three groups: the third keeps its block ids and values', async () => {
    const v0 = await openModal('font_color=#111111');
    const s0 = fillModal(v0, typed);
    const { view: v1, state: s1base } = await actInModal(v0, 'nodegroup_actions', 'nodegroup_add', s0);
    const s1 = fillModal(v1, { ng_1_name: 'cpu-pool', ng_1_machineType: 'm5.xlarge' }, s1base);
    const { view: v2, state: s2base } = await actInModal(v1, 'nodegroup_actions', 'nodegroup_add', s1);
    const s2 = fillModal(v2, { ng_2_name: 'spot-pool', ng_2_capacityType: 'SPOT', ng_2_maxNodes: '9', ng_2_acceleratorType: 'nvidia-l4', ng_2_acceleratorCount: '1' }, s2base);

    const { update, view: v3 } = await actInModal(v2, 'ng_1_header', 'nodegroup_remove', s2);
    expect(update.args.view_id).toBe(v0.id);
    expect(update.args.hash).toBe(v2.hash);
    expect(blockIds(v3).filter((id) => id.startsWith('ng_1_'))).toEqual([]);
    const third = inputBlocks(v2).filter((b: Json) => String(b.block_id).startsWith('ng_2_'));
    expect(third).toHaveLength(11);
    for (const old of [...third, ...inputBlocks(v2).filter((b: Json) => !String(b.block_id).startsWith('ng_1_'))]) {
      const now = findBlock(v3, old.block_id);
      expect(now).toBeDefined();
      expect(now.element.action_id).toBe(old.element.action_id);
      const entry = s2[old.block_id]?.[old.element.action_id];
      expect({ id: old.block_id, shows: initialOf(now.element) }).toEqual({ id: old.block_id, shows: entry === undefined ? undefined : typedOf(entry) });
    }
    expect(shownIn(v3, 'ng_2_name')).toBe('spot-pool');
    expect(shownIn(v3, 'ng_2_maxNodes')).toBe('9');
    expect(shownIn(v3, 'ng_0_name')).toBe('gpu-pool');
    // It is now shown as the second group, under its old ids.
    expect(allText(findBlock(v3, 'ng_2_header'))).toContain('Node group 2');
    expect(JSON.parse(v3.private_metadata)).toMatchObject({ s: [0, 2], n: 3 });
  });

  test('a double click on Add (both clicks from the same view) adds one group; the losing update is dropped quietly', async () => {
    const view = await openModal();
    const state = fillModal(view, { ng_0_name: 'gpu-pool' });
    const click = () => bot.send(blockActions({ teamId: TEAM, userId: ALICE, actionId: 'nodegroup_add', blockId: 'nodegroup_actions', view, stateValues: state }));
    const answers = await Promise.all([click(), click()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const updates = await slack.waitFor('views.update', undefined, { count: 2 });
    expect(updates.map((u) => u.args.hash)).toEqual([view.hash, view.hash]);
    expect(updates.map((u) => u.response.ok === true ? 'ok' : u.response.error).sort()).toEqual(['hash_conflict', 'ok']);
    const after = slack.view(view.id) as View;
    expect(blockIds(after).filter((id) => /^ng_\d+_name$/.test(id))).toEqual(['ng_0_name', 'ng_1_name']);
    expect(shownIn(after, 'ng_0_name')).toBe('gpu-pool');
    // The person is not told about a failure that is none.
    await pause(100);
    for (const method of ['chat.postMessage', 'chat.postEphemeral', 'response_url']) expect(slack.callsTo(method)).toHaveLength(0);
  });

  test('the form was closed before its update landed (views.update → not_found): nothing is told, nothing fails', async () => {
    const view = await openModal();
    slack.failNext('views.update', { error: 'not_found' });
    const errorsBefore = bot.failures().length;
    const response = await bot.send(blockActions({ teamId: TEAM, userId: ALICE, actionId: 'nodegroup_add', blockId: 'nodegroup_actions', view, stateValues: fillModal(view, {}) }));
    expect(response.status).toBe(200);
    const update = await slack.waitFor('views.update');
    expect(update.response).toMatchObject({ ok: false, error: 'not_found' });
    await pause(150);
    for (const method of ['chat.postMessage', 'chat.postEphemeral', 'response_url']) expect(slack.callsTo(method)).toHaveLength(0);
    expect(bot.failures()).toHaveLength(errorsBefore);
  });

  test(`the form stops at ${MAX_NODE_GROUPS} node groups and says so`, async () => {
    let view = await openModal();
    let state = fillModal(view, { ng_0_name: 'pool-0' });
    for (let i = 1; i < MAX_NODE_GROUPS; i += 1) {
      ({ view, state } = await actInModal(view, 'nodegroup_actions', 'nodegroup_add', state));
      state = fillModal(view, { [`ng_${i}_name`]: `pool-${i}` }, state);
    }
    expect(blockIds(view).filter((id) => /^ng_\d+_name$/.test(id))).toHaveLength(MAX_NODE_GROUPS);
    // Only "Fill from my nodes" is left beside the groups (it replaces them); no add button.
    expect(findBlock(view, 'nodegroup_actions').elements.map((e: Json) => e.action_id)).toEqual(['nodegroup_fill_from_nodes']);
    expect(allText(view.blocks)).not.toContain('nodegroup_add');
    expect(allText(view.blocks.at(-1))).toContain(`Up to ${MAX_NODE_GROUPS} node groups`);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    // Still valid for Slack (the fake checks its limits) and every name typed is still there.
    for (let i = 0; i < MAX_NODE_GROUPS - 1; i += 1) expect(shownIn(view, `ng_${i}_name`)).toBe(`pool-${i}`);
    expect(findBlock(view, `ng_${MAX_NODE_GROUPS - 1}_name`).element.initial_value).toBeUndefined();
  });
});

describe('fields that depend on other fields', () => {
  test('"More settings" reveals avatar, default node config and cluster tools, keeping what was typed', async () => {
    const view = await openModal();
    expect(blockIds(view)).not.toContain('cluster_avatarUrl');
    const state = fillModal(view, { cluster_name: 'Kept Name', ng_0_name: 'kept-pool' });
    const { update, view: after } = await actInModal(view, 'more_settings', 'more_settings_show', state);
    expect(update.args.hash).toBe(view.hash);
    expect(blockIds(after)).toEqual(expect.arrayContaining(['cluster_avatarUrl', 'cluster_fontColor', 'cluster_backgroundColor', 'cluster_clusterNodeConfig', 'cluster_clusterTools']));
    expect(blockIds(after)).not.toContain('more_settings');
    expect(shownIn(after, 'cluster_name')).toBe('Kept Name');
    expect(shownIn(after, 'ng_0_name')).toBe('kept-pool');
    expect(JSON.parse(after.private_metadata)).toMatchObject({ x: 1 });
  });

  test('choosing a provider shows or hides the region (dispatch_action → views.update)', async () => {
    const v0 = await openModal();
    expect(findBlock(v0, 'cluster_provider').dispatch_action).toBe(true);
    expect(findBlock(v0, 'cluster_region')).toBeUndefined();

    const s0 = fillModal(v0, { cluster_name: 'Typed Before' });
    const aws = await actInModal(v0, 'cluster_provider', 'provider_select', s0, 'aws');
    expect(aws.update.args.hash).toBe(v0.hash);
    expect(findBlock(aws.view, 'cluster_region')).toMatchObject({ type: 'input', optional: false });
    expect(shownIn(aws.view, 'cluster_provider')).toBe('aws');
    expect(shownIn(aws.view, 'cluster_name')).toBe('Typed Before');

    const kube = await actInModal(aws.view, 'cluster_provider', 'provider_select', fillModal(aws.view, { cluster_region: 'us-west-2' }, aws.state), 'kubernetes');
    expect(findBlock(kube.view, 'cluster_region')).toBeUndefined();
    expect(shownIn(kube.view, 'cluster_name')).toBe('Typed Before');

    const gcp = await actInModal(kube.view, 'cluster_provider', 'provider_select', kube.state, 'gcp');
    expect(findBlock(gcp.view, 'cluster_region')).toBeDefined();
    expect(allText(findBlock(gcp.view, 'cluster_region'))).toContain('us-central1');

    // aws → gcp: the region stays on screen, with what was typed in it.
    const back = await actInModal(gcp.view, 'cluster_provider', 'provider_select', fillModal(gcp.view, { cluster_region: 'europe-west4' }, gcp.state), 'aws');
    expect(shownIn(back.view, 'cluster_region')).toBe('europe-west4');
    expect(findBlock(back.view, 'cluster_region').element.action_id).toBe(findBlock(gcp.view, 'cluster_region').element.action_id);
  });

  test('service type NodePort reveals the public IP and the two ports; LoadBalancer hides them', async () => {
    const v0 = await openModal();
    const nodePortIds = ['cluster_publicIp', 'cluster_nodePortHttp', 'cluster_nodePortHttps'];
    for (const id of nodePortIds) expect(findBlock(v0, id)).toBeUndefined();

    const np = await actInModal(v0, 'cluster_serviceType', 'service_type_select', fillModal(v0, { cluster_name: 'NP' }), 'NodePort');
    for (const id of nodePortIds) expect(findBlock(np.view, id)).toMatchObject({ type: 'input', optional: false });
    expect(findBlock(np.view, 'cluster_nodePortHttp').element).toMatchObject({ type: 'number_input', min_value: '1', max_value: '65535' });
    expect(findBlock(np.view, 'cluster_nodePortHttps').element).toMatchObject({ type: 'number_input', min_value: '1', max_value: '65535' });
    expect(shownIn(np.view, 'cluster_name')).toBe('NP');

    const lb = await actInModal(np.view, 'cluster_serviceType', 'service_type_select', np.state, 'LoadBalancer');
    for (const id of nodePortIds) expect(findBlock(lb.view, id)).toBeUndefined();
  });
});

describe('the accelerator menu', () => {
  async function suggest(view: View, value: string): Promise<Json[]> {
    const response = await bot.send(blockSuggestion({ teamId: TEAM, userId: ALICE, actionId: 'accelerator_type', blockId: 'ng_0_acceleratorType', value, view }));
    expect(response.status).toBe(200);
    const options = response.json?.options as Json[];
    expect(Array.isArray(options)).toBe(true);
    expect(options.length).toBeLessThanOrEqual(100);
    expect(suggestionProblems(response.json)).toEqual([]);
    return options;
  }

  test('block_suggestion answers the documented types and offers what was typed', async () => {
    const view = await openModal();
    expect(findBlock(view, 'ng_0_acceleratorType').element.type).toBe('external_select');

    const all = (await suggest(view, '')).map((o) => o.value);
    for (const documented of DOCUMENTED_ACCELERATORS) expect(all).toContain(documented);

    const h100 = (await suggest(view, 'H100')).map((o) => o.value);
    expect(h100).toContain('nvidia-h100');
    expect(h100).not.toContain('nvidia-a10g');

    const custom = await suggest(view, 'amd-mi300x');
    expect(custom.find((o) => o.value === 'amd-mi300x')?.text.text).toContain('amd-mi300x');

    const junk = (await suggest(view, 'Not a type!')).map((o) => o.value);
    expect(junk).not.toContain('not a type!');
    // Nothing else happened: no view change, no Simplismart call.
    expect(slack.callsTo('views.update')).toHaveLength(0);
    expect(simplismart.requests).toHaveLength(0);
  });
});

// ---- invalid submissions ----

describe('an invalid submit answers errors under the exact fields and sends nothing', () => {
  async function submitInvalid(view: View, values: Record<string, FillValue>, allowInvalid = false): Promise<Record<string, string>> {
    const response = allowInvalid
      ? await bot.send(viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: fillModal(view, values), allowInvalid: true }))
      : await submitModal(bot, view, values);
    expect(response.status).toBe(200);
    expect(response.json?.response_action).toBe('errors');
    const errors = response.json.errors as Record<string, string>;
    // Slack shows errors only under input blocks of the submitted view: any other key breaks the ack.
    const inputs = new Set(inputBlocks(view).map((b: Json) => b.block_id));
    for (const key of Object.keys(errors)) expect({ key, isInputOfView: inputs.has(key) }).toEqual({ key, isInputOfView: true });
    for (const message of Object.values(errors)) expect(message.length).toBeGreaterThan(0);
    await nothingSent();
    return errors;
  }

  const cases: Array<[string, string, Record<string, FillValue>, string[]]> = [
    ['a bad hosted zone UUID', '', { cluster_hostedZone: 'b13c6a8a-6e9a-4bb9-8a0c' }, ['cluster_hostedZone']],
    ['a bad org UUID', '', { cluster_org: 'not-a-uuid' }, ['cluster_org']],
    ['a bad slug', '', { cluster_slug: 'Prod_Cluster!' }, ['cluster_slug']],
    ['duplicate node group names', 'two', { ng_1_name: 'gpu-pool' }, ['ng_1_name']],
    ['two auxiliary groups', 'two', { ng_0_auxiliary: ['auxiliary'], ng_1_name: 'tools', ng_1_auxiliary: ['auxiliary'] }, ['ng_1_auxiliary']],
    ['min > max', '', { ng_0_minNodes: '5', ng_0_maxNodes: '3', ng_0_desiredNodes: null }, ['ng_0_maxNodes']],
    ['desired above max', '', { ng_0_minNodes: '1', ng_0_maxNodes: '3', ng_0_desiredNodes: '5' }, ['ng_0_desiredNodes']],
    ['desired below min', '', { ng_0_minNodes: '2', ng_0_maxNodes: '3', ng_0_desiredNodes: '1' }, ['ng_0_desiredNodes']],
    ['an accelerator type without a count', '', { ng_0_acceleratorCount: null }, ['ng_0_acceleratorCount']],
    ['an accelerator count without a type', '', { ng_0_acceleratorType: null }, ['ng_0_acceleratorType']],
    ['a bad background colour', 'more', { cluster_backgroundColor: 'blue' }, ['cluster_backgroundColor']],
    ['a bad text colour', 'more', { cluster_fontColor: '#12345G' }, ['cluster_fontColor']],
    ['a non-http avatar URL', 'more', { cluster_avatarUrl: 'ftp://example.com/logo.png' }, ['cluster_avatarUrl']],
    ['an IP that is not one', 'nodeport', { cluster_publicIp: '203.0.113', cluster_nodePortHttp: '30080', cluster_nodePortHttps: '30443' }, ['cluster_publicIp']],
    ['the same port twice', 'nodeport', { cluster_publicIp: '203.0.113.10', cluster_nodePortHttp: '30080', cluster_nodePortHttps: '30080' }, ['cluster_nodePortHttps']],
    ['unknown cluster node config keys', 'more', { cluster_clusterNodeConfig: 'machine_type=m5.xlarge\ngpus=2' }, ['cluster_clusterNodeConfig']],
    ['a cluster tool that is not a UUID', 'more', { cluster_clusterTools: 'MONITORING: prometheus' }, ['cluster_clusterTools']],
  ];

  /** Opens the form in the shape a case needs, with the valid values typed. */
  async function formFor(shape: string): Promise<{ view: View; base: Record<string, FillValue> }> {
    if (shape === 'two') {
      const v0 = await openModal('provider=aws region=us-west-2');
      const { view } = await actInModal(v0, 'nodegroup_actions', 'nodegroup_add', fillModal(v0, validImportValues({ cluster_region: 'us-west-2' })));
      return { view, base: validImportValues({ cluster_region: 'us-west-2' }) };
    }
    if (shape === 'more') {
      // "More settings" opened with a click, as a person would.
      const v0 = await openModal('provider=aws region=us-west-2');
      const { view } = await actInModal(v0, 'more_settings', 'more_settings_show', fillModal(v0, validImportValues({ cluster_region: 'us-west-2' })));
      return { view, base: validImportValues({ cluster_region: 'us-west-2' }) };
    }
    if (shape === 'nodeport') {
      return { view: await openModal('provider=aws region=us-west-2 service_type=NodePort'), base: validImportValues({ cluster_region: 'us-west-2' }) };
    }
    return { view: await openModal('provider=aws region=us-west-2'), base: validImportValues({ cluster_region: 'us-west-2' }) };
  }

  test.each(cases)('%s', async (_name, shape, values, expected) => {
    const { view, base } = await formFor(shape);
    const errors = await submitInvalid(view, { ...base, ...values });
    expect(Object.keys(errors).sort()).toEqual([...expected].sort());
  });

  test('several problems at once: each under its own field', async () => {
    const view = await openModal('provider=aws region=us-west-2');
    const errors = await submitInvalid(view, {
      ...validImportValues({ cluster_region: 'us-west-2' }),
      cluster_secretId: 'nope',
      cluster_slug: '-bad-',
      ng_0_minNodes: '4',
      ng_0_maxNodes: '2',
      ng_0_desiredNodes: null,
    });
    expect(Object.keys(errors).sort()).toEqual(['cluster_secretId', 'cluster_slug', 'ng_0_maxNodes'].sort());
    expect(errors['cluster_secretId']).toMatch(/UUID/);
    expect(errors['ng_0_maxNodes']).toMatch(/below min/);
  });

  test('a region left empty for aws (a client that skips Slack’s required check) → error under the region', async () => {
    const view = await openModal('provider=aws');
    const errors = await submitInvalid(view, validImportValues({ cluster_region: null }), true);
    expect(Object.keys(errors)).toEqual(['cluster_region']);
    expect(errors['cluster_region']).toMatch(/Region is required for aws/);
  });

  test('aws chosen but the region field not yet shown (submit raced the update) → an error the form can show', async () => {
    const view = await openModal();
    expect(findBlock(view, 'cluster_region')).toBeUndefined();
    const errors = await submitInvalid(view, validImportValues({ cluster_provider: 'aws' }));
    // Under the field that reveals the region, since the view has no Region field to show it under.
    expect(Object.keys(errors)).toEqual(['cluster_provider']);
    expect(errors['cluster_provider']).toMatch(/^Region: Region is required for aws/);
  });

  test('NodePort without the public IP and ports (fields skipped) → one error under each', async () => {
    const view = await openModal('provider=aws region=us-west-2 service_type=NodePort');
    const errors = await submitInvalid(view, validImportValues({ cluster_region: 'us-west-2' }), true);
    expect(Object.keys(errors).sort()).toEqual(['cluster_nodePortHttp', 'cluster_nodePortHttps', 'cluster_publicIp']);
    for (const message of Object.values(errors)) expect(message).toMatch(/NodePort/);
  });

  test('NodePort chosen but its fields not yet shown (submit raced the update) → an error the form can show', async () => {
    const view = await openModal('provider=aws region=us-west-2');
    const errors = await submitInvalid(view, validImportValues({ cluster_region: 'us-west-2', cluster_serviceType: 'NodePort' }));
    expect(Object.keys(errors)).toEqual(['cluster_serviceType']);
    expect(errors['cluster_serviceType']).toContain('Public IP: Required when the service type is NodePort.');
    expect(errors['cluster_serviceType']).toContain('NodePort for HTTP:');
    expect(errors['cluster_serviceType']).toContain('NodePort for HTTPS:');
  });

  test('port 70000 (past the number input’s own bounds) → error under that port', async () => {
    const view = await openModal('provider=aws region=us-west-2 service_type=NodePort');
    const errors = await submitInvalid(
      view,
      validImportValues({ cluster_region: 'us-west-2', cluster_publicIp: '203.0.113.10', cluster_nodePortHttp: '70000', cluster_nodePortHttps: '30443' }),
      true,
    );
    expect(Object.keys(errors)).toEqual(['cluster_nodePortHttp']);
    expect(errors['cluster_nodePortHttp']).toMatch(/1 to 65535/);
  });

  test('a form whose private_metadata was not written by the bot is refused, nothing sent', async () => {
    const view = await openModal('provider=aws region=us-west-2');
    const forged = { ...view, private_metadata: '{"c":"C0OTHER","s":[]}' };
    const response = await submitModal(bot, forged, validImportValues({ cluster_region: 'us-west-2' }));
    expect(response.json).toMatchObject({ response_action: 'errors', errors: { cluster_name: expect.stringContaining('out of date') } });
    await nothingSent();
  });
});

// ---- requests that are not from Slack ----

describe('requests not signed by Slack', () => {
  test('a bad signature → 401 and nothing happens', async () => {
    const request = slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'import name=x' });
    const response = await bot.send(request, { signature: 'v0=' + 'ab'.repeat(32) });
    expect(response.status).toBe(401);
    await pause(150);
    expect(slack.calls).toHaveLength(0);
    await nothingSent();
  });

  test('signed with another secret → 401 and nothing happens', async () => {
    const request = slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'import' });
    const response = await postToBot(bot.url, request, { signingSecret: `${SIGNING_SECRET}-not` });
    expect(response.status).toBe(401);
    await pause(150);
    expect(slack.calls).toHaveLength(0);
  });

  test('a stale timestamp (6 minutes old, correctly signed) → 401 and nothing happens', async () => {
    const request = slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'import' });
    const response = await bot.send(request, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(response.status).toBe(401);
    await pause(150);
    expect(slack.calls).toHaveLength(0);
    await nothingSent();
  });
});

// Declared last, so it runs after every test above (jest runs a file's tests in order).
test('after all of the above: nothing failed inside the bot', () => {
  expect(bot.logs.length).toBeGreaterThan(0);
  expect(bot.failures()).toEqual([]);
});
