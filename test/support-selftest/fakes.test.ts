// Self-tests of the e2e harness: each fake over real HTTP with the real WebClient/fetch/Bolt, signatures, and fillModal.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, verifySlackRequest } from '@slack/bolt';
import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { suggestionProblems } from '../support/blockKitRules.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import {
  FAKE_KUBECONFIG_SECRET,
  refusedUrl,
  simplismartFaults,
  startFakeSimplismart,
  type FakeSimplismart,
} from '../support/fakeSimplismart.js';
import { blockActions, blockSuggestion, postToBot, signSlackRequest, slashCommand, viewSubmission } from '../support/slackRequests.js';
import { aBody, ORG } from '../support/fixtures.js';
import { blockIds, clientSideErrors, fillModal, findBlock } from '../support/modalState.js';

const SECRET = 'test-signing-secret';

/** WebClient logs Slack's response_metadata messages at error level; keep the test output clean. */
const silent = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

const option = (value: string) => ({ text: { type: 'plain_text' as const, text: value.toUpperCase() }, value });

/** A modal with one input of every kind the bot may use. */
const MODAL = {
  type: 'modal',
  callback_id: 'import_cluster',
  title: { type: 'plain_text', text: 'Import cluster' },
  submit: { type: 'plain_text', text: 'Import' },
  private_metadata: '{"step":1}',
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: 'Fill in the cluster' } },
    { type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'v' } },
    {
      type: 'input',
      block_id: 'nodes',
      label: { type: 'plain_text', text: 'Nodes' },
      element: { type: 'number_input', action_id: 'v', is_decimal_allowed: false, initial_value: '1', min_value: '0' },
    },
    {
      type: 'input',
      block_id: 'provider',
      dispatch_action: true,
      label: { type: 'plain_text', text: 'Provider' },
      element: { type: 'static_select', action_id: 'v', options: [option('aws'), option('gcp')], initial_option: option('aws') },
    },
    {
      type: 'input',
      block_id: 'zone',
      label: { type: 'plain_text', text: 'Hosted zone' },
      element: { type: 'external_select', action_id: 'v', min_query_length: 0 },
    },
    {
      type: 'input',
      block_id: 'service',
      optional: true,
      label: { type: 'plain_text', text: 'Service' },
      element: { type: 'radio_buttons', action_id: 'v', options: [option('LoadBalancer'), option('NodePort')] },
    },
    {
      type: 'input',
      block_id: 'tools',
      optional: true,
      label: { type: 'plain_text', text: 'Tools' },
      element: { type: 'checkboxes', action_id: 'v', options: [option('monitoring'), option('training')], initial_options: [option('monitoring')] },
    },
    { type: 'input', block_id: 'approver', optional: true, label: { type: 'plain_text', text: 'Approver' }, element: { type: 'users_select', action_id: 'v' } },
    {
      type: 'input',
      block_id: 'channel',
      optional: true,
      label: { type: 'plain_text', text: 'Channel' },
      element: { type: 'conversations_select', action_id: 'v', initial_conversation: 'C0INITIAL' },
    },
    { type: 'input', block_id: 'ch', optional: true, label: { type: 'plain_text', text: 'Ch' }, element: { type: 'channels_select', action_id: 'v' } },
    {
      type: 'input',
      block_id: 'admins',
      optional: true,
      label: { type: 'plain_text', text: 'Admins' },
      element: { type: 'multi_users_select', action_id: 'v' },
    },
    { type: 'actions', elements: [{ type: 'button', action_id: 'add_group', text: { type: 'plain_text', text: 'Add group' }, value: 'add' }] },
  ],
};

