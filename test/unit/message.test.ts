// Finishing a message: one limit for the notification text, at most 50 blocks, and block text within
// the bot's budget however long what the builders put in, with short lines and entities left whole.
import { actions, button, context, MESSAGE_TEXT_BUDGET, section, SLACK_LIMITS } from '../../src/views/blocks.js';
import { blockTextLength, slackMessage } from '../../src/views/message.js';
import { blockTextLength as slackCounts, MESSAGE_BLOCK_TEXT_LIMIT } from '../support/blockKitRules.js';
import { expectWholeEntities, expectWithinSlackLimits, textsOf } from '../support/slackMessageLimits.js';

const mentions = (n: number) => Array.from({ length: n }, (_, i) => `<@U0PERSON${String(i).padStart(3, '0')}>`).join(' ');

describe('slackMessage', () => {
  it('leaves a message within the budget as it is', () => {
    const blocks = [section('*Hello*'), context('Request `ir-1`')];
    expect(slackMessage('Hello', blocks)).toEqual({ text: 'Hello', blocks });
  });

  it('brings a message over Slack’s edge within the budget, shortening the longest texts first', () => {
    const blocks = [
      section(':red_circle: *Import failed* for a cluster: the headline.'),
      ...Array.from({ length: 5 }, () => section(mentions(300))),
      section('*Next step:* use *Edit and retry*.'),
      actions(undefined, [button('Edit and retry', 'request_edit', { value: 'ir-1' })]),
      context('Request `ir-1`'),
    ];
    expect(slackCounts(blocks)).toBeGreaterThan(MESSAGE_BLOCK_TEXT_LIMIT);
    const before = JSON.stringify(blocks);
    const message = slackMessage('Import failed', blocks);
    expectWithinSlackLimits(message);
    const texts = textsOf(message.blocks).map((t) => t.text);
    expect(texts[0]).toBe(':red_circle: *Import failed* for a cluster: the headline.');
    expect(texts.slice(-3)).toEqual(['*Next step:* use *Edit and retry*.', 'Edit and retry', 'Request `ir-1`']);
    for (const long of texts.slice(1, 6)) {
      expect(long).toMatch(/…$/);
      expectWholeEntities(long);
      expect(long.length).toBeGreaterThan(1500);
    }
    // What was given is not changed.
    expect(JSON.stringify(blocks) === before).toBe(true);
  });

  it('counts every text a block holds, buttons and dialogs included, as the local Slack does', () => {
    const blocks = [section('abc'), actions(undefined, [button('Go', 'go')]), context('de', 'f')];
    expect(blockTextLength(blocks)).toBe(8);
    expect(slackCounts(blocks)).toBe(8);
  });

  it('one limit for the notification text, cut outside any mention; at most 50 blocks', () => {
    const message = slackMessage(mentions(400), Array.from({ length: 60 }, (_, i) => section(`line ${i}`)));
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(message.text).toMatch(/…$/);
    expectWholeEntities(message.text);
    expect(message.blocks).toHaveLength(SLACK_LIMITS.messageBlocks);
  });

  it('the budget is well inside Slack’s edge', () => {
    expect(MESSAGE_TEXT_BUDGET).toBeLessThanOrEqual(MESSAGE_BLOCK_TEXT_LIMIT - 1500);
  });
});
