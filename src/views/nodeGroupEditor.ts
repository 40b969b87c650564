// The node-group editor, one part of a form: the node groups rendered under block ids that carry each
// group's slot (stable across updates, so Slack keeps what was typed), read back by slot, added and
// removed within the limit; the slots it keeps in its form's metadata (and that metadata's checks);
// the accelerator menu's options. The import form and the node-groups form hold it alike.
import type { KnownBlock, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { ACCELERATOR_PATTERN, CAPACITY_TYPES, DOCUMENTED_ACCELERATORS, LIMITS } from '../domain/clusterImport.js';
import { emptyNodeGroup, GROUP_FIELD_LABELS, isCapacityType, type GroupField, type NodeGroupForm } from '../domain/importForm.js';
import { actions, button, checkbox, clip, context, escapedWithin, header, input, numberInput, option, plain, section, SLACK_LIMITS, textInput } from './blocks.js';
import { ACTION, groupBlockId, groupHeaderBlockId, INPUT_ACTION, NODE_GROUP_ACTIONS_BLOCK } from './ids.js';
import type { ModalState } from './modalState.js';

/**
 * Slack allows 100 blocks in a modal. Each node group takes 12 and the editor 2 more (its header and
 * the add button), so six groups leave a form 26 blocks for everything else (the import form counts
 * its own in importModal.ts); more groups are added to the cluster afterwards (/simplismart nodegroups).
 */
export const MAX_NODE_GROUPS = 6;

/** The editor's part of its form's private_metadata (a zod shape to spread into the form's schema). */
export const nodeGroupSlotsShape = {
  /** Node group slots in display order. */
  s: z.array(z.int().min(0).max(999)).min(1).max(MAX_NODE_GROUPS),
  /** The next unused slot number. */
  n: z.int().min(0).max(1000),
};

export interface NodeGroupSlots {
  s: number[];
  n: number;
}

/** The groups a form edits, whatever else the form holds. */
export interface WithNodeGroups {
  nodeGroups: NodeGroupForm[];
}

/** Slots are distinct and below the next unused one: otherwise an added group would reuse block ids. */
export function slotsAreSound({ s, n }: NodeGroupSlots): boolean {
  return new Set(s).size === s.length && s.every((slot) => slot < n);
}

/** A form's metadata as `schema` reads it, with sound slots; undefined for metadata this bot did not write. */
export function decodeEditorMeta<M extends NodeGroupSlots>(schema: z.ZodType<M>, raw: string | undefined): M | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success && slotsAreSound(parsed.data) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What to tell the person whose form (opened by `command`) carries metadata this bot could not have
 * written. A form naming more node groups than fit (a forged or hand-built payload) gets the limit
 * named; anything else is an out-of-date form.
 */
export function unusableEditorMeta(raw: string | undefined, command: string): string {
  let slots: unknown;
  try {
    slots = (JSON.parse(raw ?? '') as { s?: unknown } | null)?.s;
  } catch {
    slots = undefined;
  }
  if (Array.isArray(slots) && slots.length > MAX_NODE_GROUPS) {
    return `This form holds ${slots.length} node groups; at most ${MAX_NODE_GROUPS} node groups fit in one form. Close it, run \`${command}\` again, and add the other groups afterwards with \`/simplismart nodegroups\`.`;
  }
  return `This form is out of date. Close it and run \`${command}\` again.`;
}

export function slotsOf(groups: readonly NodeGroupForm[]): NodeGroupSlots {
  const s = groups.map((g) => g.slot);
  return { s, n: Math.max(...s) + 1 };
}

/** "Node groups", each group, the add button and "Fill from my nodes" — or, at the limit, why no more fit. */
export function nodeGroupEditorBlocks(groups: readonly NodeGroupForm[]): KnownBlock[] {
  const blocks: KnownBlock[] = [header('Node groups')];
  groups.forEach((g, index) => blocks.push(...groupBlocks(g, index, groups.length)));
  const fill = button('Fill from my nodes', ACTION.fillFromNodes, { value: 'fill' });
  if (groups.length < MAX_NODE_GROUPS) {
    blocks.push(actions(NODE_GROUP_ACTIONS_BLOCK, [button('➕ Add node group', ACTION.addNodeGroup, { value: 'add' }), fill]));
  } else {
    // A full form can still be filled again (its groups are replaced): one more block, 100 at most (importModal.ts).
    blocks.push(
      actions(NODE_GROUP_ACTIONS_BLOCK, [fill]),
      context(
        `Up to ${MAX_NODE_GROUPS} node groups fit in one form (Slack allows 100 blocks in a form). Add more to the cluster afterwards with \`/simplismart nodegroups\`.`,
      ),
    );
  }
  return blocks;
}

type CountField = 'minNodes' | 'maxNodes' | 'desiredNodes' | 'acceleratorCount' | 'vcpu' | 'memory';

function groupBlocks(g: NodeGroupForm, index: number, total: number): KnownBlock[] {
  const title = `*Node group ${index + 1}*${g.name.trim() === '' ? '' : ` · ${escapedWithin(g.name.trim(), LIMITS.nodeGroupNameLength)}`}`;
  const count = (field: CountField, min: number, max: number, hint?: string) =>
    numberInput({ blockId: groupBlockId(g.slot, field), actionId: INPUT_ACTION, label: GROUP_FIELD_LABELS[field], value: g[field], min, max, optional: true, ...(hint === undefined ? {} : { hint }) });
  return [
    section(title, {
      blockId: groupHeaderBlockId(g.slot),
      ...(total > 1 ? { accessory: button('Remove', ACTION.removeNodeGroup, { value: String(g.slot), style: 'danger' }) } : {}),
    }),
    textInput({
      blockId: groupBlockId(g.slot, 'name'),
      actionId: INPUT_ACTION,
      label: 'Name',
      hint: 'Nodes carry the label simplismart.ai/node-pool-name=<name>.',
      maxLength: LIMITS.nodeGroupNameLength,
      placeholder: index === 0 ? 'gpu-pool' : `pool-${index + 1}`,
      value: g.name,
    }),
    checkbox({ blockId: groupBlockId(g.slot, 'auxiliary'), actionId: INPUT_ACTION, label: 'Role', option: AUXILIARY_OPTION, checked: g.auxiliary }),
    textInput({
      blockId: groupBlockId(g.slot, 'machineType'),
      actionId: INPUT_ACTION,
      label: GROUP_FIELD_LABELS.machineType,
      optional: true,
      maxLength: LIMITS.machineTypeLength,
      placeholder: 'g5.2xlarge',
      value: g.machineType,
    }),
    input({
      blockId: groupBlockId(g.slot, 'capacityType'),
      label: GROUP_FIELD_LABELS.capacityType,
      optional: true,
      element: {
        type: 'static_select',
        action_id: INPUT_ACTION,
        placeholder: plain('ON_DEMAND or SPOT'),
        options: CAPACITY_TYPES.map((c) => option(c, c)),
        ...(isCapacityType(g.capacityType) ? { initial_option: option(g.capacityType, g.capacityType) } : {}),
      },
    }),
    count('minNodes', 0, LIMITS.nodeCount),
    count('maxNodes', 0, LIMITS.nodeCount),
    count('desiredNodes', 0, LIMITS.nodeCount, 'Min ≤ desired ≤ max.'),
    input({
      blockId: groupBlockId(g.slot, 'acceleratorType'),
      label: GROUP_FIELD_LABELS.acceleratorType,
      optional: true,
      hint: `Documented: ${DOCUMENTED_ACCELERATORS.join(', ')}. Type another lower-case name to use it.`,
      element: {
        type: 'external_select',
        action_id: ACTION.acceleratorType,
        min_query_length: 0,
        placeholder: plain('nvidia-a10g'),
        ...(g.acceleratorType === '' ? {} : { initial_option: acceleratorOption(g.acceleratorType) }),
      },
    }),
    count('acceleratorCount', 1, LIMITS.acceleratorCount),
    count('vcpu', 1, LIMITS.vcpu),
    count('memory', 1, LIMITS.memoryGb),
  ];
}

const AUXILIARY_OPTION = option('Auxiliary: runs the deployment controller and tooling, never models', 'auxiliary');

/** The groups as typed, in the order of `slots` (the form's metadata). */
export function readNodeGroups(state: ModalState, slots: readonly number[]): NodeGroupForm[] {
  return slots.map((slot) => {
    const g = (field: GroupField) => state.text(groupBlockId(slot, field));
    const capacity = g('capacityType');
    const accelerator = state.text(groupBlockId(slot, 'acceleratorType'), ACTION.acceleratorType);
    return {
      ...emptyNodeGroup(slot),
      name: g('name'),
      auxiliary: state.chosen(groupBlockId(slot, 'auxiliary')).includes('auxiliary'),
      machineType: g('machineType'),
      capacityType: isCapacityType(capacity) ? capacity : '',
      minNodes: g('minNodes'),
      maxNodes: g('maxNodes'),
      desiredNodes: g('desiredNodes'),
      acceleratorType: accelerator === NO_ACCELERATOR ? '' : accelerator,
      acceleratorCount: g('acceleratorCount'),
      vcpu: g('vcpu'),
      memory: g('memory'),
    };
  });
}

/** Adds a node group (a fresh slot) unless the form is full. */
export function withAddedGroup<F extends WithNodeGroups, M extends NodeGroupSlots>(form: F, meta: M): { form: F; meta: M } {
  if (form.nodeGroups.length >= MAX_NODE_GROUPS) return { form, meta };
  const slot = meta.n;
  return {
    form: { ...form, nodeGroups: [...form.nodeGroups, emptyNodeGroup(slot)] },
    meta: { ...meta, s: [...meta.s, slot], n: slot + 1 },
  };
}

/** Removes a node group by slot; the last one stays (a cluster needs at least one). */
export function withRemovedGroup<F extends WithNodeGroups, M extends NodeGroupSlots>(form: F, meta: M, slot: number): { form: F; meta: M } {
  if (form.nodeGroups.length <= 1 || !meta.s.includes(slot)) return { form, meta };
  return {
    form: { ...form, nodeGroups: form.nodeGroups.filter((g) => g.slot !== slot) },
    meta: { ...meta, s: meta.s.filter((s) => s !== slot) },
  };
}

export const NO_ACCELERATOR = 'none';

export function acceleratorOption(value: string): PlainTextOption {
  if (value === NO_ACCELERATOR) return option('No accelerator', NO_ACCELERATOR);
  return option(clip(value, SLACK_LIMITS.optionText), clip(value, 150));
}

/**
 * Options for the accelerator menu: documented types matching the query, the query itself if it is a
 * valid type (typing `none` means "No accelerator"), and "No accelerator" — each value once: Slack
 * refuses a menu that repeats a value.
 */
export function acceleratorOptions(query: string): PlainTextOption[] {
  const q = query.trim().toLowerCase();
  const documented = DOCUMENTED_ACCELERATORS.filter((a) => a.includes(q)).map((a) => acceleratorOption(a));
  const typed = q !== NO_ACCELERATOR && q.length <= LIMITS.acceleratorTypeLength && ACCELERATOR_PATTERN.test(q) ? [option(`Use “${q}”`, q)] : [];
  return firstOfEachValue([...documented, ...typed, acceleratorOption(NO_ACCELERATOR)]);
}

function firstOfEachValue(options: readonly PlainTextOption[]): PlainTextOption[] {
  const seen = new Set<string | undefined>();
  return options.filter((o) => {
    if (seen.has(o.value)) return false;
    seen.add(o.value);
    return true;
  });
}
