// Adding node groups to a cluster over signed HTTP, against the local Simplismart: a cluster imported in
// the same test, then node groups added through the outcome's button and through the command — one POST
// to /infrastructure/node-groups/{cluster_id}/import-cluster with exactly `{org, nodegroup_labels}`, told
// in the cluster's own thread — names the cluster has refused before anything is sent, every answer of
// the endpoint formatted with its next step, Edit and retry, and approvals raced by two replicas.
import { ALICE, BOB, CAROL, CHANNEL, ORG, TEAM, validImportValues } from '../support/fixtures.js';
import { changeModal, clickToOpen, commandReply, eventually, findButton, openImportModal, openModalByCommand, pause, requestIdIn, submitModal, textOf, type TestBot } from '../support/bot.js';
import { nodeGroupsPath, simplismartFaults, type SimplismartBehaviour } from '../support/fakeSimplismart.js';
import { shownIn, type FillValue } from '../support/modalState.js';
import { blockActions } from '../support/slackRequests.js';
import { postgresDatabase, useBot, type Settled, type World } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack and API JSON as the local servers recorded them. */
type Json = any;

/** A GPU node group, as a person fills it in the form (slot 0). */
const H100_GROUP: Record<string, FillValue> = {
  ng_0_name: 'gpu-h100',
  ng_0_machineType: 'p5.48xlarge',
  ng_0_capacityType: 'SPOT',
  ng_0_minNodes: '0',
  ng_0_maxNodes: '2',
  ng_0_desiredNodes: '1',
  ng_0_acceleratorType: 'nvidia-h100',
  ng_0_acceleratorCount: '8',
};

/** What the API receives for H100_GROUP: the same node-group object as an import's. */
const H100_BODY = {
  name: 'gpu-h100',
  is_auxilliary: false,
  node_config: { machine_type: 'p5.48xlarge', capacity_type: 'SPOT', min_node_count: 0, max_node_count: 2, desired_count: 1, accelerator_type: 'nvidia-h100', accelerator_count: 8 },
};

/** Imports cluster `name` through the form and waits for its outcome in its thread. */
async function importCluster(world: Pick<World, 'bot' | 'slack' | 'simplismart' | 'settled'>, name: string, bot: TestBot = world.bot): Promise<Settled & { uuid: string }> {
  const view = await openImportModal(bot, world.slack, { text: 'provider=aws' });
  const id = requestIdIn(await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: name })));
  const done = await world.settled(id, 'succeeded', { bot });
  const uuid = world.simplismart.clusters.find((c) => c.name === name)!.uuid;
  return { ...done, uuid };
}

