// Several workspaces on one bot, each installed through OAuth with its own bot token: each connects its
// own Simplismart token and org, every import is sent with the Simplismart token of the workspace it came
// from, and every Slack call carries that workspace's own bot token — the local Slack refuses any other
// (channel_not_found, user_not_found…), so a crossed token fails these tests instead of passing unseen.
import { maskToken } from '../../src/domain/workspaceConnection.js';
import { commandReply, eventually, pause, responseTo, runCommand, submitModal, textOf } from '../support/bot.js';
import { IMPORT_PATH } from '../support/fakeSimplismart.js';
import { ADMIN, ALICE, BOB, CAROL, CHANNEL, fakeJwt, HOSTED_ZONE, ORG, ORG_TWO, SECRET_ID, TEAM, TEAM_TWO, validImportValues } from '../support/fixtures.js';
import { expectCallsWithOwnTokens } from '../support/oauth.js';
import { useBot } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads and answers are free-form JSON. */
type Json = any;

const TEAM_THREE = 'T0TEAMTHR3';
const ADMIN_TWO = 'U0ADMIN2T2';
const CHANNEL_TWO = 'C0TEAMTWO2';
const CHANNEL_THREE = 'C0TEAMTHR3';
const TOKEN_ONE = fakeJwt({ exp: 4102444800 });
const TOKEN_TWO = fakeJwt({ exp: 4070908800 });
const HOSTED_ZONE_TWO = '7f0c2a1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const SECRET_ID_TWO = '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091';

const { bot, slack, simplismart, settled } = useBot({
  slack: {
    teams: { [TEAM_TWO]: {}, [TEAM_THREE]: {} },
    users: { [ADMIN]: { is_admin: true }, [ADMIN_TWO]: { is_owner: true, team_id: TEAM_TWO }, [ALICE]: {}, [BOB]: { team_id: TEAM_TWO }, [CAROL]: { team_id: TEAM_THREE } },
    channels: { [CHANNEL]: {}, [CHANNEL_TWO]: { team_id: TEAM_TWO }, [CHANNEL_THREE]: { team_id: TEAM_THREE } },
  },
  // Installed in all three; only the first two connect Simplismart.
  oauth: { installs: [{ teamId: TEAM, userId: ADMIN }, { teamId: TEAM_TWO, userId: ADMIN_TWO }, { teamId: TEAM_THREE, userId: CAROL }] },
  tokens: { [TOKEN_ONE]: ORG, [TOKEN_TWO]: ORG_TWO },
  connect: [],
  freshFakes: true,
});

const CHANNEL_OF: Record<string, string> = { [TEAM]: CHANNEL, [TEAM_TWO]: CHANNEL_TWO, [TEAM_THREE]: CHANNEL_THREE };
/** The bot token Slack issued to each workspace's install. */
const botTokenOf = (teamId: string): string => slack.install(teamId)!.botToken;

/** Every call accepted, and each about a workspace's channel or people carried that workspace's own token. */
function expectEveryCallWithItsOwnToken(): void {
  expectCallsWithOwnTokens(slack.calls, { [CHANNEL]: botTokenOf(TEAM), [ALICE]: botTokenOf(TEAM), [CHANNEL_TWO]: botTokenOf(TEAM_TWO), [BOB]: botTokenOf(TEAM_TWO) });
}

beforeEach(async () => {
  await connectThroughForm(TEAM, ADMIN, { connect_token: TOKEN_ONE, connect_org: ORG, connect_hosted_zone: HOSTED_ZONE, connect_secret_id: SECRET_ID });
  await connectThroughForm(TEAM_TWO, ADMIN_TWO, {
    connect_token: TOKEN_TWO,
    connect_org: ORG_TWO,
    connect_hosted_zone: HOSTED_ZONE_TWO,
    connect_secret_id: SECRET_ID_TWO,
  });
  slack.clearCalls();
});

/** An admin of `teamId` runs /simplismart connect and submits the form. */
async function connectThroughForm(teamId: string, adminId: string, fill: Record<string, string>): Promise<void> {
  const before = slack.callsTo('views.open').length;
  await runCommand(bot, 'connect', { teamId, userId: adminId, channelId: CHANNEL_OF[teamId]!, responseUrl: slack.responseUrl() });
  const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= before);
  const view = slack.view(call.response.view.id)!;
  const response = await submitModal(bot, view, fill, { teamId, userId: adminId });
  expect(response.json?.response_action).toBe('update');
}

/** Someone in `teamId` runs /simplismart import and submits the form; returns the modal (its id is the request's source key). */
async function importFrom(teamId: string, userId: string, values: Record<string, string>): Promise<Json> {
  const before = slack.callsTo('views.open').length;
  await runCommand(bot, 'import provider=aws', { teamId, userId, channelId: CHANNEL_OF[teamId]!, responseUrl: slack.responseUrl() });
  const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= before);
  const view = slack.view(call.response.view.id)!;
  const response = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', ...values }), { teamId, userId });
  expect(response.json).toMatchObject({ response_action: 'update' });
  return view;
}

