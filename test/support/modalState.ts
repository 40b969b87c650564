// Fills a Block Kit view the way a person would in Slack and returns `view.state.values` exactly as Slack sends it.
import type { ViewStateValue } from '@slack/bolt';

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally here. */
type Json = any;

/** Anything with `blocks`: a view as the bot sent it to views.open/update, or as Slack/the fake returns it. */
export interface ViewLike {
  blocks?: readonly unknown[];
}

/** `view.state.values`: block_id → action_id → element state. */
export type StateValues = Record<string, Record<string, ViewStateValue>>;

/** A Block Kit option as Slack echoes it in `selected_option(s)`. */
export interface OptionLike {
  text: { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean };
  value?: string;
  description?: unknown;
}

/**
 * What a person enters in one input:
 * - string: text for plain_text/number/email/url inputs; an option value for static_select/radio_buttons/
 *   external_select; a user id (users_select), conversation id (conversations_select), channel id
 *   (channels_select); `YYYY-MM-DD` (datepicker); `HH:mm` (timepicker).
 * - number: number_input (sent as a string, as Slack does) or datetimepicker (Unix seconds).
 * - string[]: values for checkboxes / multi_static_select / multi_external_select; ids for multi_*_select.
 * - OptionLike / OptionLike[]: an explicit option for external selects (Slack echoes the option the app supplied).
 * - null: clear the input (empty state).
 */
export type FillValue = string | number | readonly string[] | OptionLike | readonly OptionLike[] | null;

/** Element types Slack reports in `state.values`. Buttons, overflow menus and workflow buttons hold no state. */
export const STATEFUL_ELEMENT_TYPES: ReadonlySet<string> = new Set([
  'plain_text_input',
  'number_input',
  'email_text_input',
  'url_text_input',
  'rich_text_input',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'radio_buttons',
  'checkboxes',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'file_input',
]);

/** One stateful element of a view, with where it sits. */
export interface InputSlot {
  blockId: string;
  actionId: string;
  block: Json;
  element: Json;
  /** true for `input` blocks; false for selects etc. in `actions` blocks or section accessories. */
  inInputBlock: boolean;
  /** input block marked `optional: true` (non-input blocks are never required). */
  optional: boolean;
}

/**
 * A deterministic stand-in for the random ids Slack assigns to blocks and elements the app left without
 * `block_id` / `action_id` (Slack's are 3–5 random characters). The fake Slack uses the same function, so a
 * view normalised by it and one normalised here agree.
 */
export function autoId(seed: string): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i += 1) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  let n = h >>> 0;
  for (let i = 0; i < 5; i += 1) {
    out += alphabet[n % alphabet.length];
    n = Math.floor(n / alphabet.length) + (i + 1) * 7919;
  }
  return out;
}

function blockElements(block: Json): Json[] {
  if (block === null || typeof block !== 'object') return [];
  if (block.type === 'input') return block.element ? [block.element] : [];
  if (block.type === 'actions') return Array.isArray(block.elements) ? block.elements : [];
  if (block.type === 'section' && block.accessory) return [block.accessory];
  return [];
}

/**
 * Blocks as Slack echoes them: every block has a `block_id` and every interactive element an `action_id`
 * (generated when the app gave none). Returns deep copies; the input is not modified.
 */
export function normalizeBlocks(blocks: readonly unknown[] | undefined): Json[] {
  const copy: Json[] = structuredClone((blocks ?? []) as Json[]);
  copy.forEach((block, index) => {
    if (block === null || typeof block !== 'object') return;
    if (typeof block.block_id !== 'string' || block.block_id === '') block.block_id = autoId(`block:${index}`);
    blockElements(block).forEach((element, elementIndex) => {
      if (element && typeof element === 'object' && typeof element.action_id !== 'string') {
        element.action_id = autoId(`action:${block.block_id}:${elementIndex}`);
      }
    });
  });
  return copy;
}

/** Block ids in order (generated ids for blocks without one, as Slack would assign them). */
export function blockIds(view: ViewLike): string[] {
  return normalizeBlocks(view.blocks).map((block) => String(block?.block_id));
}