describe('adding node groups to a cluster imported through the bot', () => {
  const world = useBot({ freshFakes: true });
  const { bot, slack, simplismart, token, settled } = world;

  test('through the outcome’s button: the cluster chosen, one POST of exactly {org, nodegroup_labels}, told in the cluster’s own thread', async () => {
    const imported = await importCluster(world, 'Fleet A');
    const form = await clickToOpen(bot, slack, imported.outcome, 'cluster_add_node_groups');
    expect(form.callback_id).toBe('add_node_groups');
    expect(shownIn(form, 'ngf_cluster')).toBe(imported.uuid);
    expect(shownIn(form, 'ngf_org')).toBe(ORG);
    // What the cluster has is said before anything is typed.
    expect(textOf(form)).toContain('Already in *Fleet A*: `gpu-pool`');

    const response = await submitModal(bot, form, H100_GROUP);
    const id = requestIdIn(response);
    expect(JSON.stringify(response.json.view)).toContain('cluster’s own thread');
    const done = await settled(id, 'succeeded');

    const posts = simplismart.nodeGroupRequests();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe(nodeGroupsPath(imported.uuid));
    expect(posts[0]!.headers['authorization']).toBe(`Bearer ${token}`);
    expect(posts[0]!.json).toStrictEqual({ org: ORG, nodegroup_labels: [H100_BODY] });
    expect(done.request.payload).toBe(posts[0]!.body);
    expect(simplismart.clusters.find((c) => c.uuid === imported.uuid)!.nodeGroups.map((g) => g.name)).toEqual(['gpu-pool', 'gpu-h100']);

    // One thread per cluster: the change's status message and every step are replies in the import's thread.
    const root = imported.request.thread!;
    expect(done.request.thread).toMatchObject({ channel: root.channel, root: root.ts });
    expect(done.parent.thread_ts).toBe(root.ts);
    expect(done.parent.text).toMatch(/^Node groups added: Fleet A/);
    expect(done.said).toContain(`<@${ALICE}>, Simplismart added 1 node group (\`gpu-h100\`) to *Fleet A*`);
    expect(done.said).toContain('NodeGroup added successfully');
    // No approval needed: the status message says "Adding node groups" from its first post; no
    // "submitted" or "sending" step is posted beside it, only the outcome after it.
    const statusPost = slack.callsTo('chat.postMessage').find((c) => c.response?.ts === done.request.thread!.ts);
    expect(String(statusPost!.args.text)).toMatch(/^Adding node groups: Fleet A/);
    expect(done.thread).not.toContain('submitted the request to add');
    expect(done.thread).not.toContain('sending the request to Simplismart');
    expect(done.outcome.blocks.filter((b: Json) => b.type === 'actions').flatMap((b: Json) => b.elements).map((e: Json) => e.action_id)).toEqual(['cluster_add_node_groups']);
    const trail = (await bot.store.listEvents(id)).map((e) => `${e.fromState ?? '∅'}→${e.toState}`);
    expect(trail).toEqual(['∅→approved', 'approved→importing', 'importing→succeeded']);
  });

  test('through the command, by name: two groups (the editor’s add button works in this form too), and a name the cluster has is refused before anything is sent', async () => {
    const imported = await importCluster(world, 'Fleet B');
    let form = await openModalByCommand(bot, slack, 'nodegroups Fleet B');
    expect(shownIn(form, 'ngf_cluster')).toBe(imported.uuid);
    form = await changeModal(bot, slack, form, 'nodegroup_actions', 'nodegroup_add', H100_GROUP);
    expect(form.blocks.map((b: Json) => b.block_id)).toContain('ng_1_name');

    // gpu-pool came with the import: refused inline, under that group's name.
    const refused = await submitModal(bot, form, { ...H100_GROUP, ng_1_name: 'gpu-pool' });
    expect(refused.json).toEqual({ response_action: 'errors', errors: { ng_1_name: '“gpu-pool” is already a node group of Fleet B: choose another name.' } });
    expect(simplismart.nodeGroupRequests()).toHaveLength(0);

    const id = requestIdIn(await submitModal(bot, form, { ...H100_GROUP, ng_1_name: 'cpu-spot', ng_1_capacityType: 'SPOT', ng_1_auxiliary: ['auxiliary'] }));
    await settled(id, 'succeeded');
    expect(simplismart.nodeGroupRequests()[0]!.json).toStrictEqual({ org: ORG, nodegroup_labels: [H100_BODY, { name: 'cpu-spot', is_auxilliary: true, node_config: { capacity_type: 'SPOT' } }] });
  });

  test('the same submission delivered three times at once, and again once it is done (Slack retries): one request, one POST', async () => {
    const imported = await importCluster(world, 'Fleet R');
    const form = await openModalByCommand(bot, slack, `nodegroups ${imported.uuid}`);
    const answers = await Promise.all([submitModal(bot, form, H100_GROUP), submitModal(bot, form, H100_GROUP), submitModal(bot, form, H100_GROUP)]);
    const ids = new Set(answers.map(requestIdIn));
    expect(ids.size).toBe(1);
    await settled([...ids][0]!, 'succeeded');
    // Its own groups are now the cluster's: a late redelivery still finds its request, not a taken name.
    expect(requestIdIn(await submitModal(bot, form, H100_GROUP))).toBe([...ids][0]);
    await pause(200);
    expect(simplismart.nodeGroupRequests()).toHaveLength(1);
    expect((await bot.store.listRequests(TEAM, 10, { kind: 'add_node_groups' })).filter((r) => r.sourceKey === form.id)).toHaveLength(1);
  });

  test('a cluster imported elsewhere, by its UUID: typed under “Other”, told in a new thread in the channel', async () => {
    const elsewhere = simplismart.seedCluster({ org: ORG, name: 'Console cluster' });
    const form = await openModalByCommand(bot, slack, `nodegroups ${elsewhere.uuid}`);
    expect(shownIn(form, 'ngf_cluster')).toBe('other');
    expect(shownIn(form, 'ngf_cluster_uuid')).toBe(elsewhere.uuid);
    const id = requestIdIn(await submitModal(bot, form, H100_GROUP));
    const done = await settled(id, 'succeeded');
    expect(done.request.cluster).toEqual({ id: elsewhere.uuid, name: null, thread: null });
    expect(done.parent.channel).toBe(CHANNEL);
    expect(done.parent.thread_ts).toBeUndefined();
    expect(done.said).toContain(`cluster \`${elsewhere.uuid}\``);
    expect(simplismart.nodeGroupRequests().map((r) => r.path)).toEqual([nodeGroupsPath(elsewhere.uuid)]);
  });

  test('a name no cluster has: the form opens on no cluster and says so; “Other (UUID)…” shows the UUID field', async () => {
    await importCluster(world, 'Fleet C');
    const form = await openModalByCommand(bot, slack, 'nodegroups Nonexistent');
    expect(textOf(form)).toContain('No cluster imported through the bot here is called “Nonexistent”');
    expect(shownIn(form, 'ngf_cluster')).toBeUndefined();
    expect(form.blocks.map((b: Json) => b.block_id)).not.toContain('ngf_cluster_uuid');
    const other = await changeModal(bot, slack, form, 'ngf_cluster', 'named_choice', {}, 'other');
    expect(other.blocks.map((b: Json) => b.block_id)).toContain('ngf_cluster_uuid');
  });
});

