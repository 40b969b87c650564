// Workflow Builder custom steps over signed HTTP (the Events API), on SQLite and on PostgreSQL: the local
// Slack starts an execution and delivers its function_executed event, and accepts the step's completion
// only while it runs, with its own token, and with outputs that match manifest.yml. An execution is one
// request like any other (the same checks, approvals, thread), made once per execution id however often
// the event comes and whichever replica gets it, and completed once when the request ends — also after a
// restart.
import type { ApprovalPolicy } from '../../src/domain/approvalPolicy.js';
import type { ImportRequest } from '../../src/domain/importRequest.js';
import { STEP, stepSourceKey } from '../../src/domain/stepExecution.js';
import { STEP_CLAIM_STALE_MS } from '../../src/services/workflowSteps.js';
import { eventually, findButton, rawRows, submitModal, type TestBot } from '../support/bot.js';
import { ADMIN, ALICE, BOB, CHANNEL, TEAM } from '../support/fixtures.js';
import { blockActions, functionExecuted } from '../support/slackRequests.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import type { FunctionExecution } from '../support/slackMethods.js';
import { postgresDatabase, sqliteFile, useBot, withWorld, type BotDatabase } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack messages as the local Slack holds them. */
type Json = any;

const USERS = { [ALICE]: {}, [BOB]: {}, [ADMIN]: { is_admin: true } };

const NODE_GROUPS_JSON = JSON.stringify([
  {
    name: 'gpu-pool',
    is_auxilliary: false,
    node_config: { machine_type: 'g5.2xlarge', capacity_type: 'ON_DEMAND', min_node_count: 0, max_node_count: 3, desired_count: 1, accelerator_type: 'nvidia-a10g', accelerator_count: 1 },
  },
]);

let clusterNumber = 0;
/** The import step's inputs as Workflow Builder sends them: a valid import unless `overrides` say otherwise. */
function importInputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  clusterNumber += 1;
  return { name: `Step Cluster ${clusterNumber}`, provider: 'aws', region: 'us-west-2', node_groups: NODE_GROUPS_JSON, channel: CHANNEL, requester: ALICE, ...overrides };
}

/** Starts an execution in the local Slack and delivers its event to `bot`; resolves once the bot acked it. */
async function run(bot: TestBot, slack: FakeSlack, inputs: Record<string, unknown>, callbackId: string = STEP.importCluster): Promise<FunctionExecution> {
  const execution = slack.startExecution(callbackId, TEAM, inputs);
  const response = await bot.send(functionExecuted(execution));
  expect(response.status).toBe(200);
  return execution;
}

async function requestOf(bot: TestBot, execution: FunctionExecution): Promise<ImportRequest> {
  let request: ImportRequest | undefined;
  await eventually(async () => {
    request = (await bot.store.listRequests(TEAM, 200)).find((r) => r.sourceKey === stepSourceKey(execution.id));
    expect(request).toBeDefined();
  });
  return request!;
}

async function ended(slack: FakeSlack, execution: FunctionExecution, state: 'completed' | 'failed'): Promise<FunctionExecution> {
  await eventually(() => expect(slack.execution(execution.id).state).toBe(state), 8000);
  return slack.execution(execution.id);
}

