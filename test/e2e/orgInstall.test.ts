// An Enterprise Grid org-wide install: one installation (and one bot token) for the organisation,
// stored under the org; each workspace of the org connects its own Simplismart token; commands, forms
// and background work in any of them carry the org's token (the local Slack refuses it outside the org);
// requests (imports and node groups) remember their org; uninstalling org-wide forgets every workspace
// of the org at once.
import { eventually, openModalByCommand, rawRows, runCommand, submitModal } from '../support/bot.js';
import { ADMIN, ALICE, BOB, fakeJwt, ORG, ORG_TWO, TEAM, validImportValues } from '../support/fixtures.js';
import { expectCallsWithOwnTokens } from '../support/oauth.js';
import { eventCallback } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

const GRID_ORG = 'E0GRIDORG1';
const GRID_A = 'T0GRIDAAA1';
const GRID_B = 'T0GRIDBBB2';
const CHANNEL_A = 'C0GRIDAAA1';
const CHANNEL_B = 'C0GRIDBBB2';
const GRID_USER_A = 'U0GRIDUSA1';
const GRID_USER_B = 'U0GRIDUSB2';
const TOKEN_A = fakeJwt();
const TOKEN_B = fakeJwt();

const { bot, slack, simplismart, settled } = useBot({
  slack: {
    teams: { [GRID_A]: { enterpriseId: GRID_ORG }, [GRID_B]: { enterpriseId: GRID_ORG } },
    users: { [ADMIN]: { is_admin: true, team_id: GRID_A }, [GRID_USER_A]: { team_id: GRID_A }, [GRID_USER_B]: { team_id: GRID_B }, [ALICE]: {}, [BOB]: {} },
    channels: { [CHANNEL_A]: { team_id: GRID_A }, [CHANNEL_B]: { team_id: GRID_B } },
  },
  oauth: { installs: [{ teamId: GRID_A, userId: ADMIN, orgWide: true, enterpriseId: GRID_ORG }] },
  tokens: { [TOKEN_A]: ORG, [TOKEN_B]: ORG_TWO },
  connect: [
    { teamId: GRID_A, token: TOKEN_A, orgId: ORG, enterpriseId: GRID_ORG },
    { teamId: GRID_B, token: TOKEN_B, orgId: ORG_TWO, enterpriseId: GRID_ORG },
  ],
});

const orgToken = (): string => slack.install(`enterprise:${GRID_ORG}`)!.botToken;

test('one installation for the org, stored under the org, with no team of its own', async () => {
  const rows = await rawRows(bot, 'SELECT install_key, team_id, enterprise_id, is_enterprise_install FROM slack_installations');
  expect(rows).toEqual([{ install_key: `enterprise:${GRID_ORG}`, team_id: null, enterprise_id: GRID_ORG, is_enterprise_install: 1 }]);
});

test('a workspace of the org imports with the org’s token; its request remembers the org, and the thread (work nobody clicked for) uses the org token', async () => {
  const opened = slack.callsTo('views.open').length;
  const who = { teamId: GRID_B, userId: GRID_USER_B, enterpriseId: GRID_ORG, orgWide: true };
  expect((await runCommand(bot, 'import provider=aws', { ...who, channelId: CHANNEL_B, responseUrl: slack.responseUrl() })).status).toBe(200);
  const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= opened);
  expect(call.token).toBe(orgToken());
  const view = slack.view(call.response.view.id);
  const response = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: 'Grid cluster' }), who);
  expect(response.json).toMatchObject({ response_action: 'update' });
  let id = '';
  await eventually(async () => {
    const [request] = await bot.store.listRequests(GRID_B, 1);
    expect(request).toMatchObject({ teamId: GRID_B, enterpriseId: GRID_ORG });
    id = request!.id;
  });
  const done = await settled(id, 'succeeded');
  expect(done.request.thread?.channel).toBe(CHANNEL_B);
  expect(simplismart.importRequests().map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN_B}`]);
  expectCallsWithOwnTokens(slack.calls, { [CHANNEL_B]: orgToken(), [GRID_USER_B]: orgToken() });
  // A token of a workspace outside the org would be refused: the org token only works for its own teams.
  expect(slack.calls.filter((c) => c.method === 'chat.postMessage').every((c) => c.token === orgToken())).toBe(true);
});

test('node groups added in a workspace of the org: the request remembers the org, and the cluster’s thread is told with the org’s token', async () => {
  const who = { teamId: GRID_B, userId: GRID_USER_B, enterpriseId: GRID_ORG, orgWide: true };
  const [imported] = await bot.store.listRequests(GRID_B, 1, { kind: 'import_cluster', states: ['succeeded'] });
  expect(imported).toBeDefined();
  slack.clearCalls();
  const form = await openModalByCommand(bot, slack, 'nodegroups Grid cluster', { ...who, channelId: CHANNEL_B });
  expect(slack.callsTo('views.open').map((c) => c.token)).toEqual([orgToken()]);
  const response = await submitModal(bot, form, { ng_0_name: 'grid-gpu', ng_0_capacityType: 'SPOT' }, who);
  expect(response.json).toMatchObject({ response_action: 'update' });
  let id = '';
  await eventually(async () => {
    const [request] = await bot.store.listRequests(GRID_B, 1, { kind: 'add_node_groups' });
    expect(request).toMatchObject({ teamId: GRID_B, enterpriseId: GRID_ORG, sourceKey: form.id });
    id = request!.id;
  });
  const done = await settled(id, 'succeeded');
  expect(done.request.thread).toMatchObject({ channel: CHANNEL_B, root: imported!.thread!.ts });
  expect(simplismart.nodeGroupRequests().map((r) => r.headers['authorization'])).toEqual([`Bearer ${TOKEN_B}`]);
  expectCallsWithOwnTokens(slack.calls, { [CHANNEL_B]: orgToken(), [GRID_USER_B]: orgToken() });
});

test('uninstalled org-wide: the org’s installation and the connections of all its workspaces go at once', async () => {
  const history = await bot.store.listRequests(GRID_B, 10);
  expect(history.length).toBeGreaterThan(0);
  slack.uninstall({ enterpriseId: GRID_ORG });
  const event = eventCallback({ teamId: GRID_A, enterpriseId: GRID_ORG, orgWide: true, event: { type: 'app_uninstalled' } });
  expect((await bot.send(event)).status).toBe(200);
  await eventually(async () => expect(await bot.store.getInstallation(`enterprise:${GRID_ORG}`)).toBeUndefined());
  expect(await bot.store.getConnection(GRID_A)).toBeUndefined();
  expect(await bot.store.getConnection(GRID_B)).toBeUndefined();
  // History stays.
  expect(await bot.store.listRequests(GRID_B, 10)).toEqual(history);
  expect(TEAM).not.toBe(GRID_A);
});