describe('names that pass for a UUID (issue 16)', () => {
  const world = useBot({ freshFakes: true });
  const { bot, slack, simplismart, settled } = world;

  test('a cluster named like another cluster’s UUID captures neither `/simplismart nodegroups <uuid>` nor `/simplismart clusters <uuid>`: the POST goes to the typed UUID', async () => {
    const elsewhere = simplismart.seedCluster({ org: ORG, name: 'Console cluster' });
    // The decoy: imported through the bot, named by Simplismart's answer like the other cluster's UUID
    // (the import form refuses such a name, below; a cluster imported before that keeps its name).
    const target = simplismart.seedCluster({ org: ORG, name: 'Decoy' });
    simplismart.nextResponse({ kind: 'respond', status: 201, body: { uuid: target.uuid, name: elsewhere.uuid, status: 'active', cluster_hosted_on: 'aws', region: 'us-west-2' } });
    const decoy = await importCluster(world, 'Decoy');
    expect(decoy.uuid).toBe(target.uuid);
    expect(decoy.request.outcome).toMatchObject({ kind: 'imported', cluster: { uuid: target.uuid, name: elsewhere.uuid } });

    const form = await openModalByCommand(bot, slack, `nodegroups ${elsewhere.uuid}`);
    // Not the decoy: "Other (UUID)…" with the typed UUID; the decoy is offered under its own UUID.
    expect(shownIn(form, 'ngf_cluster')).toBe('other');
    expect(shownIn(form, 'ngf_cluster_uuid')).toBe(elsewhere.uuid);
    const menu = form.blocks.find((b: Json) => b.block_id === 'ngf_cluster');
    expect(menu.element.options.map((o: Json) => [o.text.text, o.value])).toEqual([
      [target.uuid, target.uuid],
      ['Other (UUID)…', 'other'],
    ]);
    const done = await settled(requestIdIn(await submitModal(bot, form, H100_GROUP)), 'succeeded');
    expect(simplismart.nodeGroupRequests().map((r) => r.path)).toEqual([nodeGroupsPath(elsewhere.uuid)]);
    expect(done.request.cluster).toEqual({ id: elsewhere.uuid, name: null, thread: null });
    expect(simplismart.clusters.find((c) => c.uuid === elsewhere.uuid)!.nodeGroups.map((g) => g.name)).toEqual(['cpu-pool', 'gpu-h100']);
    expect(target.nodeGroups.map((g) => g.name)).toEqual(['cpu-pool']);

    // `/simplismart clusters <uuid>` names no cluster imported here, not the decoy; the decoy's own UUID finds it.
    const none = await commandReply(bot, slack, `clusters ${elsewhere.uuid}`);
    expect(none.text).toMatch(/^No cluster imported through the bot in this workspace is called/);
    const own = await commandReply(bot, slack, `clusters ${target.uuid}`);
    expect(JSON.stringify(own.blocks)).toContain(`\`${target.uuid}\``);
  });

  test('the import form refuses a cluster name shaped like a UUID, or reading as “Other (UUID)…”, under the name; nothing is sent', async () => {
    const view = await openImportModal(bot, slack, { text: 'provider=aws' });
    const asUuid = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: '0F0E0D0C-0B0A-4909-8807-060504030201' }));
    expect(asUuid.json).toEqual({
      response_action: 'errors',
      errors: { cluster_name: 'A cluster name cannot be a UUID: commands read a UUID as the cluster that has it. Give the cluster a name people recognise, e.g. Prod cluster.' },
    });
    const asOther = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: 'other (uuid)...' }));
    expect(asOther.json).toEqual({
      response_action: 'errors',
      errors: { cluster_name: '“Other (UUID)…” is the cluster menu’s own choice for typing a UUID: give the cluster another name, e.g. Prod cluster.' },
    });
    const asSlug = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_slug: '0f0e0d0c-0b0a-4909-8807-060504030201' }));
    expect(asSlug.json).toEqual({ response_action: 'errors', errors: { cluster_slug: expect.stringMatching(/^A slug cannot be shaped like a UUID/) } });
    await pause(100);
    expect(simplismart.importRequests()).toHaveLength(0);
  });
});

