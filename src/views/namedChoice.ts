// A field whose values may have names (a hosted zone, a secret, a cluster): a menu of the names with
// "Other (UUID)…", and the typed UUID input under it once Other is chosen — or, while nothing is named,
// the input alone, as before names existed. The menu's values are the UUIDs themselves, so what is
// read back is what the API takes, whatever happens to the names meanwhile.
import type { KnownBlock, PlainTextOption } from '@slack/types';
import { impersonation } from '../domain/clusterImport.js';
import { OTHER_OPTION_TEXT } from '../domain/menuOptions.js';
import { input, option, plain } from './blocks.js';
import { ACTION } from './ids.js';
import type { ModalState } from './modalState.js';

export interface NamedValue {
  name: string;
  /** The UUID the name stands for: the option's value. */
  value: string;
  /** Shown under the name in the menu. */
  description?: string;
}

/** The value of the menu's "Other (UUID)…" option; never a UUID, so never a named value. */
export const OTHER_VALUE = 'other';

/** A menu holds 100 options; one is Other. */
const MAX_NAMED = 99;

export interface NamedChoice {
  /** The menu's block id; the typed input keeps the field's own block id. */
  menuBlockId: string;
  label: string;
  hint?: string;
  placeholder: string;
  named: readonly NamedValue[];
  /** The field's value (a UUID, or what was typed). */
  value: string;
  /** Whether "Other (UUID)…" was chosen (it shows the input even while it is empty). */
  other: boolean;
  /** The typed input, holding `value`. */
  typed: (value: string) => KnownBlock;
}

export function namedChoiceBlocks(choice: NamedChoice): KnownBlock[] {
  if (choice.named.length === 0) return [choice.typed(choice.value)];
  const options = choice.named.slice(0, MAX_NAMED).map((n) => option(shownName(n), n.value, n.description));
  // Its text is reserved (domain/menuOptions.ts): no name reads the same, so the menu shows it once.
  const other = option(OTHER_OPTION_TEXT, OTHER_VALUE);
  const picked = options.find((o) => o.value === choice.value.trim());
  const typing = picked === undefined && (choice.other || choice.value.trim() !== '');
  const initial: PlainTextOption | undefined = picked ?? (typing ? other : undefined);
  const menu = input({
    blockId: choice.menuBlockId,
    label: choice.label,
    dispatchAction: true,
    ...(choice.hint === undefined ? {} : { hint: choice.hint }),
    element: {
      type: 'static_select',
      action_id: ACTION.namedChoice,
      placeholder: plain(choice.placeholder),
      options: [...options, other],
      ...(initial === undefined ? {} : { initial_option: initial }),
    },
  });
  return typing ? [menu, choice.typed(choice.value)] : [menu];
}

/**
 * The option's text: its name, unless the name would pass for a UUID or for “Other (UUID)…” — names
 * stored before such names were refused, or a cluster Simplismart's answer named so. Those show the
 * UUID they stand for: a menu never shows one UUID standing for another, nor two “Other”s.
 */
function shownName(named: NamedValue): string {
  return impersonation(named.name) === undefined ? named.name : named.value;
}

/** What was chosen: a named value, or what was typed (under Other, or with no menu at all). */
export function readNamedChoice(state: ModalState, menuBlockId: string, typedBlockId: string): { value: string; other: boolean } {
  const chosen = state.text(menuBlockId, ACTION.namedChoice);
  if (chosen === '' || chosen === OTHER_VALUE) return { value: state.text(typedBlockId), other: chosen === OTHER_VALUE };
  return { value: chosen, other: false };
}
