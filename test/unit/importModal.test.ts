// The import modal: ids that stay put across updates (so Slack keeps what people typed), Slack's limits,
// and reading the submitted state back into the very form that was rendered.
import type { KnownBlock, ModalView } from '@slack/types';
import { buildImportBody, emptyForm, emptyNodeGroup, type ImportForm, type NodeGroupForm } from '../../src/domain/importForm.js';
import fc from 'fast-check';
import { ACCELERATOR_PATTERN, DOCUMENTED_ACCELERATORS, LIMITS, PROVIDERS } from '../../src/domain/clusterImport.js';
import { renderImportModal } from '../../src/views/importModal.js';
import { decodeMeta, encodeMeta, metaFor, unusableMetaMessage, withMoreSettings, type ImportModalMeta } from '../../src/views/importModalMeta.js';
import { APPROVAL_NOTE_MAX } from '../../src/views/requestFormMeta.js';
import { errorsByBlock, readImportForm } from '../../src/views/importModalRead.js';
import type { InputState, ViewStateValues as StateValues } from '../../src/views/modalState.js';
import { acceleratorOptions, MAX_NODE_GROUPS, NO_ACCELERATOR, withAddedGroup, withRemovedGroup } from '../../src/views/nodeGroupEditor.js';
import { ACTION, CALLBACK, INPUT_ACTION } from '../../src/views/ids.js';
import { suggestionProblems } from '../support/blockKitRules.js';
import { expectWholeEntities } from '../support/slackMessageLimits.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
type Json = any;

const ORG = '54360212-2263-44c6-afaf-1333544854f7';
const ZONE = 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f';
const SECRET = '9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1';
const TOOL = '11111111-1111-4111-8111-111111111111';

function fullGroup(slot: number, fields: Partial<NodeGroupForm> = {}): NodeGroupForm {
  return {
    slot,
    name: `pool-${slot}`,
    auxiliary: false,
    machineType: 'g5.2xlarge',
    capacityType: 'ON_DEMAND',
    minNodes: '0',
    maxNodes: '3',
    desiredNodes: '1',
    acceleratorType: 'nvidia-a10g',
    acceleratorCount: '1',
    vcpu: '8',
    memory: '32',
    ...fields,
  };
}

/** Every field filled, aws + NodePort (the largest form). */
function fullForm(groups: NodeGroupForm[] = [fullGroup(0, { auxiliary: true })]): ImportForm {
  return {
    name: 'Production Cluster',
    slug: 'prod-cluster',
    provider: 'aws',
    region: 'us-west-2',
    org: ORG,
    hostedZone: ZONE,
    secretId: SECRET,
    serviceType: 'NodePort',
    publicIp: '203.0.113.10',
    nodePortHttp: '30080',
    nodePortHttps: '30443',
    avatarUrl: 'https://example.com/logo.png',
    fontColor: '#000000',
    backgroundColor: '#FACC15',
    clusterNodeConfig: 'machine_type=m5.xlarge\ncapacity_type=SPOT',
    clusterTools: `MONITORING: ${TOOL}`,
    toolChoices: {},
    nodeGroups: groups,
  };
}

function render(form: ImportForm, notes: string[] = [], extra: Parameters<typeof metaFor>[2] = {}): ModalView {
  return renderImportModal(form, metaFor(form, 'C0123456789', extra), notes);
}

const blocksOf = (view: ModalView): Json[] => view.blocks as Json[];
const blockIdsOf = (view: ModalView): string[] => blocksOf(view).map((b) => b.block_id).filter((id): id is string => typeof id === 'string');
const inputIdsOf = (view: ModalView): string[] => blocksOf(view).filter((b) => b.type === 'input').map((b) => b.block_id as string);