/** Each documented answer of the node-groups endpoint (and the auth and gateway shapes), as people are told it. */
interface Answer {
  what: string;
  /** Arranges the answer: a cluster (UUID) to add to, and the local Simplismart's behaviour. */
  arrange: (world: Pick<World, 'simplismart'>, token: string) => { clusterId: string; behaviour?: SimplismartBehaviour; groupName?: string };
  state: 'failed' | 'outcome_unknown';
  says: RegExp[];
  careful?: boolean;
}

const ANSWERS: Answer[] = [
  {
    what: '404 Cluster does not exist → check the UUID',
    arrange: () => ({ clusterId: '0f0e0d0c-0b0a-4909-8807-060504030201' }),
    state: 'failed',
    says: [/Simplismart says the cluster does not exist \(404\)/, /Cluster does not exist/, /Check the cluster UUID/],
  },
  {
    what: '400 not a kubernetes cluster',
    arrange: ({ simplismart }) => ({ clusterId: simplismart.seedCluster({ org: ORG, name: 'VM pool', kubernetes: false }).uuid }),
    state: 'failed',
    says: [/not a Kubernetes cluster \(400\)/, /Cluster is not a kubernetes cluster/, /can only be added to a Kubernetes cluster/],
  },
  {
    what: '409 names the group',
    arrange: ({ simplismart }) => ({ clusterId: simplismart.seedCluster({ org: ORG, name: 'Console cluster', nodeGroups: ['gpu-h100'] }).uuid }),
    state: 'failed',
    says: [/already has a node group named “gpu-h100” \(409\)/, /NodeGroup with name 'gpu-h100' already exists in this cluster\./, /use \*Edit and retry\* with another name/],
  },
  {
    what: '422 {"nodegroup_labels": […]}',
    arrange: ({ simplismart }) => ({
      clusterId: simplismart.seedCluster({ org: ORG, name: 'Console cluster' }).uuid,
      behaviour: simplismartFaults.fieldErrors({ nodegroup_labels: ['Machine type p5.48xlarge is not offered in us-west-2.'] }),
    }),
    state: 'failed',
    says: [/could not validate the node groups \(422\)/, /`nodegroup_labels`: Machine type p5\.48xlarge is not offered in us-west-2\./],
  },
  {
    what: '401 {"detail": "Invalid token."}',
    arrange: ({ simplismart }, token) => {
      const clusterId = simplismart.seedCluster({ org: ORG, name: 'Console cluster' }).uuid;
      simplismart.removeToken(token);
      return { clusterId };
    },
    state: 'failed',
    says: [/did not accept the API token \(401\)/, /Invalid token\./, /\/simplismart connect/],
  },
  {
    what: '403 {"detail": …}',
    arrange: ({ simplismart }) => ({
      clusterId: simplismart.seedCluster({ org: ORG, name: 'Console cluster' }).uuid,
      behaviour: { kind: 'respond', status: 403, body: { detail: 'You do not have permission to perform this action.' } },
    }),
    state: 'failed',
    says: [/not allowed to add node groups to this organisation’s clusters \(403\)/, /You do not have permission/],
  },
  {
    what: '500 {"error": …} → check before retrying',
    arrange: ({ simplismart }) => ({
      clusterId: simplismart.seedCluster({ org: ORG, name: 'Console cluster' }).uuid,
      behaviour: { kind: 'respond', status: 500, body: { error: 'database is locked' }, commit: true },
    }),
    state: 'failed',
    says: [/internal error \(500\)/, /database is locked/, /Check the cluster in the Simplismart console first/],
    careful: true,
  },
  {
    what: '502 from a gateway (not JSON) → outcome unknown',
    arrange: ({ simplismart }) => ({ clusterId: simplismart.seedCluster({ org: ORG, name: 'Console cluster' }).uuid, behaviour: simplismartFaults.badGatewayHtml() }),
    state: 'outcome_unknown',
    says: [/answered 502/, /the node groups may have been added/],
    careful: true,
  },
  {
    what: 'no answer in time → outcome unknown',
    arrange: ({ simplismart }) => ({ clusterId: simplismart.seedCluster({ org: ORG, name: 'Console cluster' }).uuid, behaviour: simplismartFaults.hang(true) }),
    state: 'outcome_unknown',
    says: [/did not answer within 1\.5 s/, /the node groups may have been added/],
    careful: true,
  },
];

