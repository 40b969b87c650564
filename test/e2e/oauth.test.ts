// Installing the bot in any workspace through Slack's OAuth flow, over real HTTP against the local
// Slack: the install page and its state cookie, the redirect refusing a missing cookie, a forged or
// replayed state; two workspaces each with its own bot token (stored encrypted), a full import and an
// approval in each with every call carrying that workspace's token — node groups added to each one's
// cluster too; uninstalling one (and Slack revoking its token) while the other carries on; reinstalling
// starts clean.
import type { ApprovalPolicy } from '../../src/domain/approvalPolicy.js';
import type { ImportRequest } from '../../src/domain/importRequest.js';
import { BOT_SCOPES } from '../../src/services/botTokens.js';
import { clickToOpen, connectWorkspace, eventually, findButton, openModalByCommand, pause, rawRows, runCommand, submitModal, textOf, type View } from '../support/bot.js';
import { nodeGroupsPath } from '../support/fakeSimplismart.js';
import type { FillValue } from '../support/modalState.js';
import { ADMIN, ALICE, BOB, CAROL, CHANNEL, fakeJwt, ORG, ORG_TWO, TEAM, TEAM_TWO, validImportValues } from '../support/fixtures.js';
import { approveOnSlack, CLIENT_ID, expectCallsWithOwnTokens, installApp, openInstallPage } from '../support/oauth.js';
import { blockActions, eventCallback } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

const CHANNEL_TWO = 'C0TEAMTWO2';
const ADMIN_TWO = 'U0ADMIN2T2';
const DAN = 'U0DANTWO05';
const ERIN = 'U0ERINTWO6';
const TOKEN_ONE = fakeJwt();
const TOKEN_TWO = fakeJwt();

const { bot, slack, simplismart, settled, clock } = useBot({
  slack: {
    teams: { [TEAM_TWO]: { name: 'Team Two' } },
    users: {
      [ADMIN]: { is_admin: true },
      [ALICE]: {},
      [BOB]: {},
      [ADMIN_TWO]: { is_admin: true, team_id: TEAM_TWO },
      [DAN]: { team_id: TEAM_TWO },
      [ERIN]: { team_id: TEAM_TWO },
      [CAROL]: {},
    },
    channels: { [CHANNEL]: {}, [CHANNEL_TWO]: { team_id: TEAM_TWO } },
  },
  oauth: { installs: [] },
  tokens: { [TOKEN_ONE]: ORG, [TOKEN_TWO]: ORG_TWO },
  connect: [],
});

const tokenOf = (teamId: string): string => slack.install(teamId)!.botToken;
const requestsOf = (teamId: string) => bot.store.listRequests(teamId, 100);

describe('the install page and the redirect', () => {
  test('the install page sets the state in an HttpOnly cookie and links to Slack’s authorize page with the app’s scopes', async () => {
    const page = await bot.browse('/slack/install');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('set-cookie')).toMatch(/^slack-app-oauth-state=[^;]+; Secure; HttpOnly; Path=\/; Max-Age=600$/);
    const link = await openInstallPage(bot);
    const authorize = new URL(link.authorizeUrl);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${slack.url}/oauth/v2/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('scope')).toBe(BOT_SCOPES.join(','));
    expect(link.cookie).toBe(`slack-app-oauth-state=${link.state}`);
  });

  test('the redirect without this browser’s state cookie, with a forged state, or replayed is refused before any code is exchanged', async () => {
    const exchanges = () => slack.callsTo('oauth.v2.access').length;
    const before = exchanges();
    const link = await openInstallPage(bot);
    const back = await approveOnSlack(slack, link, { teamId: TEAM, userId: ADMIN });

    const noCookie = await bot.browse(back);
    expect(noCookie.status).toBe(400);
    expect(noCookie.text).toMatch(/expired, was already used, or was opened in another browser/);

    const otherBrowser = await openInstallPage(bot);
    expect((await bot.browse(back, { cookie: otherBrowser.cookie })).status).toBe(400);

    // A state signed with another secret, in the query and the cookie alike (an attacker controls both).
    const [header, payload] = link.state.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not-the-signature').toString('base64url')}`;
    const forgedBack = new URL(back);
    forgedBack.searchParams.set('state', forged);
    expect((await bot.browse(forgedBack.toString(), { cookie: `slack-app-oauth-state=${forged}` })).status).toBe(400);
    expect(exchanges()).toBe(before);
    expect(await bot.store.getInstallation(`team:${TEAM}`)).toBeUndefined();

    // The genuine one goes through once; the same redirect again is refused, its state already used.
    const done = await bot.browse(back, { cookie: link.cookie });
    expect(done.status).toBe(200);
    expect(exchanges()).toBe(before + 1);
    const replay = await bot.browse(back, { cookie: link.cookie });
    expect(replay.status).toBe(400);
    expect(exchanges()).toBe(before + 1);
    await bot.store.deleteInstallation(`team:${TEAM}`);
  });

  test('someone who cancels on Slack’s page is told nothing was installed', async () => {
    const link = await openInstallPage(bot);
    const back = await approveOnSlack(slack, link, { teamId: TEAM, userId: ADMIN, cancels: true });
    const page = await bot.browse(back, { cookie: link.cookie });
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/cancelled.*Nothing was installed/s);
  });
});

