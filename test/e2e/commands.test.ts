// `/simplismart help | status | connect | disconnect`, the channel fallbacks, Slack's refusals (429,
// expired trigger), payloads the app does not know, listener failures and the health routes — all
// over signed HTTP against the real bot, the fake Slack and the fake Simplismart.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskToken } from '../../src/domain/workspaceConnection.js';
import { openStore } from '../../src/store/openStore.js';
import { commandReply, connectWorkspace, eventually, pause, rawRows, responseTo, runCommand, submitModal, textOf, type TestBot } from '../support/bot.js';
import { messageBlocksError } from '../support/blockKitRules.js';
import { simplismartFaults } from '../support/fakeSimplismart.js';
import { ADMIN, ALICE, BOB, CHANNEL, fakeJwt, HOSTED_ZONE, ORG, ORG_TWO, SECRET_ID, TEAM, validImportValues } from '../support/fixtures.js';
import { blockActions, blockSuggestion, newTriggerId, viewClosed, viewSubmission } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads and answers are free-form JSON. */
type Json = any;

const OWNER = 'U0OWNER005';
const DAY_MS = 24 * 60 * 60 * 1000;

const { bot, slack, simplismart, token: TOKEN, startBot } = useBot({
  slack: { users: { [ADMIN]: { is_admin: true }, [OWNER]: { is_owner: true }, [ALICE]: {}, [BOB]: {} } },
  connect: [],
  freshFakes: true,
});

beforeEach(async () => {
  await bot.store.deleteConnection(TEAM);
});

/** Runs `text` as `userId` and resolves with the ephemeral refusal, checking no modal was opened. */
async function refused(text: string, userId: string): Promise<string> {
  const reply = await commandReply(bot, slack, text, { userId });
  expect(reply.response_type).toBe('ephemeral');
  await pause(150);
  expect(slack.callsTo('views.open')).toHaveLength(0);
  return textOf(reply);
}

/** Opens the modal a command asked for and returns it as the fake Slack holds it. */
async function openedView(): Promise<Json> {
  const call = await slack.waitFor('views.open');
  expect(call.response?.ok).toBe(true);
  return slack.view(call.response.view.id);
}

/** The import requests stored for TEAM. */
const requests = () => bot.store.listRequests(TEAM, 100);
/** The request a given modal submission created (the view id is its source key). */
const requestFor = async (viewId: string) => (await requests()).find((r) => r.sourceKey === viewId);

describe('/simplismart help and unknown subcommands', () => {
  test('help answers on the ack itself, ephemeral, listing every command', async () => {
    const response = await runCommand(bot, 'help');
    expect(response.status).toBe(200);
    expect(response.json.response_type).toBe('ephemeral');
    const text = textOf(response.json);
    for (const sub of ['import', 'status', 'connect', 'disconnect', 'help']) expect(text).toContain(`/simplismart ${sub}`);
    expect(text).not.toContain('I don’t know');
    expect(slack.callsTo('views.open')).toHaveLength(0);
  });

  test('no subcommand at all is help too', async () => {
    const response = await runCommand(bot, '');
    expect(response.status).toBe(200);
    expect(response.json.response_type).toBe('ephemeral');
    expect(textOf(response.json)).toContain('/simplismart connect');
  });

  // Object's own member names included: a lookup table must not find `constructor` in Object.prototype.
  test.each(['frobnicate the cluster', 'constructor', '__proto__ x'])('an unknown subcommand (%s) is named back, with the help', async (typed) => {
    const before = (await requests()).length;
    const response = await runCommand(bot, typed);
    expect(response.status).toBe(200);
    expect(response.json.response_type).toBe('ephemeral');
    const text = textOf(response.json);
    expect(text).toContain(`I don’t know \`${typed.split(' ')[0]!.toLowerCase()}\``);
    expect(text).toContain('/simplismart import');
    expect(text).toContain('/simplismart status');
    expect(slack.callsTo('views.open')).toHaveLength(0);
    expect(await requests()).toHaveLength(before);
  });
});

