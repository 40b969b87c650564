// The node-groups form: the very node-group editor the import form holds (the same blocks for the same
// groups), the cluster menu with "Other (UUID)…", within Slack's limits at its largest, read back into
// the form it rendered, its metadata checked; and the one form-change listener serving both forms.
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import type { ModalView } from '@slack/types';
import { changeForm } from '../../src/listeners/actions/formChanges.js';
import { emptyForm, emptyNodeGroup, type NodeGroupForm } from '../../src/domain/importForm.js';
import type { NodeGroupsForm } from '../../src/domain/nodeGroupsForm.js';
import { clusterOf, type WorkspaceCluster } from '../../src/domain/workspaceCluster.js';
import { errorsForView } from '../../src/views/formErrors.js';
import { ACTION, CALLBACK } from '../../src/views/ids.js';
import { renderImportModal } from '../../src/views/importModal.js';
import { metaFor } from '../../src/views/importModalMeta.js';
import { MAX_NODE_GROUPS } from '../../src/views/nodeGroupEditor.js';
import {
  decodeNodeGroupsMeta,
  NODE_GROUPS_ERROR_PLACEMENT,
  nodeGroupsErrorsByBlock,
  nodeGroupsMetaFor,
  readNodeGroupsForm,
  renderNodeGroupsModal,
  unusableNodeGroupsMeta,
  withClusterChoice,
} from '../../src/views/nodeGroupsModal.js';
import { viewProblems } from '../support/blockKitRules.js';
import { aBody, aRequest, ORG } from '../support/fixtures.js';
import { fillModal } from '../support/modalState.js';
import { HOSTILE_NAME } from '../support/slackMessageLimits.js';
import { useWorld } from './services/world.js';
import { formChangeArgs } from './listeners/args.js';

const UUID = '1e99a854-26de-4c19-b6b6-68c7e03c39c3';

const group = (slot: number, fields: Partial<NodeGroupForm> = {}): NodeGroupForm => ({
  ...emptyNodeGroup(slot),
  name: `pool-${slot}`,
  machineType: 'g5.2xlarge',
  capacityType: 'SPOT',
  minNodes: '0',
  maxNodes: '3',
  acceleratorType: 'nvidia-a10g',
  acceleratorCount: '1',
  ...fields,
});

function cluster(i: number, name = `Cluster ${i}`): WorkspaceCluster {
  const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return clusterOf(aRequest({ id: `ir-c${i}`, state: 'succeeded', outcome: { kind: 'imported', cluster: { uuid, name, status: 'active', provider: 'aws', region: 'us-west-2' } } }, aBody({ name })), [])!;
}

const form = (groups: NodeGroupForm[] = [group(0)], clusterId = UUID): NodeGroupsForm => ({ clusterId, org: ORG, nodeGroups: groups });
const render = (f: NodeGroupsForm, clusters: WorkspaceCluster[] = [], extra: Parameters<typeof nodeGroupsMetaFor>[2] = {}, notes: string[] = []): ModalView =>
  renderNodeGroupsModal(f, nodeGroupsMetaFor(f, 'C0CHANNEL1', extra), clusters, notes);
const ids = (view: ModalView) => (view.blocks as any[]).map((b) => b.block_id);