/** The block with this block_id (from the normalised blocks), or undefined. */
export function findBlock(view: ViewLike, blockId: string): Json {
  return normalizeBlocks(view.blocks).find((block) => block?.block_id === blockId);
}

/** What an element shows before anyone touches it: its initial text, option value or option values. */
export function initialOf(element: Json): string | string[] | undefined {
  if (element.initial_value !== undefined) return String(element.initial_value);
  if (element.initial_option !== undefined) return String(element.initial_option.value);
  if (element.initial_options !== undefined) return element.initial_options.map((o: Json) => String(o.value));
  return undefined;
}

/** What the input `blockId` of the view shows before anyone touches it (see initialOf). */
export function shownIn(view: ViewLike, blockId: string): string | string[] | undefined {
  const block = findBlock(view, blockId);
  if (block === undefined) throw new Error(`shownIn: no block ${blockId} in the view`);
  return initialOf(block.element);
}

/** Every stateful element of the view, in order. */
export function inputSlots(view: ViewLike): InputSlot[] {
  const slots: InputSlot[] = [];
  for (const block of normalizeBlocks(view.blocks)) {
    for (const element of blockElements(block)) {
      if (!element || !STATEFUL_ELEMENT_TYPES.has(String(element.type))) continue;
      slots.push({
        blockId: block.block_id,
        actionId: element.action_id,
        block,
        element,
        inInputBlock: block.type === 'input',
        optional: block.type !== 'input' || block.optional === true,
      });
    }
  }
  return slots;
}

/** The options of a static select / radio / checkbox element, flattening option_groups. */
export function elementOptions(element: Json): OptionLike[] {
  if (Array.isArray(element?.options)) return element.options;
  if (Array.isArray(element?.option_groups)) {
    return element.option_groups.flatMap((group: Json) => (Array.isArray(group?.options) ? group.options : []));
  }
  return [];
}

function where(slot: { blockId: string; element: Json }): string {
  return `${String(slot.element?.type)} "${String(slot.element?.action_id)}" in block "${slot.blockId}"`;
}

function isOptionLike(value: unknown): value is OptionLike {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'text' in value;
}

function findOption(slot: { blockId: string; element: Json }, value: FillValue): OptionLike {
  if (isOptionLike(value)) return structuredClone(value);
  if (typeof value !== 'string') {
    throw new Error(`fillModal: ${where(slot)} takes one option value (a string), got ${JSON.stringify(value)}`);
  }
  const options = elementOptions(slot.element);
  const found = options.find((option) => option.value === value);
  if (!found) {
    const listed = options.map((option) => JSON.stringify(option.value)).join(', ') || '(none)';
    throw new Error(`fillModal: ${JSON.stringify(value)} is not an option of ${where(slot)}; its options are ${listed}`);
  }
  return structuredClone(found);
}

/** An option for external selects: Slack echoes the option the app's options handler supplied. */
function externalOption(value: FillValue): OptionLike {
  if (isOptionLike(value)) return structuredClone(value);
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
  return { text: { type: 'plain_text', text, emoji: true }, value: text };
}

function asList(slot: { blockId: string; element: Json }, value: FillValue): Array<string | OptionLike> {
  if (Array.isArray(value)) return [...(value as Array<string | OptionLike>)];
  if (typeof value === 'string' || isOptionLike(value)) return [value];
  throw new Error(`fillModal: ${where(slot)} takes a list of values, got ${JSON.stringify(value)}`);
}

function single(slot: { blockId: string; element: Json }, value: FillValue): string {
  if (typeof value === 'string') return value;
  throw new Error(`fillModal: ${where(slot)} takes one id/value string, got ${JSON.stringify(value)}`);
}

/** Pickers (of people, conversations, channels, dates, times): the key of their state and of their initial value. */
const PICKERS: Record<string, [stateKey: string, initialKey: string]> = {
  users_select: ['selected_user', 'initial_user'],
  multi_users_select: ['selected_users', 'initial_users'],
  conversations_select: ['selected_conversation', 'initial_conversation'],
  multi_conversations_select: ['selected_conversations', 'initial_conversations'],
  channels_select: ['selected_channel', 'initial_channel'],
  multi_channels_select: ['selected_channels', 'initial_channels'],
  datepicker: ['selected_date', 'initial_date'],
  timepicker: ['selected_time', 'initial_time'],
  datetimepicker: ['selected_date_time', 'initial_date_time'],
};

