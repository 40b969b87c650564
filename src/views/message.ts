// Every message the bot posts is finished here: its notification text and its block text kept within
// what Slack accepts, so that no builder can produce one Slack refuses (and an outcome is never lost).
import type { Button, KnownBlock, MrkdwnElement, PlainTextElement } from '@slack/types';
import { clipMrkdwn, MESSAGE_TEXT_BUDGET, section, SLACK_LIMITS } from './blocks.js';

/** A message ready to post: every builder in src/views makes it with slackMessage(). */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/**
 * The notification text cut to one limit, at most 50 blocks, and block text within
 * MESSAGE_TEXT_BUDGET: when a message would exceed it, the longest texts are shortened first (each cut
 * outside any entity), so short lines — the headline, the next step, the buttons — stay whole.
 */
export function slackMessage(text: string, blocks: readonly KnownBlock[]): SlackMessage {
  return {
    text: clipMrkdwn(text, SLACK_LIMITS.fallbackText),
    blocks: withinBudget(blocks.slice(0, SLACK_LIMITS.messageBlocks), MESSAGE_TEXT_BUDGET),
  };
}

/** A message that says one thing (an ephemeral note, a thread step): its text, plain in the fallback. */
export function message(text: string, extra: readonly KnownBlock[] = []): SlackMessage {
  return slackMessage(stripMarkup(text), [section(text), ...extra]);
}

/**
 * Notification text has no formatting: drop emoji codes, bold and code marks (underscores stay: they
 * are in names). Only for our own text: names and other values people or the API supplied are added
 * to a fallback escaped instead (escapeMrkdwn), never stripped — in `text` too, `<!channel>` would notify.
 */
export function stripMarkup(text: string): string {
  return text
    .replace(/:[a-z0-9_+-]+:\s?/g, '')
    .replace(/[*`]/g, '')
    .trim();
}

type TextObject = MrkdwnElement | PlainTextElement;

/** Characters of text in blocks: every text object's `text`, wherever it sits (buttons, dialogs…). */
export function blockTextLength(blocks: readonly KnownBlock[]): number {
  let total = 0;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (isTextObject(value)) total += value.text.length;
    for (const child of Object.values(value)) visit(child);
  };
  visit(blocks);
  return total;
}

function isTextObject(value: object): value is TextObject {
  const { type, text } = value as { type?: unknown; text?: unknown };
  return (type === 'mrkdwn' || type === 'plain_text') && typeof text === 'string';
}

/** The texts that may be shortened: what sections and contexts say (not buttons or dialogs). */
function shortenable(block: KnownBlock): TextObject[] {
  if (block.type === 'section') return [...(block.text === undefined ? [] : [block.text]), ...(block.fields ?? [])];
  if (block.type === 'context') return block.elements.filter((e): e is TextObject => isTextObject(e));
  return [];
}

function withinBudget(blocks: KnownBlock[], budget: number): KnownBlock[] {
  const total = blockTextLength(blocks);
  if (total <= budget) return blocks;
  const copy = structuredClone(blocks);
  const texts = copy.flatMap(shortenable);
  const fixed = total - texts.reduce((n, t) => n + t.text.length, 0);
  const cap = levelFor(
    texts.map((t) => t.text.length),
    budget - fixed,
  );
  for (const t of texts) t.text = clipMrkdwn(t.text, cap);
  return copy;
}

/** The largest length such that all texts, each cut to it, add up to at most `allowance`. */
function levelFor(lengths: readonly number[], allowance: number): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  let used = 0;
  for (const [index, length] of sorted.entries()) {
    const remaining = sorted.length - index;
    if (used + length * remaining > allowance) return Math.max(1, Math.floor((allowance - used) / remaining));
    used += length;
  }
  return sorted.at(-1) ?? 0;
}

function moreNotShown(count: number): string {
  return `_…and ${count} more not shown._`;
}
const MORE_NOT_SHOWN_ROOM = moreNotShown(1_000_000).length + 1;

/** A line with a button beside it: it gets a section of its own. */
export interface ButtonRow {
  text: string;
  accessory: Button;
}

/**
 * A section holds 3000 characters and a message MESSAGE_TEXT_BUDGET in all, and 50 blocks: lines go
 * into as many sections as they need (a line with a button into its own), in what the message's other
 * blocks leave, and the rest is counted, not cut.
 */
export function sectionsFor(lines: ReadonlyArray<string | ButtonRow>, others: readonly KnownBlock[]): KnownBlock[] {
  const budget = MESSAGE_TEXT_BUDGET - blockTextLength(others) - MORE_NOT_SHOWN_ROOM;
  const blockRoom = SLACK_LIMITS.messageBlocks - others.length - 1;
  const blocks: KnownBlock[] = [];
  let chunk = '';
  let used = 0;
  const flush = () => {
    if (chunk !== '') blocks.push(section(chunk));
    chunk = '';
  };
  for (const [index, line] of lines.entries()) {
    const row = typeof line === 'string' ? undefined : line;
    const text = typeof line === 'string' ? line : line.text;
    used += text.length + 1 + (row?.accessory.text.text.length ?? 0);
    if (used > budget || blocks.length + (chunk === '' ? 0 : 1) >= blockRoom) {
      flush();
      blocks.push(section(moreNotShown(lines.length - index)));
      return blocks;
    }
    if (row !== undefined) {
      flush();
      blocks.push(section(row.text, { accessory: row.accessory }));
      continue;
    }
    if (chunk !== '' && chunk.length + text.length + 1 > 2900) flush();
    chunk += `${chunk === '' ? '' : '\n'}${text}`;
  }
  flush();
  return blocks;
}