describe('every answer of the node-groups endpoint, told with its next step', () => {
  const world = useBot({ freshFakes: true });
  const { bot, slack, simplismart, token, settled } = world;

  test.each(ANSWERS)('$what', async (answer) => {
    const { clusterId, behaviour } = answer.arrange(world, token);
    if (behaviour !== undefined) simplismart.nextResponse(behaviour);
    const form = await openModalByCommand(bot, slack, `nodegroups ${clusterId}`);
    const id = requestIdIn(await submitModal(bot, form, H100_GROUP));
    const done = await settled(id, answer.state);
    for (const said of answer.says) expect(done.said).toMatch(said);
    expect(done.outcome.text).toMatch(answer.state === 'failed' ? /^Adding node groups failed for / : /^Outcome unknown for /);
    const retry = done.outcome.blocks.flatMap((b: Json) => b.elements ?? []).find((e: Json) => e.action_id === 'request_edit');
    expect(retry.value).toBe(id);
    expect(retry.confirm !== undefined).toBe(answer.careful === true);
    // Never re-sent by itself, whatever the answer.
    await pause(200);
    expect(simplismart.nodeGroupRequests()).toHaveLength(1);
    expect((await bot.store.getRequest(id))?.state).toBe(answer.state);
  });

  test('Edit and retry reopens the node-groups form with the cluster and the groups; submitting it sends a new request', async () => {
    const elsewhere = simplismart.seedCluster({ org: ORG, name: 'Console cluster', nodeGroups: ['gpu-h100'] });
    const form = await openModalByCommand(bot, slack, `nodegroups ${elsewhere.uuid}`);
    const failed = await settled(requestIdIn(await submitModal(bot, form, H100_GROUP)), 'failed');
    const retry = await clickToOpen(bot, slack, failed.outcome, 'request_edit');
    expect(retry.callback_id).toBe('add_node_groups');
    expect(shownIn(retry, 'ngf_cluster_uuid')).toBe(elsewhere.uuid);
    expect(shownIn(retry, 'ng_0_name')).toBe('gpu-h100');
    expect(shownIn(retry, 'ng_0_machineType')).toBe('p5.48xlarge');
    expect(textOf(retry)).toContain(`Edited from request \`${failed.request.id}\` (Failed)`);
    const again = requestIdIn(await submitModal(bot, retry, { ng_0_name: 'gpu-h100-b' }));
    const done = await settled(again, 'succeeded');
    expect(done.request.replacesId).toBe(failed.request.id);
    expect(simplismart.nodeGroupRequests().at(-1)!.json.nodegroup_labels[0]).toStrictEqual({ ...H100_BODY, name: 'gpu-h100-b' });
  });
});