/** The element's state when the person has not touched it: its initial_* value, or empty. */
function initialState(element: Json): ViewStateValue {
  const type = String(element.type);
  const picker = PICKERS[type];
  if (picker !== undefined) {
    const [stateKey, initialKey] = picker;
    // Many-pickers hold a list (a copy), the others one value or null.
    return { type, [stateKey]: type.startsWith('multi_') ? [...(element[initialKey] ?? [])] : element[initialKey] ?? null };
  }
  switch (type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return { type, value: element.initial_value === undefined || element.initial_value === '' ? null : String(element.initial_value) };
    case 'rich_text_input':
      return { type, rich_text_value: element.initial_value ?? { type: 'rich_text', elements: [] } };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: element.initial_option ? structuredClone(element.initial_option) : null };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: structuredClone(element.initial_options ?? []) };
    case 'file_input':
      return { type, files: [] };
    default:
      throw new Error(`fillModal: element type "${type}" holds no state`);
  }
}

/**
 * The state Slack reports for one element: `value === undefined` means untouched (initial value),
 * `null` means cleared, anything else is what the person entered.
 */
export function elementState(slot: { blockId: string; element: Json }, value: FillValue | undefined): ViewStateValue {
  const { element } = slot;
  const type = String(element?.type);
  if (!STATEFUL_ELEMENT_TYPES.has(type)) throw new Error(`fillModal: ${where(slot)} is not an input (it holds no state)`);
  if (value === undefined) return initialState(element);
  if (value === null) return clearedState(type);
  const picker = PICKERS[type];
  if (picker !== undefined && type !== 'datetimepicker') {
    return { type, [picker[0]]: type.startsWith('multi_') ? asList(slot, value).map(String) : single(slot, value) };
  }
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input': {
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new Error(`fillModal: ${where(slot)} takes text, got ${JSON.stringify(value)}`);
      }
      const text = String(value);
      // Slack never sends "" for an emptied text input: it sends null.
      return { type, value: text === '' ? null : text };
    }
    case 'rich_text_input': {
      const text = single(slot, value);
      return {
        type,
        rich_text_value: {
          type: 'rich_text',
          elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }],
        },
      };
    }
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: findOption(slot, value) as ViewStateValue['selected_option'] };
    case 'external_select':
      if (Array.isArray(value)) throw new Error(`fillModal: ${where(slot)} takes one option, got a list`);
      return { type, selected_option: externalOption(value) as ViewStateValue['selected_option'] };
    case 'multi_static_select':
    case 'checkboxes':
      return {
        type,
        selected_options: asList(slot, value).map((v) => findOption(slot, v)) as ViewStateValue['selected_options'],
      };
    case 'multi_external_select':
      return {
        type,
        selected_options: asList(slot, value).map((v) => externalOption(v)) as ViewStateValue['selected_options'],
      };
    case 'datetimepicker':
      if (typeof value !== 'number') throw new Error(`fillModal: ${where(slot)} takes Unix seconds (a number)`);
      return { type, selected_date_time: value };
    default:
      throw new Error(`fillModal: filling ${where(slot)} is not supported`);
  }
}

function clearedState(type: string): ViewStateValue {
  return initialState({ type });
}

/**
 * `view.state.values` as Slack sends it after a person typed `values` (keyed by block_id) into the view.
 * Every input block appears (untouched ones with their initial value, or empty); stateful elements of
 * `actions` blocks and section accessories appear when they hold a value. Throws when a mentioned block id
 * does not exist or holds no input, or when a value is not one of the element's options.
 *
 * `base` (optional) is the state the person already had (e.g. from an earlier block_actions payload):
 * entries there win over initial values, `values` win over both.
 */
