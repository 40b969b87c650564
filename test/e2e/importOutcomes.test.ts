// A valid import form over real signed HTTP, to the end: exactly one POST with the documented body and
// the workspace's token, a thread in the channel, the stored request — and every way the call can end
// (each API error shape, gateways, timeouts, broken and refused connections), told to people and stored.
import { STATE_LABELS, type RequestState } from '../../src/domain/importRequest.js';
import { BOT_TOKEN, connectWorkspace, eventually, findButton, openImportModal, pause, requestIdIn, SIGNING_SECRET, submitModal, type TestBot, type View } from '../support/bot.js';
import { FAKE_KUBECONFIG_SECRET, IMPORT_PATH, refusedUrl, simplismartFaults, type SimplismartBehaviour } from '../support/fakeSimplismart.js';
import { ALICE, CHANNEL, HOSTED_ZONE, ORG, ORG_TWO, SECRET_ID, TEAM, validImportValues } from '../support/fixtures.js';
import { fillModal, shownIn, type FillValue } from '../support/modalState.js';
import { blockActions, postToBot, viewSubmission, type BotResponse } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack and API JSON as the fakes recorded it. */
type Json = any;

const { bot, slack, simplismart, token: TOKEN, settled, startBot } = useBot({ freshFakes: true });
const CHECK_CONSOLE = 'Outcome unknown — check the Simplismart console before retrying';

// ---- helpers ----

const AWS_VALUES = validImportValues({ cluster_region: 'us-west-2' });

async function openModal(text = 'provider=aws', who: { bot?: TestBot } = {}): Promise<View> {
  return openImportModal(who.bot ?? bot, slack, { text });
}

/** Opens the form, submits `values` and returns the request id the bot answered with. */
async function submitValid(values: Record<string, FillValue> = AWS_VALUES, text = 'provider=aws', target: TestBot = bot): Promise<{ id: string; view: View; response: BotResponse }> {
  const view = await openModal(text, { bot: target });
  const response = await submitModal(target, view, values);
  return { id: requestIdIn(response), view, response };
}

function outcomeButton(outcome: Json): { blockId: string; value: string | undefined; confirm: boolean } {
  const found = findButton(outcome.blocks, 'request_edit');
  const element = outcome.blocks.flatMap((b: Json) => b.elements ?? []).find((e: Json) => e.action_id === 'request_edit');
  return { ...found, confirm: element?.confirm !== undefined };
}

// ---- success ----