/** `view.state.values` as Slack sends it for an untouched view: each input's initial value, or empty. */
function stateFromView(view: ModalView, typed: Record<string, InputState> = {}): StateValues {
  const values: StateValues = {};
  for (const block of blocksOf(view)) {
    if (block.type !== 'input') continue;
    const element = block.element;
    let state: InputState;
    switch (element.type) {
      case 'plain_text_input':
      case 'url_text_input':
      case 'number_input':
        // Slack sends null for an empty text input and numbers as strings.
        state = { type: element.type, value: element.initial_value === undefined ? null : String(element.initial_value) };
        break;
      case 'static_select':
      case 'external_select':
      case 'radio_buttons':
        state = { type: element.type, selected_option: element.initial_option ?? null };
        break;
      case 'checkboxes':
        state = { type: element.type, selected_options: element.initial_options ?? [] };
        break;
      default:
        throw new Error(`unexpected element ${String(element.type)}`);
    }
    values[block.block_id] = { [element.action_id]: typed[block.block_id] ?? state };
  }
  return values;
}

function metaOf(view: ModalView): ImportModalMeta {
  const meta = decodeMeta(view.private_metadata);
  if (meta === undefined) throw new Error('the view’s metadata does not decode');
  return meta;
}

describe('renderImportModal: the view', () => {
  it('is the import modal with short enough title and buttons', () => {
    for (const view of [render(fullForm()), render(fullForm(), [], { approvalNote: 'Needs 2 approvals from @platform' })]) {
      expect(view.type).toBe('modal');
      expect(view.callback_id).toBe(CALLBACK.importModal);
      for (const text of [view.title, view.submit, view.close]) {
        expect(text?.type).toBe('plain_text');
        expect(text!.text.length).toBeGreaterThan(0);
        expect(text!.text.length).toBeLessThanOrEqual(24);
      }
    }
  });

  it('says "Submit for approval" when an approval note is in the metadata', () => {
    expect(render(fullForm()).submit?.text).toBe('Import');
    expect(render(fullForm(), [], { approvalNote: 'Approval required' }).submit?.text).toBe('Submit for approval');
  });

  it('has unique block ids within Slack’s 255 characters', () => {
    const view = render(fullForm(Array.from({ length: MAX_NODE_GROUPS }, (_, i) => fullGroup(i * 7))));
    const ids = blockIdsOf(view);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(255);
  });

  it('the largest form (aws, NodePort, the most groups, notes and an approval note) stays within 100 blocks', () => {
    const groups = Array.from({ length: MAX_NODE_GROUPS }, (_, i) => fullGroup(i));
    for (const provider of ['aws', 'gcp'] as const) {
      const largest = render({ ...fullForm(groups), provider }, ['Pre-filled 3 fields from your command.', 'Not understood: x', 'provider=y is not a provider'], {
        approvalNote: 'Needs approval',
      });
      expect(inputIdsOf(largest)).toEqual(expect.arrayContaining(['cluster_region', 'cluster_publicIp', `ng_${MAX_NODE_GROUPS - 1}_memory`]));
      expect(largest.blocks.length).toBeLessThanOrEqual(100);
    }
    const view = render(fullForm(groups), ['note'], { approvalNote: 'Needs approval' });
    // …and says why no more groups can be added.
    expect(JSON.stringify(view.blocks.at(-1))).toContain(`Up to ${MAX_NODE_GROUPS} node groups`);
    // The add button is gone; "Fill from my nodes" stays (it replaces the groups).
    const buttons = blocksOf(view).find((b) => b.block_id === 'nodegroup_actions');
    expect(buttons.elements.map((e: Json) => e.action_id)).toEqual([ACTION.fillFromNodes]);
  });

  it('offers "Add node group" below the cap', () => {
    const view = render(fullForm());
    const add = blocksOf(view).find((b) => b.block_id === 'nodegroup_actions');
    expect(add.elements.map((e: Json) => e.action_id)).toEqual([ACTION.addNodeGroup, ACTION.fillFromNodes]);
  });

  it('keeps private_metadata within 3000 characters with the largest metadata', () => {
    const groups = Array.from({ length: MAX_NODE_GROUPS }, (_, i) => fullGroup(990 + i));
    const form = fullForm(groups);
    const view = render(form, [], { replacesId: 'ir-abcdefgh', responseUrl: `https://hooks.slack.com/commands/${'x'.repeat(460)}`, approvalNote: '“'.repeat(2000) });
    expect(view.private_metadata!.length).toBeLessThanOrEqual(3000);
    expect(metaOf(view).a).toBeDefined();
  });

  it('every initial option is one of the element’s options', () => {
    for (const provider of PROVIDERS) {
      const view = render({ ...fullForm([fullGroup(0, { capacityType: 'SPOT', auxiliary: true })]), provider });
      for (const block of blocksOf(view)) {
        const el = block.element ?? block.accessory;
        if (el === undefined || !Array.isArray(el.options)) continue;
        if (el.initial_option !== undefined) expect(el.options).toContainEqual(el.initial_option);
        for (const o of el.initial_options ?? []) expect(el.options).toContainEqual(o);
      }
    }
  });

  it('number inputs: initial values are whole numbers within the element’s bounds', () => {
    const form = fullForm([
      fullGroup(0),
      fullGroup(1, { minNodes: '5000', maxNodes: '-1', desiredNodes: '2.5', acceleratorCount: '0', vcpu: '99999', memory: 'lots' }),
    ]);
    form.nodePortHttp = '70000';
    form.nodePortHttps = '0';
    let numberInputs = 0;
    for (const block of blocksOf(render(form))) {
      const el = block.element;
      if (el?.type !== 'number_input') continue;
      numberInputs += 1;
      expect(el.is_decimal_allowed).toBe(false);
      if (el.initial_value === undefined) continue;
      expect(el.initial_value).toMatch(/^\d+$/);
      expect(Number(el.initial_value)).toBeGreaterThanOrEqual(Number(el.min_value));
      expect(Number(el.initial_value)).toBeLessThanOrEqual(Number(el.max_value));
    }
    expect(numberInputs).toBe(2 + 2 * 6);
    // The out-of-bounds values of group 1 and of the ports were dropped, the good ones kept.
    const initial = (id: string) => blocksOf(render(form)).find((b) => b.block_id === id)?.element.initial_value;
    expect(initial('ng_0_minNodes')).toBe('0');
    expect(initial('ng_1_minNodes')).toBeUndefined();
    expect(initial('ng_1_acceleratorCount')).toBeUndefined();
    expect(initial('cluster_nodePortHttp')).toBeUndefined();
  });

  it('text lengths: plain text inputs carry a max_length and an initial value that fits', () => {
    const form = fullForm([fullGroup(0, { name: 'n'.repeat(200) })]);
    form.name = 'x'.repeat(500);
    for (const block of blocksOf(render(form))) {
      const el = block.element;
      if (el?.type !== 'plain_text_input') continue;
      expect(el.max_length).toBeGreaterThanOrEqual(1);
      expect(el.max_length).toBeLessThanOrEqual(3000);
      if (el.initial_value !== undefined) expect(el.initial_value.length).toBeLessThanOrEqual(el.max_length);
    }
  });

  it('the provider and service type inputs dispatch actions (fields appear and disappear)', () => {
    const view = render(fullForm());
    const block = (id: string) => blocksOf(view).find((b) => b.block_id === id);
    expect(block('cluster_provider').dispatch_action).toBe(true);
    expect(block('cluster_provider').element.action_id).toBe(ACTION.provider);
    expect(block('cluster_serviceType').dispatch_action).toBe(true);
    expect(block('cluster_serviceType').element.action_id).toBe(ACTION.serviceType);
  });

  it('offers the seven documented providers and both capacity types', () => {
    const view = render(fullForm());
    const options = (id: string) => blocksOf(view).find((b) => b.block_id === id).element.options.map((o: Json) => o.value);
    expect(options('cluster_provider')).toEqual([...PROVIDERS]);
    expect(options('ng_0_capacityType')).toEqual(['ON_DEMAND', 'SPOT']);
    expect(options('cluster_serviceType')).toEqual(['LoadBalancer', 'NodePort']);
  });

  it('shows region for aws and gcp only', () => {
    for (const provider of PROVIDERS) {
      const ids = inputIdsOf(render({ ...fullForm(), provider }));
      expect([provider, ids.includes('cluster_region')]).toEqual([provider, provider === 'aws' || provider === 'gcp']);
    }
    expect(inputIdsOf(render({ ...fullForm(), provider: '' }))).not.toContain('cluster_region');
  });

  it('shows the public IP and both ports for NodePort only', () => {
    const nodePort = ['cluster_publicIp', 'cluster_nodePortHttp', 'cluster_nodePortHttps'];
    expect(inputIdsOf(render(fullForm()))).toEqual(expect.arrayContaining(nodePort));
    const lb = inputIdsOf(render({ ...fullForm(), serviceType: 'LoadBalancer' }));
    for (const id of nodePort) expect(lb).not.toContain(id);
  });

  it('escapes a node group’s name in its header', () => {
    const view = render(fullForm([fullGroup(0, { name: '<!channel> & <@U123>' })]));
    const headerText = blocksOf(view).find((b) => b.block_id === 'ng_0_header').text.text as string;
    expect(headerText).not.toContain('<!channel>');
    expect(headerText).not.toContain('<@U123>');
    expect(headerText).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
  });

  it('one group has no Remove button; several groups each have one carrying its slot', () => {
    const one = blocksOf(render(fullForm([fullGroup(4)])));
    expect(one.find((b) => b.block_id === 'ng_4_header').accessory).toBeUndefined();
    const many = blocksOf(render(fullForm([fullGroup(0), fullGroup(4)])));
    expect(many.find((b) => b.block_id === 'ng_4_header').accessory).toMatchObject({ action_id: ACTION.removeNodeGroup, value: '4' });
    expect(many.find((b) => b.block_id === 'ng_0_header').accessory).toMatchObject({ action_id: ACTION.removeNodeGroup, value: '0' });
  });

  it('shows at most 5 notes, clipped', () => {
    const view = render(fullForm(), Array.from({ length: 8 }, (_, i) => `note ${i} ${'x'.repeat(1000)}`));
    const notes = blocksOf(view)[0];
    expect(notes.type).toBe('context');
    expect(notes.elements).toHaveLength(5);
    for (const e of notes.elements) expect(e.text.length).toBeLessThanOrEqual(600);
  });
});

