// The one way to tell a person something only they see: ephemerally through the payload's
// response_url; by DM when there is none or Slack no longer takes it — the DM sent by the poster of the
// payload's own workspace. A courtesy note (orDm: false) goes through the response_url or not at all.
import { Writable } from 'node:stream';
import { createLogger, SecretScrubber } from '../../../src/process/logger.js';
import { Notifier } from '../../../src/services/notifier.js';
import type { SlackPoster } from '../../../src/services/slackPoster.js';
import { message } from '../../../src/views/message.js';

function setUp(options: { refuse?: boolean } = {}) {
  const ephemerals: Array<{ url: string; text: string }> = [];
  const dms: Array<{ teamId: string; to: string; text: string }> = [];
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    scrubber: new SecretScrubber(),
    destination: new Writable({
      write(chunk: Buffer, _e, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  const notifier = new Notifier({
    logger,
    posterFor: ({ teamId }) =>
      ({
        post: async (channel: string, note: { text: string }) => {
          dms.push({ teamId, to: channel, text: note.text });
          return { channel: `D${channel}`, ts: '1.1' };
        },
      }) as unknown as SlackPoster,
    respond: async (url, note) => {
      if (options.refuse === true) throw new Error('response_url answered 404');
      ephemerals.push({ url, text: note.text });
    },
  });
  return { notifier, ephemerals, dms, logs };
}

const NOTE = message(':wave: Approved.');

test('through the response_url when the payload has one; no DM', async () => {
  const { notifier, ephemerals, dms } = setUp();
  await notifier.tell({ teamId: 'T1', userId: 'U1', responseUrl: 'https://hooks.slack.com/actions/1' }, NOTE);
  expect(ephemerals).toEqual([{ url: 'https://hooks.slack.com/actions/1', text: 'Approved.' }]);
  expect(dms).toEqual([]);
});

test('by DM, through the poster of the payload’s workspace, when the response_url is refused', async () => {
  const { notifier, ephemerals, dms, logs } = setUp({ refuse: true });
  await notifier.tell({ teamId: 'T2', userId: 'U1', responseUrl: 'https://hooks.slack.com/actions/old' }, NOTE);
  expect(ephemerals).toEqual([]);
  expect(dms).toEqual([{ teamId: 'T2', to: 'U1', text: 'Approved.' }]);
  expect(logs.join('')).toContain('sending it by DM');
});

test('by DM when the payload has no response_url (a button in a modal, a DM’s message)', async () => {
  const { notifier, dms } = setUp();
  await notifier.to({ teamId: 'T3', userId: 'U9' })(NOTE);
  expect(dms).toEqual([{ teamId: 'T3', to: 'U9', text: 'Approved.' }]);
});

test('a courtesy note (orDm: false) is never turned into a DM: refused, it rejects; without a response_url, nothing is sent', async () => {
  const refused = setUp({ refuse: true });
  await expect(refused.notifier.tell({ teamId: 'T1', userId: 'U1', responseUrl: 'https://x/1' }, NOTE, { orDm: false })).rejects.toThrow('404');
  expect(refused.dms).toEqual([]);
  const none = setUp();
  await none.notifier.tell({ teamId: 'T1', userId: 'U1' }, NOTE, { orDm: false });
  expect([...none.dms, ...none.ephemerals]).toEqual([]);
});