describe('a valid submit', () => {
  test('→ exactly one POST with the documented body and the workspace token → parent, thread replies, parent updated; stored', async () => {
    const { id, view, response } = await submitValid();
    expect(response.ms).toBeLessThan(1000);
    const { request, parent, replies, outcome, said } = await settled(id, 'succeeded');

    const posts = simplismart.importRequests();
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.method).toBe('POST');
    expect(post.path).toBe(IMPORT_PATH);
    expect(post.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(String(post.headers['content-type'])).toMatch(/^application\/json/);
    const cluster = simplismart.clusters[0]!;

    // The thread: the parent in the command's channel, saying "Importing" from its first post (no
    // approval needed: no "submitted" or "importing" replies beside it); the outcome in its thread.
    const posted = slack.callsTo('chat.postMessage');
    expect(posted).toHaveLength(2);
    expect(posted[0]!.args).toMatchObject({ channel: CHANNEL });
    expect(posted[0]!.args.thread_ts).toBeUndefined();
    expect(String(posted[0]!.args.text)).toMatch(/^Importing: Production Cluster/);
    expect(posted[1]!.args).toMatchObject({ channel: CHANNEL, thread_ts: parent.ts });
    expect(posted.every((c) => c.token === BOT_TOKEN && typeof c.args.text === 'string' && c.args.text !== '')).toBe(true);
    expect(replies).toHaveLength(1);
    // The outcome: who, cluster name, UUID, status, provider, region, node groups.
    expect(said).toContain(`<@${ALICE}>`);
    expect(said).toContain(cluster.uuid);
    expect(said).toContain('Production Cluster');
    expect(said).toContain('active');
    expect(said).toContain('us-west-2');
    expect(said).toContain('gpu-pool');
    expect(said).toContain('g5.2xlarge');
    expect(outcome.blocks.flatMap((b: Json) => b.elements ?? []).some((e: Json) => e.action_id === 'request_edit')).toBe(false);
    // The parent now shows the final state.
    expect(parent.text).toMatch(/^Imported: Production Cluster/);
    expect(JSON.stringify(parent.blocks)).toContain(cluster.uuid);

    // Stored: who, where, the exact bytes sent, the outcome, the trail.
    expect(request).toMatchObject({ teamId: TEAM, requesterId: ALICE, channelId: CHANNEL, sourceKey: view.id, state: 'succeeded' });
    expect(request.payload).toBe(post.body);
    expect(request.outcome).toEqual({
      kind: 'imported',
      cluster: { uuid: cluster.uuid, name: 'Production Cluster', status: 'active', provider: 'aws', region: 'us-west-2' },
    });
    const trail = (await bot.store.listEvents(id)).map((e) => `${e.fromState ?? '∅'}→${e.toState}`);
    expect(trail).toEqual(['∅→approved', 'approved→importing', 'importing→succeeded']);
    expect(JSON.stringify(request)).not.toContain(FAKE_KUBECONFIG_SECRET);
    expect(bot.logs.join('\n')).not.toContain(FAKE_KUBECONFIG_SECRET);
    expect(bot.logs.join('\n')).not.toContain(TOKEN);
  });

  test('every field filled → the body has exactly the documented fields, with their API names', async () => {
    const v0 = await openModal('provider=azure service_type=NodePort font_color=#111111');
    const s0 = fillModal(v0, {});
    const add = blockActions({ teamId: TEAM, userId: ALICE, actionId: 'nodegroup_add', blockId: 'nodegroup_actions', view: v0, stateValues: s0 });
    await bot.send(add);
    await slack.waitFor('views.update');
    const view = slack.view(v0.id) as View;
    const tools = ['0b6f2a4c-1d3e-4f5a-8b7c-9d0e1f2a3b4c', '1c7a3b5d-2e4f-4a6b-9c8d-0e1f2a3b4c5d', '2d8b4c6e-3f5a-4b7c-8d9e-1f2a3b4c5d6e'];
    const response = await submitModal(bot, view, {
      cluster_name: 'GPU Fleet West',
      cluster_slug: 'fleet-west',
      cluster_publicIp: '203.0.113.10',
      cluster_nodePortHttp: '30080',
      cluster_nodePortHttps: '30443',
      cluster_avatarUrl: 'https://example.com/logo.png',
      cluster_fontColor: '#000000',
      cluster_backgroundColor: 'ffcc00',
      cluster_clusterNodeConfig: 'machine_type=m5.xlarge\ncapacity_type=spot\nmin_node_count=1',
      cluster_clusterTools: `MONITORING: ${tools[0]}, ${tools[1]}\nASYNC TOOLS: ${tools[2]}`,
      ng_0_name: 'tools',
      ng_0_auxiliary: ['auxiliary'],
      ng_0_machineType: 'Standard_D4s_v5',
      ng_0_capacityType: 'ON_DEMAND',
      ng_0_minNodes: '1',
      ng_0_maxNodes: '2',
      ng_0_desiredNodes: '1',
      ng_1_name: 'gpu-pool',
      ng_1_machineType: 'Standard_NC24ads_A100_v4',
      ng_1_capacityType: 'SPOT',
      ng_1_minNodes: '0',
      ng_1_maxNodes: '8',
      ng_1_desiredNodes: '2',
      ng_1_acceleratorType: { text: { type: 'plain_text', text: 'Use “amd-mi300x”' }, value: 'amd-mi300x' },
      ng_1_acceleratorCount: '8',
      ng_1_vcpu: '24',
      ng_1_memory: '220',
    });
    const id = requestIdIn(response);
    await settled(id, 'succeeded');
    const [post] = simplismart.importRequests();
    expect(post!.json).toEqual({
      org: ORG,
      name: 'GPU Fleet West',
      slug: 'fleet-west',
      hosted_zone: HOSTED_ZONE,
      cluster_hosted_on: 'azure',
      region: null,
      secret_id: SECRET_ID,
      avatar: { image_url: 'https://example.com/logo.png', font_color: '#000000', background_color: '#FFCC00' },
      service_type: 'NodePort',
      public_ip: '203.0.113.10',
      node_port_http: 30080,
      node_port_https: 30443,
      node_config: { machine_type: 'm5.xlarge', capacity_type: 'SPOT', min_node_count: 1 },
      cluster_tools: { MONITORING: [tools[0], tools[1]], 'ASYNC TOOLS': [tools[2]] },
      nodegroup_labels: [
        {
          name: 'tools',
          is_auxilliary: true,
          node_config: { machine_type: 'Standard_D4s_v5', capacity_type: 'ON_DEMAND', min_node_count: 1, max_node_count: 2, desired_count: 1 },
        },
        {
          name: 'gpu-pool',
          is_auxilliary: false,
          node_config: {
            machine_type: 'Standard_NC24ads_A100_v4',
            capacity_type: 'SPOT',
            min_node_count: 0,
            max_node_count: 8,
            desired_count: 2,
            accelerator_type: 'amd-mi300x',
            accelerator_count: 8,
            vcpu: 24,
            memory: 220,
          },
        },
      ],
    });
    // Region is sent as null (not left out) for a provider that takes none.
    expect(post!.body).toContain('"region":null');
  });

  test('only the required fields → optional ones are absent, not empty; a group without config has no node_config', async () => {
    const view = await openModal('');
    const response = await submitModal(bot, view, { cluster_name: 'Edge', cluster_provider: 'kubernetes', ng_0_name: 'cpu-pool' });
    await settled(requestIdIn(response), 'succeeded');
    const [post] = simplismart.importRequests();
    expect(Object.keys(post!.json).sort()).toEqual(['avatar', 'cluster_hosted_on', 'hosted_zone', 'name', 'nodegroup_labels', 'org', 'region', 'secret_id', 'slug']);
    expect(post!.json).toMatchObject({ name: 'Edge', slug: 'edge', cluster_hosted_on: 'kubernetes', region: null });
    expect(post!.json.nodegroup_labels).toEqual([{ name: 'cpu-pool', is_auxilliary: false }]);
    expect(post!.json.avatar).toEqual({
      image_url: expect.stringMatching(/^https:\/\/ui-avatars\.com\/api\/\?name=Edge&color=FFFFFF&background=[0-9A-F]{6}$/),
      font_color: '#FFFFFF',
      background_color: expect.stringMatching(/^#[0-9A-F]{6}$/),
    });
  });
});

// ---- exactly once ----

describe('one request, one POST, however often Slack delivers the submit', () => {
  async function expectOnce(view: View, ids: string[]): Promise<void> {
    expect(new Set(ids).size).toBe(1);
    await settled(ids[0]!, 'succeeded');
    await pause(200);
    expect(simplismart.importRequests()).toHaveLength(1);
    const stored = (await bot.store.listRequests(TEAM, 100)).filter((r) => r.sourceKey === view.id);
    expect(stored).toHaveLength(1);
    // One thread, not one per delivery.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
  }

  test('the same payload delivered again by Slack’s retries (X-Slack-Retry-Num 1 and 2)', async () => {
    const view = await openModal();
    const payload = viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: fillModal(view, AWS_VALUES) });
    const first = await bot.send(payload);
    const retry = (n: number) =>
      postToBot(bot.url, payload, { signingSecret: SIGNING_SECRET, headers: { 'x-slack-retry-num': String(n), 'x-slack-retry-reason': 'http_timeout' } });
    const second = await retry(1);
    const third = await retry(2);
    await expectOnce(view, [requestIdIn(first), requestIdIn(second), requestIdIn(third)]);
  });

  test('the same payload delivered three times at once', async () => {
    const view = await openModal();
    const payload = viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: fillModal(view, AWS_VALUES) });
    const responses = await Promise.all([bot.send(payload), bot.send(payload), bot.send(payload)]);
    await expectOnce(view, responses.map(requestIdIn));
  });

  test('a double click on Import (two submissions of the same view)', async () => {
    const view = await openModal();
    const state = fillModal(view, AWS_VALUES);
    const responses = await Promise.all([
      bot.send(viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: state })),
      bot.send(viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: state })),
    ]);
    await expectOnce(view, responses.map(requestIdIn));
  });
});