describe('renderImportModal: ids stay put across updates', () => {
  it('re-rendering with other values keeps every block id', () => {
    const empty = { ...fullForm([emptyNodeGroup(0)]), ...emptyForm(), provider: 'aws' as const, serviceType: 'NodePort' as const };
    const emptyWithMore = (form: ImportForm) => renderImportModal(form, { ...metaFor(form, 'C0123456789'), x: 1 });
    expect(blockIdsOf(emptyWithMore(empty))).toEqual(blockIdsOf(render(fullForm())));
    expect(blockIdsOf(render(fullForm()))).toEqual(blockIdsOf(render(fullForm())));
  });

  it('"More settings" (avatar, default node config, tools) is a button until opened or until one of them is set', () => {
    const plainForm = { ...emptyForm(), provider: 'aws' as const };
    const closed = render(plainForm);
    for (const id of ['cluster_avatarUrl', 'cluster_fontColor', 'cluster_backgroundColor', 'cluster_clusterNodeConfig', 'cluster_clusterTools']) {
      expect(blockIdsOf(closed)).not.toContain(id);
    }
    expect(JSON.stringify(closed.blocks)).toContain('more_settings_show');
    const meta = metaFor(plainForm, 'C0123456789');
    const opened = withMoreSettings(plainForm, meta);
    const shown = renderImportModal(opened.form, opened.meta);
    expect(blockIdsOf(shown)).toEqual(expect.arrayContaining(['cluster_avatarUrl', 'cluster_clusterTools']));
    expect(JSON.stringify(shown.blocks)).not.toContain('more_settings_show');
    // The other inputs keep their ids (Slack keeps what was typed in them).
    for (const id of inputIdsOf(closed)) expect(inputIdsOf(shown)).toContain(id);
    // A value set elsewhere (pre-fill, Edit and retry) shows the section without a click.
    expect(blockIdsOf(render({ ...plainForm, clusterTools: 'MONITORING: x' }))).toContain('cluster_clusterTools');
    expect(decodeMeta(encodeMeta(opened.meta))?.x).toBe(1);
  });

  it('every input keeps its action id across re-renders', () => {
    const actionIds = (view: ModalView) => blocksOf(view).filter((b) => b.type === 'input').map((b) => `${b.block_id}/${b.element.action_id}`);
    const before = actionIds(render(fullForm()));
    const after = actionIds(render({ ...fullForm(), name: 'Other', region: 'eu-west-1' }));
    expect(after).toEqual(before);
    expect(before).toContain(`cluster_name/${INPUT_ACTION}`);
  });

  it('adding a group keeps the existing groups’ ids and adds ids for a fresh slot', () => {
    const form = fullForm([fullGroup(0), fullGroup(1)]);
    const meta = metaFor(form, 'C1');
    const before = renderImportModal(form, meta);
    const added = withAddedGroup(form, meta);
    const after = renderImportModal(added.form, added.meta);
    expect(added.meta.s).toEqual([0, 1, 2]);
    const newIds = blockIdsOf(after).filter((id) => !blockIdsOf(before).includes(id));
    expect(newIds.every((id) => id.startsWith('ng_2_'))).toBe(true);
    expect(newIds).toHaveLength(12);
    for (const id of inputIdsOf(before)) expect(inputIdsOf(after)).toContain(id);
  });

  it('removing a group: the others keep their ids (they depend on the slot, not the position)', () => {
    const form = fullForm([fullGroup(0), fullGroup(1), fullGroup(2)]);
    const meta = metaFor(form, 'C1');
    const removed = withRemovedGroup(form, meta, 1);
    const after = renderImportModal(removed.form, removed.meta);
    const ids = inputIdsOf(after);
    expect(ids.some((id) => id.startsWith('ng_1_'))).toBe(false);
    expect(ids).toContain('ng_2_name');
    expect(ids).toContain('ng_0_name');
    // The group that moved from position 3 to 2 is still slot 2, and a new group gets slot 3, not 1 or 2.
    const readded = withAddedGroup(removed.form, removed.meta);
    expect(readded.meta.s).toEqual([0, 2, 3]);
    expect(readded.form.nodeGroups.map((g) => g.slot)).toEqual([0, 2, 3]);
  });

  it('the group header counts positions while ids keep slots', () => {
    const view = render(fullForm([fullGroup(0), fullGroup(5)]));
    expect(blocksOf(view).find((b) => b.block_id === 'ng_5_header').text.text).toMatch(/^\*Node group 2\*/);
  });
});

