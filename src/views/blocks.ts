// Small typed builders over @slack/types so views read as what they show, and Slack's text limits
// are enforced in one place (a view that breaks a limit is refused by Slack as a whole).
import type {
  ActionsBlock,
  Button,
  ConfirmationDialog,
  ContextBlock,
  HeaderBlock,
  InputBlock,
  InputBlockElement,
  MrkdwnElement,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
  SectionBlockAccessory,
} from '@slack/types';

export const SLACK_LIMITS = {
  modalBlocks: 100,
  messageBlocks: 50,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  sectionText: 3000,
  contextText: 3000,
  headerText: 150,
  buttonText: 75,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  optionText: 75,
  fallbackText: 4000,
  id: 255,
} as const;

/**
 * Block text above about 13 000 characters in one message is refused as a whole (`msg_blocks_too_long`,
 * undocumented; seen at ~13 200 in slackapi/bolt-js#2509 and lower with other blocks in #2867). Every
 * message the bot builds keeps its block text within this budget (see slackMessage).
 */
export const MESSAGE_TEXT_BUDGET = 11_000;

/** Plain text cut to `max` characters with an ellipsis; never between the two halves of an emoji. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, withoutHalfCharacter(text, Math.max(0, max - 1)))}…`;
}

/**
 * mrkdwn (and a message's `text`) cut to `max` characters, never inside an entity: a mention
 * `<@U…>`, `<!subteam^…>`, `<#C…>`, `<!date^…|…>`, a link `<url|text>` or an escape such as `&amp;`
 * cut in half is shown by Slack as raw markup. The cut moves back to the entity's start instead.
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  for (;;) {
    const before = cut;
    cut = outsideAngleEntity(text, cut);
    cut = outsideEscape(text, cut);
    cut = withoutHalfCharacter(text, cut);
    if (cut === before) break;
  }
  return `${text.slice(0, cut)}…`;
}

/** A cut inside `<…>` (an open `<` before it, its `>` at or after it) moves to the `<`. */
function outsideAngleEntity(text: string, cut: number): number {
  const open = text.lastIndexOf('<', cut - 1);
  if (open === -1 || text.lastIndexOf('>', cut - 1) > open) return cut;
  const close = text.indexOf('>', cut);
  const nextOpen = text.indexOf('<', cut);
  const closedLater = close !== -1 && (nextOpen === -1 || close < nextOpen);
  return closedLater ? open : cut;
}

/** A cut inside `&name;` or `&#123;` moves to the `&`. */
function outsideEscape(text: string, cut: number): number {
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp === -1 || cut - amp > ESCAPE_MAX) return cut;
  return ESCAPE_AT.test(text.slice(amp, amp + ESCAPE_MAX + 1)) && !text.slice(amp, cut).includes(';') ? amp : cut;
}
const ESCAPE_AT = /^&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});/;
const ESCAPE_MAX = 34;

function withoutHalfCharacter(text: string, cut: number): number {
  const code = text.charCodeAt(cut - 1);
  return cut > 0 && code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
}

/**
 * `<@U1>, <@U2> and 12 more`: a list that fits in `maxChars`, cut between items, never inside one
 * (a mention cut in half shows as raw text). The first item is always shown. Lines can be listed too,
 * with another separator and another way of saying how many were left out.
 */
export function listWithin(
  items: readonly string[],
  maxChars: number,
  options: { separator?: string; more?: (hidden: number) => string } = {},
): string {
  const separator = options.separator ?? ', ';
  const more = (hidden: number) => (hidden === 0 ? '' : (options.more ?? ((n) => ` and ${n} more`))(hidden));
  const all = items.join(separator);
  if (all.length <= maxChars) return all;
  let shown = 1;
  let length = items[0]?.length ?? 0;
  while (shown < items.length) {
    const next = length + separator.length + (items[shown]?.length ?? 0);
    if (next + more(items.length - shown - 1).length > maxChars) break;
    length = next;
    shown += 1;
  }
  return `${items.slice(0, shown).join(separator)}${more(items.length - shown)}`;
}

/** How the bot says there is nobody to approve, everywhere. */
export const NO_APPROVERS = 'no one (no approvers are set)';

/** Approvers as mentions — people, then user groups — within `maxChars`, or NO_APPROVERS. */
export function approverMentions(userIds: readonly string[], groupIds: readonly string[], maxChars: number): string {
  const who = [...userIds.map(userMention), ...groupIds.map(groupMention)];
  return who.length === 0 ? NO_APPROVERS : listWithin(who, maxChars);
}

/** Text from people or an API, escaped for mrkdwn and then cut (never inside an escape) to `max`. */
export function escapedWithin(text: string, max: number): string {
  return clipMrkdwn(escapeMrkdwn(text), max);
}