describe.each([
  ['sqlite', sqliteFile],
  ['postgres', postgresDatabase],
] as const)('Workflow Builder steps on %s', (_engine, database) => {
  const { bot, bots, slack, simplismart, clock } = useBot<BotDatabase>({ database, slack: { users: USERS }, replicas: 2 });

  beforeEach(async () => {
    simplismart.setBehaviour(null);
    await bot.store.saveApprovalPolicy(TEAM, { ...NO_APPROVAL }, ADMIN, clock.now());
  });

  async function setPolicy(policy: Partial<ApprovalPolicy>): Promise<void> {
    await bot.store.saveApprovalPolicy(TEAM, { ...NO_APPROVAL, required: true, approverUserIds: [BOB], ...policy }, ADMIN, clock.now());
  }

  const postsNamed = (name: unknown) => simplismart.importRequests().filter((r) => (r.json as { name?: string } | undefined)?.name === name).length;

  test('no approval needed: the step completes with the cluster UUID, the request id, the thread link', async () => {
    const inputs = importInputs();
    const execution = await run(bot, slack, inputs);
    const done = await ended(slack, execution, 'completed');
    const request = await requestOf(bot, execution);
    expect(request.state).toBe('succeeded');
    expect(request.outcome?.kind).toBe('imported');
    const uuid = request.outcome?.kind === 'imported' ? request.outcome.cluster.uuid : null;
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(done.outputs).toEqual({ request_id: request.id, cluster_uuid: uuid, status: 'imported', thread_link: request.threadPermalink, error_text: '' });
    expect(request.threadPermalink).toMatch(/^https:\/\//);
    // One request like any other: its thread in the channel, its audit trail, one POST.
    expect(request.thread?.channel).toBe(CHANNEL);
    expect(request.requesterId).toBe(ALICE);
    expect(postsNamed(inputs['name'])).toBe(1);
    const events = await bot.store.listEvents(request.id);
    expect(events[0]?.note).toContain(`Workflow Builder step, execution ${execution.id}`);
    // The completion is recorded with the request, once; the execution token is stored sealed.
    await eventually(async () => expect((await bot.store.getStepExecution(request.id))?.completion).toBe('succeeded'));
    const [row] = await rawRows(bot, 'SELECT token, attempts FROM step_executions WHERE execution_id = $1', [execution.id]);
    expect(String(row?.['token'])).not.toContain(execution.token);
    expect(Number(row?.['attempts'])).toBe(1);
    expect(done.attempts).toEqual([{ method: 'functions.completeSuccess', answer: 'ok' }]);
  });

  test('approval needed: the step stays running, then completes after Approve', async () => {
    await setPolicy({});
    const execution = await run(bot, slack, importInputs());
    const request = await requestOf(bot, execution);
    await eventually(async () => expect((await bot.store.getRequest(request.id))?.cards).toHaveLength(1));
    expect(slack.execution(execution.id).state).toBe('running');
    const card = await cardOf(request.id);
    const { blockId } = findButton(card.blocks, 'request_approve');
    await bot.send(blockActions({ teamId: TEAM, userId: BOB, actionId: 'request_approve', blockId, message: card, channelId: card.channel, responseUrl: slack.responseUrl(`approve-${execution.id}`) }));
    const done = await ended(slack, execution, 'completed');
    expect(done.outputs).toMatchObject({ request_id: request.id, status: 'imported' });
    expect(done.outputs.cluster_uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('approval needed: the step fails after Reject, saying so; nothing is sent', async () => {
    await setPolicy({});
    const inputs = importInputs();
    const execution = await run(bot, slack, inputs);
    const request = await requestOf(bot, execution);
    await eventually(async () => expect((await bot.store.getRequest(request.id))?.cards).toHaveLength(1));
    const card = await cardOf(request.id);
    const { blockId } = findButton(card.blocks, 'request_reject');
    const opened = slack.callsTo('views.open').length;
    await bot.send(blockActions({ teamId: TEAM, userId: BOB, actionId: 'request_reject', blockId, message: card, channelId: card.channel, responseUrl: slack.responseUrl(`reject-${execution.id}`) }));
    await eventually(() => expect(slack.callsTo('views.open').length).toBe(opened + 1));
    await submitModal(bot, slack.lastView() as Record<string, unknown>, { reject_reason: 'Not this quarter' }, { userId: BOB });
    const done = await ended(slack, execution, 'failed');
    expect(done.error).toContain(`rejected: request ${request.id}`);
    expect(done.error).toContain('rejected by an approver');
    expect(postsNamed(inputs['name'])).toBe(0);
    await eventually(async () => expect((await bot.store.getStepExecution(request.id))?.completion).toBe('errored'));
  });

  test('approval needed, nobody decides before the policy’s expiry: the step fails, saying it expired', async () => {
    await setPolicy({ expirySeconds: 600 });
    const execution = await run(bot, slack, importInputs());
    const request = await requestOf(bot, execution);
    await eventually(async () => expect((await bot.store.getRequest(request.id))?.cards).toHaveLength(1));
    clock.advance(600_000);
    await bot.services.sweeper.sweep();
    const done = await ended(slack, execution, 'failed');
    expect(done.error).toMatch(new RegExp(`^expired: request ${request.id} — nobody approved it`));
  });

  test('invalid inputs fail the step at once with the words the form shows under the field; nothing is stored', async () => {
    const before = (await bot.store.listRequests(TEAM, 500)).length;
    const badGroup = await run(bot, slack, importInputs({ node_groups: JSON.stringify([{ name: 'gpu-pool', is_auxilliary: false, node_config: { min_node_count: 'abc' } }]) }));
    const failed = await ended(slack, badGroup, 'failed');
    expect(failed.error).toMatch(/^Node groups \(group 1, .+\): /);
    const noName = await run(bot, slack, importInputs({ name: '' }));
    expect((await ended(slack, noName, 'failed')).error).toMatch(/^Cluster name: /);
    const pods = await run(bot, slack, importInputs({ node_groups: 'NAME READY STATUS\nweb-1 1/1 Running' }));
    expect((await ended(slack, pods, 'failed')).error).toMatch(/^Node groups: /);
    const noRequester = await run(bot, slack, importInputs({ requester: '' }));
    expect((await ended(slack, noRequester, 'failed')).error).toMatch(/^Requested by: /);
    expect((await bot.store.listRequests(TEAM, 500)).length).toBe(before);
  });

  test('the event delivered twice, and to two replicas: one request, one POST, one completion', async () => {
    const inputs = importInputs();
    const execution = slack.startExecution(STEP.importCluster, TEAM, inputs);
    const event = functionExecuted(execution);
    // Slack retrying (the same event) and another replica receiving it, all at once.
    const answers = await Promise.all([bots[0]!.send(event), bots[0]!.send(event), bots[1]!.send(event)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const done = await ended(slack, execution, 'completed');
    const requests = (await bot.store.listRequests(TEAM, 500)).filter((r) => r.sourceKey === stepSourceKey(execution.id));
    expect(requests).toHaveLength(1);
    // Both replicas see the request end (each refreshes its messages): still one completion call.
    await pause(500);
    expect(postsNamed(inputs['name'])).toBe(1);
    expect(slack.execution(execution.id).attempts).toEqual([{ method: 'functions.completeSuccess', answer: 'ok' }]);
    expect(done.outputs.request_id).toBe(requests[0]!.id);
  });

  test('two replicas (and their sweepers) completing the same ended request at once: one call to Slack', async () => {
    // The first attempt does not get through, so the completion is still to do when everyone tries.
    slack.failNext('functions.completeSuccess', { status: 503 });
    const execution = await run(bot, slack, importInputs());
    const request = await requestOf(bot, execution);
    await eventually(async () => expect(await bot.store.getStepExecution(request.id)).toMatchObject({ attempts: 1, completion: null }), 4000);
    await Promise.all([
      bots[0]!.services.steps.complete(request.id),
      bots[1]!.services.steps.complete(request.id),
      bots[0]!.services.sweeper.sweep(),
      bots[1]!.services.sweeper.sweep(),
    ]);
    expect(slack.execution(execution.id).state).toBe('completed');
    expect(slack.execution(execution.id).attempts.map((a) => a.answer)).toEqual(['ok']);
    expect(await bot.store.getStepExecution(request.id)).toMatchObject({ completion: 'succeeded', attempts: 2 });
  });

  test('a completion Slack refuses is recorded and never retried', async () => {
    const execution = await run(bot, slack, importInputs());
    // Someone (or Slack's own limit) ended the execution first.
    slack.execution(execution.id).state = 'failed';
    const request = await requestOf(bot, execution);
    await eventually(async () => expect((await bot.store.getStepExecution(request.id))?.completion).toBe('refused'), 8000);
    const step = await bot.store.getStepExecution(request.id);
    expect(step?.note).toBe('execution_not_in_running_state');
    await bot.services.sweeper.sweep();
    clock.advance(STEP_CLAIM_STALE_MS + 1000);
    await bot.services.sweeper.sweep();
    expect(slack.execution(execution.id).attempts).toEqual([{ method: 'functions.completeSuccess', answer: 'execution_not_in_running_state' }]);
  });

  test('add node groups by the cluster’s name: completes with its UUID', async () => {
    const inputs = importInputs();
    const imported = await ended(slack, await run(bot, slack, inputs), 'completed');
    const uuid = imported.outputs.cluster_uuid as string;
    const groups = JSON.stringify([{ name: `cpu-${clusterNumber}`, is_auxilliary: false, node_config: { machine_type: 'm5.xlarge', capacity_type: 'ON_DEMAND', min_node_count: 1, max_node_count: 2 } }]);
    const added = await run(bot, slack, { cluster: inputs['name'], node_groups: groups, channel: CHANNEL, requester: ALICE }, STEP.addNodeGroups);
    const done = await ended(slack, added, 'completed');
    expect(done.outputs).toMatchObject({ cluster_uuid: uuid, status: 'node_groups_added' });
    const unknown = await run(bot, slack, { cluster: 'no-such-cluster', node_groups: groups, channel: CHANNEL, requester: ALICE }, STEP.addNodeGroups);
    expect((await ended(slack, unknown, 'failed')).error).toMatch(/^Cluster: no cluster this workspace imported is called “no-such-cluster”/);
  });

  async function cardOf(requestId: string): Promise<Json> {
    const request = await bot.store.getRequest(requestId);
    const ref = request!.cards[0]!;
    return slack.message(ref.channel, ref.ts);
  }
});

const NO_APPROVAL: ApprovalPolicy = {
  required: false,
  approverUserIds: [],
  approverGroupIds: [],
  approvalsNeeded: 1,
  expirySeconds: 3600,
  approvalsChannelId: null,
  nodeGroupsApproval: 'same',
};

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.each([
  ['sqlite', sqliteFile],
  ['postgres', postgresDatabase],
] as const)('a restart between Simplismart’s answer and the completion, on %s', (_engine, database) => {
  test('the step is completed once, by the process that starts next', async () => {
    await withWorld<BotDatabase>({ database, slack: { users: USERS } }, async ({ bot, slack, simplismart, startBot, database: db, clock }) => {
      // The first completion never reaches Slack (the process dies, or the network does, right after
      // the outcome is saved): the claim is given back, and nothing else in this process retries it.
      slack.failNext('functions.completeSuccess', { status: 503 });
      const execution = await run(bot, slack, importInputs());
      const request = await requestOf(bot, execution);
      await eventually(async () => expect((await bot.store.getStepExecution(request.id))?.attempts).toBe(1), 8000);
      expect((await bot.store.getRequest(request.id))?.state).toBe('succeeded');
      expect(slack.execution(execution.id).state).toBe('running');
      await bot.stop();
      // The next process (a restart, or another replica) recovers it at start.
      const next = await startBot({ databaseUrl: db.databaseUrl, clock });
      const done = await ended(slack, execution, 'completed');
      expect(done.outputs).toMatchObject({ request_id: request.id, status: 'imported' });
      expect(simplismart.importCount()).toBe(1);
      expect((await next.store.getStepExecution(request.id))?.completion).toBe('succeeded');
      expect(done.attempts.map((a) => a.answer)).toEqual(['ok']);
    });
  });

  test('a claim left by a process that died mid-call is taken over once it is stale, not before', async () => {
    await withWorld<BotDatabase>({ database, slack: { users: USERS } }, async ({ bot, slack, clock }) => {
      // The first attempt does not get through (its claim is given back); then the test takes the claim
      // as a process would that dies before Slack answers it.
      slack.onCall('functions.completeSuccess', () => ({ ok: false, error: 'service_unavailable' }));
      const execution = await run(bot, slack, importInputs());
      const request = await requestOf(bot, execution);
      await eventually(async () => expect(await bot.store.getStepExecution(request.id)).toMatchObject({ attempts: 1, completion: null }), 8000);
      slack.offCall('functions.completeSuccess');
      expect(await bot.store.claimStepCompletion(execution.id, clock.now(), clock.now() - STEP_CLAIM_STALE_MS)).toBe(true);
      await bot.services.sweeper.sweep();
      expect(slack.execution(execution.id).state).toBe('running');
      clock.advance(STEP_CLAIM_STALE_MS + 1000);
      await bot.services.sweeper.sweep();
      expect((await ended(slack, execution, 'completed')).outputs.status).toBe('imported');
    });
  });
});