describe('withAddedGroup / withRemovedGroup', () => {
  it('does not add beyond the cap', () => {
    const form = fullForm(Array.from({ length: MAX_NODE_GROUPS }, (_, i) => fullGroup(i)));
    const meta = metaFor(form, 'C1');
    expect(withAddedGroup(form, meta)).toEqual({ form, meta });
  });

  it('keeps the last group and ignores unknown slots', () => {
    const one = fullForm([fullGroup(3)]);
    const meta = metaFor(one, 'C1');
    expect(withRemovedGroup(one, meta, 3)).toEqual({ form: one, meta });
    const two = fullForm([fullGroup(0), fullGroup(3)]);
    const meta2 = metaFor(two, 'C1');
    expect(withRemovedGroup(two, meta2, 9)).toEqual({ form: two, meta: meta2 });
  });
});

describe('readImportForm reads back what renderImportModal rendered', () => {
  it('a full form, with slots that are not 0..n-1', () => {
    const form = fullForm([fullGroup(0, { auxiliary: true }), fullGroup(3, { capacityType: 'SPOT', acceleratorType: 'amd-mi300x' }), fullGroup(5, { acceleratorType: '', acceleratorCount: '' })]);
    const view = render(form);
    expect(readImportForm(stateFromView(view), metaOf(view))).toEqual(form);
  });

  it('an empty form: Slack’s nulls read as empty fields', () => {
    const form = emptyForm();
    const view = render(form);
    const state = stateFromView(view);
    expect(state['cluster_name']![INPUT_ACTION]).toEqual({ type: 'plain_text_input', value: null });
    expect(state['cluster_provider']![ACTION.provider]).toEqual({ type: 'static_select', selected_option: null });
    expect(readImportForm(state, metaOf(view))).toEqual(form);
  });

  it('a gcp LoadBalancer form without optional fields', () => {
    const form: ImportForm = {
      ...emptyForm(),
      name: 'Edge',
      provider: 'gcp',
      region: 'us-central1',
      org: ORG,
      hostedZone: ZONE,
      secretId: SECRET,
      nodeGroups: [{ ...emptyNodeGroup(0), name: 'cpu' }],
    };
    const view = render(form);
    expect(readImportForm(stateFromView(view), metaOf(view))).toEqual(form);
  });

  it('what the person typed wins over the initial values; numbers arrive as strings', () => {
    const form = fullForm([fullGroup(2)]);
    const view = render(form);
    const state = stateFromView(view, {
      cluster_name: { type: 'plain_text_input', value: 'Renamed' },
      ng_2_minNodes: { type: 'number_input', value: '2' },
      ng_2_auxiliary: { type: 'checkboxes', selected_options: [] },
      ng_2_acceleratorType: { type: 'external_select', selected_option: { value: NO_ACCELERATOR } },
      ng_2_capacityType: { type: 'static_select', selected_option: null },
    });
    const read = readImportForm(state, metaOf(view));
    expect(read.name).toBe('Renamed');
    expect(read.nodeGroups[0]).toMatchObject({ slot: 2, minNodes: '2', auxiliary: false, acceleratorType: '', capacityType: '' });
  });

  it('ignores values that are not options (a forged select)', () => {
    const view = render(fullForm());
    const state = stateFromView(view, {
      cluster_provider: { type: 'static_select', selected_option: { value: 'digitalocean' } },
      ng_0_capacityType: { type: 'static_select', selected_option: { value: 'RESERVED' } },
    });
    const read = readImportForm(state, metaOf(view));
    expect(read.provider).toBe('');
    expect(read.nodeGroups[0]!.capacityType).toBe('');
  });

  it('a missing block reads as empty (e.g. region after switching to azure)', () => {
    const view = render(fullForm());
    const state = stateFromView(view);
    delete state['cluster_region'];
    expect(readImportForm(state, metaOf(view)).region).toBe('');
  });

  it('the read form builds the API body', () => {
    const view = render(fullForm([fullGroup(0, { auxiliary: true }), fullGroup(4)]));
    const result = buildImportBody(readImportForm(stateFromView(view), metaOf(view)));
    expect(result.ok).toBe(true);
  });
});

