// The heart of the product over real HTTP: command → modal → validated submit → one POST → thread.
import { openImportModal, requestIdIn, submitModal } from '../support/bot.js';
import { FAKE_KUBECONFIG_SECRET } from '../support/fakeSimplismart.js';
import { aBody, ALICE, CHANNEL, validImportValues } from '../support/fixtures.js';
import { useBot } from '../support/world.js';

const { bot, slack, simplismart, token, settled } = useBot();

test('valid submit → exactly one POST with the documented body and the workspace token → parent and thread', async () => {
  const view = await openImportModal(bot, slack, { text: 'provider=aws' });
  const response = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2' }));
  expect(response.status).toBe(200);
  expect(response.json).toMatchObject({ response_action: 'update' });

  const [request] = await simplismart.waitForRequest();
  expect(request!.headers['authorization']).toBe(`Bearer ${token}`);
  // The documented body, with the slug and avatar derived from the name.
  expect(request!.json).toEqual(
    aBody({
      slug: 'production-cluster',
      avatar: {
        image_url: expect.stringMatching(/^https:\/\/ui-avatars\.com\/api\/\?name=Production\+Cluster&color=FFFFFF&background=[0-9A-F]{6}$/),
        font_color: '#FFFFFF',
        background_color: expect.stringMatching(/^#[0-9A-F]{6}$/),
      },
    }),
  );
  // The outcome is told in the thread, and the parent updated after it.
  await settled(requestIdIn(response), 'succeeded');
  const messages = slack.messages();
  const parent = messages.find((m) => m.channel === CHANNEL && m.thread_ts === undefined);
  expect(parent).toBeDefined();
  expect(JSON.stringify(parent!.blocks)).toContain('Imported');
  // No approval needed: the parent carried "Importing" before; the thread holds the outcome alone.
  const replies = messages.filter((m) => m.thread_ts === parent!.ts);
  expect(replies).toHaveLength(1);
  expect(JSON.stringify(replies[0]!.blocks)).toContain(`<@${ALICE}>`);
  expect(simplismart.importCount()).toBe(1);
  expect(JSON.stringify(slack.calls).includes(FAKE_KUBECONFIG_SECRET)).toBe(false);
});
