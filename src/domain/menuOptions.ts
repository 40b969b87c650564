// The options the bot's own menus hold beside the names people give things (a hosted zone, a secret, a
// cluster). A name that reads as one of them would put two such options in one menu, and whoever picks
// the wrong one sends another UUID than the one they meant; so those texts are reserved, and names that
// read the same — case, spaces and "..." for "…" aside — are refused where they are given.

/** The option of every menu of names that reveals the typed UUID input (views/namedChoice.ts). */
export const OTHER_OPTION_TEXT = 'Other (UUID)…';

/** Every text a menu of names shows of its own. */
export const MENU_OPTION_TEXTS: readonly string[] = [OTHER_OPTION_TEXT];

/**
 * How a text reads in a menu, for comparing: NFKC folds look-alikes ("…" becomes "...", full-width
 * brackets become brackets), spaces are dropped and a trailing ellipsis does not count, so that
 * "other(uuid)", "OTHER (UUID)..." and "Other (UUID)" all read as the menu's own option.
 */
function asRead(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '').replace(/\.+$/, '');
}

const RESERVED = new Map(MENU_OPTION_TEXTS.map((text) => [asRead(text), text]));

/** The menu option `name` would read as, or undefined when it reads as none of them. */
export function menuOptionReadAs(name: string): string | undefined {
  return RESERVED.get(asRead(name));
}