describe('errorsByBlock', () => {
  it('every key is an input block of the rendered view, including groups at slots 0, 3, 5', () => {
    const form: ImportForm = {
      ...fullForm([
        fullGroup(0, { name: 'dup', minNodes: '5', maxNodes: '1' }),
        fullGroup(3, { name: 'dup', auxiliary: true, acceleratorType: 'nvidia-h100', acceleratorCount: '' }),
        fullGroup(5, { auxiliary: true, vcpu: '0', memory: 'x', machineType: 'a b', desiredNodes: '9' }),
      ]),
      org: 'x',
      hostedZone: '',
      secretId: 'y',
      region: '',
      slug: 'Bad Slug',
      publicIp: 'nope',
      nodePortHttp: '0',
      nodePortHttps: 'x',
      avatarUrl: 'ftp://x',
      fontColor: 'white',
      backgroundColor: '#1',
      clusterNodeConfig: 'bad',
      clusterTools: 'bad',
    };
    const result = buildImportBody(form);
    if (result.ok) throw new Error('expected errors');
    const errors = errorsByBlock(result.errors);
    const inputs = inputIdsOf(render(form));
    expect(Object.keys(errors).length).toBeGreaterThanOrEqual(15);
    for (const blockId of Object.keys(errors)) expect(inputs).toContain(blockId);
    expect(errors).toHaveProperty('ng_3_name');
    expect(errors).toHaveProperty('ng_5_auxiliary');
    expect(errors).toHaveProperty('ng_3_acceleratorCount');
    expect(errors).toHaveProperty('cluster_region');
  });

  it('keeps the first message per block, clipped to 300 characters', () => {
    const errors = errorsByBlock([
      { field: { scope: 'cluster', key: 'name' }, message: 'first' },
      { field: { scope: 'cluster', key: 'name' }, message: 'second' },
      { field: { scope: 'group', slot: 7, key: 'vcpu' }, message: 'x'.repeat(1000) },
    ]);
    expect(errors['cluster_name']).toBe('first');
    expect(errors['ng_7_vcpu']!.length).toBe(300);
  });
});

