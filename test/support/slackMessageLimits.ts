// Shared checks for the message tests: Slack's message limits and "no mention from user text".
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import { MESSAGE_TEXT_BUDGET, SLACK_LIMITS } from '../../src/views/blocks.js';
import type { SlackMessage } from '../../src/views/message.js';
import { blockTextLength, messageBlocksError } from './blockKitRules.js';

export const HOSTILE_NAME = '<!channel> & <@U123>';

/** Every mrkdwn/plain text of a block, with where it sits. */
export function textsOf(blocks: readonly any[]): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  const visit = (value: any, where: string) => {
    if (value === null || typeof value !== 'object') return;
    if ((value.type === 'mrkdwn' || value.type === 'plain_text') && typeof value.text === 'string') out.push({ where, text: value.text });
    for (const [key, child] of Object.entries(value)) visit(child, `${where}.${key}`);
  };
  blocks.forEach((block, i) => visit(block, `blocks[${i}]`));
  return out;
}

/**
 * Throws with a description of the first Slack limit the message breaks — the local Slack's own rules
 * (messageBlocksError: blocks, fields, texts, ids, msg_blocks_too_long) — or, stricter, when its block
 * text is over the bot's own budget, which keeps every message well inside Slack's edge.
 */
export function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(typeof message.text).toBe('string');
  expect(message.text.trim().length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  expect(messageBlocksError(message.blocks as any[])).toBeUndefined();
  expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
}

/** Every mention, link, date and escape in `text` is whole: none was cut (Slack would show it raw). */
export function expectWholeEntities(text: string): void {
  const rest = text.replace(/<[^<>\n]*>/g, '').replace(/&(?:amp|lt|gt);/g, '');
  expect(rest).not.toMatch(/[<&]/);
}

/** The plain-text fallback carries none of our mrkdwn markup: no bold, code or emoji codes. */
export function expectPlainFallback(message: SlackMessage): void {
  expect(message.text).not.toMatch(/[*`]/);
  expect(message.text).not.toMatch(/:[a-z0-9_+-]+:/);
}

/** A user-supplied `<!channel> & <@U123>` appears nowhere as a live mention, in blocks or fallback. */
export function expectNoInjectedMention(message: SlackMessage): void {
  const everything = [message.text, ...textsOf(message.blocks).map((t) => t.text)];
  for (const text of everything) {
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
  }
}
