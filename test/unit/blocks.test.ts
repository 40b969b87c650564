// The Block Kit builders: Slack's text limits enforced in one place, and escaping of foreign text.
import { button, clip, code, confirmDialog, context, escapeMrkdwn, fields, header, input, mrkdwn, option, plain, section, slackDate, SLACK_LIMITS } from '../../src/views/blocks.js';

describe('escaping', () => {
  it('escapeMrkdwn turns &, < and > into entities (no mention, link or markup from foreign text)', () => {
    expect(escapeMrkdwn('<!channel> & <@U123> <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://x|y&gt;');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });

  it('code() escapes and survives backticks inside the value', () => {
    expect(code('a`b<c>')).toBe('`aˋb&lt;c&gt;`');
  });
});

describe('limits', () => {
  it('clip keeps short text and cuts long text to the limit with an ellipsis', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcd', 3)).toBe('ab…');
  });

  it('texts are clipped to Slack’s limits', () => {
    expect(section('x'.repeat(5000)).text!.text).toHaveLength(SLACK_LIMITS.sectionText);
    expect(mrkdwn('x'.repeat(5000)).text).toHaveLength(3000);
    expect(plain('x'.repeat(5000)).text).toHaveLength(3000);
    expect(header('x'.repeat(500)).text.text).toHaveLength(150);
    expect(button('x'.repeat(100), 'a').text.text).toHaveLength(75);
    expect(option('x'.repeat(100), 'v', 'd'.repeat(100))).toMatchObject({ text: { text: expect.stringMatching(/^x{74}…$/) }, description: { text: expect.stringMatching(/^d{74}…$/) } });
    const dialog = confirmDialog('t'.repeat(200), 'x'.repeat(500), 'c'.repeat(50), 'd'.repeat(50));
    expect([dialog.title!.text.length, dialog.text.text.length, dialog.confirm!.text.length, dialog.deny!.text.length]).toEqual([100, 300, 30, 30]);
  });

  it('a section holds at most 10 fields of 2000 characters; a context at most 10 elements', () => {
    const many = fields(Array.from({ length: 12 }, (_, i): [string, string] => [`L${i}`, 'v'.repeat(3000)]));
    expect(many.fields).toHaveLength(10);
    for (const f of many.fields!) expect(f.text.length).toBeLessThanOrEqual(2000);
    expect(context(...Array.from({ length: 12 }, () => 'x')).elements).toHaveLength(10);
  });

  it('input blocks are required unless said otherwise, and dispatch only when asked', () => {
    const block = input({ blockId: 'b', label: 'L', element: { type: 'plain_text_input', action_id: 'a' } });
    expect(block.optional).toBe(false);
    expect(block).not.toHaveProperty('dispatch_action');
    expect(input({ blockId: 'b', label: 'L', optional: true, dispatchAction: true, element: { type: 'plain_text_input', action_id: 'a' } })).toMatchObject({
      optional: true,
      dispatch_action: true,
    });
  });
});

describe('slackDate', () => {
  it('gives Slack’s date token with a plain UTC fallback', () => {
    expect(slackDate(Date.UTC(2025, 0, 2, 3, 4, 5))).toBe('<!date^1735787045^{date_short_pretty} at {time}|2025-01-02 03:04 UTC>');
  });
});
