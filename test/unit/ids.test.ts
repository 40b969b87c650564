// Block and action ids: deterministic and unique per field and slot.
import { clusterBlockId, groupBlockId, groupHeaderBlockId } from '../../src/views/ids.js';
import { GROUP_FIELD_LABELS } from '../../src/domain/importForm.js';

describe('ids', () => {
  it('group block ids carry the slot and the field', () => {
    for (const field of Object.keys(GROUP_FIELD_LABELS)) {
      for (const slot of [0, 3, 999]) expect(groupBlockId(slot, field as keyof typeof GROUP_FIELD_LABELS)).toBe(`ng_${slot}_${field}`);
    }
  });

  it('are distinct across slots and fields, and from the cluster fields', () => {
    const ids = [groupBlockId(1, 'name'), groupBlockId(11, 'name'), groupBlockId(1, 'vcpu'), groupHeaderBlockId(1), clusterBlockId('name')];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