const requestFor = async (teamId: string, viewId: string) => (await bot.store.listRequests(teamId, 100)).find((r) => r.sourceKey === viewId);

test('each workspace’s connection holds its own token and org; status shows only its own', async () => {
  expect((await bot.services.connections.credentialsFor(TEAM))?.token).toBe(TOKEN_ONE);
  expect((await bot.services.connections.credentialsFor(TEAM_TWO))?.token).toBe(TOKEN_TWO);
  expect(await bot.services.connections.credentialsFor(TEAM_THREE)).toBeUndefined();

  const one = slack.responseUrl();
  const two = slack.responseUrl();
  await runCommand(bot, 'status', { teamId: TEAM, userId: ALICE, responseUrl: one });
  await runCommand(bot, 'status', { teamId: TEAM_TWO, userId: BOB, channelId: CHANNEL_TWO, responseUrl: two });
  const statusOne = textOf(await responseTo(slack, one));
  const statusTwo = textOf(await responseTo(slack, two));
  expect(statusOne).toContain(maskToken(TOKEN_ONE));
  expect(statusOne).toContain(ORG);
  expect(statusOne).not.toContain(maskToken(TOKEN_TWO));
  expect(statusOne).not.toContain(ORG_TWO);
  expect(statusTwo).toContain(maskToken(TOKEN_TWO));
  expect(statusTwo).toContain(ORG_TWO);
  expect(statusTwo).not.toContain(maskToken(TOKEN_ONE));
  expect(statusTwo).not.toContain(ORG);
});

test('the import form of each workspace is pre-filled from its own connection', async () => {
  await runCommand(bot, 'import', { teamId: TEAM_TWO, userId: BOB, channelId: CHANNEL_TWO, responseUrl: slack.responseUrl() });
  const call = await slack.waitFor('views.open');
  expect(call.token).toBe(botTokenOf(TEAM_TWO));
  const view = slack.view(call.response.view.id)!;
  const initial = (blockId: string) => (view.blocks as Json[]).find((b) => b.block_id === blockId)?.element?.initial_value;
  expect(initial('cluster_org')).toBe(ORG_TWO);
  expect(initial('cluster_hostedZone')).toBe(HOSTED_ZONE_TWO);
  expect(initial('cluster_secretId')).toBe(SECRET_ID_TWO);
});

test('an import from each workspace carries that workspace’s token and org', async () => {
  const viewOne = await importFrom(TEAM, ALICE, { cluster_name: 'Cluster One' });
  const [first] = await simplismart.waitForRequest();
  const viewTwo = await importFrom(TEAM_TWO, BOB, { cluster_name: 'Cluster Two' });
  const [, second] = await simplismart.waitForRequest(undefined, { count: 2 });

  expect(first!.path).toBe(IMPORT_PATH);
  expect(first!.headers.authorization).toBe(`Bearer ${TOKEN_ONE}`);
  expect(first!.json).toMatchObject({ org: ORG, name: 'Cluster One', hosted_zone: HOSTED_ZONE, secret_id: SECRET_ID });
  expect(second!.headers.authorization).toBe(`Bearer ${TOKEN_TWO}`);
  expect(second!.json).toMatchObject({ org: ORG_TWO, name: 'Cluster Two', hosted_zone: HOSTED_ZONE_TWO, secret_id: SECRET_ID_TWO });
  expect(simplismart.importRequests().map((r) => r.status)).toEqual([201, 201]);

  const one = await settled((await requestFor(TEAM, viewOne.id))!.id, 'succeeded');
  const two = await settled((await requestFor(TEAM_TWO, viewTwo.id))!.id, 'succeeded');
  expect([one.request.thread?.channel, two.request.thread?.channel]).toEqual([CHANNEL, CHANNEL_TWO]);
  // Each thread was posted, updated and linked with its own workspace's bot token; nothing was refused.
  expect(botTokenOf(TEAM)).not.toBe(botTokenOf(TEAM_TWO));
  expectEveryCallWithItsOwnToken();
  expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL_TWO).every((c) => c.token === botTokenOf(TEAM_TWO))).toBe(true);
  expect(simplismart.clusters.map((c) => [c.name, c.org])).toEqual([
    ['Cluster One', ORG],
    ['Cluster Two', ORG_TWO],
  ]);
  const logs = bot.logs.join('\n');
  expect(logs).not.toContain(TOKEN_ONE);
  expect(logs).not.toContain(TOKEN_TWO);
});