describe('the node-group editor, one implementation in both forms', () => {
  it('renders the same blocks for the same groups in the import form and in the node-groups form', () => {
    const groups = [group(0), group(4, { auxiliary: true, name: 'tools' }), group(9)];
    const editorOf = (view: ModalView) => (view.blocks as any[]).slice((view.blocks as any[]).findIndex((b) => b.type === 'header'));
    const importView = renderImportModal({ ...emptyForm(), nodeGroups: groups }, metaFor({ ...emptyForm(), nodeGroups: groups }, 'C0CHANNEL1'));
    expect(editorOf(render(form(groups)))).toEqual(editorOf(importView));
  });

  it('at its largest (6 groups, a full cluster menu, notes, an approval note) stays within Slack’s limits', () => {
    const clusters = Array.from({ length: 120 }, (_, i) => cluster(i, `${HOSTILE_NAME} ${'n'.repeat(80)} ${i}`));
    const groups = Array.from({ length: MAX_NODE_GROUPS }, (_, i) => group(i * 3, { name: 'g'.repeat(63).slice(0, 60) + i }));
    const view = render(form(groups, clusters[0]!.uuid!), clusters, { approvalNote: ':lock: Node-group changes here need 1 approval.', responseUrl: `https://hooks.slack.com/${'x'.repeat(400)}` }, ['a note']);
    expect(viewProblems(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const menu = (view.blocks as any[]).find((b) => b.block_id === 'ngf_cluster');
    // 99 clusters and Other: a menu holds 100 options.
    expect(menu.element.options).toHaveLength(100);
    expect(menu.element.options.at(-1).value).toBe('other');
    expect(view.submit?.text).toBe('Submit for approval');
  });
});

describe('the cluster', () => {
  it('a cluster imported here is chosen in the menu, and what it has is said', () => {
    const c = cluster(1, 'Prod');
    const view = render(form([group(0)], c.uuid!), [c, cluster(2)]);
    const menu = (view.blocks as any[]).find((b) => b.block_id === 'ngf_cluster');
    expect(menu.element.initial_option.value).toBe(c.uuid);
    expect(ids(view)).not.toContain('ngf_cluster_uuid');
    expect(JSON.stringify(view.blocks)).toContain('Already in *Prod*: `gpu-pool`');
  });

  it('a UUID of a cluster imported elsewhere shows “Other (UUID)…” with the UUID typed; with no cluster here, only the typed field', () => {
    const other = render(form([group(0)], UUID), [cluster(1)]);
    expect((other.blocks as any[]).find((b) => b.block_id === 'ngf_cluster').element.initial_option.value).toBe('other');
    expect((other.blocks as any[]).find((b) => b.block_id === 'ngf_cluster_uuid').element.initial_value).toBe(UUID);
    expect(ids(render(form([group(0)], ''), []))).toEqual(expect.arrayContaining(['ngf_cluster_uuid', 'ngf_org']));
    expect(ids(render(form([group(0)], ''), []))).not.toContain('ngf_cluster');
  });

  it('a cluster whose stored name passes for a UUID or for “Other (UUID)…” is shown as its own UUID: the menu never offers one UUID for another, nor two “Other”s', () => {
    // Names like these are refused at import now; clusters imported before (or named so by Simplismart's answer) keep them.
    const decoy = cluster(1, UUID);
    const other = cluster(2, 'other (uuid)...');
    const view = render(form([group(0)], UUID), [decoy, other, cluster(3, 'Prod')]);
    const menu = (view.blocks as any[]).find((b) => b.block_id === 'ngf_cluster');
    expect(menu.element.options.map((o: any) => [o.text.text, o.value])).toEqual([
      [decoy.uuid, decoy.uuid],
      [other.uuid, other.uuid],
      ['Prod', cluster(3).uuid],
      ['Other (UUID)…', 'other'],
    ]);
    // The typed UUID is the decoy's name, not its UUID: "Other" is chosen, with the UUID typed.
    expect(menu.element.initial_option.value).toBe('other');
    expect((view.blocks as any[]).find((b) => b.block_id === 'ngf_cluster_uuid').element.initial_value).toBe(UUID);
  });

  it('reads back the form it rendered, whichever way the cluster was given', () => {
    const groups = [group(0, { auxiliary: true }), group(2)];
    for (const [f, clusters] of [
      [form(groups, cluster(1).uuid!), [cluster(1)]],
      [form(groups, UUID), [cluster(1)]],
      [form(groups, UUID), []],
    ] as const) {
      const view = render(f, [...clusters]);
      const meta = decodeNodeGroupsMeta(view.private_metadata)!;
      expect(readNodeGroupsForm(fillModal(view) as any, meta)).toEqual(f);
    }
  });

  it('remembers “Other (UUID)…” chosen while the UUID is still empty', () => {
    const f = form([group(0)], '');
    const view = render(f, [cluster(1)]);
    const meta = decodeNodeGroupsMeta(view.private_metadata)!;
    const chose = withClusterChoice(fillModal(view, { ngf_cluster: 'other' }), meta);
    expect(chose.o).toBe(1);
    expect(ids(renderNodeGroupsModal(f, chose, [cluster(1)]))).toContain('ngf_cluster_uuid');
    expect(withClusterChoice(fillModal(view, { ngf_cluster: cluster(1).uuid! }) as any, chose).o).toBeUndefined();
  });

  it('puts every error under an input block of the submitted view; a cluster UUID error goes under the menu when the typed field is not shown', () => {
    const view = render(form([group(0), group(5)], cluster(1).uuid!), [cluster(1)]);
    const errors = nodeGroupsErrorsByBlock([
      { field: { scope: 'cluster', key: 'clusterId' }, message: 'bad cluster' },
      { field: { scope: 'cluster', key: 'org' }, message: 'bad org' },
      { field: { scope: 'group', slot: 5, key: 'name' }, message: 'taken' },
    ]);
    expect(errors).toEqual({ ngf_cluster_uuid: 'bad cluster', ngf_org: 'bad org', ng_5_name: 'taken' });
    expect(errorsForView(errors, view.blocks as any[], NODE_GROUPS_ERROR_PLACEMENT)).toEqual({ ngf_cluster: 'Cluster UUID: bad cluster', ngf_org: 'bad org', ng_5_name: 'taken' });
  });
});

describe('its metadata', () => {
  it('decodes what it wrote; refuses unsound slots and more groups than fit, naming the limit and the command', () => {
    const view = render(form([group(0), group(3)]), [], { replacesId: 'ir-abcdefgh' });
    expect(decodeNodeGroupsMeta(view.private_metadata)).toEqual({ c: 'C0CHANNEL1', s: [0, 3], n: 4, r: 'ir-abcdefgh' });
    expect(decodeNodeGroupsMeta(JSON.stringify({ c: 'C1', s: [0, 0], n: 1 }))).toBeUndefined();
    const tooMany = JSON.stringify({ c: 'C1', s: [0, 1, 2, 3, 4, 5, 6], n: 7 });
    expect(decodeNodeGroupsMeta(tooMany)).toBeUndefined();
    expect(unusableNodeGroupsMeta(tooMany)).toMatch(/^This form holds 7 node groups; at most 6 .*run `\/simplismart nodegroups` again/);
    expect(unusableNodeGroupsMeta('{')).toBe('This form is out of date. Close it and run `/simplismart nodegroups` again.');
  });
});

describe('the form-change listener serves both forms', () => {
  const world = useWorld();

  async function change(view: ModalView, actionId: string, values: Record<string, unknown>, value?: string): Promise<any> {
    const { args, acks } = formChangeArgs(world, { actionId, view: view, values: fillModal(view, values as any), userId: 'U0REQUESTR', ...(value === undefined ? {} : { value }) });
    const before = world.slack.callsTo('views.update').length;
    await changeForm(actionId === ACTION.addNodeGroup ? 'add' : actionId === ACTION.removeNodeGroup ? 'remove' : 'refresh', args, world.services);
    expect(acks).toEqual([undefined]);
    return world.slack.callsTo('views.update').slice(before)[0]?.args.view;
  }

  it('adds and removes a node group in the node-groups form, keeping it the node-groups form (and what it holds)', async () => {
    const view = render(form([group(0)], UUID));
    const added = await change(view, ACTION.addNodeGroup, { ng_0_name: 'typed' });
    expect(added.callback_id).toBe(CALLBACK.nodeGroupsModal);
    expect(decodeNodeGroupsMeta(added.private_metadata)).toMatchObject({ s: [0, 1], n: 2 });
    expect(added.blocks.find((b: any) => b.block_id === 'ng_0_name').element.initial_value).toBe('typed');
    expect(added.blocks.find((b: any) => b.block_id === 'ngf_cluster_uuid').element.initial_value).toBe(UUID);
    const removed = await change(added, ACTION.removeNodeGroup, {}, '0');
    expect(decodeNodeGroupsMeta(removed.private_metadata)).toMatchObject({ s: [1], n: 2 });
  });

  it('adds a node group in the import form the same way, keeping it the import form', async () => {
    const f = { ...emptyForm(), name: 'Prod' };
    const added = await change(renderImportModal(f, metaFor(f, 'C0CHANNEL1')), ACTION.addNodeGroup, {});
    expect(added.callback_id).toBe(CALLBACK.importModal);
    expect(added.blocks.map((b: any) => b.block_id)).toContain('ng_1_name');
  });

  it('“Other (UUID)…” in the cluster menu shows the typed field', async () => {
    const view = render(form([group(0)], ''), [cluster(1)]);
    const other = await change(view, ACTION.namedChoice, { ngf_cluster: 'other' });
    expect(other.blocks.map((b: any) => b.block_id)).toContain('ngf_cluster_uuid');
  });
});