describe('fakeSlack with the real WebClient', () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeEach(async () => {
    slack = await startFakeSlack();
    client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: silent });
  });
  afterEach(() => slack.close());

  it('answers auth.test, posts (DMs as D…), updates, permalinks, and records form bodies with JSON args parsed', async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: 'U0FAKEBOT01', bot_id: 'B0FAKEBOT01', team_id: 'T0FAKETEAM1' });

    const first = await client.chat.postMessage({ channel: 'C0CHAN', text: 'hi', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }] });
    const dm = await client.chat.postMessage({ channel: 'U0PERSON', text: 'psst' });
    expect(first.ts).toBe('1700000000.000100');
    expect(dm).toMatchObject({ channel: 'D0PERSON', ts: '1700000000.000200' });
    await client.chat.update({ channel: 'C0CHAN', ts: first.ts!, text: 'edited' });
    expect(slack.message('C0CHAN', first.ts!)?.text).toBe('edited');
    const link = await client.chat.getPermalink({ channel: 'C0CHAN', message_ts: first.ts! });
    expect(link.permalink).toBe('https://fake-team.slack.com/archives/C0CHAN/p1700000000000100');

    const call = slack.callsTo('chat.postMessage')[0]!;
    expect(call.token).toBe('xoxb-test');
    expect(call.contentType).toContain('application/x-www-form-urlencoded');
    expect(call.args.blocks[0].text.text).toBe('*hi*');
    expect(call.args.token).toBeUndefined();
  });

  it('keeps one id per view, rejects stale hashes, enforces registered triggers and view limits', async () => {
    const trigger = slack.issueTrigger();
    const opened = await client.views.open({ trigger_id: trigger, view: MODAL as never });
    const id = opened.view!.id!;
    expect(id).toMatch(/^V/);
    await expect(client.views.open({ trigger_id: trigger, view: MODAL as never })).rejects.toMatchObject({ data: { error: 'exchanged_trigger_id' } });
    await expect(client.views.open({ trigger_id: 'never.issued.x', view: MODAL as never })).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });

    const updated = await client.views.update({ view_id: id, hash: opened.view!.hash!, view: { ...MODAL, callback_id: 'step2' } as never });
    expect(updated.view).toMatchObject({ id, callback_id: 'step2' });
    expect(updated.view!.hash).not.toBe(opened.view!.hash);
    await expect(client.views.update({ view_id: id, hash: opened.view!.hash!, view: MODAL as never })).rejects.toMatchObject({
      data: { error: 'hash_conflict' },
    });
    expect(slack.view(id)?.callback_id).toBe('step2');

    const tooLong = { ...MODAL, title: { type: 'plain_text', text: 'A title that is far too long' } };
    const error = (await client.views.open({ trigger_id: slack.issueTrigger(), view: tooLong as never }).catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(error.data.error).toBe('invalid_arguments');
    expect(error.data.response_metadata?.messages?.[0]).toContain('/view/title/text');
  });

  it('serves users, usergroups, closed channels and queued faults (error, 429, 500)', async () => {
    slack.setUser('U0ADMIN', { is_admin: true, tz: 'Asia/Kolkata' });
    slack.setGroupMembers('S0APPROVERS', ['U0ADMIN', 'U0OTHER']);
    const info = await client.users.info({ user: 'U0ADMIN' });
    expect(info.user).toMatchObject({ is_admin: true, is_owner: false, tz: 'Asia/Kolkata', tz_offset: 19800 });
    await expect(client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    expect((await client.usergroups.users.list({ usergroup: 'S0APPROVERS' })).users).toEqual(['U0ADMIN', 'U0OTHER']);

    slack.closeChannel('C0GONE');
    await expect(client.chat.postMessage({ channel: 'C0GONE', text: 'x' })).rejects.toMatchObject({ data: { error: 'not_in_channel' } });

    slack.failNext('chat.postMessage', { error: 'fatal_error' });
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 7 });
    slack.failNext('chat.postMessage', { status: 500 });
    await expect(client.chat.postMessage({ channel: 'C0', text: 'a' })).rejects.toMatchObject({ data: { error: 'fatal_error' } });
    const limited = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });
    await expect(limited.chat.postMessage({ channel: 'C0', text: 'b' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    await expect(client.chat.postMessage({ channel: 'C0', text: 'c' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
    await expect(client.chat.postMessage({ channel: 'C0', text: 'd' })).resolves.toMatchObject({ ok: true });
  });

  it('limits a method for one workspace’s tokens (429, Retry-After, nothing done) for a while; loses an answer after doing the call', async () => {
    const other = await startFakeSlack({
      teams: { T0LIMITED: {}, T0FREE: {} },
      tokens: { 'xoxb-limited': { teamId: 'T0LIMITED' }, 'xoxb-free': { teamId: 'T0FREE' } },
      channels: { C0LIM: { team_id: 'T0LIMITED' }, C0FREE: { team_id: 'T0FREE' } },
    });
    try {
      const as = (token: string) => new WebClient(token, { slackApiUrl: other.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logger: silent });
      other.rateLimit('chat.postMessage', { teamId: 'T0LIMITED', retryAfterSeconds: 3, forMs: 300 });
      await expect(as('xoxb-limited').chat.postMessage({ channel: 'C0LIM', text: 'held' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 3 });
      await expect(as('xoxb-free').chat.postMessage({ channel: 'C0FREE', text: 'free' })).resolves.toMatchObject({ ok: true });
      await expect(as('xoxb-limited').chat.update({ channel: 'C0LIM', ts: '1.1', text: 'another method' })).resolves.toMatchObject({ ok: true });
      expect(other.messages().map((m) => m.text)).not.toContain('held');
      await new Promise((resolve) => setTimeout(resolve, 350));
      await expect(as('xoxb-limited').chat.postMessage({ channel: 'C0LIM', text: 'later' })).resolves.toMatchObject({ ok: true });

      other.failNext('chat.postMessage', { answerLost: true });
      await expect(as('xoxb-free').chat.postMessage({ channel: 'C0FREE', text: 'lost' })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
      expect(other.messages().map((m) => m.text)).toContain('lost');
      const last = other.callsTo('chat.postMessage').at(-1)!;
      expect(last.lost).toBe(true);
      expect(last.status).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('refuses a message with more than 13 000 characters of block text, as Slack does (msg_blocks_too_long)', async () => {
    // Four sections of 3000 characters, a context and a button: 12 000 + 1000 + 8 = 13 008.
    const blocks = (contextChars: number) => [
      ...Array.from({ length: 4 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3000) } })),
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'c'.repeat(contextChars) }] },
      { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Retry it' } }] },
    ];
    await expect(client.chat.postMessage({ channel: 'C0', text: 'long', blocks: blocks(1000) })).rejects.toMatchObject({ data: { error: 'msg_blocks_too_long' } });
    const posted = await client.chat.postMessage({ channel: 'C0', text: 'long', blocks: blocks(992) });
    expect(posted.ok).toBe(true);
    await expect(client.chat.update({ channel: 'C0', ts: posted.ts!, text: 'longer', blocks: blocks(993) })).rejects.toMatchObject({ data: { error: 'msg_blocks_too_long' } });
  });

  it('refuses a menu that offers the same value twice, in a view and in a block_suggestion answer', async () => {
    const twice = { ...MODAL, blocks: MODAL.blocks.map((b) => (b.block_id === 'provider' ? { ...b, element: { ...b.element, options: [option('aws'), option('aws')] } } : b)) };
    const error = (await client.views.open({ trigger_id: slack.issueTrigger(), view: twice as never }).catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(error.data.error).toBe('invalid_arguments');
    expect(error.data.response_metadata?.messages?.[0]).toMatch(/duplicate option value aws .*\/options\/1\/value/);
    expect(suggestionProblems({ options: [option('none'), option('none')] })).toEqual(['[ERROR] duplicate option value none [json-pointer:/options/1/value]']);
    expect(suggestionProblems({ options: [option('a'), option('b')] })).toEqual([]);
  });

  it('records response_url posts and explains waitFor timeouts', async () => {
    const url = slack.responseUrl('cmd-1');
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'done', replace_original: true }) });
    expect(res.status).toBe(200);
    const call = await slack.waitFor('response_url', (c) => c.responseUrlId === 'cmd-1');
    expect(call.args).toEqual({ text: 'done', replace_original: true });
    await expect(slack.waitFor('views.open', undefined, { timeoutMs: 50 })).rejects.toThrow(/views\.open.*timed out[\s\S]*response_url → ok/);
  });
});

