// Whose data a payload touches is decided by what Slack authorized, never by a team field of the body.
// A form submitted from a Slack Connect channel (or across a Grid org) carries `team.id` of the person's
// workspace and `view.app_installed_team_id` of the workspace the app was installed in and the form was
// opened from: Bolt authorizes the latter, and so must every write. An org-wide install's payloads may
// carry `team: null`: the person's home workspace (`user.team_id`) is not where the form was opened.
import { maskToken } from '../../src/domain/workspaceConnection.js';
import { eventually, openModalByCommand, type TestBot } from '../support/bot.js';
import { ADMIN, ALICE, BOB, fakeJwt, ORG, ORG_TWO, TEAM, TEAM_TWO, validImportValues } from '../support/fixtures.js';
import { fillModal } from '../support/modalState.js';
import { viewSubmission, type SlackRequest } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads are free-form JSON. */
type Json = any;

const ADMIN_TWO = 'U0ADMINTW2';
const GRID_ORG = 'E0TENANTS1';
const GRID_ONE = 'T0GRIDONE1';
const GRID_TWO = 'T0GRIDTWO2';
const GRID_USER = 'U0GRIDUSR1';
const GRID_APPROVER = 'U0GRIDAPP1';
const GRID_CHANNEL = 'C0GRIDONE1';
const TOKEN_ONE = fakeJwt();
const TOKEN_TWO = fakeJwt();
const TOKEN_GRID_ONE = fakeJwt();
const TOKEN_GRID_TWO = fakeJwt();
const NEW_TOKEN = fakeJwt();

const { bot, slack, clock } = useBot({
  slack: {
    teams: { [TEAM_TWO]: {}, [GRID_ONE]: { enterpriseId: GRID_ORG }, [GRID_TWO]: { enterpriseId: GRID_ORG } },
    users: {
      [ADMIN]: { is_admin: true },
      [ADMIN_TWO]: { is_admin: true, team_id: TEAM_TWO },
      [ALICE]: {},
      [BOB]: {},
      [GRID_USER]: { team_id: GRID_TWO },
      [GRID_APPROVER]: { team_id: GRID_ONE },
    },
    channels: { [GRID_CHANNEL]: { team_id: GRID_ONE } },
  },
  oauth: {
    installs: [
      { teamId: TEAM, userId: ADMIN },
      { teamId: TEAM_TWO, userId: ADMIN_TWO },
      { teamId: GRID_ONE, userId: GRID_APPROVER, orgWide: true, enterpriseId: GRID_ORG },
    ],
  },
  tokens: { [TOKEN_ONE]: ORG, [TOKEN_TWO]: ORG_TWO, [TOKEN_GRID_ONE]: ORG, [TOKEN_GRID_TWO]: ORG_TWO, [NEW_TOKEN]: ORG },
  connect: [
    { teamId: TEAM, token: TOKEN_ONE, orgId: ORG },
    { teamId: TEAM_TWO, token: TOKEN_TWO, orgId: ORG_TWO },
    { teamId: GRID_ONE, token: TOKEN_GRID_ONE, orgId: ORG, enterpriseId: GRID_ORG },
    { teamId: GRID_TWO, token: TOKEN_GRID_TWO, orgId: ORG_TWO, enterpriseId: GRID_ORG },
  ],
});

/** A submission re-encoded after `change` rewrote its payload (as Slack Connect and Grid payloads differ). */
function rewritten(request: SlackRequest, change: (payload: Json) => void): SlackRequest {
  const payload = structuredClone(request.payload);
  change(payload);
  return { ...request, body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), payload };
}

async function tokenHintOf(target: TestBot, teamId: string): Promise<string | undefined> {
  return (await target.services.connections.current(teamId))?.tokenHint;
}

test('a connect form from a Slack Connect channel (team.id of another workspace, app installed here) changes this workspace’s connection only', async () => {
  const before = await tokenHintOf(bot, TEAM_TWO);
  const form = await openModalByCommand(bot, slack, 'connect', { userId: ADMIN });
  const submission = viewSubmission({ teamId: TEAM, userId: ADMIN, view: form, stateValues: fillModal(form, { connect_token: NEW_TOKEN, connect_org: ORG }) });
  // As Slack sends it from a shared channel: the person's workspace in `team`, the installing one on the view.
  const response = await bot.send(
    rewritten(submission, (payload) => {
      payload.team = { id: TEAM_TWO, domain: 'team-two' };
      payload.view.team_id = TEAM_TWO;
      payload.view.app_installed_team_id = TEAM;
    }),
  );
  expect(response.status).toBe(200);
  await eventually(async () => expect(await tokenHintOf(bot, TEAM)).toBe(maskToken(NEW_TOKEN)));
  expect(await tokenHintOf(bot, TEAM_TWO)).toBe(before);
  // Every Slack call made for it spoke with the installing workspace's own token.
  const own = slack.install(TEAM)!.botToken;
  expect(slack.calls.filter((c) => c.method === 'users.info').every((c) => c.token === own)).toBe(true);
});

test('an org-wide install’s form submitted with team: null is filed under the workspace it was opened in, with that workspace’s policy', async () => {
  await bot.store.saveApprovalPolicy(
    GRID_ONE,
    { required: true, approverUserIds: [GRID_APPROVER], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' },
    GRID_APPROVER,
    clock.now(),
  );
  const who = { teamId: GRID_ONE, userId: GRID_USER, enterpriseId: GRID_ORG, orgWide: true, channelId: GRID_CHANNEL };
  const form = await openModalByCommand(bot, slack, 'import provider=aws', who);
  const submission = viewSubmission({
    teamId: GRID_ONE,
    userId: GRID_USER,
    enterpriseId: GRID_ORG,
    orgWide: true,
    view: form,
    stateValues: fillModal(form, validImportValues({ cluster_region: 'us-west-2', cluster_name: 'Opened in grid one' })),
  });
  const response = await bot.send(
    rewritten(submission, (payload) => {
      // Org-wide: no team; the person's home workspace on the user; the form's own on the view.
      payload.team = null;
      payload.user.team_id = GRID_TWO;
      payload.view.team_id = GRID_ONE;
      payload.view.app_installed_team_id = GRID_ONE;
    }),
  );
  expect(response.json).toMatchObject({ response_action: 'update' });
  await eventually(async () => {
    const [request] = await bot.store.listRequests(GRID_ONE, 1);
    expect(request).toMatchObject({ teamId: GRID_ONE, enterpriseId: GRID_ORG, requesterId: GRID_USER, state: 'pending_approval' });
  });
  expect(await bot.store.listRequests(GRID_TWO, 5)).toEqual([]);
});
