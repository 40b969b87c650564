// An org-wide uninstall in an Enterprise Grid org where one workspace also installed the app on its own:
// the org's installation goes, and with it the Simplismart connections and waiting requests of the
// workspaces that had only the org's — but the workspace installed on its own keeps its connection, its
// waiting requests and its installation, and its people go on working with its own token.
import { eventually, runCommand } from '../support/bot.js';
import { ADMIN, aNewRequest, fakeJwt, ORG } from '../support/fixtures.js';
import { eventCallback } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

const GRID = 'E0UNINSTL1';
const ORG_ONLY = 'T0ORGONLY1';
const OWN_TOO = 'T0OWNTOO02';
const OWN_ADMIN = 'U0OWNADMN2';
const ORG_ONLY_USER = 'U0ORGONLY1';
const TOKEN_ORG_ONLY = fakeJwt();
const TOKEN_OWN_TOO = fakeJwt();

const { bot, slack, clock } = useBot({
  slack: {
    teams: { [ORG_ONLY]: { enterpriseId: GRID }, [OWN_TOO]: { enterpriseId: GRID } },
    users: { [ADMIN]: { is_admin: true, team_id: ORG_ONLY }, [ORG_ONLY_USER]: { team_id: ORG_ONLY }, [OWN_ADMIN]: { is_admin: true, team_id: OWN_TOO } },
  },
  oauth: {
    installs: [
      { teamId: ORG_ONLY, userId: ADMIN, orgWide: true, enterpriseId: GRID },
      { teamId: OWN_TOO, userId: OWN_ADMIN, enterpriseId: GRID },
    ],
  },
  tokens: { [TOKEN_ORG_ONLY]: ORG, [TOKEN_OWN_TOO]: ORG },
  connect: [
    { teamId: ORG_ONLY, token: TOKEN_ORG_ONLY, orgId: ORG, enterpriseId: GRID },
    { teamId: OWN_TOO, token: TOKEN_OWN_TOO, orgId: ORG, enterpriseId: GRID },
  ],
});

test('uninstalled org-wide: workspaces with only the org’s installation are forgotten, one installed on its own is left alone', async () => {
  const waiting = async (teamId: string) => (await bot.store.createRequest(aNewRequest({ teamId, enterpriseId: GRID, at: clock.now(), expiresAt: clock.now() + 3_600_000 }))).request;
  const orgOnly = await waiting(ORG_ONLY);
  const ownToo = await waiting(OWN_TOO);

  slack.uninstall({ enterpriseId: GRID });
  const event = eventCallback({ teamId: ORG_ONLY, enterpriseId: GRID, orgWide: true, event: { type: 'app_uninstalled' } });
  expect((await bot.send(event)).status).toBe(200);
  await eventually(async () => expect(await bot.store.getInstallation(`enterprise:${GRID}`)).toBeUndefined());

  expect(await bot.store.getConnection(ORG_ONLY)).toBeUndefined();
  expect((await bot.store.getRequest(orgOnly.id))?.state).toBe('cancelled');

  expect(await bot.store.getConnection(OWN_TOO)).toBeDefined();
  expect((await bot.store.getRequest(ownToo.id))?.state).toBe('pending_approval');
  expect(await bot.store.getInstallation(`team:${OWN_TOO}`)).toBeDefined();

  // Its people still reach the bot, with the workspace's own token.
  slack.clearCalls();
  expect((await runCommand(bot, 'import provider=aws', { teamId: OWN_TOO, userId: OWN_ADMIN, enterpriseId: GRID, responseUrl: slack.responseUrl() })).status).toBe(200);
  const opened = await slack.waitFor('views.open');
  expect(opened.token).toBe(slack.install(`team:${OWN_TOO}`)!.botToken);
});