// ---- every way the call can end ----

interface OutcomeCase {
  name: string;
  /** Makes the fake answer this way (a canned behaviour, or a real condition). */
  arrange: SimplismartBehaviour | (() => Record<string, FillValue>);
  state: RequestState;
  says: Array<string | RegExp>;
  never?: string[];
  /** Retrying could import twice: the button asks first. */
  careful?: boolean;
}

const OUTCOMES: OutcomeCase[] = [
  {
    name: '400 missing region',
    arrange: { kind: 'respond', status: 400, body: { error: 'Region is required' } },
    state: 'failed',
    says: ['Region is required', 'Simplismart refused the request (400)', 'Add the `region` field for AWS or GCP clusters'],
  },
  {
    name: '422 {"error": "Failed to import cluster: …"}',
    arrange: { kind: 'respond', status: 422, body: { error: 'Failed to import cluster: hosted_zone: Hosted zone does not exist.' } },
    state: 'failed',
    says: ['Failed to import cluster: hosted_zone: Hosted zone does not exist.', 'could not validate the cluster (422)', 'Check that all required fields are present and correctly formatted'],
  },
  {
    name: '422 field-keyed {"name": [...]}',
    arrange: simplismartFaults.fieldErrors({ name: ['This field may not be blank.'], slug: ['Slug taken.'] }),
    state: 'failed',
    says: ['`name`: This field may not be blank.', '`slug`: Slug taken.', 'could not validate the cluster (422)'],
  },
  {
    name: '400 {"non_field_errors": [...]}',
    arrange: simplismartFaults.nonFieldErrors(['Only one node group can be auxiliary.']),
    state: 'failed',
    says: ['Only one node group can be auxiliary.', 'Simplismart refused the request (400)', 'Correct what Simplismart names above'],
  },
  {
    name: '422 {"detail": {field: [...]}}',
    arrange: simplismartFaults.detailFieldErrors({ slug: ['cluster with this slug already exists.'] }),
    state: 'failed',
    says: ['`slug`: cluster with this slug already exists.', 'could not validate the cluster (422)'],
  },
  {
    name: '401 (the token was deleted in Simplismart)',
    arrange: () => {
      simplismart.removeToken(TOKEN);
      return {};
    },
    state: 'failed',
    says: ['Invalid token.', 'did not accept the API token (401)', '`/simplismart connect`'],
  },
  {
    name: '403 (the form names another org than the token’s)',
    arrange: () => ({ cluster_org: ORG_TWO }),
    state: 'failed',
    says: ['You do not have permission to perform this action.', 'not allowed to import clusters into this organisation (403)', 'permission'],
  },
  {
    name: '500 {"error"}',
    arrange: simplismartFaults.serverError('database is locked'),
    state: 'failed',
    says: ['Failed to import cluster: database is locked', 'internal error (500)', 'contact Simplismart support', 'Check the Simplismart console first'],
    careful: true,
  },
  {
    name: '502 with an HTML page from a gateway',
    arrange: simplismartFaults.badGatewayHtml(),
    state: 'outcome_unknown',
    says: [CHECK_CONSOLE, 'answered 502', '502 Bad Gateway'],
    never: ['<html', '<center>', '<hr>', 'nginx', '</body>'],
    careful: true,
  },
  {
    name: '503 plain text',
    arrange: simplismartFaults.serviceUnavailable(),
    state: 'failed',
    says: ['temporarily unavailable (503)', 'Nothing was imported', 'upstream connect error'],
  },
  {
    name: '201 with a body cut off mid-JSON',
    arrange: simplismartFaults.createdInvalidJson(),
    state: 'succeeded',
    says: ['is imported into Simplismart', 'its answer was not JSON', 'find it in the Simplismart console', '_unknown_'],
  },
  {
    name: '201 with an unexpected JSON body',
    arrange: simplismartFaults.createdUnexpectedBody({ message: 'Cluster import queued' }),
    state: 'succeeded',
    says: ['is imported into Simplismart', 'did not include the cluster’s UUID', 'find it in the Simplismart console'],
  },
  {
    name: 'an error message with Slack markup in it (mentions, links)',
    arrange: { kind: 'respond', status: 400, body: { error: '<!channel> region <https://evil.example|click here> is *required*' } },
    state: 'failed',
    says: ['&lt;!channel&gt;', '&lt;https://evil.example|click here&gt;'],
    never: ['<!channel>', '<https://evil.example'],
  },
  {
    name: 'an error message that echoes the bearer token',
    arrange: { kind: 'respond', status: 400, body: { error: `Invalid header: Authorization: Bearer ${TOKEN}` } },
    state: 'failed',
    says: ['Invalid header: Authorization: [redacted]'],
    never: [TOKEN, TOKEN.split('.')[2]!],
  },
  {
    name: 'a 5000-character error message',
    arrange: simplismartFaults.serverError(`stack trace ${'x'.repeat(5000)}`),
    state: 'failed',
    says: ['Failed to import cluster: stack trace xxx', '…'],
    careful: true,
  },
];