/** A fixture of test/fixtures/nodes/, as Slack sends a command's text: `&`, `<` and `>` escaped. */
const pasted = (file: string) =>
  readFileSync(new URL(`../fixtures/nodes/${file}`, import.meta.url), 'utf8').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('/simplismart nodes', () => {
  /** The ephemeral answer, checked against Block Kit's rules; nothing else was posted or opened. */
  async function nodesReply(text: string): Promise<Json> {
    const reply = await commandReply(bot, slack, text);
    expect(reply.response_type).toBe('ephemeral');
    expect(messageBlocksError(reply.blocks as Json[])).toBeUndefined();
    expect(slack.callsTo('views.open')).toHaveLength(0);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    return reply;
  }

  test('an EKS `--show-labels` paste: the pools, what each becomes, the findings and the commands in code blocks', async () => {
    const before = (await requests()).length;
    const sent = simplismart.requests.length;
    const paste = pasted('eks-show-labels.txt');
    expect(paste.length).toBeLessThan(4000);
    const reply = await nodesReply(`nodes\n${paste}`);
    const text = textOf(reply);
    expect(reply.text).toMatch(/^Node groups from 6 nodes: 3 proposed/);
    for (const pool of ['`gpu-a10g`', '`gpu-spot`', '`system`', '`g5.2xlarge`', '`nvidia-a10g`', '`SPOT`']) expect(text).toContain(pool);
    expect(text).toContain(
      "```\\nkubectl label nodes -l 'eks.amazonaws.com/nodegroup=system,!simplismart.ai/node-pool-name' simplismart.ai/node-pool-name=system\\n```",
    );
    expect(text).toContain('aws eks update-nodegroup-config --cluster-name &lt;cluster&gt; --nodegroup-name system');
    // A preflight only: nothing stored, nothing sent to Simplismart.
    expect((await requests()).length).toBe(before);
    expect(simplismart.requests).toHaveLength(sent);
  });

  test('a list of Pods is refused with what is wrong and what to paste', async () => {
    const reply = await nodesReply(`nodes ${pasted('pods.json')}`);
    const text = textOf(reply);
    expect(text).toContain('not Nodes');
    expect(text).toContain('kubectl get nodes --show-labels');
    expect(text).toContain('about 4,000 characters');
  });

  test('no text: what to paste, and how much the command holds', async () => {
    const reply = await nodesReply('nodes');
    const text = textOf(reply);
    expect(text).toContain('kubectl get nodes --show-labels');
    expect(text).toContain('-o json');
    expect(text).toContain('about 4,000 characters');
  });
});

describe('/simplismart status', () => {
  test('not connected (and no fallback): says an admin must run /simplismart connect', async () => {
    const reply = await commandReply(bot, slack, 'status');
    expect(reply.response_type).toBe('ephemeral');
    expect(textOf(reply)).toMatch(/isn’t connected/);
    expect(textOf(reply)).toContain('/simplismart connect');
  });

  test('connected: org, masked token (first and last 4 only) and expiry, never the token', async () => {
    const exp = 4102444800;
    const token = fakeJwt({ exp });
    await connectWorkspace(bot, TEAM, token, ORG);
    const reply = await commandReply(bot, slack, 'status');
    const text = textOf(reply);
    expect(text).toContain('Connected');
    expect(text).toContain(ORG);
    expect(text).toContain(`${token.slice(0, 4)}…${token.slice(-4)}`);
    expect(text).toContain(`<!date^${exp}^`);
    expect(text).not.toMatch(/expired|within 7 days/);
    for (const part of token.split('.')) expect(text).not.toContain(part);
    expect(JSON.stringify(slack.calls)).not.toContain(token);
    expect(bot.logs.join('\n')).not.toContain(token);
  });

  test('a token expiring within 7 days is warned about', async () => {
    const exp = Math.floor((bot.clock.now() + 3 * DAY_MS) / 1000);
    const token = fakeJwt({ exp });
    await connectWorkspace(bot, TEAM, token, ORG);
    const text = textOf(await commandReply(bot, slack, 'status'));
    expect(text).toContain(':warning:');
    expect(text).toContain('within 7 days');
    expect(text).toContain(`<!date^${exp}^`);
    expect(text).not.toContain(token);
  });

  test('an expired token is flagged as expired', async () => {
    const exp = Math.floor((bot.clock.now() - DAY_MS) / 1000);
    const token = fakeJwt({ exp });
    await connectWorkspace(bot, TEAM, token, ORG);
    const text = textOf(await commandReply(bot, slack, 'status'));
    expect(text).toContain('*expired*');
    expect(text).toContain('/simplismart connect');
    expect(text).not.toContain('within 7 days');
    expect(text).not.toContain(token);
  });
});

