// The heart of the product over real HTTP: command → modal → validated submit → one POST → thread.
import { FAKE_KUBECONFIG_SECRET, startFakeSimplismart, type FakeSimplismart } from '../support/fakeSimplismart.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { aBody } from '../support/fixtures.js';
import {
  ALICE,
  CHANNEL,
  connectWorkspace,
  eventually,
  fakeJwt,
  openImportModal,
  ORG,
  startTestBot,
  submitModal,
  TEAM,
  validImportValues,
  type TestBot,
} from '../support/bot.js';

let slack: FakeSlack;
let simplismart: FakeSimplismart;
let bot: TestBot;
const TOKEN = fakeJwt();

beforeAll(async () => {
  slack = await startFakeSlack({ teamId: TEAM });
  simplismart = await startFakeSimplismart({ tokens: { [TOKEN]: ORG } });
  bot = await startTestBot({ slack, simplismart });
  await connectWorkspace(bot, TEAM, TOKEN, ORG);
});

afterAll(async () => {
  await bot?.stop();
  await slack?.close();
  await simplismart?.close();
});

test('valid submit → exactly one POST with the documented body and the workspace token → parent and thread', async () => {
  const view = await openImportModal(bot, slack, { text: 'provider=aws' });
  const response = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2' }));
  expect(response.status).toBe(200);
  expect(response.json).toMatchObject({ response_action: 'update' });

  const [request] = await simplismart.waitForRequest();
  expect(request!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
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
  await eventually(() => {
    const outcome = slack.messages().find((m) => JSON.stringify(m.blocks).includes('is imported into Simplismart'));
    expect(outcome).toBeDefined();
  });
  const messages = slack.messages();
  const parent = messages.find((m) => m.channel === CHANNEL && m.thread_ts === undefined);
  expect(parent).toBeDefined();
  expect(JSON.stringify(parent!.blocks)).toContain('Imported');
  const replies = messages.filter((m) => m.thread_ts === parent!.ts);
  expect(replies.length).toBeGreaterThanOrEqual(3);
  expect(JSON.stringify(replies.at(-1)!.blocks)).toContain(`<@${ALICE}>`);
  expect(simplismart.importCount()).toBe(1);
  expect(JSON.stringify(slack.calls).includes(FAKE_KUBECONFIG_SECRET)).toBe(false);
});
