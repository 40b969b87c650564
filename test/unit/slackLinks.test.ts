// Links to the bot's messages, built as Slack's permalinks read — one auth.test per workspace, not
// one chat.getPermalink per message.
import type { WebClient } from '@slack/web-api';
import { createLogger, SecretScrubber } from '../../src/process/logger.js';
import { messagePermalink, SlackLinks } from '../../src/services/slackLinks.js';

test('a message, and a reply in a thread, as chat.getPermalink answers them', () => {
  expect(messagePermalink('https://acme.slack.com/', { channel: 'C0IMPORTS1', ts: '1700000000.000100' })).toBe(
    'https://acme.slack.com/archives/C0IMPORTS1/p1700000000000100',
  );
  expect(messagePermalink('https://acme.slack.com', { channel: 'C0IMPORTS1', ts: '1700000005.000200', root: '1700000000.000100' })).toBe(
    'https://acme.slack.com/archives/C0IMPORTS1/p1700000005000200?thread_ts=1700000000.000100&cid=C0IMPORTS1',
  );
});

test('the workspace URL is asked once per workspace; a failed lookup is asked again next time (the link left out meanwhile), an answer without one is kept', async () => {
  const asked: string[] = [];
  let failing = true;
  const clientOf = (teamId: string) =>
    ({
      auth: {
        test: async () => {
          asked.push(teamId);
          if (teamId === 'T2' && failing) throw new Error('slack down');
          return teamId === 'T3' ? { ok: true } : { ok: true, url: `https://${teamId.toLowerCase()}.slack.com/` };
        },
      },
    }) as unknown as WebClient;
  const logger = createLogger({ level: 'silent', scrubber: new SecretScrubber(), destination: { write: () => undefined } });
  const links = new SlackLinks(async (w) => clientOf(w.teamId), logger);
  const ref = { channel: 'C1', ts: '1.000100' };
  const one = { teamId: 'T1', enterpriseId: null };
  const two = { teamId: 'T2', enterpriseId: null };
  expect(await Promise.all([links.permalink(one, ref), links.permalink(one, ref)])).toEqual(['https://t1.slack.com/archives/C1/p1000100', 'https://t1.slack.com/archives/C1/p1000100']);
  expect(await links.permalink(one, ref)).toBe('https://t1.slack.com/archives/C1/p1000100');
  expect(await links.permalink(two, ref)).toBeNull();
  failing = false;
  expect(await links.permalink(two, ref)).toBe('https://t2.slack.com/archives/C1/p1000100');
  // Slack answering without a URL is an answer: remembered, not asked again for every message.
  const three = { teamId: 'T3', enterpriseId: null };
  expect(await links.permalink(three, ref)).toBeNull();
  expect(await links.permalink(three, ref)).toBeNull();
  expect(asked).toEqual(['T1', 'T2', 'T2', 'T3']);
});