/** Text from people or APIs placed into mrkdwn must not turn into mentions, links or markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives backticks inside the value. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text).replace(/`/g, 'ˋ')}\``;
}

export function plain(text: string, max: number = SLACK_LIMITS.sectionText): PlainTextElement {
  // `emoji` is left to Slack's default: 71 copies of `"emoji":true` were a tenth of the import form.
  return { type: 'plain_text', text: clip(text, max) };
}

export function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: clipMrkdwn(text, max) };
}

export function section(text: string, options: { blockId?: string; accessory?: SectionBlockAccessory } = {}): SectionBlock {
  return {
    type: 'section',
    text: mrkdwn(text),
    ...(options.blockId === undefined ? {} : { block_id: options.blockId }),
    ...(options.accessory === undefined ? {} : { accessory: options.accessory }),
  };
}

export function fields(pairs: Array<[string, string]>): SectionBlock {
  // A section holds at most 10 fields of 2000 characters each.
  return {
    type: 'section',
    fields: pairs.slice(0, 10).map(([label, value]) => mrkdwn(`*${label}*\n${value}`, 2000)),
  };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text, SLACK_LIMITS.headerText) };
}

export function context(...texts: string[]): ContextBlock {
  return { type: 'context', elements: texts.slice(0, 10).map((t) => mrkdwn(t, SLACK_LIMITS.contextText)) };
}

export function actions(blockId: string | undefined, elements: Button[]): ActionsBlock {
  return { type: 'actions', ...(blockId === undefined ? {} : { block_id: blockId }), elements: elements.slice(0, 25) };
}

export function button(
  text: string,
  actionId: string,
  options: { value?: string; style?: 'primary' | 'danger'; confirm?: ConfirmationDialog; url?: string } = {},
): Button {
  return {
    type: 'button',
    text: plain(text, SLACK_LIMITS.buttonText),
    action_id: actionId,
    ...(options.value === undefined ? {} : { value: options.value }),
    ...(options.style === undefined ? {} : { style: options.style }),
    ...(options.confirm === undefined ? {} : { confirm: options.confirm }),
    ...(options.url === undefined ? {} : { url: options.url }),
  };
}

export function confirmDialog(title: string, text: string, confirm: string, deny = 'Cancel'): ConfirmationDialog {
  return {
    title: plain(title, 100),
    text: mrkdwn(text, 300),
    confirm: plain(confirm, 30),
    deny: plain(deny, 30),
  };
}

export function option(text: string, value: string, description?: string): PlainTextOption {
  return {
    text: plain(text, SLACK_LIMITS.optionText),
    value,
    ...(description === undefined ? {} : { description: plain(description, SLACK_LIMITS.optionText) }),
  };
}

export function input(args: {
  blockId: string;
  label: string;
  element: InputBlockElement;
  optional?: boolean;
  hint?: string;
  dispatchAction?: boolean;
}): InputBlock {
  return {
    type: 'input',
    block_id: args.blockId,
    label: plain(args.label, SLACK_LIMITS.label),
    element: args.element,
    optional: args.optional ?? false,
    ...(args.hint === undefined ? {} : { hint: plain(args.hint, SLACK_LIMITS.hint) }),
    ...(args.dispatchAction === true ? { dispatch_action: true } : {}),
  };
}

/** A plain text input in an input block; an empty value leaves the field empty (Slack rejects an empty initial value). */
export function textInput(args: {
  blockId: string;
  actionId: string;
  label: string;
  value?: string | null;
  optional?: boolean;
  placeholder?: string;
  hint?: string;
  maxLength?: number;
  minLength?: number;
  multiline?: boolean;
}): InputBlock {
  const maxLength = args.maxLength ?? 3000;
  const value = args.value ?? '';
  return input({
    ...args,
    element: {
      type: 'plain_text_input',
      action_id: args.actionId,
      ...(args.minLength === undefined ? {} : { min_length: args.minLength }),
      max_length: maxLength,
      ...(args.multiline === true ? { multiline: true } : {}),
      ...(args.placeholder === undefined ? {} : { placeholder: plain(args.placeholder, SLACK_LIMITS.placeholder) }),
      ...(value === '' ? {} : { initial_value: clip(value, maxLength) }),
    },
  });
}

/**
 * A number input in an input block. An initial value that is not a number within the element's own
 * bounds is left out: Slack refuses a view whose initial value breaks them.
 */
export function numberInput(args: {
  blockId: string;
  actionId: string;
  label: string;
  value: string;
  min: number;
  max: number;
  decimal?: boolean;
  optional?: boolean;
  hint?: string;
}): InputBlock {
  const text = args.value.trim();
  const n = (args.decimal === true ? /^\d+(\.\d+)?$/ : /^\d+$/).test(text) ? Number(text) : undefined;
  const initial = n !== undefined && n >= args.min && n <= args.max ? String(n) : undefined;
  return input({
    ...args,
    element: {
      type: 'number_input',
      action_id: args.actionId,
      is_decimal_allowed: args.decimal === true,
      min_value: String(args.min),
      max_value: String(args.max),
      ...(initial === undefined ? {} : { initial_value: initial }),
    },
  });
}

/** One checkbox in an input block: ticked or not. */
export function checkbox(args: { blockId: string; actionId: string; label: string; option: PlainTextOption; checked: boolean }): InputBlock {
  return input({
    ...args,
    optional: true,
    element: {
      type: 'checkboxes',
      action_id: args.actionId,
      options: [args.option],
      ...(args.checked ? { initial_options: [args.option] } : {}),
    },
  });
}

/** `<!date^…>`: shown in each reader's own time zone, with a plain fallback for notifications. */
export function slackDate(ms: number, format = '{date_short_pretty} at {time}'): string {
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^${format}|${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC>`;
}

export function userMention(userId: string): string {
  return `<@${userId}>`;
}

export function groupMention(groupId: string): string {
  return `<!subteam^${groupId}>`;
}

export function channelMention(channelId: string): string {
  return `<#${channelId}>`;
}
