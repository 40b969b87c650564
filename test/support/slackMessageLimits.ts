// Shared checks for the message tests: Slack's message limits and "no mention from user text".
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import type { SlackMessage } from '../../src/views/importMessages.js';

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

/** Throws with a description of the first Slack limit the message breaks. */
export function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  expect(typeof message.text).toBe('string');
  expect(message.text.trim().length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(40_000);
  for (const block of message.blocks as any[]) {
    if (block.type === 'section') {
      if (block.text !== undefined) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      if (block.fields !== undefined) {
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const f of block.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
      }
    }
    if (block.type === 'context') {
      expect(block.elements.length).toBeLessThanOrEqual(10);
      for (const e of block.elements) expect(e.text.length).toBeLessThanOrEqual(3000);
    }
    if (block.type === 'actions') {
      expect(block.elements.length).toBeLessThanOrEqual(25);
      for (const e of block.elements) expect(e.text.text.length).toBeLessThanOrEqual(75);
    }
    if (block.block_id !== undefined) expect(block.block_id.length).toBeLessThanOrEqual(255);
  }
  const total = textsOf(message.blocks).reduce((n, t) => n + t.text.length, 0);
  expect(total).toBeLessThanOrEqual(13_000);
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