describe('metadata', () => {
  it('round-trips through encodeMeta/decodeMeta', () => {
    const meta = metaFor(fullForm([fullGroup(0), fullGroup(3)]), 'C1', { replacesId: 'ir-abcdefgh', responseUrl: 'https://hooks.slack.com/x', approvalNote: 'note' });
    expect(meta).toEqual({ c: 'C1', s: [0, 3], n: 4, r: 'ir-abcdefgh', u: 'https://hooks.slack.com/x', a: 'note' });
    expect(decodeMeta(encodeMeta(meta))).toEqual(meta);
  });

  it('drops a response_url too long to keep', () => {
    expect(metaFor(fullForm(), 'C1', { responseUrl: `https://x/${'y'.repeat(600)}` }).u).toBeUndefined();
  });

  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['not JSON', 'garbage'],
    ['JSON null', 'null'],
    ['a list', '[0]'],
    ['no slots', '{"c":"C1","s":[],"n":0}'],
    ['no channel', '{"s":[0],"n":1}'],
    ['duplicate slots', '{"c":"C1","s":[1,1],"n":2}'],
    ['too many slots', `{"c":"C1","s":[${Array.from({ length: MAX_NODE_GROUPS + 1 }, (_, i) => i).join(',')}],"n":99}`],
    ['a negative slot', '{"c":"C1","s":[-1],"n":0}'],
    ['a fractional slot', '{"c":"C1","s":[0.5],"n":1}'],
    ['a slot as a string', '{"c":"C1","s":["0"],"n":1}'],
    ['a long channel', `{"c":"${'C'.repeat(31)}","s":[0],"n":1}`],
    ['a next slot already in use', '{"c":"C1","s":[0,4],"n":4}'],
    ['a next slot below the slots', '{"c":"C1","s":[0,4],"n":1}'],
    ['a long request id', `{"c":"C1","s":[0],"n":1,"r":"${'r'.repeat(41)}"}`],
  ])('rejects %s', (_what, raw) => {
    expect(decodeMeta(raw)).toBeUndefined();
  });

  it('tells an out-of-date form apart from one naming more node groups than fit', () => {
    expect(unusableMetaMessage('garbage')).toMatch(/out of date/);
    expect(unusableMetaMessage(undefined)).toMatch(/out of date/);
    expect(unusableMetaMessage('{"c":"C1","s":[0,1],"n":1}')).toMatch(/out of date/);
    const hundred = JSON.stringify({ c: 'C1', s: Array.from({ length: 100 }, (_, i) => i), n: 100 });
    expect(unusableMetaMessage(hundred)).toMatch(new RegExp(`holds 100 node groups; at most ${MAX_NODE_GROUPS} node groups fit`));
  });
});

