// Slack's rules for Block Kit, as the local Slack applies them: the documented limits of views, blocks,
// elements and options, and the undocumented cap on a message's block text. Each problem is worded as
// Slack words it (`[ERROR] … [json-pointer:…]`), so a test sees what Slack would answer.

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is checked structurally. */
type Json = any;

function textLength(text: Json): number {
  return typeof text?.text === 'string' ? text.text.length : 0;
}

/** Slack-style validation messages for a view (subset of Slack's documented limits). */
export function viewProblems(view: Json): string[] {
  const problems: string[] = [];
  const at = (pointer: string, message: string) => problems.push(`[ERROR] ${message} [json-pointer:/view${pointer}]`);
  if (view === null || typeof view !== 'object' || Array.isArray(view)) return ['[ERROR] view must be an object [json-pointer:/view]'];
  if (view.type !== 'modal' && view.type !== 'home') at('/type', 'must be one of modal, home');
  if (view.type === 'home') {
    for (const key of ['title', 'submit', 'close'] as const) if (view[key] !== undefined) at(`/${key}`, 'is not allowed in a home view');
  }
  if (view.type === 'modal') {
    if (!view.title) at('/title', 'missing required field: title');
    for (const key of ['title', 'submit', 'close'] as const) {
      const t = view[key];
      if (t === undefined || t === null) continue;
      if (t.type !== 'plain_text') at(`/${key}/type`, 'must be plain_text');
      if (textLength(t) > 24) at(`/${key}/text`, 'must be less than 25 characters');
      if (textLength(t) === 0) at(`/${key}/text`, 'must be more than 0 characters');
    }
  }
  const blocks: Json[] = Array.isArray(view.blocks) ? view.blocks : [];
  if (!Array.isArray(view.blocks)) at('/blocks', 'missing required field: blocks');
  if (blocks.length > 100) at('/blocks', 'must be no more than 100 items');
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) at('/private_metadata', 'must be less than 3001 characters');
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255) at('/callback_id', 'must be less than 256 characters');
  if (typeof view.external_id === 'string' && view.external_id.length > 255) at('/external_id', 'must be less than 256 characters');
  const hasInput = blocks.some((b) => b?.type === 'input');
  if (view.type === 'modal' && hasInput && !view.submit) at('/submit', 'submit is required when an input block is within blocks');
  problems.push(...blockProblems(blocks, '/blocks').map((p) => p.replace('[json-pointer:', '[json-pointer:/view')));
  return problems;
}