describe('fakeSimplismart over fetch', () => {
  let api: FakeSimplismart;
  const post = (body: unknown, token: string | null = 'tok-a', url = `${api.url}/infrastructure/clusters/existing`, signal?: AbortSignal) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal,
    });

  beforeEach(async () => {
    api = await startFakeSimplismart({ tokens: { 'tok-a': ORG } });
  });
  afterEach(() => api.close());

  it('answers the documented statuses', async () => {
    const cases: Array<[unknown, string | null, number, object]> = [
      [aBody(), null, 401, { detail: 'Authentication credentials were not provided.' }],
      [aBody(), 'tok-unknown', 401, { detail: 'Invalid token.' }],
      [aBody({ org: '11111111-2222-3333-4444-555555555555' }), 'tok-a', 403, { detail: 'You do not have permission to perform this action.' }],
      ['{not json', 'tok-a', 400, { error: 'Invalid JSON' }],
      [aBody({ region: null }), 'tok-a', 400, { error: 'Region is required' }],
    ];
    for (const [body, token, status, json] of cases) {
      const res = await post(body, token);
      expect([res.status, await res.json()]).toEqual([status, json]);
    }
    const missing = await post({ ...aBody(), slug: undefined, nodegroup_labels: [{ name: 'a', is_auxiliary: false }] });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: string }).error).toMatch(/^Failed to import cluster: .*slug.*is_auxilliary/);

    const created = await post(aBody());
    const json = (await created.json()) as { kubeconfig: unknown };
    expect(created.status).toBe(201);
    expect(json).toMatchObject({ name: 'Production Cluster', status: 'active', cluster_hosted_on: 'aws', region: 'us-west-2' });
    expect(JSON.stringify(json.kubeconfig)).toContain(FAKE_KUBECONFIG_SECRET);
    const again = await post(aBody());
    expect([again.status, await again.json()]).toEqual([422, { error: "Failed to import cluster: cluster with slug 'prod-cluster' already exists" }]);
    expect(api.importCount()).toBe(1);
    expect((await fetch(`${api.url}/nope`)).status).toBe(404);
    expect(api.requests.at(-1)).toMatchObject({ method: 'GET', path: '/nope', status: 404 });
  });

  it('injects faults: HTML 502, 500-but-created, hang, reset, refused port', async () => {
    api.nextResponse(simplismartFaults.badGatewayHtml());
    const html = await post(aBody());
    expect([html.status, html.headers.get('content-type')]).toEqual([502, 'text/html']);

    api.nextResponse(simplismartFaults.serverErrorButCreated());
    expect((await post(aBody())).status).toBe(500);
    expect(api.importCount()).toBe(1);

    api.nextResponse({ kind: 'hang' });
    await expect(post(aBody({ slug: 'b' }), 'tok-a', undefined, AbortSignal.timeout(150))).rejects.toThrow(/timeout|aborted/i);
    api.nextResponse({ kind: 'reset' });
    await expect(post(aBody({ slug: 'c' }))).rejects.toThrow(/fetch failed/);
    expect(api.importRequests().map((r) => r.outcome)).toEqual(['answered', 'answered', 'hung', 'reset']);
    expect(api.requests[2]!.json.slug).toBe('b');

    const refused = await refusedUrl();
    await expect(post(aBody(), 'tok-a', `${refused}/infrastructure/clusters/existing`)).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
  });
});