describe('acceleratorOptions', () => {
  it('offers the documented types matching the query, then "no accelerator"', () => {
    expect(acceleratorOptions('').map((o) => o.value)).toEqual([...DOCUMENTED_ACCELERATORS, NO_ACCELERATOR]);
    expect(acceleratorOptions('h1').map((o) => o.value)).toEqual(['nvidia-h100', 'h1', NO_ACCELERATOR]);
    expect(acceleratorOptions('A100').map((o) => o.value)).toEqual(['nvidia-a100', 'a100', NO_ACCELERATOR]);
  });

  it('offers a typed lower-case slug as itself, but not a malformed one', () => {
    expect(acceleratorOptions('amd-mi300x').map((o) => o.value)).toEqual(['amd-mi300x', NO_ACCELERATOR]);
    expect(acceleratorOptions('amd mi300x').map((o) => o.value)).toEqual([NO_ACCELERATOR]);
    expect(acceleratorOptions('nvidia-h100').map((o) => o.value)).toEqual(['nvidia-h100', NO_ACCELERATOR]);
  });

  it('option texts fit Slack’s 75 characters', () => {
    for (const o of acceleratorOptions('a'.repeat(63))) expect(o.text.text.length).toBeLessThanOrEqual(75);
  });

  it('typing `none` offers "No accelerator" once, not `none` twice', () => {
    expect(acceleratorOptions('none')).toEqual([{ text: { type: 'plain_text', text: 'No accelerator' }, value: NO_ACCELERATOR }]);
    expect(acceleratorOptions(' NONE ').map((o) => o.value)).toEqual([NO_ACCELERATOR]);
  });

  it('whatever is typed, each value is offered once and Slack’s option rules hold', () => {
    const typed = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(NO_ACCELERATOR, ...DOCUMENTED_ACCELERATORS, 'nvidia', 'a100', 'x'.repeat(63), 'x'.repeat(64)));
    fc.assert(
      fc.property(typed, (query) => {
        expect(suggestionProblems({ options: acceleratorOptions(query) })).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('offers a typed type by the domain’s own rules (pattern and length)', () => {
    const longest = `a${'-a'.repeat((LIMITS.acceleratorTypeLength - 1) / 2)}`;
    expect(ACCELERATOR_PATTERN.test(longest)).toBe(true);
    expect(acceleratorOptions(longest).map((o) => o.value)).toContain(longest);
    expect(acceleratorOptions(`${longest}a`).map((o) => o.value)).not.toContain(`${longest}a`);
    expect(acceleratorOptions('nvidia..a100').map((o) => o.value)).toEqual([NO_ACCELERATOR]);
  });
});

describe('the approval note on the form', () => {
  it('with the most approvers: kept whole in the metadata and on top, cut between mentions', () => {
    const mentions = Array.from({ length: 70 }, (_, i) => `<@U0APPR${String(i).padStart(4, '0')}>`).join(', ');
    const note = `:lock: Imports here need 2 approvals from ${mentions} before they run.`;
    const view = render(emptyForm(), [], { approvalNote: note });
    const meta = decodeMeta(view.private_metadata);
    expect(meta?.a?.length).toBeLessThanOrEqual(APPROVAL_NOTE_MAX);
    expectWholeEntities(meta?.a ?? '');
    const shown = (view.blocks[0] as Json).elements[0].text as string;
    expect(shown).toBe(meta?.a);
  });
});

// Keep the block type import used: the views are typed with @slack/types.
export type _Blocks = KnownBlock[];