describe('each way Simplismart can answer → its message in the thread, stored accordingly', () => {
  test.each(OUTCOMES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    let overrides: Record<string, FillValue> = {};
    if (typeof c.arrange === 'function') overrides = c.arrange();
    else simplismart.nextResponse(c.arrange);
    const { id } = await submitValid({ ...AWS_VALUES, ...overrides });
    const { request, parent, said, outcome } = await settled(id, c.state);

    for (const expected of c.says) {
      if (typeof expected === 'string') expect(said).toContain(expected);
      else expect(said).toMatch(expected);
    }
    const everything = JSON.stringify(slack.calls);
    for (const forbidden of c.never ?? []) expect(everything).not.toContain(forbidden);
    expect(simplismart.importRequests()).toHaveLength(1);
    expect(parent.text.startsWith(`${STATE_LABELS[c.state]}:`)).toBe(true);
    expect(said).toContain(`<@${ALICE}>`);

    if (c.state === 'succeeded') {
      expect(request.outcome?.kind).toBe('imported');
    } else {
      expect(request.outcome?.kind).toBe(c.state === 'failed' ? 'rejected' : 'unknown');
      const button = outcomeButton(outcome);
      expect(button.value).toBe(id);
      expect(button.confirm).toBe(c.careful === true);
      // The parent says what went wrong too.
      expect(JSON.stringify(parent.blocks)).toContain(c.state === 'failed' ? 'Failed' : 'Outcome unknown');
    }
    expect(bot.logs.join('\n')).not.toContain(FAKE_KUBECONFIG_SECRET);
  });
});

