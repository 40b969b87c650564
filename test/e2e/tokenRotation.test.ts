// Token rotation on: each bot token expires and comes with a refresh token. A token about to expire is
// refreshed through the local Slack's oauth.v2.access (grant_type=refresh_token) before it is used — for
// a person's command and for work nobody clicked for alike — and the new pair replaces the old one in the
// store, encrypted (the local Slack's refresh tokens are good once: keeping the old one would fail next time).
import { connectWorkspace, eventually, pause, rawRows, runCommand } from '../support/bot.js';
import { ADMIN, ALICE, TEAM } from '../support/fixtures.js';
import { useBot } from '../support/world.js';

/**
 * @slack/oauth refreshes a token expiring within two hours; this one has two seconds more than that,
 * so it is fresh when installed and due for a refresh two seconds later (real time: tokens expire in it).
 */
const LIFETIME_S = 2 * 60 * 60 + 2;

const { bot, slack, token } = useBot({
  slack: { users: { [ADMIN]: { is_admin: true }, [ALICE]: {} } },
  oauth: { installs: [{ teamId: TEAM, userId: ADMIN }], tokenLifetimeSeconds: LIFETIME_S },
  connect: [],
});

test('a bot token about to expire is refreshed before use, for a command and for background work, and the new pair is stored', async () => {
  await connectWorkspace(bot, TEAM, token, '54360212-2263-44c6-afaf-1333544854f7');
  const first = slack.install(TEAM)!;
  const firstToken = first.botToken;
  const firstRefresh = first.refreshToken!;
  expect(firstRefresh).toBeDefined();
  const refreshes = () => slack.callsTo('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token');

  // Fresh: used as it is.
  await runCommand(bot, 'import', { userId: ALICE, responseUrl: slack.responseUrl() });
  expect((await slack.waitFor('views.open')).token).toBe(firstToken);
  expect(refreshes()).toHaveLength(0);

  await pause(2500);
  slack.clearCalls();
  await runCommand(bot, 'import', { userId: ALICE, responseUrl: slack.responseUrl() });
  const opened = await slack.waitFor('views.open');
  expect(refreshes()).toHaveLength(1);
  expect(refreshes()[0]!.credentials?.['refresh_token']).toBe(firstRefresh);
  // Copied: the local Slack changes its install in place on the next refresh.
  const second = { ...slack.install(TEAM)! };
  expect(second.botToken).not.toBe(firstToken);
  expect(opened.token).toBe(second.botToken);
  const [row] = await rawRows(bot, 'SELECT bot_token_ciphertext, bot_refresh_token_ciphertext, bot_token_expires_at FROM slack_installations');
  for (const secret of [second.botToken, second.refreshToken!, firstToken]) expect(JSON.stringify(row)).not.toContain(secret);
  expect(Number(row!['bot_token_expires_at'])).toBeGreaterThan(Date.now() + 2 * 60 * 60 * 1000);

  // Work nobody clicked for (a DM to the requester, the thread's path when the channel is closed) refreshes too.
  await pause(2500);
  slack.clearCalls();
  await bot.services.notifier.tell({ teamId: TEAM, enterpriseId: null, userId: ALICE }, { text: 'hello', blocks: [] });
  await eventually(() => expect(slack.callsTo('chat.postMessage')).toHaveLength(1));
  expect(refreshes()).toHaveLength(1);
  expect(refreshes()[0]!.credentials?.['refresh_token']).toBe(second.refreshToken);
  const third = slack.install(TEAM)!;
  expect(slack.callsTo('chat.postMessage')[0]!.token).toBe(third.botToken);
  expect(third.botToken).not.toBe(second.botToken);
  expect(slack.callsTo('chat.postMessage')[0]!.args.channel).toBe(ALICE);
}, 20_000);