test('imports submitted at the same moment from both workspaces never cross tokens', async () => {
  const opened: Json[] = [];
  for (const [teamId, userId] of [
    [TEAM, ALICE],
    [TEAM_TWO, BOB],
    [TEAM, ALICE],
    [TEAM_TWO, BOB],
  ] as const) {
    const before = slack.callsTo('views.open').length;
    await runCommand(bot, 'import provider=aws', { teamId, userId, channelId: CHANNEL_OF[teamId]!, responseUrl: slack.responseUrl() });
    const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= before);
    opened.push({ teamId, userId, view: slack.view(call.response.view.id) });
  }
  simplismart.setBehaviour({ kind: 'delay', delayMs: 100 });
  const answers = await Promise.all(
    opened.map((o, i) =>
      submitModal(bot, o.view, validImportValues({ cluster_region: 'us-west-2', cluster_name: `Parallel ${i}` }), { teamId: o.teamId, userId: o.userId }),
    ),
  );
  for (const answer of answers) expect(answer.json).toMatchObject({ response_action: 'update' });
  const posts = await simplismart.waitForRequest(undefined, { count: 4 });
  const expected: Record<string, string> = { [ORG]: TOKEN_ONE, [ORG_TWO]: TOKEN_TWO };
  for (const post of posts) expect(post.headers.authorization).toBe(`Bearer ${expected[post.json.org as string]}`);
  expect(posts.map((p) => p.json.org).sort()).toEqual([ORG, ORG, ORG_TWO, ORG_TWO].sort());
  for (const o of opened) await settled((await requestFor(o.teamId, o.view.id))!.id, 'succeeded');
  expect(simplismart.importRequests()).toHaveLength(4);
  expectEveryCallWithItsOwnToken();
});

test('a workspace naming another’s org still sends its own token (and is refused by Simplismart)', async () => {
  const view = await importFrom(TEAM_TWO, BOB, { cluster_name: 'Sneaky', cluster_org: ORG });
  const [post] = await simplismart.waitForRequest();
  expect(post!.headers.authorization).toBe(`Bearer ${TOKEN_TWO}`);
  expect(post!.json.org).toBe(ORG);
  expect(post!.status).toBe(403);
  await eventually(async () => expect((await requestFor(TEAM_TWO, view.id))?.state).toBe('failed'));
  expect(simplismart.importCount()).toBe(0);
});

test('an unconnected workspace is told to connect, even when others are connected; nothing is sent', async () => {
  expect(textOf(await commandReply(bot, slack, 'import provider=aws', { teamId: TEAM_THREE, userId: CAROL, channelId: CHANNEL_THREE }))).toMatch(/admin must run `\/simplismart connect`/);
  await pause(150);
  expect(slack.callsTo('views.open')).toHaveLength(0);

  // A form opened in another workspace, submitted as TEAM_THREE (a forged or misrouted payload).
  await runCommand(bot, 'import provider=aws', { teamId: TEAM, userId: ALICE, responseUrl: slack.responseUrl() });
  const call = await slack.waitFor('views.open');
  const view = slack.view(call.response.view.id)!;
  const response = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2' }), { teamId: TEAM_THREE, userId: CAROL });
  expect(response.json.response_action).toBe('errors');
  expect(JSON.stringify(response.json.errors)).toMatch(/not connected/);
  await pause(150);
  expect(simplismart.requests).toHaveLength(0);
  expect(await bot.store.listRequests(TEAM_THREE, 10)).toHaveLength(0);
});

test('after one workspace disconnects, its imports stop and the other keeps its own token', async () => {
  expect(textOf(await commandReply(bot, slack, 'disconnect', { teamId: TEAM_TWO, userId: ADMIN_TWO, channelId: CHANNEL_TWO }))).toMatch(/Disconnected/);
  expect(await bot.store.getConnection(TEAM_TWO)).toBeUndefined();
  expect(await bot.store.getConnection(TEAM)).toBeDefined();

  expect(textOf(await commandReply(bot, slack, 'import provider=aws', { teamId: TEAM_TWO, userId: BOB, channelId: CHANNEL_TWO }))).toMatch(/admin must run `\/simplismart connect`/);
  await pause(150);
  expect(slack.callsTo('views.open')).toHaveLength(0);

  await importFrom(TEAM, ALICE, { cluster_name: 'Still One' });
  const [post] = await simplismart.waitForRequest();
  expect(post!.headers.authorization).toBe(`Bearer ${TOKEN_ONE}`);
  expect(simplismart.requests).toHaveLength(1);
});

test('replacing one workspace’s token changes only that workspace', async () => {
  const replacement = fakeJwt({ exp: 4133980800 });
  simplismart.addToken(replacement, ORG);
  await connectThroughForm(TEAM, ADMIN, { connect_token: replacement, connect_org: ORG });
  await importFrom(TEAM, ALICE, { cluster_name: 'Rotated' });
  await importFrom(TEAM_TWO, BOB, { cluster_name: 'Untouched' });
  const posts = await simplismart.waitForRequest(undefined, { count: 2 });
  expect(posts.map((p) => p.headers.authorization)).toEqual([`Bearer ${replacement}`, `Bearer ${TOKEN_TWO}`]);
  expect(posts.every((p) => p.status === 201)).toBe(true);
});