export function fillModal(view: ViewLike, values: Record<string, FillValue> = {}, base?: StateValues): StateValues {
  const slots = inputSlots(view);
  const byBlock = new Map<string, InputSlot[]>();
  for (const slot of slots) byBlock.set(slot.blockId, [...(byBlock.get(slot.blockId) ?? []), slot]);

  for (const blockId of Object.keys(values)) {
    const inBlock = byBlock.get(blockId);
    if (inBlock && inBlock.length === 1) continue;
    if (inBlock && inBlock.length > 1) {
      throw new Error(
        `fillModal: block "${blockId}" holds ${inBlock.length} inputs (${inBlock.map((s) => s.actionId).join(', ')}); ` +
          'fill it with stateValues directly or give each input its own block',
      );
    }
    const block = findBlock(view, blockId);
    if (!block) {
      const inputs = [...byBlock.keys()].join(', ') || '(none)';
      throw new Error(
        `fillModal: no block with block_id "${blockId}". Blocks with inputs: ${inputs}. All blocks: ${blockIds(view).join(', ')}`,
      );
    }
    throw new Error(`fillModal: block "${blockId}" is a ${String(block.type)} block with no input element`);
  }

  const state: StateValues = {};
  for (const slot of slots) {
    const mentioned = Object.prototype.hasOwnProperty.call(values, slot.blockId);
    const prior = base?.[slot.blockId]?.[slot.actionId];
    const entry = mentioned ? elementState(slot, values[slot.blockId]) : (prior ?? elementState(slot, undefined));
    if (!slot.inInputBlock && !mentioned && !prior && isEmptyState(entry)) continue;
    (state[slot.blockId] ??= {})[slot.actionId] = entry;
  }
  return state;
}

/** True when the element state holds nothing (what a required input may not be on submit). */
export function isEmptyState(entry: ViewStateValue): boolean {
  const e = entry as Json;
  if ('value' in e) return e.value === null || e.value === undefined || e.value === '';
  if ('selected_option' in e) return !e.selected_option;
  if ('selected_options' in e) return !e.selected_options?.length;
  if ('selected_user' in e) return !e.selected_user;
  if ('selected_users' in e) return !e.selected_users?.length;
  if ('selected_conversation' in e) return !e.selected_conversation;
  if ('selected_conversations' in e) return !e.selected_conversations?.length;
  if ('selected_channel' in e) return !e.selected_channel;
  if ('selected_channels' in e) return !e.selected_channels?.length;
  if ('selected_date' in e) return !e.selected_date;
  if ('selected_time' in e) return !e.selected_time;
  if ('selected_date_time' in e) return e.selected_date_time === null || e.selected_date_time === undefined;
  if ('files' in e) return !e.files?.length;
  if ('rich_text_value' in e) return !e.rich_text_value?.elements?.length;
  return true;
}

/**
 * What Slack's own client refuses before a view_submission is ever sent, keyed by block_id like a
 * `response_action: errors` map: required inputs left empty, number_input values that are not numbers,
 * decimals where `is_decimal_allowed` is false, numbers outside min/max, text outside min/max length.
 * Empty object = the person can press Submit.
 */
export function clientSideErrors(view: ViewLike, state: StateValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const slot of inputSlots(view)) {
    if (!slot.inInputBlock) continue;
    const entry: Json = state[slot.blockId]?.[slot.actionId];
    if (!entry || isEmptyState(entry)) {
      if (!slot.optional) errors[slot.blockId] = 'Please complete this required field.';
      continue;
    }
    const el = slot.element;
    if (el.type === 'number_input') {
      const text = String(entry.value);
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) errors[slot.blockId] = 'Enter a number.';
      else if (el.is_decimal_allowed !== true && !/^-?\d+$/.test(text.trim())) errors[slot.blockId] = 'Enter a whole number.';
      else if (el.min_value !== undefined && n < Number(el.min_value)) errors[slot.blockId] = `Enter a number ≥ ${el.min_value}.`;
      else if (el.max_value !== undefined && n > Number(el.max_value)) errors[slot.blockId] = `Enter a number ≤ ${el.max_value}.`;
    } else if (el.type === 'plain_text_input') {
      const length = String(entry.value).length;
      if (el.min_length !== undefined && length < Number(el.min_length)) errors[slot.blockId] = `Enter at least ${el.min_length} characters.`;
      else if (el.max_length !== undefined && length > Number(el.max_length)) errors[slot.blockId] = `Enter at most ${el.max_length} characters.`;
    }
  }
  return errors;
}