describe('slackRequests and modalState', () => {
  it('signs so that Bolt verifies the signature', () => {
    const { body } = slashCommand({ teamId: 'T1', userId: 'U1', channelId: 'C1', text: 'import' });
    const headers = signSlackRequest(body, SECRET);
    const verify = (secret: string) =>
      verifySlackRequest({
        signingSecret: secret,
        body,
        headers: { 'x-slack-signature': headers['x-slack-signature']!, 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) },
      });
    expect(() => verify(SECRET)).not.toThrow();
    expect(() => verify('other-secret')).toThrow(/signature mismatch/);
    expect([...new URLSearchParams(body).keys()]).toEqual([
      'token', 'team_id', 'team_domain', 'channel_id', 'channel_name', 'user_id', 'user_name',
      'command', 'text', 'api_app_id', 'is_enterprise_install', 'response_url', 'trigger_id',
    ]);
  });

  it('fills every input type like Slack reports it', () => {
    expect(blockIds(MODAL)).toHaveLength(MODAL.blocks.length);
    expect(findBlock(MODAL, 'nodes').element.type).toBe('number_input');
    const untouched = fillModal(MODAL);
    expect(untouched.name!.v).toEqual({ type: 'plain_text_input', value: null });
    expect(untouched.nodes!.v).toEqual({ type: 'number_input', value: '1' });
    expect(untouched.provider!.v).toEqual({ type: 'static_select', selected_option: option('aws') });
    expect(untouched.zone!.v).toEqual({ type: 'external_select', selected_option: null });
    expect(untouched.tools!.v).toEqual({ type: 'checkboxes', selected_options: [option('monitoring')] });
    expect(untouched.channel!.v).toEqual({ type: 'conversations_select', selected_conversation: 'C0INITIAL' });
    expect(untouched.approver!.v).toEqual({ type: 'users_select', selected_user: null });
    expect(clientSideErrors(MODAL, untouched)).toEqual({ name: 'Please complete this required field.', zone: 'Please complete this required field.' });

    const filled = fillModal(MODAL, {
      name: 'Prod',
      nodes: 3,
      provider: 'gcp',
      zone: 'zone-uuid',
      service: 'NodePort',
      tools: ['training', 'monitoring'],
      approver: 'U0APPROVER',
      channel: 'C0OPS',
      ch: 'C0CH',
      admins: ['U1', 'U2'],
    });
    expect(filled.nodes!.v).toEqual({ type: 'number_input', value: '3' });
    expect(filled.provider!.v!.selected_option).toEqual(option('gcp'));
    expect(filled.zone!.v!.selected_option).toEqual({ text: { type: 'plain_text', text: 'zone-uuid', emoji: true }, value: 'zone-uuid' });
    expect(filled.service!.v!.selected_option).toEqual(option('NodePort'));
    expect(filled.tools!.v!.selected_options).toEqual([option('training'), option('monitoring')]);
    expect(filled.approver!.v).toEqual({ type: 'users_select', selected_user: 'U0APPROVER' });
    expect(filled.ch!.v).toEqual({ type: 'channels_select', selected_channel: 'C0CH' });
    expect(filled.admins!.v).toEqual({ type: 'multi_users_select', selected_users: ['U1', 'U2'] });
    expect(clientSideErrors(MODAL, filled)).toEqual({});
    expect(clientSideErrors(MODAL, fillModal(MODAL, { name: 'x', zone: 'z', nodes: '1.5' }))).toEqual({ nodes: 'Enter a whole number.' });

    expect(() => fillModal(MODAL, { nope: 'x' })).toThrow(/no block with block_id "nope"/);
    expect(() => fillModal(MODAL, { provider: 'azure' })).toThrow(/"azure" is not an option .*"aws", "gcp"/);
    expect(() => fillModal({ blocks: [{ type: 'divider', block_id: 'd' }] }, { d: 'x' })).toThrow(/divider block with no input/);
  });

  it('round-trips through a real Bolt app: command, dispatch action, suggestion, submission', async () => {
    const slack = await startFakeSlack();
    const app = new App({
      token: 'xoxb-test',
      signingSecret: SECRET,
      clientOptions: { slackApiUrl: slack.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    const seen: Record<string, unknown> = {};
    app.command('/simplismart', async ({ ack, command, client }) => {
      await ack();
      seen.command = command.text;
      await client.views.open({ trigger_id: command.trigger_id, view: MODAL as never });
    });
    app.action('v', async ({ ack, body }) => {
      await ack();
      seen.action = body;
    });
    app.options<'block_suggestion'>({ action_id: 'v' }, async ({ ack, options }) => {
      await ack({ options: [option(`${options.value}-zone`)] });
    });
    app.view('import_cluster', async ({ ack, view }) => {
      seen.submitted = view.state.values;
      await ack({ response_action: 'errors', errors: { name: 'Taken' } });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    const botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const who = { teamId: 'T0FAKETEAM1', userId: 'U0PERSON' };
    try {
      const command = await postToBot(botUrl, slashCommand({ ...who, channelId: 'C0', text: 'import', responseUrl: slack.responseUrl() }), { signingSecret: SECRET });
      expect(command.status).toBe(200);
      const { args } = await slack.waitFor('views.open');
      expect(seen.command).toBe('import');
      const view = slack.lastView();

      expect((await postToBot(botUrl, blockActions({ ...who, view, blockId: 'provider', actionId: 'v', value: 'gcp' }), { signingSecret: SECRET })).status).toBe(200);
      expect(seen.action).toMatchObject({ type: 'block_actions', view: { id: view.id, state: { values: { provider: { v: { selected_option: { value: 'gcp' } } } } } } });
      expect(() => blockActions({ ...who, view, blockId: 'name', actionId: 'v', value: 'x' })).toThrow(/dispatch_action/);

      const suggestion = await postToBot(botUrl, blockSuggestion({ ...who, view, blockId: 'zone', actionId: 'v', value: 'us' }), { signingSecret: SECRET });
      expect(suggestion.json).toEqual({ options: [option('us-zone')] });

      expect(() => viewSubmission({ ...who, view: args.view, fill: { name: 'Prod' } })).toThrow(/would not submit.*zone/);
      const submitted = await postToBot(botUrl, viewSubmission({ ...who, view, fill: { name: 'Prod', zone: 'z1' } }), { signingSecret: SECRET });
      expect(submitted.json).toEqual({ response_action: 'errors', errors: { name: 'Taken' } });
      expect(seen.submitted).toMatchObject({ name: { v: { value: 'Prod' } }, nodes: { v: { value: '1' } } });

      const forged = await postToBot(botUrl, slashCommand({ ...who, channelId: 'C0', text: 'x' }), { signingSecret: 'wrong' });
      expect(forged.status).toBe(401);
    } finally {
      server.closeAllConnections();
      await app.stop();
      await slack.close();
    }
  });
});

describe('the local Slack’s Workflow Builder steps', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack({ teamId: 'T0STEPS001', tokens: { 'xoxb-steps-bot': { teamId: 'T0STEPS001' } } });
  });
  afterAll(() => fake.close());

  const client = (token: string) => new WebClient(token, { slackApiUrl: fake.apiUrl, logger: silent, retryConfig: { retries: 0 } });
  const refusal = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: WebAPIPlatformError) => error.data.error);
  const outputs = { request_id: 'ir-1', cluster_uuid: '', status: 'imported', thread_link: '', error_text: '' };

  test('completes a running execution once, with its own token and outputs that match manifest.yml', async () => {
    const execution = fake.startExecution('import_simplismart_cluster', 'T0STEPS001', {});
    expect(execution.token).toMatch(/^xwfp-/);
    const args = { function_execution_id: execution.id, outputs };
    expect(await refusal(client('xoxb-steps-bot').functions.completeSuccess(args))).toBe('invalid_auth');
    expect(await refusal(client(execution.token).functions.completeSuccess({ ...args, outputs: { ...outputs, status: undefined } }))).toBe('parameter_validation_failed');
    expect(await refusal(client(execution.token).functions.completeSuccess({ ...args, outputs: { ...outputs, surprise: 'x' } }))).toBe('parameter_validation_failed');
    expect(await refusal(client(execution.token).functions.completeSuccess(args))).toBe('ok');
    expect(fake.execution(execution.id)).toMatchObject({ state: 'completed', outputs });
    expect(await refusal(client(execution.token).functions.completeError({ function_execution_id: execution.id, error: 'late' }))).toBe('execution_not_in_running_state');
    expect(await refusal(client(execution.token).functions.completeError({ function_execution_id: 'Fx0UNKNOWN0', error: 'x' }))).toBe('function_execution_not_found');
  });

  test('fails a running execution with an error text; an execution of a step the manifest lacks cannot start', async () => {
    const execution = fake.startExecution('add_simplismart_node_groups', 'T0STEPS001', {});
    expect(await refusal(client(execution.token).functions.completeError({ function_execution_id: execution.id, error: 'rejected' }))).toBe('ok');
    expect(fake.execution(execution.id)).toMatchObject({ state: 'failed', error: 'rejected' });
    expect(() => fake.startExecution('no_such_step', 'T0STEPS001', {})).toThrow(/declares no function no_such_step/);
  });
});