describe('Edit and retry', () => {
  test('reopens the form with what was submitted, on the click’s trigger; submitting it sends the same body again', async () => {
    simplismart.nextResponse({ kind: 'respond', status: 400, body: { error: 'Region is required' } });
    const values = { ...AWS_VALUES, cluster_name: 'Retry Me', ng_0_vcpu: '8', ng_0_memory: '32', ng_0_auxiliary: ['auxiliary'] };
    const { id } = await submitValid(values);
    const { outcome } = await settled(id, 'failed');
    const firstBody = simplismart.importRequests()[0]!.body;

    const trigger = slack.issueTrigger();
    const opened = slack.callsTo('views.open').length;
    const { blockId } = outcomeButton(outcome);
    const click = await bot.send(
      blockActions({ teamId: TEAM, userId: ALICE, actionId: 'request_edit', blockId, message: outcome, channelId: outcome.channel, triggerId: trigger }),
    );
    expect(click.status).toBe(200);
    const open = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= opened);
    expect(open.args.trigger_id).toBe(trigger);
    expect(open.response.ok).toBe(true);
    const view = slack.view(open.response.view.id) as View;
    expect(shownIn(view, 'cluster_name')).toBe('Retry Me');
    expect(shownIn(view, 'cluster_provider')).toBe('aws');
    expect(shownIn(view, 'cluster_region')).toBe('us-west-2');
    expect(shownIn(view, 'cluster_org')).toBe(ORG);
    expect(shownIn(view, 'cluster_hostedZone')).toBe(HOSTED_ZONE);
    expect(shownIn(view, 'cluster_secretId')).toBe(SECRET_ID);
    expect(shownIn(view, 'ng_0_name')).toBe('gpu-pool');
    expect(shownIn(view, 'ng_0_auxiliary')).toEqual(['auxiliary']);
    expect(shownIn(view, 'ng_0_machineType')).toBe('g5.2xlarge');
    expect(shownIn(view, 'ng_0_capacityType')).toBe('ON_DEMAND');
    expect(shownIn(view, 'ng_0_minNodes')).toBe('0');
    expect(shownIn(view, 'ng_0_maxNodes')).toBe('3');
    expect(shownIn(view, 'ng_0_desiredNodes')).toBe('1');
    expect(shownIn(view, 'ng_0_acceleratorType')).toBe('nvidia-a10g');
    expect(shownIn(view, 'ng_0_acceleratorCount')).toBe('1');
    expect(shownIn(view, 'ng_0_vcpu')).toBe('8');
    expect(shownIn(view, 'ng_0_memory')).toBe('32');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ c: CHANNEL, r: id });
    expect(JSON.stringify(view.blocks)).toContain(id);

    // Submitted untouched, it sends byte for byte what was sent before, as a new request.
    const again = await submitModal(bot, view, {});
    const retryId = requestIdIn(again);
    expect(retryId).not.toBe(id);
    const retried = await settled(retryId, 'succeeded');
    expect(retried.request.replacesId).toBe(id);
    const posts = simplismart.importRequests();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body).toBe(firstBody);
    expect((await bot.store.getRequest(id))?.state).toBe('failed');
  });
});