describe('two workspaces installed, each with its own bot token', () => {
  beforeAll(async () => {
    const one = await installApp(bot, slack, { teamId: TEAM, userId: ADMIN });
    const two = await installApp(bot, slack, { teamId: TEAM_TWO, userId: ADMIN_TWO });
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(two.text).toMatch(/Simplismart is installed in Team Two/);
    expect(two.text).toMatch(/\/simplismart connect/);
    await connectWorkspace(bot, TEAM, TOKEN_ONE, ORG);
    await connectWorkspace(bot, TEAM_TWO, TOKEN_TWO, ORG_TWO);
  });

  async function requireApproval(teamId: string, approverId: string, overrides: Partial<ApprovalPolicy> = {}): Promise<void> {
    const policy: ApprovalPolicy = { required: true, approverUserIds: [approverId], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same', ...overrides };
    await bot.store.saveApprovalPolicy(teamId, policy, ADMIN, clock.now());
  }

  /** `userId` of `teamId` runs /simplismart import in `channelId` and submits the form; the request once its card (or thread) is up. */
  async function submitImport(teamId: string, userId: string, channelId: string, name: string): Promise<ImportRequest> {
    const opened = slack.callsTo('views.open').length;
    expect((await runCommand(bot, 'import provider=aws', { teamId, userId, channelId, responseUrl: slack.responseUrl() })).status).toBe(200);
    const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= opened);
    return submitForm(teamId, userId, slack.view(call.response.view.id), validImportValues({ cluster_region: 'us-west-2', cluster_name: name }));
  }

  /** `userId` of `teamId` submits the node-groups form `form` adding group `name`; the request once its card (or thread) is up. */
  function submitNodeGroups(teamId: string, userId: string, form: View, name: string): Promise<ImportRequest> {
    return submitForm(teamId, userId, form, { ng_0_name: name, ng_0_capacityType: 'SPOT' });
  }

  /** Submits a request form filled with `values`; the request once its card (or, without approval, its thread) is up. */
  async function submitForm(teamId: string, userId: string, form: View, values: Record<string, FillValue>): Promise<ImportRequest> {
    const response = await submitModal(bot, form, values, { teamId, userId });
    expect(response.json).toMatchObject({ response_action: 'update' });
    let request: ImportRequest | undefined;
    await eventually(async () => {
      request = (await requestsOf(teamId)).find((r) => r.sourceKey === form.id);
      expect(request?.thread).not.toBeNull();
      if (request?.state === 'pending_approval') expect(request.cards).toHaveLength(1);
    });
    return request!;
  }

  /** The token each channel and person of the two workspaces must be reached with. */
  const everyonesToken = () => ({
    [CHANNEL]: tokenOf(TEAM),
    [ALICE]: tokenOf(TEAM),
    [BOB]: tokenOf(TEAM),
    [CHANNEL_TWO]: tokenOf(TEAM_TWO),
    [DAN]: tokenOf(TEAM_TWO),
    [ERIN]: tokenOf(TEAM_TWO),
  });

  async function approve(request: ImportRequest, teamId: string, approverId: string): Promise<void> {
    const ref = request.cards[0]!;
    const card = slack.message(ref.channel, ref.ts);
    const { blockId } = findButton(card.blocks, 'request_approve');
    expect((await bot.send(blockActions({ teamId, userId: approverId, actionId: 'request_approve', blockId, message: card, channelId: ref.channel, responseUrl: slack.responseUrl() }))).status).toBe(200);
  }

  test('each bot token is stored only encrypted, bound to its own installation', async () => {
    const rows = await rawRows(bot, 'SELECT install_key, team_id, bot_user_id, bot_token_ciphertext FROM slack_installations ORDER BY install_key');
    expect(rows.map((r) => [r['install_key'], r['team_id'], r['bot_user_id']])).toEqual([
      [`team:${TEAM}`, TEAM, slack.install(TEAM)!.botUserId],
      [`team:${TEAM_TWO}`, TEAM_TWO, slack.install(TEAM_TWO)!.botUserId],
    ]);
    expect(tokenOf(TEAM)).not.toBe(tokenOf(TEAM_TWO));
    for (const row of rows) {
      expect(String(row['bot_token_ciphertext'])).toMatch(/^v1:/);
      for (const token of [tokenOf(TEAM), tokenOf(TEAM_TWO)]) expect(String(row['bot_token_ciphertext'])).not.toContain(token);
    }
    // A ciphertext copied onto the other workspace's row does not decrypt there.
    const one = (await bot.store.getInstallation(`team:${TEAM}`))!;
    const two = (await bot.store.getInstallation(`team:${TEAM_TWO}`))!;
    await bot.store.saveInstallation({ ...two, bot: { ...two.bot, tokenCiphertext: one.bot.tokenCiphertext } });
    bot.services.tokens.forget({ teamId: TEAM_TWO });
    await expect(bot.services.tokens.tokenFor({ teamId: TEAM_TWO, enterpriseId: null })).rejects.toThrow(/cannot be decrypted: ENCRYPTION_KEY changed/);
    await bot.store.saveInstallation(two);
    bot.services.tokens.forget({ teamId: TEAM_TWO });
    expect(await bot.services.tokens.tokenFor({ teamId: TEAM_TWO, enterpriseId: null })).toBe(tokenOf(TEAM_TWO));
  });

  test('a full import and an approval in each workspace; every Slack call carries the token of the workspace it belongs to', async () => {
    await requireApproval(TEAM, BOB);
    await requireApproval(TEAM_TWO, ERIN);
    slack.clearCalls();
    const one = await submitImport(TEAM, ALICE, CHANNEL, 'Cluster of one');
    const two = await submitImport(TEAM_TWO, DAN, CHANNEL_TWO, 'Cluster of two');
    expect([one.enterpriseId, two.enterpriseId]).toEqual([null, null]);
    await approve(one, TEAM, BOB);
    await approve(two, TEAM_TWO, ERIN);
    const [doneOne, doneTwo] = [await settled(one.id, 'succeeded'), await settled(two.id, 'succeeded')];
    expect(doneOne.said).toMatch(/Cluster of one/);
    expect(doneTwo.said).toMatch(/Cluster of two/);
    const posts = simplismart.importRequests();
    expect(posts.map((p) => [p.json.name, p.headers.authorization])).toEqual([
      ['Cluster of one', `Bearer ${TOKEN_ONE}`],
      ['Cluster of two', `Bearer ${TOKEN_TWO}`],
    ]);
    expectCallsWithOwnTokens(slack.calls, everyonesToken());
    // The approvers' group lookups and admin checks went out with the clicker's own workspace token too.
    expect(slack.callsTo('views.open').map((c) => c.token).sort()).toEqual([tokenOf(TEAM), tokenOf(TEAM_TWO)].sort());
    await bot.store.saveApprovalPolicy(TEAM, { required: false, approverUserIds: [], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' }, ADMIN, clock.now());
  });

  test('node groups added in each workspace — by the outcome’s button in one, by `/simplismart nodegroups <name>` in the other — approved on their cards and told in each cluster’s own thread, every call with that workspace’s token', async () => {
    // Imports go straight through; node groups wait for one approver of their own workspace.
    await requireApproval(TEAM, BOB, { required: false, nodeGroupsApproval: 'required' });
    await requireApproval(TEAM_TWO, ERIN, { required: false, nodeGroupsApproval: 'required' });
    const fleetOne = await settled((await submitImport(TEAM, ALICE, CHANNEL, 'Fleet of one')).id, 'succeeded');
    const fleetTwo = await settled((await submitImport(TEAM_TWO, DAN, CHANNEL_TWO, 'Fleet of two')).id, 'succeeded');
    slack.clearCalls();
    const nodeGroupPostsBefore = simplismart.nodeGroupRequests().length;

    const formOne = await clickToOpen(bot, slack, fleetOne.outcome, 'cluster_add_node_groups', { teamId: TEAM, userId: ALICE });
    const formTwo = await openModalByCommand(bot, slack, 'nodegroups Fleet of two', { teamId: TEAM_TWO, userId: DAN, channelId: CHANNEL_TWO });
    expect(formOne.callback_id).toBe('add_node_groups');
    expect(textOf(formOne)).toContain('Already in *Fleet of one*');
    expect(textOf(formTwo)).toContain('Already in *Fleet of two*');
    const one = await submitNodeGroups(TEAM, ALICE, formOne, 'gpu-one');
    const two = await submitNodeGroups(TEAM_TWO, DAN, formTwo, 'gpu-two');
    expect([one.kind, one.state, two.kind, two.state]).toEqual(['add_node_groups', 'pending_approval', 'add_node_groups', 'pending_approval']);
    expect([one.teamId, one.enterpriseId, two.teamId, two.enterpriseId]).toEqual([TEAM, null, TEAM_TWO, null]);
    await approve(one, TEAM, BOB);
    await approve(two, TEAM_TWO, ERIN);
    const [doneOne, doneTwo] = [await settled(one.id, 'succeeded'), await settled(two.id, 'succeeded')];

    // One thread per cluster, in each workspace: the change is told in its cluster's import thread.
    expect(doneOne.request.thread).toMatchObject({ channel: CHANNEL, root: fleetOne.request.thread!.ts });
    expect(doneTwo.request.thread).toMatchObject({ channel: CHANNEL_TWO, root: fleetTwo.request.thread!.ts });
    expect(doneOne.said).toContain('to *Fleet of one*');
    expect(doneTwo.said).toContain('to *Fleet of two*');
    const posts = simplismart.nodeGroupRequests().slice(nodeGroupPostsBefore);
    const uuidOf = (name: string) => simplismart.clusters.find((c) => c.name === name)!.uuid;
    expect(posts.map((p) => [p.path, p.headers['authorization'], p.json.org])).toEqual([
      [nodeGroupsPath(uuidOf('Fleet of one')), `Bearer ${TOKEN_ONE}`, ORG],
      [nodeGroupsPath(uuidOf('Fleet of two')), `Bearer ${TOKEN_TWO}`, ORG_TWO],
    ]);
    expectCallsWithOwnTokens(slack.calls, everyonesToken());
    // Each form was opened with its own workspace's token (the button's and the command's Bolt client).
    expect(slack.callsTo('views.open').map((c) => c.token)).toEqual([tokenOf(TEAM), tokenOf(TEAM_TWO)]);
    await bot.store.saveApprovalPolicy(TEAM, { required: false, approverUserIds: [], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' }, ADMIN, clock.now());
  });

  test('the sweeper expires each workspace’s waiting request with that workspace’s own token', async () => {
    await requireApproval(TEAM_TWO, ERIN);
    const waiting = await submitImport(TEAM_TWO, DAN, CHANNEL_TWO, 'Never approved');
    slack.clearCalls();
    clock.advance(3600 * 1000 + 1);
    await bot.services.sweeper.sweep();
    await eventually(async () => expect((await bot.store.getRequest(waiting.id))?.state).toBe('expired'));
    await eventually(() => expect(slack.callsTo('chat.update').length).toBeGreaterThan(0));
    expectCallsWithOwnTokens(slack.calls, { [CHANNEL_TWO]: tokenOf(TEAM_TWO), [CHANNEL]: tokenOf(TEAM) });
    expect(slack.calls.every((c) => c.token === tokenOf(TEAM_TWO))).toBe(true);
  });

  test('uninstalled: the workspace’s installation and Simplismart connection go at once, its waiting requests (imports and node groups) are cancelled and kept; the other carries on', async () => {
    await requireApproval(TEAM_TWO, ERIN);
    const waiting = await submitImport(TEAM_TWO, DAN, CHANNEL_TWO, 'Waiting when uninstalled');
    const elsewhere = simplismart.seedCluster({ org: ORG_TWO, name: 'Console cluster of two' });
    const groupsForm = await openModalByCommand(bot, slack, `nodegroups ${elsewhere.uuid}`, { teamId: TEAM_TWO, userId: DAN, channelId: CHANNEL_TWO });
    const waitingGroups = await submitNodeGroups(TEAM_TWO, DAN, groupsForm, 'gpu-never');
    expect(waitingGroups.state).toBe('pending_approval');
    const history = (await requestsOf(TEAM_TWO)).length;
    const revoked = tokenOf(TEAM_TWO);
    slack.uninstall({ teamId: TEAM_TWO });
    slack.clearCalls();
    const uninstalled = eventCallback({ teamId: TEAM_TWO, event: { type: 'app_uninstalled' } });
    expect((await bot.send(uninstalled)).status).toBe(200);

    // Both kinds of waiting request are cancelled: the import and the node groups.
    for (const id of [waiting.id, waitingGroups.id]) await eventually(async () => expect((await bot.store.getRequest(id))?.state).toBe('cancelled'));
    expect(await bot.store.getInstallation(`team:${TEAM_TWO}`)).toBeUndefined();
    expect(await bot.store.getConnection(TEAM_TWO)).toBeUndefined();
    for (const id of [waiting.id, waitingGroups.id]) {
      const trail = await bot.store.listEvents(id);
      expect(trail.at(-1)).toMatchObject({ fromState: 'pending_approval', toState: 'cancelled', actorId: null, note: expect.stringMatching(/app was uninstalled/) });
    }
    expect(simplismart.nodeGroupRequests().filter((r) => r.path === nodeGroupsPath(elsewhere.uuid))).toEqual([]);
    expect((await requestsOf(TEAM_TWO)).length).toBe(history);
    // No token is left to update its messages, and none was tried.
    await pause(200);
    expect(slack.calls.filter((c) => c.token === revoked)).toEqual([]);
    // Redelivered, the event changes nothing.
    expect((await bot.send(eventCallback({ teamId: TEAM_TWO, event: { type: 'app_uninstalled' } }))).status).toBe(200);
    expect(bot.failures()).toEqual([]);

    // A command from the uninstalled workspace finds no installation: nothing is done for it.
    const logged = bot.logs.length;
    expect((await runCommand(bot, 'import', { teamId: TEAM_TWO, userId: DAN, channelId: CHANNEL_TWO, responseUrl: slack.responseUrl() })).status).toBe(200);
    await eventually(() => expect(bot.logs.slice(logged).join('\n')).toMatch(/ignored a request from a workspace where the app is not installed/));
    expect(slack.callsTo('views.open')).toEqual([]);

    // The other workspace imports as before, with its own token.
    await bot.store.saveApprovalPolicy(TEAM, { required: false, approverUserIds: [], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' }, ADMIN, clock.now());
    const still = await submitImport(TEAM, ALICE, CHANNEL, 'Still imports');
    await settled(still.id, 'succeeded');
    expectCallsWithOwnTokens(slack.calls, { [CHANNEL]: tokenOf(TEAM), [ALICE]: tokenOf(TEAM) });

    // Installed again, the workspace starts clean: its admins are told to connect.
    expect((await installApp(bot, slack, { teamId: TEAM_TWO, userId: ADMIN_TWO })).status).toBe(200);
    expect(tokenOf(TEAM_TWO)).not.toBe(revoked);
    const replyTo = slack.responseUrl();
    await runCommand(bot, 'import', { teamId: TEAM_TWO, userId: DAN, channelId: CHANNEL_TWO, responseUrl: replyTo });
    const reply = await slack.waitFor('response_url', (c) => c.responseUrlId === decodeURIComponent(replyTo.slice(replyTo.lastIndexOf('/') + 1)));
    expect(textOf(reply.args)).toMatch(/isn’t connected to Simplismart yet.*\/simplismart connect/);
  });

  test('an import in flight when its workspace uninstalls: its answer is stored, nothing crashes, the log says why the thread was not told', async () => {
    if ((await bot.store.getInstallation(`team:${TEAM_TWO}`)) === undefined) await installApp(bot, slack, { teamId: TEAM_TWO, userId: ADMIN_TWO });
    await connectWorkspace(bot, TEAM_TWO, TOKEN_TWO, ORG_TWO);
    await bot.store.saveApprovalPolicy(TEAM_TWO, { required: false, approverUserIds: [], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' }, ADMIN_TWO, clock.now());
    simplismart.setBehaviour({ kind: 'delay', delayMs: 400 });
    const logged = bot.logs.length;
    try {
      const request = await submitImport(TEAM_TWO, DAN, CHANNEL_TWO, 'In flight');
      await eventually(() => expect(simplismart.importRequests().some((r) => r.json.name === 'In flight')).toBe(true));
      slack.uninstall({ teamId: TEAM_TWO });
      expect((await bot.send(eventCallback({ teamId: TEAM_TWO, event: { type: 'app_uninstalled' } }))).status).toBe(200);
      await eventually(async () => expect((await bot.store.getRequest(request.id))?.state).toBe('succeeded'));
      await eventually(() => expect(bot.logs.slice(logged).join('\n')).toMatch(/could not reach Slack: The app is not installed in workspace T0TEAMTWO2/));
      expect(bot.failures(logged)).toEqual([]);
    } finally {
      simplismart.setBehaviour(null);
    }
  });

  test('tokens_revoked for the bot: the same as an uninstall; for the installer’s user token only: the bot stays', async () => {
    if ((await bot.store.getInstallation(`team:${TEAM_TWO}`)) === undefined) await installApp(bot, slack, { teamId: TEAM_TWO, userId: ADMIN_TWO });
    await connectWorkspace(bot, TEAM_TWO, TOKEN_TWO, ORG_TWO);
    const userOnly = eventCallback({ teamId: TEAM_TWO, event: { type: 'tokens_revoked', tokens: { oauth: [ADMIN_TWO] } } });
    expect((await bot.send(userOnly)).status).toBe(200);
    await pause(100);
    expect(await bot.store.getInstallation(`team:${TEAM_TWO}`)).toBeDefined();
    expect(await bot.store.getConnection(TEAM_TWO)).toBeDefined();

    const botUserId = slack.install(TEAM_TWO)!.botUserId;
    slack.uninstall({ teamId: TEAM_TWO });
    const botRevoked = eventCallback({ teamId: TEAM_TWO, event: { type: 'tokens_revoked', tokens: { bot: [botUserId] } } });
    expect((await bot.send(botRevoked)).status).toBe(200);
    await eventually(async () => expect(await bot.store.getInstallation(`team:${TEAM_TWO}`)).toBeUndefined());
    expect(await bot.store.getConnection(TEAM_TWO)).toBeUndefined();
    expect(await bot.store.getInstallation(`team:${TEAM}`)).toBeDefined();
    expect(await bot.store.getConnection(TEAM)).toBeDefined();
  });
});