describe('/simplismart connect and disconnect', () => {
  test('an admin gets the connect modal, opened with the command’s own trigger', async () => {
    const triggerId = newTriggerId();
    const response = await runCommand(bot, 'connect', { userId: ADMIN, triggerId, responseUrl: slack.responseUrl() });
    expect(response.status).toBe(200);
    const call = await slack.waitFor('views.open');
    expect(call.args.trigger_id).toBe(triggerId);
    expect(call.args.view.callback_id).toBe('connect_workspace');
    expect(slack.callsTo('users.info').map((c) => c.args.user)).toContain(ADMIN);
  });

  test('connect on a connected workspace shows the current token masked only, the org pre-filled', async () => {
    const token = fakeJwt();
    await connectWorkspace(bot, TEAM, token, ORG);
    await runCommand(bot, 'connect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    const view = await openedView();
    const text = JSON.stringify(view);
    expect(text).toContain(maskToken(token));
    expect(text).not.toContain(token);
    expect(view.blocks.find((b: Json) => b.block_id === 'connect_org')?.element?.initial_value).toBe(ORG);
    expect(view.blocks.find((b: Json) => b.block_id === 'connect_token')?.element?.initial_value).toBeUndefined();
  });

  test('a workspace owner may connect too', async () => {
    await runCommand(bot, 'connect', { userId: OWNER, responseUrl: slack.responseUrl() });
    const view = await openedView();
    expect(view.callback_id).toBe('connect_workspace');
  });

  test('a bad token and bad UUIDs come back as inline errors and nothing is stored', async () => {
    await runCommand(bot, 'connect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    const view = await openedView();
    const response = await submitModal(
      bot,
      view,
      { connect_token: 'definitely-not-a-jwt', connect_org: 'not-a-uuid', connect_hosted_zone: '1234' },
      { userId: ADMIN },
    );
    expect(response.status).toBe(200);
    expect(response.json.response_action).toBe('errors');
    expect(Object.keys(response.json.errors).sort()).toEqual(['connect_hosted_zone', 'connect_org', 'connect_token']);
    expect(response.json.errors.connect_token).toMatch(/JWT/);
    expect(response.json.errors.connect_org).toMatch(/UUID/);
    expect(await bot.store.getConnection(TEAM)).toBeUndefined();
    expect(await rawRows(bot, 'SELECT * FROM workspace_connections WHERE team_id = $1', [TEAM])).toHaveLength(0);
  });

  test('"Bearer <token>" and an already expired token are refused inline', async () => {
    await runCommand(bot, 'connect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    const view = await openedView();
    const bearer = await submitModal(bot, view, { connect_token: `Bearer ${TOKEN}`, connect_org: ORG }, { userId: ADMIN });
    expect(bearer.json.response_action).toBe('errors');
    expect(bearer.json.errors.connect_token).toMatch(/Bearer/);
    const expired = await submitModal(
      bot,
      view,
      { connect_token: fakeJwt({ exp: Math.floor((bot.clock.now() - DAY_MS) / 1000) }), connect_org: ORG },
      { userId: ADMIN },
    );
    expect(expired.json.response_action).toBe('errors');
    expect(expired.json.errors.connect_token).toMatch(/expired/);
    expect(await bot.store.getConnection(TEAM)).toBeUndefined();
  });

  test('a good token is stored encrypted; the confirmation shows it masked with its expiry', async () => {
    const exp = 4102444800;
    const token = fakeJwt({ exp });
    await runCommand(bot, 'connect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    const view = await openedView();
    const response = await submitModal(
      bot,
      view,
      { connect_token: token, connect_org: ORG, connect_hosted_zone: HOSTED_ZONE, connect_secret_id: SECRET_ID },
      { userId: ADMIN },
    );
    expect(response.status).toBe(200);
    expect(response.json.response_action).toBe('update');
    const confirmation = JSON.stringify(response.json.view);
    expect(confirmation).toContain(maskToken(token));
    expect(confirmation).toContain(`${token.slice(0, 4)}…${token.slice(-4)}`);
    expect(confirmation).toContain(`<!date^${exp}^`);
    expect(confirmation).toContain(ORG);
    expect(confirmation).not.toContain(token);

    const rows = await rawRows(bot, 'SELECT * FROM workspace_connections WHERE team_id = $1', [TEAM]);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(token);
    for (const part of token.split('.')) expect(stored).not.toContain(part);
    expect(row.token_hint).toBe(maskToken(token));
    expect(Number(row.token_expires_at)).toBe(exp * 1000);
    expect(row.org_id).toBe(ORG);
    expect(row.default_hosted_zone).toBe(HOSTED_ZONE);
    expect(row.connected_by).toBe(ADMIN);
    // Encrypted, not lost: the bot can still use it.
    expect((await bot.services.connections.credentialsFor(TEAM))?.token).toBe(token);
    expect(bot.logs.join('\n')).not.toContain(token);
    expect(JSON.stringify(slack.calls)).not.toContain(token);
  });

  test('the org is taken from the token’s org_uuid claim when left empty', async () => {
    const token = fakeJwt({ org_uuid: ORG_TWO });
    await runCommand(bot, 'connect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    const view = await openedView();
    const response = await submitModal(bot, view, { connect_token: token }, { userId: ADMIN });
    expect(response.json.response_action).toBe('update');
    expect(JSON.stringify(response.json.view)).toContain(ORG_TWO);
    expect((await bot.store.getConnection(TEAM))?.orgId).toBe(ORG_TWO);
  });

  test('without an org_uuid claim, an empty org is an inline error', async () => {
    await runCommand(bot, 'connect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    const view = await openedView();
    const response = await submitModal(bot, view, { connect_token: fakeJwt() }, { userId: ADMIN });
    expect(response.json.response_action).toBe('errors');
    expect(Object.keys(response.json.errors)).toEqual(['connect_org']);
    expect(await bot.store.getConnection(TEAM)).toBeUndefined();
  });

  test('a non-admin is refused connect, ephemerally, and gets no modal', async () => {
    expect(await refused('connect', ALICE)).toMatch(/Only Slack workspace admins and owners can connect/);
    expect(await bot.store.getConnection(TEAM)).toBeUndefined();
  });

  test('a non-admin submitting the connect form (admin rights lost since) is refused and nothing is stored', async () => {
    await runCommand(bot, 'connect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    const view = await openedView();
    slack.setUser(ADMIN, { is_admin: false });
    const response = await submitModal(bot, view, { connect_token: TOKEN, connect_org: ORG }, { userId: ADMIN });
    expect(response.json.response_action).toBe('errors');
    expect(response.json.errors.connect_token).toMatch(/admins/);
    expect(await bot.store.getConnection(TEAM)).toBeUndefined();
  });

  test('a non-admin is refused disconnect and the token stays', async () => {
    await connectWorkspace(bot, TEAM, TOKEN, ORG);
    expect(await refused('disconnect', BOB)).toMatch(/Only Slack workspace admins and owners can disconnect/);
    expect(await bot.store.getConnection(TEAM)).toBeDefined();
  });

  test('an admin’s disconnect deletes the token; status then says not connected', async () => {
    await connectWorkspace(bot, TEAM, TOKEN, ORG);
    expect(textOf(await commandReply(bot, slack, 'disconnect', { userId: ADMIN }))).toMatch(/Disconnected/);
    expect(await bot.store.getConnection(TEAM)).toBeUndefined();
    expect(await rawRows(bot, 'SELECT * FROM workspace_connections WHERE team_id = $1', [TEAM])).toHaveLength(0);

    expect(textOf(await commandReply(bot, slack, 'disconnect', { userId: ADMIN }))).toMatch(/had no token/);

    expect(textOf(await commandReply(bot, slack, 'status'))).toMatch(/isn’t connected/);
  });

  test('a workspace with no token is told an admin must connect, and gets no modal', async () => {
    expect(await refused('import provider=aws', ALICE)).toMatch(/admin must run `\/simplismart connect`/);
    expect(simplismart.requests).toHaveLength(0);
  });
});

describe('the SIMPLISMART_TOKEN / SIMPLISMART_ORG fallback', () => {
  const FALLBACK_TOKEN = fakeJwt({ exp: 4102444800 });
  let fallbackBot: TestBot;

  beforeAll(async () => {
    fallbackBot = await startBot({ env: { SIMPLISMART_TOKEN: FALLBACK_TOKEN, SIMPLISMART_ORG: ORG_TWO } });
  });
  afterAll(async () => {
    await fallbackBot.stop();
  });

  test('an unconnected workspace imports with the fallback token and org', async () => {
    simplismart.addToken(FALLBACK_TOKEN, ORG_TWO);
    await runCommand(fallbackBot, 'import provider=aws', { responseUrl: slack.responseUrl() });
    const view = await openedView();
    const response = await submitModal(
      fallbackBot,
      view,
      validImportValues({ cluster_region: 'us-west-2', cluster_hostedZone: HOSTED_ZONE, cluster_secretId: SECRET_ID }),
    );
    expect(response.json).toMatchObject({ response_action: 'update' });
    const [request] = await simplismart.waitForRequest();
    expect(request!.headers.authorization).toBe(`Bearer ${FALLBACK_TOKEN}`);
    expect(request!.json.org).toBe(ORG_TWO);
    await eventually(async () => {
      const stored = (await fallbackBot.store.listRequests(TEAM, 100)).find((r) => r.sourceKey === view.id);
      expect(stored?.state).toBe('succeeded');
    });
    expect(simplismart.importCount()).toBe(1);
    expect(fallbackBot.logs.join('\n')).not.toContain(FALLBACK_TOKEN);
  });

  test('status shows the fallback, masked', async () => {
    const text = textOf(await commandReply(fallbackBot, slack, 'status'));
    expect(text).toContain('SIMPLISMART_TOKEN');
    expect(text).toContain(ORG_TWO);
    expect(text).toContain(maskToken(FALLBACK_TOKEN));
    expect(text).not.toContain(FALLBACK_TOKEN);
  });
});

describe('when the bot cannot post in the command’s channel', () => {
  beforeEach(async () => {
    await connectWorkspace(bot, TEAM, TOKEN, ORG);
  });

  /** Runs the import from `channelId`; returns the modal's id (the stored request's source key). */
  async function importFrom(channelId: string, responseUrl: string): Promise<string> {
    await runCommand(bot, 'import provider=aws', { channelId, responseUrl });
    const view = await openedView();
    const response = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2' }));
    expect(response.json).toMatchObject({ response_action: 'update' });
    return view.id as string;
  }

  test('not_in_channel: the thread goes to the requester’s DM, they are told via response_url, all is stored', async () => {
    slack.closeChannel(CHANNEL, 'not_in_channel');
    const responseUrl = slack.responseUrl();
    const viewId = await importFrom(CHANNEL, responseUrl);

    await eventually(() => {
      const outcome = slack.messages().find((m) => textOf(m).includes('is imported into Simplismart'));
      expect(outcome).toBeDefined();
    });
    const posts = slack.callsTo('chat.postMessage');
    expect(posts[0]!.args.channel).toBe(CHANNEL);
    expect(posts[0]!.response.error).toBe('not_in_channel');
    expect(posts[1]!.args.channel).toBe(ALICE);
    expect(posts[1]!.response.ok).toBe(true);
    const dm = posts[1]!.response.channel as string;
    expect(dm.startsWith('D')).toBe(true);
    expect(slack.messages().every((m) => m.channel === dm)).toBe(true);

    const note = await responseTo(slack, responseUrl);
    expect(note.response_type).toBe('ephemeral');
    expect(textOf(note)).toMatch(/can’t post in this channel/);
    expect(textOf(note)).toMatch(/DM/);

    await eventually(async () => {
      const stored = await requestFor(viewId);
      expect(stored?.state).toBe('succeeded');
      expect(stored?.outcome?.kind).toBe('imported');
      expect(stored?.thread?.channel).toBe(dm);
      expect(stored?.channelId).toBe(CHANNEL);
    });
    expect(simplismart.importCount()).toBe(1);
  });

  test('a DM the bot is not part of (channel_not_found): same fallback, and a failure is stored too', async () => {
    const otherDm = 'D0ALICEBOB7';
    slack.closeChannel(otherDm, 'channel_not_found');
    simplismart.nextResponse(simplismartFaults.serverError('node group labels missing'));
    const responseUrl = slack.responseUrl();
    const viewId = await importFrom(otherDm, responseUrl);

    await eventually(async () => {
      const stored = await requestFor(viewId);
      expect(stored?.state).toBe('failed');
    });
    const posts = slack.callsTo('chat.postMessage');
    expect(posts[0]!.args.channel).toBe(otherDm);
    expect(posts[0]!.response.error).toBe('channel_not_found');
    expect(posts[1]!.args.channel).toBe(ALICE);
    const note = await responseTo(slack, responseUrl);
    expect(textOf(note)).toMatch(/can’t post in this channel/);
    await eventually(() => {
      const failure = slack.messages().find((m) => textOf(m).includes('node group labels missing'));
      expect(failure).toBeDefined();
      expect(failure!.channel).toBe(posts[1]!.response.channel);
    });
    const stored = await requestFor(viewId);
    expect(stored?.outcome?.kind).toBe('rejected');
    expect(JSON.stringify(stored?.outcome)).toContain('node group labels missing');
    expect(stored?.channelId).toBe(otherDm);
  });
});

describe('Slack refusing', () => {
  test('chat.postMessage 429 with Retry-After: the message arrives once, after the wait', async () => {
    await connectWorkspace(bot, TEAM, TOKEN, ORG);
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    await runCommand(bot, 'import provider=aws', { responseUrl: slack.responseUrl() });
    const view = await openedView();
    await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2' }));

    await eventually(() => {
      expect(slack.messages().find((m) => textOf(m).includes('is imported into Simplismart'))).toBeDefined();
    }, 8000);
    const parents = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL && c.args.thread_ts === undefined);
    expect(parents.map((c) => c.status)).toEqual([429, 200]);
    expect(parents[1]!.at - parents[0]!.at).toBeGreaterThanOrEqual(950);
    expect(parents[1]!.args.text).toBe(parents[0]!.args.text);
    const inChannel = slack.messages().filter((m) => m.channel === CHANNEL && m.thread_ts === undefined);
    expect(inChannel).toHaveLength(1);
    expect(simplismart.importCount()).toBe(1);
  }, 15_000);

  test('views.open 429: the person is told via response_url, at once, and nothing hangs', async () => {
    await connectWorkspace(bot, TEAM, TOKEN, ORG);
    slack.failNext('views.open', { status: 429, retryAfterSeconds: 30 });
    const responseUrl = slack.responseUrl();
    const started = Date.now();
    const response = await runCommand(bot, 'import', { responseUrl });
    expect(response.status).toBe(200);
    expect(response.ms).toBeLessThan(3000);
    const reply = await responseTo(slack, responseUrl);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(reply.response_type).toBe('ephemeral');
    expect(textOf(reply)).toMatch(/Slack is limiting/);
    expect(textOf(reply)).toContain('30 seconds');
    await pause(150);
    expect(slack.callsTo('views.open')).toHaveLength(1);
  });

  test('views.open 429 on connect: told the same way', async () => {
    slack.failNext('views.open', { status: 429, retryAfterSeconds: 2 });
    expect(textOf(await commandReply(bot, slack, 'connect', { userId: ADMIN }))).toMatch(/Slack is limiting/);
  });

  test('an expired trigger: the person is told to run the command again', async () => {
    await connectWorkspace(bot, TEAM, TOKEN, ORG);
    const before = (await requests()).length;
    const triggerId = newTriggerId();
    slack.registerTrigger(triggerId, { validForMs: 0 });
    await pause(20);
    const reply = await commandReply(bot, slack, 'import', { triggerId });
    expect(slack.callsTo('views.open')[0]!.response.error).toBe('expired_trigger_id');
    expect(textOf(reply)).toMatch(/Run the command again/);
    expect(slack.callsTo('views.open')).toHaveLength(1);
    expect(await requests()).toHaveLength(before);
  });
});

describe('payloads this app does not know', () => {
  async function snapshot() {
    return { requests: (await requests()).length, connection: await bot.store.getConnection(TEAM) };
  }

  test('another slash command is acked with an explanation', async () => {
    const before = await snapshot();
    const response = await runCommand(bot, 'deploy prod', { command: '/deploy', responseUrl: slack.responseUrl() });
    expect(response.status).toBe(200);
    expect(response.json.response_type).toBe('ephemeral');
    expect(textOf(response.json)).toContain('only answers `/simplismart`');
    await pause(150);
    expect(slack.calls.filter((c) => c.method !== 'response_url')).toHaveLength(0);
    expect(await snapshot()).toEqual(before);
  });

  test('an unknown button is acked and the person is told it is stale', async () => {
    const before = await snapshot();
    const responseUrl = slack.responseUrl();
    const response = await bot.send(
      blockActions({ teamId: TEAM, userId: ALICE, actionId: 'approve_v0_legacy', blockId: 'old_block', channelId: CHANNEL, responseUrl }),
    );
    expect(response.status).toBe(200);
    expect(textOf(await responseTo(slack, responseUrl))).toMatch(/no longer exists/);
    expect(await snapshot()).toEqual(before);
    expect(simplismart.requests).toHaveLength(0);
  });

  test('an unknown view submission, a view_closed and an options request are acked; nothing stored', async () => {
    const before = await snapshot();
    const legacyView = {
      type: 'modal',
      callback_id: 'legacy_import_v0',
      title: { type: 'plain_text', text: 'Old form' },
      submit: { type: 'plain_text', text: 'Go' },
      blocks: [
        { type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'v' } },
        {
          type: 'input',
          block_id: 'gpu',
          optional: true,
          label: { type: 'plain_text', text: 'GPU' },
          element: { type: 'external_select', action_id: 'legacy_gpu', min_query_length: 1 },
        },
      ],
    };
    const submitted = await bot.send(viewSubmission({ teamId: TEAM, userId: ALICE, view: legacyView, fill: { name: 'prod' } }));
    expect(submitted.status).toBe(200);
    expect(submitted.json?.response_action).toBe('update');
    expect(textOf(submitted.json.view)).toMatch(/no longer exists/);

    const closed = await bot.send(viewClosed({ teamId: TEAM, userId: ALICE, view: legacyView }));
    expect(closed.status).toBe(200);

    const options = await bot.send(blockSuggestion({ teamId: TEAM, userId: ALICE, view: legacyView, blockId: 'gpu', actionId: 'legacy_gpu', value: 'nv' }));
    expect(options.status).toBe(200);
    expect(options.json).toEqual({ options: [] });

    await pause(150);
    expect(await snapshot()).toEqual(before);
    expect(simplismart.requests).toHaveLength(0);
    expect(slack.callsTo('views.open')).toHaveLength(0);
    expect(bot.logs.some((l) => l.includes('legacy_import_v0') && l.includes('ignored a payload'))).toBe(true);
  });
});

describe('a listener that throws', () => {
  test('the person gets an ephemeral message with a reference, and the bot keeps serving', async () => {
    // users.info answers 500 (every attempt, retries included).
    for (let i = 0; i < 5; i += 1) slack.failNext('users.info', { status: 500 });
    const responseUrl = slack.responseUrl();
    const response = await runCommand(bot, 'connect', { userId: ADMIN, responseUrl });
    expect(response.status).toBe(200);
    const reply = await responseTo(slack, responseUrl, { timeoutMs: 5000 });
    expect(reply.response_type).toBe('ephemeral');
    const reference = /reference `([a-z_]+-[0-9a-f]{6})`/.exec(textOf(reply))?.[1];
    expect(reference).toBeDefined();
    expect(bot.logs.some((l) => l.includes(reference!) && l.includes('a listener failed'))).toBe(true);
    expect(slack.callsTo('views.open')).toHaveLength(0);

    const help = await runCommand(bot, 'help');
    expect(help.status).toBe(200);
    expect(textOf(help.json)).toContain('/simplismart import');
    expect(textOf(await commandReply(bot, slack, 'status'))).toMatch(/isn’t connected/);
  });

  test('a form whose listener throws before its ack is acked at once, the reference shown inline, the form kept open', async () => {
    await runCommand(bot, 'connect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    const view = await openedView();
    for (let i = 0; i < 5; i += 1) slack.failNext('users.info', { status: 500 });
    const response = await submitModal(bot, view, { connect_token: TOKEN, connect_org: ORG }, { userId: ADMIN });
    expect(response.status).toBe(200);
    expect(response.ms).toBeLessThan(2500);
    expect(response.json.response_action).toBe('errors');
    const reference = /reference ([a-z_]+-[0-9a-f]{6})/.exec(JSON.stringify(response.json.errors))?.[1];
    expect(reference).toBeDefined();
    expect(bot.logs.some((l) => l.includes(reference!) && l.includes('a listener failed'))).toBe(true);
    expect(await bot.store.getConnection(TEAM)).toBeUndefined();
    expect((await runCommand(bot, 'help')).status).toBe(200);
  });
});

describe('health routes', () => {
  test('GET /healthz and GET /readyz answer 200 while the store is up', async () => {
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  test('/readyz answers 503 once the store is closed, and the bot keeps answering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-readyz-'));
    const store = await openStore(`sqlite:${join(dir, 'bot.db')}`);
    await store.migrate();
    const lonely = await startBot({ store });
    try {
      expect((await fetch(`${lonely.url}/readyz`)).status).toBe(200);
      await store.close();
      const ready = await fetch(`${lonely.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'unavailable' });
      expect((await fetch(`${lonely.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${lonely.url}/readyz`)).status).toBe(503);

      const help = await runCommand(lonely, 'help');
      expect(help.status).toBe(200);
      expect(textOf(await commandReply(lonely, slack, 'status'))).toMatch(/database isn’t answering/);
      expect((await fetch(`${lonely.url}/healthz`)).status).toBe(200);
    } finally {
      await lonely.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