/** Slack-style validation messages for a list of blocks (pointer relative to `base`). */
export function blockProblems(blocks: Json[], base = '/blocks'): string[] {
  const problems: string[] = [];
  const at = (pointer: string, message: string) => problems.push(`[ERROR] ${message} [json-pointer:${base}${pointer}]`);
  const seenBlockIds = new Set<string>();
  blocks.forEach((block, i) => {
    if (block === null || typeof block !== 'object' || typeof block.type !== 'string') {
      at(`/${i}`, 'missing required field: type');
      return;
    }
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > 255) at(`/${i}/block_id`, 'must be less than 256 characters');
      if (seenBlockIds.has(block.block_id)) at(`/${i}/block_id`, `duplicate block_id ${block.block_id}`);
      seenBlockIds.add(block.block_id);
    }
    const elements: Array<[Json, string]> = [];
    switch (block.type) {
      case 'section':
        if (!block.text && !block.fields) at(`/${i}`, 'must provide text or fields');
        if (textLength(block.text) > 3000) at(`/${i}/text`, 'must be less than 3001 characters');
        if (Array.isArray(block.fields)) {
          if (block.fields.length > 10) at(`/${i}/fields`, 'must be no more than 10 items');
          block.fields.forEach((f: Json, j: number) => {
            if (textLength(f) > 2000) at(`/${i}/fields/${j}/text`, 'must be less than 2001 characters');
          });
        }
        if (block.accessory) elements.push([block.accessory, `/${i}/accessory`]);
        break;
      case 'header':
        if (textLength(block.text) > 150) at(`/${i}/text/text`, 'must be less than 151 characters');
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0) at(`/${i}/elements`, 'must provide at least 1 item');
        else {
          if (block.elements.length > 10) at(`/${i}/elements`, 'must be no more than 10 items');
          block.elements.forEach((e: Json, j: number) => {
            if (textLength(e) > 3000) at(`/${i}/elements/${j}/text`, 'must be less than 3001 characters');
          });
        }
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0) at(`/${i}/elements`, 'must provide at least 1 item');
        else {
          if (block.elements.length > 25) at(`/${i}/elements`, 'must be no more than 25 items');
          block.elements.forEach((e: Json, j: number) => elements.push([e, `/${i}/elements/${j}`]));
        }
        break;
      case 'input':
        if (!block.label) at(`/${i}/label`, 'missing required field: label');
        else if (textLength(block.label) > 2000) at(`/${i}/label/text`, 'must be less than 2001 characters');
        if (block.hint && textLength(block.hint) > 2000) at(`/${i}/hint/text`, 'must be less than 2001 characters');
        if (!block.element) at(`/${i}/element`, 'missing required field: element');
        else elements.push([block.element, `/${i}/element`]);
        break;
      default:
        break;
    }
    const seenActionIds = new Set<string>();
    for (const [element, pointer] of elements) {
      if (typeof element?.action_id === 'string') {
        if (element.action_id.length > 255) at(`${pointer}/action_id`, 'must be less than 256 characters');
        if (seenActionIds.has(element.action_id)) at(`${pointer}/action_id`, `duplicate action_id ${element.action_id}`);
        seenActionIds.add(element.action_id);
      }
      problems.push(...elementProblems(element, pointer).map((p) => `[ERROR] ${p.message} [json-pointer:${base}${p.pointer}]`));
    }
  });
  return problems;
}

function elementProblems(element: Json, pointer: string): Array<{ pointer: string; message: string }> {
  const out: Array<{ pointer: string; message: string }> = [];
  const add = (p: string, message: string) => out.push({ pointer: `${pointer}${p}`, message });
  if (element?.placeholder && textLength(element.placeholder) > 150) add('/placeholder/text', 'must be less than 151 characters');
  const options: Json[] | undefined = Array.isArray(element?.options)
    ? element.options
    : Array.isArray(element?.option_groups)
      ? element.option_groups.flatMap((g: Json) => g?.options ?? [])
      : undefined;
  if (options) out.push(...optionProblems(options).map((p) => ({ pointer: `${pointer}${p.pointer}`, message: p.message })));
  const sameOption = (a: Json, b: Json) => a?.value === b?.value && a?.text?.text === b?.text?.text;
  switch (element?.type) {
    case 'button':
      if (textLength(element.text) > 75) add('/text/text', 'must be less than 76 characters');
      if (typeof element.value === 'string' && element.value.length > 2000) add('/value', 'must be less than 2001 characters');
      break;
    case 'static_select':
    case 'multi_static_select':
      if (!options || options.length === 0) add('/options', 'must provide at least 1 item');
      else if (options.length > 100) add('/options', 'must be no more than 100 items');
      break;
    case 'checkboxes':
    case 'radio_buttons':
      if (!options || options.length === 0) add('/options', 'must provide at least 1 item');
      else if (options.length > 10) add('/options', 'must be no more than 10 items');
      break;
    case 'plain_text_input':
      if (element.max_length !== undefined && (element.max_length < 1 || element.max_length > 3000)) add('/max_length', 'must be between 1 and 3000');
      if (element.min_length !== undefined && (element.min_length < 0 || element.min_length > 3000)) add('/min_length', 'must be between 0 and 3000');
      if (typeof element.initial_value === 'string' && element.max_length !== undefined && element.initial_value.length > element.max_length) {
        add('/initial_value', 'must be no longer than max_length');
      }
      break;
    case 'number_input':
      if (typeof element.is_decimal_allowed !== 'boolean') add('/is_decimal_allowed', 'missing required field: is_decimal_allowed');
      for (const key of ['initial_value', 'min_value', 'max_value']) {
        if (element[key] !== undefined && typeof element[key] !== 'string') add(`/${key}`, 'must be a string');
      }
      break;
    default:
      break;
  }
  if (options && element.initial_option && !options.some((o) => sameOption(o, element.initial_option))) {
    add('/initial_option', 'must match one of the options');
  }
  if (options && Array.isArray(element.initial_options)) {
    element.initial_options.forEach((io: Json, k: number) => {
      if (!options.some((o) => sameOption(o, io))) add(`/initial_options/${k}`, 'must match one of the options');
    });
  }
  return out;
}