// ---- no answer, broken and refused connections ----

describe('when Simplismart does not answer', () => {
  test('answers too late (after the 1.5 s timeout), or never → outcome unknown, check the console, and no second POST', async () => {
    // Both at once (they end the same way, so which one meets which behaviour does not matter).
    simplismart.nextResponse(simplismartFaults.slow(1700));
    simplismart.nextResponse(simplismartFaults.hang());
    const views = [await openModal(), await openModal()];
    const [late, never] = await Promise.all(
      views.map(async (view, i) => ({ id: requestIdIn(await submitModal(bot, view, { ...AWS_VALUES, cluster_name: `No Answer ${i}` })) })),
    );
    expect(late!.id).not.toBe(never!.id);
    for (const { id } of [late!, never!]) {
      const { request, said, outcome, parent } = await settled(id, 'outcome_unknown');
      expect(said).toContain('did not answer within 1.5 s');
      expect(said).toContain(CHECK_CONSOLE);
      expect(parent.text.startsWith('Outcome unknown:')).toBe(true);
      expect(request.outcome).toMatchObject({ kind: 'unknown', code: 'timeout' });
      expect(outcomeButton(outcome).confirm).toBe(true);
    }
    // Wait past the late answer and a little more: nothing is re-sent, and the outcomes stay unknown.
    const posts = simplismart.importRequests();
    expect(posts).toHaveLength(2);
    await eventually(() => expect(posts.map((p) => p.outcome).sort()).toEqual(['answered', 'hung']), 3000);
    await pause(300);
    expect(simplismart.importRequests()).toHaveLength(2);
    for (const { id } of [late!, never!]) expect((await bot.store.getRequest(id))?.state).toBe('outcome_unknown');
  });

  test('the connection is reset after the request was read → outcome unknown, check the console, and no second POST', async () => {
    simplismart.nextResponse(simplismartFaults.reset(true));
    const { id } = await submitValid();
    const { request, said, outcome } = await settled(id, 'outcome_unknown');
    expect(said).toContain('The connection to Simplismart broke after the request was sent.');
    expect(said).toContain(CHECK_CONSOLE);
    expect(request.outcome).toMatchObject({ kind: 'unknown', code: 'connection_lost' });
    expect(outcomeButton(outcome).confirm).toBe(true);
    await pause(300);
    expect(simplismart.importRequests()).toHaveLength(1);
    // The fake did create it: exactly the case where retrying blindly would import twice.
    expect(simplismart.importCount()).toBe(1);
  });

  test('connection refused → failed, nothing was sent', async () => {
    const offline = await startBot({ env: { SIMPLISMART_API_URL: await refusedUrl() } });
    await connectWorkspace(offline, TEAM, TOKEN, ORG);
    const { id } = await submitValid(AWS_VALUES, 'provider=aws', offline);
    const { request, said, outcome } = await settled(id, 'failed', { bot: offline });
    expect(said).toContain('nothing was sent');
    expect(said).toContain('ECONNREFUSED');
    expect(said).not.toContain(CHECK_CONSOLE);
    expect(request.outcome).toMatchObject({ kind: 'not_sent', code: 'connection_failed' });
    expect(outcomeButton(outcome).confirm).toBe(false);
    expect(simplismart.requests).toHaveLength(0);
    await offline.stop();
  });
});