describe('node groups behind approval, on two replicas of one PostgreSQL database', () => {
  const world = useBot({ database: postgresDatabase, replicas: 2, slack: { users: { [ALICE]: {}, [BOB]: {}, [CAROL]: {} } } });
  const { bot, bots, slack, simplismart, clock } = world;

  test('imports run at once, node groups wait (the policy says so); Approve raced through both replicas → one POST', async () => {
    await bot.store.saveApprovalPolicy(
      TEAM,
      { required: false, approverUserIds: [BOB, CAROL], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'required' },
      BOB,
      clock.now(),
    );
    const [a, b] = bots as [TestBot, TestBot];
    const imported = await importCluster(world, 'Gated fleet', a);
    const form = await clickToOpen(a, slack, imported.outcome, 'cluster_add_node_groups');
    expect(form.submit).toMatchObject({ text: 'Submit for approval' });
    expect(textOf(form)).toContain('Node-group changes here need 1 approval');
    simplismart.setBehaviour({ kind: 'delay', delayMs: 100 });
    const id = requestIdIn(await submitModal(a, form, H100_GROUP));
    let card: Json;
    await eventually(async () => {
      const request = await a.store.getRequest(id);
      expect(request?.state).toBe('pending_approval');
      expect(request?.cards).toHaveLength(1);
      card = slack.message(request!.cards[0]!.channel, request!.cards[0]!.ts);
    });
    // The card waits in the cluster's thread, in the change's words.
    expect(card.thread_ts).toBe(imported.request.thread!.ts);
    expect(textOf(card)).toContain(`wants to add 1 node group (\`gpu-h100\`) to *Gated fleet*`);
    expect(simplismart.nodeGroupRequests()).toHaveLength(0);
    const { blockId } = findButton(card.blocks, 'request_approve');
    const click = (userId: string) =>
      blockActions({ teamId: TEAM, userId, actionId: 'request_approve', blockId, message: card, channelId: card.channel, responseUrl: slack.responseUrl(`${userId}-${Math.random()}`) });
    await Promise.all([a.send(click(BOB)), b.send(click(CAROL)), b.send(click(BOB)), a.send(click(CAROL))]);
    await eventually(async () => expect((await a.store.getRequest(id))?.state).toBe('succeeded'), 8000);
    await pause(300);
    expect(simplismart.nodeGroupRequests()).toHaveLength(1);
    expect((await a.store.listEvents(id)).filter((e) => e.toState === 'importing')).toHaveLength(1);
    simplismart.setBehaviour(null);
  }, 30_000);
});
