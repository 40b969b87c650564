// Block and action ids: deterministic, unique per field and slot, and readable back.
import { clusterBlockId, groupBlockId, groupHeaderBlockId, parseGroupBlockId } from '../../src/views/ids.js';
import { GROUP_FIELD_LABELS } from '../../src/domain/importForm.js';

describe('ids', () => {
  it('group block ids carry the slot and field, and parse back', () => {
    for (const field of Object.keys(GROUP_FIELD_LABELS)) {
      for (const slot of [0, 3, 999]) {
        expect(parseGroupBlockId(groupBlockId(slot, field as keyof typeof GROUP_FIELD_LABELS))).toEqual({ slot, field });
      }
    }
  });

  it('are distinct across slots and fields, and from the cluster fields', () => {
    const ids = [groupBlockId(1, 'name'), groupBlockId(11, 'name'), groupBlockId(1, 'vcpu'), groupHeaderBlockId(1), clusterBlockId('name')];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('parseGroupBlockId refuses other ids', () => {
    for (const id of ['cluster_name', 'ng_x_name', 'ng_1_', 'ng__name', 'nodegroup_actions', 'ng_1_name_extra']) expect(parseGroupBlockId(id)).toBeUndefined();
  });
});