/** Option objects: text up to 75 characters, value up to 150, and each value unique in its menu. */
function optionProblems(options: Json[], base = ''): Array<{ pointer: string; message: string }> {
  const out: Array<{ pointer: string; message: string }> = [];
  const seen = new Set<string>();
  options.forEach((o, j) => {
    if (textLength(o?.text) > 75) out.push({ pointer: `${base}/options/${j}/text/text`, message: 'must be less than 76 characters' });
    if (typeof o?.value === 'string') {
      if (o.value.length > 150) out.push({ pointer: `${base}/options/${j}/value`, message: 'must be less than 151 characters' });
      if (seen.has(o.value)) out.push({ pointer: `${base}/options/${j}/value`, message: `duplicate option value ${o.value}` });
      seen.add(o.value);
    }
  });
  return out;
}

/** Slack-style problems with the answer to a `block_suggestion`: at most 100 options, each by the rules above. */
export function suggestionProblems(answer: Json): string[] {
  const options: Json[] | undefined = Array.isArray(answer?.options)
    ? answer.options
    : Array.isArray(answer?.option_groups)
      ? answer.option_groups.flatMap((g: Json) => g?.options ?? [])
      : undefined;
  if (options === undefined) return ['[ERROR] missing required field: options [json-pointer:/options]'];
  const problems = optionProblems(options).map((p) => `[ERROR] ${p.message} [json-pointer:${p.pointer}]`);
  if (options.length > 100) problems.push('[ERROR] must be no more than 100 items [json-pointer:/options]');
  return problems;
}

/**
 * Slack refuses a message whose blocks hold more than about 13 000 characters of text as a whole
 * (`msg_blocks_too_long`; undocumented, measured at ~13 200 in slackapi/bolt-js#2509).
 */
export const MESSAGE_BLOCK_TEXT_LIMIT = 13_000;

/** Characters of text in blocks, as counted here for msg_blocks_too_long: every text object's text. */
export function blockTextLength(blocks: Json): number {
  if (Array.isArray(blocks)) return blocks.reduce((n: number, b: Json) => n + blockTextLength(b), 0);
  if (blocks === null || typeof blocks !== 'object') return 0;
  const own = (blocks.type === 'mrkdwn' || blocks.type === 'plain_text') && typeof blocks.text === 'string' ? blocks.text.length : 0;
  return Object.values(blocks).reduce((n: number, child: Json) => n + blockTextLength(child), own);
}

/** What Slack answers for a message's blocks that break its rules (`{ ok: false, … }`), or undefined. */
export function messageBlocksError(blocks: Json[]): Json {
  if (blocks.length > 50) {
    return { ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] must be no more than 50 items [json-pointer:/blocks]'] } };
  }
  const problems = blockProblems(blocks);
  if (problems.length > 0) return { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } };
  if (blockTextLength(blocks) > MESSAGE_BLOCK_TEXT_LIMIT) return { ok: false, error: 'msg_blocks_too_long' };
  return undefined;
}
