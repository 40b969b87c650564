// The Block Kit builders: Slack's text limits enforced in one place, escaping of foreign text, and
// cuts (of text and of lists) that never fall inside a Slack entity or a list item.
import fc from 'fast-check';
import {
  approverMentions,
  button,
  clip,
  clipMrkdwn,
  code,
  confirmDialog,
  context,
  escapedWithin,
  escapeMrkdwn,
  fields,
  header,
  input,
  listWithin,
  mrkdwn,
  NO_APPROVERS,
  option,
  plain,
  section,
  slackDate,
  SLACK_LIMITS,
} from '../../src/views/blocks.js';

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

// ---- cutting text and lists ----

const id = (prefix: string) => fc.stringMatching(/^[A-Z0-9]{2,11}$/).map((rest) => `${prefix}${rest}`);
const word = fc.stringMatching(/^[a-z ]{1,12}$/);
/** Every kind of entity Slack parses in mrkdwn, as the bot writes them. */
const entity = fc.oneof(
  id('U').map((u) => `<@${u}>`),
  id('S').map((g) => `<!subteam^${g}>`),
  fc.tuple(id('S'), word).map(([g, handle]) => `<!subteam^${g}|@${handle}>`),
  id('C').map((c) => `<#${c}>`),
  fc.tuple(id('C'), word).map(([c, name]) => `<#${c}|${name}>`),
  fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => slackDate(ms)),
  fc.tuple(word, word).map(([path, text]) => `<https://example.com/${path.replace(/ /g, '-')}|${text}>`),
  fc.constantFrom('<!here>', '<!channel>', '&amp;', '&lt;', '&gt;'),
);
/** What else mrkdwn holds: letters, markup, quote marks and line breaks, an emoji (two UTF-16 units). */
const other = fc.constantFrom('a', 'b', ' ', '*', '_', '`', '>', '\n', '|', '^', '!', '@', '#', ':', '😀');
const segments = fc.array(fc.oneof({ arbitrary: other, weight: 3 }, { arbitrary: entity, weight: 2 }), { maxLength: 60 });

/** Offsets between segments: the only places a cut may fall. */
function boundaries(parts: readonly string[]): Set<number> {
  const at = new Set([0]);
  let offset = 0;
  for (const part of parts) {
    offset += part.length;
    at.add(offset);
  }
  return at;
}

describe('clipMrkdwn', () => {
  it('never cuts inside an entity, an escape or an emoji, keeps a prefix and fits the limit', () => {
    fc.assert(
      fc.property(segments, fc.integer({ min: 1, max: 2000 }), (parts, rawMax) => {
        const text = parts.join('');
        const max = Math.min(rawMax, text.length + 2);
        const cut = clipMrkdwn(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        if (text.length <= max) {
          expect(cut).toBe(text);
          return;
        }
        expect(cut.endsWith('…')).toBe(true);
        const kept = cut.slice(0, -1);
        expect(text.startsWith(kept)).toBe(true);
        expect(boundaries(parts).has(kept.length)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the approval note of many approvers: cut before a mention, not in it', () => {
    const note = `:lock: Imports here need 2 approvals from ${Array.from({ length: 70 }, (_, i) => `<@U0APPR${String(i).padStart(4, '0')}>`).join(', ')} before they run.`;
    const cut = clipMrkdwn(note, 600);
    expect(cut.length).toBeLessThanOrEqual(600);
    expect(cut).toMatch(/(<@U0APPR\d{4}>|, )…$/);
    expect(clip(note, 600)).not.toMatch(/(<@U0APPR\d{4}>|, )…$/);
  });

  it('a link, a date and an escape are kept whole or left out whole', () => {
    expect(clipMrkdwn('see <https://example.com/a|the thread> now', 20)).toBe('see …');
    expect(clipMrkdwn(`at ${slackDate(0)}`, 30)).toBe('at …');
    expect(clipMrkdwn('a &amp; b', 5)).toBe('a …');
    expect(clipMrkdwn('a &amp; b', 8)).toBe('a &amp;…');
  });

  it('a lone < or & is not an entity and is cut like any character', () => {
    expect(clipMrkdwn(`<${'x'.repeat(20)}`, 10)).toBe(`<${'x'.repeat(8)}…`);
    expect(clipMrkdwn(`R&D ${'x'.repeat(20)}`, 10)).toBe('R&D xxxxx…');
  });
});

describe('clip (plain text)', () => {
  it('never leaves half of an emoji', () => {
    expect(clip('ab😀cd', 4)).toBe('ab…');
    expect(clip('ab😀cd', 5)).toBe('ab😀…');
  });
});

describe('escapedWithin', () => {
  it('escapes, then cuts to the limit outside any escape', () => {
    expect(escapedWithin('<<<<', 10)).toBe('&lt;&lt;…');
    expect(escapedWithin('a&b', 100)).toBe('a&amp;b');
  });
});

describe('listWithin', () => {
  const mention = fc.oneof(id('U').map((u) => `<@${u}>`), id('S').map((g) => `<!subteam^${g}>`));

  it('cuts between items, says how many are left out, and fits the room', () => {
    fc.assert(
      fc.property(fc.array(mention, { maxLength: 80 }), fc.integer({ min: 60, max: 2000 }), (items, max) => {
        const list = listWithin(items, max);
        expect(list.length).toBeLessThanOrEqual(max);
        if (items.join(', ').length <= max) {
          expect(list).toBe(items.join(', '));
          return;
        }
        const [, shown = '', hidden = '0'] = /^(.*?)(?: and (\d+) more)?$/.exec(list) ?? [];
        const kept = shown.split(', ');
        expect(kept).toEqual(items.slice(0, kept.length));
        expect(kept.length + Number(hidden)).toBe(items.length);
        expect(Number(hidden)).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads "… and 12 more", and lines can be listed the same way', () => {
    const items = Array.from({ length: 14 }, (_, i) => `<@U0APPR${String(i).padStart(4, '0')}>`);
    expect(listWithin(items, 45)).toBe('<@U0APPR0000>, <@U0APPR0001> and 12 more');
    expect(listWithin(['a', 'b'], 100)).toBe('a, b');
    expect(listWithin(['• one', '• two', '• three'], 18, { separator: '\n', more: (n) => `\n…and ${n} more` })).toBe('• one\n…and 2 more');
  });

  it('approverMentions: people then groups, or the one wording for nobody', () => {
    expect(approverMentions(['U1'], ['S1'], 100)).toBe('<@U1>, <!subteam^S1>');
    expect(approverMentions([], [], 100)).toBe(NO_APPROVERS);
  });
});
