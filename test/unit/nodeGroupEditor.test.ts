// The node-group editor as a unit another form can reuse: groups rendered under ids that carry their
// slot (not their position), read back as typed, added and removed within the limit whatever else the
// form and its metadata hold, and its metadata part checked the same way in any form's schema.
import { z } from 'zod';
import { emptyNodeGroup, type NodeGroupForm } from '../../src/domain/importForm.js';
import { ModalState } from '../../src/views/modalState.js';
import {
  MAX_NODE_GROUPS,
  nodeGroupEditorBlocks,
  nodeGroupSlotsShape,
  readNodeGroups,
  slotsAreSound,
  slotsOf,
  withAddedGroup,
  withRemovedGroup,
} from '../../src/views/nodeGroupEditor.js';
import { fillModal } from '../support/modalState.js';

/** A second form (a cluster picker and the groups), as the node-groups form will be. */
interface NodeGroupsForm {
  clusterId: string;
  nodeGroups: NodeGroupForm[];
}
const nodeGroupsMeta = z.object({ k: z.string(), ...nodeGroupSlotsShape });
type NodeGroupsMeta = z.infer<typeof nodeGroupsMeta>;

const group = (slot: number, fields: Partial<NodeGroupForm> = {}): NodeGroupForm => ({ ...emptyNodeGroup(slot), name: `pool-${slot}`, ...fields });
const blockIdsOf = (groups: NodeGroupForm[]) => nodeGroupEditorBlocks(groups).flatMap((b) => ('block_id' in b && b.block_id !== undefined ? [b.block_id] : []));

describe('the node-group editor', () => {
  it('names each group’s blocks by its slot: removing one leaves the others’ ids (and what Slack kept in them) alone', () => {
    const three = [group(0), group(4), group(9)];
    const ids = blockIdsOf(three);
    expect(ids).toEqual(expect.arrayContaining(['ng_4_header', 'ng_4_name', 'ng_9_memory', 'nodegroup_actions']));
    const form: NodeGroupsForm = { clusterId: 'c-1', nodeGroups: three };
    const meta: NodeGroupsMeta = { k: 'keep', ...slotsOf(three) };
    const removed = withRemovedGroup(form, meta, 4);
    expect(blockIdsOf(removed.form.nodeGroups)).toEqual(ids.filter((id) => !id.startsWith('ng_4_')));
  });

  it('reads back what was typed, in the order of the metadata’s slots', () => {
    const groups = [group(2, { auxiliary: true, machineType: 'm5.xlarge', capacityType: 'SPOT', minNodes: '1', maxNodes: '3' }), group(0, { acceleratorType: 'nvidia-a10g', acceleratorCount: '2', vcpu: '8', memory: '32' })];
    const state = new ModalState(fillModal({ blocks: nodeGroupEditorBlocks(groups) }));
    expect(readNodeGroups(state, [2, 0])).toEqual(groups);
    expect(readNodeGroups(state, [0, 2])).toEqual([groups[1], groups[0]]);
  });

  it('adds fresh slots up to the limit and keeps one group, whatever else the form and its metadata hold', () => {
    let form: NodeGroupsForm = { clusterId: 'c-1', nodeGroups: [group(0)] };
    let meta: NodeGroupsMeta = { k: 'keep', ...slotsOf(form.nodeGroups) };
    for (let i = 1; i < MAX_NODE_GROUPS + 2; i++) ({ form, meta } = withAddedGroup(form, meta));
    expect(form.nodeGroups.map((g) => g.slot)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(meta).toEqual({ k: 'keep', s: [0, 1, 2, 3, 4, 5], n: 6 });
    expect(form.clusterId).toBe('c-1');
    // At the limit the add button gives way to why no more fit; "Fill from my nodes" stays.
    const full = nodeGroupEditorBlocks(form.nodeGroups);
    expect(JSON.stringify(full)).not.toContain('nodegroup_add');
    expect(JSON.stringify(full)).toContain('nodegroup_fill_from_nodes');
    for (const slot of [0, 1, 2, 3, 4, 5]) ({ form, meta } = withRemovedGroup(form, meta, slot));
    expect(form.nodeGroups.map((g) => g.slot)).toEqual([5]);
    // A removed slot is never handed out again: its block ids could still hold what was typed.
    expect(withAddedGroup(form, meta).meta).toEqual({ k: 'keep', s: [5, 6], n: 7 });
  });

  it('its metadata part is checked the same way in any form’s schema', () => {
    expect(nodeGroupsMeta.safeParse({ k: 'x', s: [0, 1], n: 2 }).success).toBe(true);
    expect(nodeGroupsMeta.safeParse({ k: 'x', s: [], n: 0 }).success).toBe(false);
    expect(nodeGroupsMeta.safeParse({ k: 'x', s: Array.from({ length: MAX_NODE_GROUPS + 1 }, (_, i) => i), n: 99 }).success).toBe(false);
    expect(slotsAreSound({ s: [0, 3], n: 4 })).toBe(true);
    expect(slotsAreSound({ s: [0, 0], n: 4 })).toBe(false);
    expect(slotsAreSound({ s: [0, 4], n: 4 })).toBe(false);
  });
});
