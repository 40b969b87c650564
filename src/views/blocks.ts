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

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
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
  return { type: 'mrkdwn', text: clip(text, max) };
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
  multiline?: boolean;
}): InputBlock {
  const maxLength = args.maxLength ?? 3000;
  const value = args.value ?? '';
  return input({
    blockId: args.blockId,
    label: args.label,
    optional: args.optional ?? false,
    ...(args.hint === undefined ? {} : { hint: args.hint }),
    element: {
      type: 'plain_text_input',
      action_id: args.actionId,
      max_length: maxLength,
      ...(args.multiline === true ? { multiline: true } : {}),
      ...(args.placeholder === undefined ? {} : { placeholder: plain(args.placeholder, SLACK_LIMITS.placeholder) }),
      ...(value === '' ? {} : { initial_value: clip(value, maxLength) }),
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
