// An uninstall that arrives while a token refresh is out: Slack issued the new pair, then the workspace
// removed the app, and the bot hears the refresh's answer only after the uninstall. The uninstall wins:
// the refreshed installation is not saved back, and the workspace's later payloads are not authorized.
import { eventually, pause, rawRows, runCommand } from '../support/bot.js';
import { ADMIN, ALICE, TEAM } from '../support/fixtures.js';
import { eventCallback } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

const { bot, slack } = useBot({
  slack: { users: { [ADMIN]: { is_admin: true }, [ALICE]: {} } },
  oauth: { installs: [{ teamId: TEAM, userId: ADMIN }], tokenLifetimeSeconds: 12 * 60 * 60 },
});

test('uninstalled while the refresh’s answer is on its way: the installation stays gone, later payloads are not authorized', async () => {
  // The token expired while idle, in Slack and in the store, and out of the bot's cache.
  slack.ageToken(slack.install(TEAM)!.botToken, 'expired');
  await rawRows(bot, 'UPDATE slack_installations SET bot_token_expires_at = $1', [Date.now() - 1000]);
  bot.services.tokens.forget({ teamId: TEAM });
  // Slack refreshes at once, but its answer reaches the bot a second and a half later.
  slack.failNext('oauth.v2.access', { answerAfterMs: 1500 });
  const command = runCommand(bot, 'import provider=aws', { userId: ALICE, responseUrl: slack.responseUrl('during') });
  // Slack has refreshed (issued the new pair); its answer is still held.
  await slack.waitFor('oauth.v2.access', (c) => c.args.grant_type === 'refresh_token' && c.response?.ok === true);

  slack.uninstall({ teamId: TEAM });
  expect((await bot.send(eventCallback({ teamId: TEAM, event: { type: 'app_uninstalled' } }))).status).toBe(200);
  await eventually(async () => expect(await bot.store.getInstallation(`team:${TEAM}`)).toBeUndefined());
  expect((await command).status).toBe(200);
  await pause(300);
  expect(await bot.store.getInstallation(`team:${TEAM}`)).toBeUndefined();

  slack.clearCalls();
  await runCommand(bot, 'import provider=aws', { userId: ALICE, responseUrl: slack.responseUrl('after') });
  await pause(300);
  expect(slack.callsTo('views.open')).toEqual([]);
  expect(slack.callsTo('oauth.v2.access')).toEqual([]);
});
