// Where a form's errors are shown: each field's first error under its input block, and, for an error
// about a block the submitted view does not hold (a field revealed by another, a forged payload), under
// the field that reveals it or the form's first field — Slack refuses an errors map naming a missing block.
import type { FieldError } from '../domain/importForm.js';
import { clip } from './blocks.js';
import { groupBlockId } from './ids.js';

/** Field errors → `response_action: errors` map: the form's own fields through `ownBlock`, node groups by slot. */
export function errorsByBlock<K extends string>(errors: ReadonlyArray<FieldError<K>>, ownBlock: (key: K) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, message } of errors) {
    const blockId = field.scope === 'cluster' ? ownBlock(field.key) : groupBlockId(field.slot, field.key);
    out[blockId] ??= clip(message, 300);
  }
  return out;
}

export interface ErrorPlacement {
  /** The block problems about the whole form (or a block it lacks) go under. */
  formLevel: string;
  /** Inputs shown only once another field is set: their errors go under that field, named. */
  revealedBy: Partial<Record<string, { label: string; blockId: string }>>;
}

/** Keeps every error under an input block of the submitted view (the only place Slack can show it). */
export function errorsForView(
  errors: Record<string, string>,
  blocks: ReadonlyArray<{ type: string; block_id?: string }> | undefined,
  placement: ErrorPlacement,
): Record<string, string> {
  const inputs = new Set((blocks ?? []).flatMap((b) => (b.type === 'input' && b.block_id !== undefined ? [b.block_id] : [])));
  const out: Record<string, string> = {};
  const moved: Array<[string, string]> = [];
  for (const [blockId, message] of Object.entries(errors)) {
    if (inputs.has(blockId)) out[blockId] = message;
    else {
      const revealer = placement.revealedBy[blockId];
      const target = revealer !== undefined && inputs.has(revealer.blockId) ? revealer.blockId : placement.formLevel;
      moved.push([target, `${revealer?.label ?? 'Form'}: ${message}`]);
    }
  }
  for (const [target, message] of moved) out[target] = clip(out[target] === undefined ? message : `${out[target]} ${message}`, 300);
  return out;
}
