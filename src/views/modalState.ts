// Reading a submitted (or updated) form: `view.state.values` as Slack sends it, through one typed
// reader for every form. Each input is found by its block id and action id (INPUT_ACTION unless the
// input dispatches its own action); a missing one (a field the view does not show) reads as empty.
import { INPUT_ACTION } from './ids.js';

/** One input's state as Slack sends it in `view.state.values[block_id][action_id]`. */
export interface InputState {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: Array<{ value?: string }> | null;
  selected_users?: string[] | null;
  selected_conversation?: string | null;
  /** A file input's files (Slack sends the whole file object; only the id and name are read). */
  files?: Array<{ id?: unknown; name?: unknown }> | null;
}

/** `view.state.values`: inputs by block id, then by action id. Bolt's own type fits it. */
export type ViewStateValues = Record<string, Record<string, InputState | undefined> | undefined>;

export class ModalState {
  constructor(private readonly values: ViewStateValues) {}

  /** What was typed, or the value of the option chosen in a single select; '' when nothing. */
  text(blockId: string, actionId: string = INPUT_ACTION): string {
    const state = this.input(blockId, actionId);
    const raw = state?.value ?? state?.selected_option?.value ?? '';
    return typeof raw === 'string' ? raw : '';
  }

  /** The values of the options ticked or chosen (checkboxes, multi-selects). */
  chosen(blockId: string, actionId: string = INPUT_ACTION): string[] {
    return (this.input(blockId, actionId)?.selected_options ?? []).map((o) => o.value ?? '');
  }

  /** The people chosen in a users select. */
  users(blockId: string, actionId: string = INPUT_ACTION): string[] {
    return this.input(blockId, actionId)?.selected_users ?? [];
  }

  /** The conversation chosen in a conversations select, or null. */
  conversation(blockId: string, actionId: string = INPUT_ACTION): string | null {
    return this.input(blockId, actionId)?.selected_conversation ?? null;
  }

  /** The files attached to a file input: their ids (checked to look like Slack file ids) and names. */
  files(blockId: string, actionId: string = INPUT_ACTION): Array<{ id: string; name: string }> {
    const files = this.input(blockId, actionId)?.files;
    if (!Array.isArray(files)) return [];
    return files.flatMap((f) => (typeof f?.id === 'string' && /^F[A-Z0-9]{2,30}$/.test(f.id) ? [{ id: f.id, name: typeof f.name === 'string' ? f.name : f.id }] : []));
  }

  /** The block ids of the inputs whose id starts with `prefix` (inputs a form renders by a name it reads back). */
  blocksStartingWith(prefix: string): string[] {
    return Object.keys(this.values).filter((blockId) => blockId.startsWith(prefix));
  }

  private input(blockId: string, actionId: string): InputState | undefined {
    return this.values[blockId]?.[actionId];
  }
}