describe('when Slack has trouble', () => {
  test('Slack refuses the first post of the thread → the import still runs once, and everything lands in one thread', async () => {
    const view = await openModal();
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    const id = requestIdIn(await submitModal(bot, view, AWS_VALUES));
    const { request, replies, said } = await settled(id, 'succeeded');
    expect(simplismart.importRequests()).toHaveLength(1);
    const posts = slack.callsTo('chat.postMessage');
    expect(posts[0]!.response).toMatchObject({ ok: false, error: 'internal_error' });
    const parents = posts.filter((c) => c.response?.ok === true && c.args.thread_ts === undefined);
    expect(parents).toHaveLength(1);
    expect(parents[0]!.response.ts).toBe(request.thread!.ts);
    for (const reply of posts.filter((c) => c.response?.ok === true && c.args.thread_ts !== undefined)) expect(reply.args.thread_ts).toBe(request.thread!.ts);
    // The parent, posted again once Slack took it, already tells the end; the thread holds the outcome.
    expect(replies).toHaveLength(1);
    expect(parents[0]!.args.text).toMatch(/^(Importing|Imported): Production Cluster/);
    expect(said).toContain('is imported into Simplismart');
  });
});

// ---- not from Slack ----

describe('a submit that Slack did not sign', () => {
  test('bad signature → 401: no request stored, no POST, no Slack call', async () => {
    const view = await openModal();
    slack.clearCalls();
    const before = (await bot.store.listRequests(TEAM, 1000)).length;
    const payload = viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: fillModal(view, AWS_VALUES) });
    const forged = await bot.send(payload, { signature: `v0=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
    const stale = await bot.send(payload, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
    expect(stale.status).toBe(401);
    await pause(200);
    expect(slack.calls).toHaveLength(0);
    expect(simplismart.requests).toHaveLength(0);
    expect((await bot.store.listRequests(TEAM, 1000)).length).toBe(before);
  });
});

// Declared last, so it runs after every test above (jest runs a file's tests in order).
test('after all of the above: the kubeconfig secret is in no log line and no stored request, and nothing failed in the bot', async () => {
  const all = await bot.store.listRequests(TEAM, 1000);
  expect(all.length).toBeGreaterThan(10);
  expect(JSON.stringify(all)).not.toContain(FAKE_KUBECONFIG_SECRET);
  expect(bot.logs.length).toBeGreaterThan(0);
  expect(bot.logs.join('\n')).not.toContain(FAKE_KUBECONFIG_SECRET);
  expect(bot.logs.join('\n')).not.toContain(TOKEN);
  // Every outcome above is an expected one: none may surface as a failure inside the bot.
  expect(bot.logs.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
});
