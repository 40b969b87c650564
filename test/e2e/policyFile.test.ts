// The policy file (POLICY_FILE) in the running bot, over signed HTTP with the local Slack and Simplismart,
// on SQLite and on PostgreSQL: a denied request never reaches Simplismart (nor the store); a 2-approval
// rule needs two different approvers from the group, checked at the click; a reload between submit and
// approve leaves the request under the rule it was submitted with; a broken reload keeps the last good
// policy (log, /readyz, metric); a ConfigMap-style symlink swap is picked up without a signal; a broken
// file stops the start.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportRequest } from '../../src/domain/importRequest.js';
import { PolicyFileError } from '../../src/services/policyFile.js';
import { changeModal, clickToOpen, commandReply, eventually, findButton, openImportModal, runCommand, submitModal, textOf } from '../support/bot.js';
import { STEP, stepSourceKey } from '../../src/domain/stepExecution.js';
import { ADMIN, ALICE, BOB, CAROL, CHANNEL, TEAM, validImportValues } from '../support/fixtures.js';
import { parseMetrics, valueOf } from '../support/metrics.js';
import { blockActions, functionExecuted } from '../support/slackRequests.js';
import { postgresDatabase, sqliteFile, useBot, type BotDatabase } from '../support/world.js';

const DAVE = 'U0DAVE0005';
const LEADS = 'S0LEADS001';
const USERS = { [ALICE]: {}, [BOB]: {}, [CAROL]: {}, [DAVE]: {}, [ADMIN]: { is_admin: true } };
/** A group the file names that the workspace does not have. */
const GHOSTS = 'S0GHOSTS99';

const policy = (gpuApprovals: number) => `version: 1
rules:
  - name: no GPU pools on spot
    when:
      any_node_group: { accelerator: "*", capacity_type: SPOT }
    deny: "GPU pools run on demand here: choose ON_DEMAND."
  - name: more than 2 GPUs
    when:
      total_gpus: { more_than: 2 }
    require:
      approvals: ${gpuApprovals}
      from: { groups: ${LEADS} }   # @leads
      expires_after: 2h
  - name: ghosts decide nothing
    when:
      requester_in_group: ${GHOSTS}
      kind: node_groups
    allow: true
  - name: aws clusters grow by the platform only
    when:
      kind: node_groups
      provider: aws
    deny: "Node groups on AWS clusters are added by the platform team."
default:
  allow: true
`;

const BROKEN = `version: 1
rules:
  - name: typo
    when:
      total_gpu: { more_than: 2 }
    allow: true
`;

/** A folder laid out as Kubernetes mounts a ConfigMap: policy.yaml → ..data/policy.yaml, ..data → a timestamped folder. */
function configMapFolder(text: string): { path: string; swap: (text: string) => void; write: (text: string) => void; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'ss-policy-'));
  let n = 0;
  const version = (content: string) => {
    n += 1;
    const dir = `..2026_12_08_00_00_0${n}`;
    mkdirSync(join(root, dir));
    writeFileSync(join(root, dir, 'policy.yaml'), content);
    return dir;
  };
  symlinkSync(version(text), join(root, '..data'));
  symlinkSync('..data/policy.yaml', join(root, 'policy.yaml'));
  return {
    path: join(root, 'policy.yaml'),
    // As the kubelet does: a new folder, a new symlink beside the old, renamed over ..data in one step.
    swap: (content) => {
      symlinkSync(version(content), join(root, '..data_tmp'));
      renameSync(join(root, '..data_tmp'), join(root, '..data'));
    },
    // As a person does with vi: the file the current ..data points to, written in place.
    write: (content) => writeFileSync(join(root, '..data', 'policy.yaml'), content),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

describe.each([
  ['sqlite', sqliteFile],
  ['postgres', postgresDatabase],
] as const)('the policy file on %s', (engine, database) => {
  const folder = configMapFolder(policy(2));
  afterAll(() => folder.remove());
  const { bot, slack, simplismart, settled } = useBot<BotDatabase>({
    database,
    slack: { users: USERS },
    env: { POLICY_FILE: folder.path },
    beforeStart: ({ slack }) => slack.setGroupMembers(LEADS, [BOB, CAROL], { handle: 'leads', name: 'Leads' }),
  });

  beforeEach(() => {
    // Each test starts from the 2-approval policy, whatever the one before left.
    folder.swap(policy(2));
    expect(bot.reloadPolicy()).toBe(true);
  });

  let clusterNumber = 0;
  /** Alice submits an import (3 GPUs at maximum scale with the default values); resolves with the answer and the stored request. */
  async function submit(overrides: Record<string, string> = {}): Promise<{ json: unknown; request: ImportRequest | undefined; viewId: string }> {
    clusterNumber += 1;
    const view = await openImportModal(bot, slack, { userId: ALICE, text: 'provider=aws' });
    const response = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: `Policy ${engine} ${clusterNumber}`, ...overrides }), { userId: ALICE });
    bot.clock.advance(1000);
    const request = (await bot.store.listRequests(TEAM, 100)).find((r) => r.sourceKey === view.id);
    return { json: response.json, request, viewId: view.id };
  }

  async function waitForCard(id: string): Promise<ImportRequest> {
    let request: ImportRequest | undefined;
    await eventually(async () => {
      request = await bot.store.getRequest(id);
      expect(request?.cards).toHaveLength(1);
    });
    return request!;
  }

  let clickNumber = 0;
  async function approve(request: ImportRequest, userId: string): Promise<string> {
    clickNumber += 1;
    const replyId = `${engine}-policy-${userId}-${clickNumber}`;
    const ref = request.cards[0]!;
    const message = slack.message(ref.channel, ref.ts) as { channel: string; ts: string; blocks: unknown[] };
    const { blockId } = findButton(message.blocks, 'request_approve');
    const response = await bot.send(blockActions({ teamId: TEAM, userId, actionId: 'request_approve', blockId, message, channelId: message.channel, responseUrl: slack.responseUrl(replyId) }));
    expect(response.status).toBe(200);
    const reply = await slack.waitFor('response_url', (c) => c.responseUrlId === replyId, { timeoutMs: 4000 });
    return textOf(reply.args);
  }

  test('a denied request is refused inline with the rule’s message: never stored, never sent to Simplismart', async () => {
    const sent = simplismart.requests.length;
    const { json, request } = await submit({ ng_0_capacityType: 'SPOT' });
    expect(json).toMatchObject({ response_action: 'errors' });
    const said = JSON.stringify(json);
    expect(said).toContain('GPU pools run on demand here: choose ON_DEMAND.');
    expect(said).toContain("rule 'no GPU pools on spot'");
    expect(request).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(simplismart.requests.length).toBe(sent);
  });

  test('a 2-approval rule needs two different approvers from the group, checked at the click; the card names the rule', async () => {
    const { json, request: stored } = await submit();
    expect(json).toMatchObject({ response_action: 'update' });
    expect(stored?.approval).toMatchObject({ approvalsNeeded: 2, approverGroupIds: [LEADS], approverUserIds: [] });
    expect(stored?.policy).toMatchObject({ path: folder.path, rule: { kind: 'rule', index: 1, name: 'more than 2 GPUs' } });
    expect(stored?.policy?.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stored!.expiresAt! - stored!.createdAt).toBe(2 * 3600 * 1000);
    const request = await waitForCard(stored!.id);
    const ref = request.cards[0]!;
    expect(textOf(slack.message(ref.channel, ref.ts))).toContain("rule 'more than 2 GPUs'");

    expect(await approve(request, DAVE)).toMatch(/Only .* can approve/);
    expect(await approve(request, BOB)).toMatch(/1 of 2 approvals/);
    expect(await approve(request, BOB)).toMatch(/already approved/);
    expect((await bot.store.getRequest(request.id))?.state).toBe('pending_approval');
    // Carol leaves the group before she clicks: membership is read at the click, not at submission.
    slack.setGroupMembers(LEADS, [BOB], { handle: 'leads', name: 'Leads' });
    expect(await approve(request, CAROL)).toMatch(/Only .* can approve/);
    slack.setGroupMembers(LEADS, [BOB, CAROL], { handle: 'leads', name: 'Leads' });
    expect(await approve(request, CAROL)).toMatch(/Approved: the import is running/);
    const done = await settled(request.id, 'succeeded');
    expect(done.thread).toContain("rule 'more than 2 GPUs'");
  });

  test('a reload between submit and approve does not change that request’s rule; new requests get the new one', async () => {
    const { request: stored } = await submit();
    const request = await waitForCard(stored!.id);
    const before = request.policy!.hash;
    folder.swap(policy(1));
    expect(bot.reloadPolicy()).toBe(true);
    expect(bot.services.decisions.file?.inForce.policy.hash).not.toBe(before);

    expect(await approve(request, BOB)).toMatch(/1 of 2 approvals/);
    const after = await bot.store.getRequest(request.id);
    expect(after).toMatchObject({ state: 'pending_approval', approval: { approvalsNeeded: 2 }, policy: { hash: before } });

    const { request: newer } = await submit();
    expect(newer?.approval?.approvalsNeeded).toBe(1);
    expect(newer?.policy?.hash).not.toBe(before);
  });

  test('a submission delivered again after a reload that would refuse it finds the request it stored', async () => {
    const view = await openImportModal(bot, slack, { userId: ALICE, text: 'provider=aws' });
    const values = validImportValues({ cluster_region: 'us-west-2', cluster_name: `Redelivered ${engine}` });
    const first = await submitModal(bot, view, values, { userId: ALICE });
    expect(first.json).toMatchObject({ response_action: 'update' });
    folder.swap(policy(2).replace('default:\n  allow: true', 'default:\n  deny: "Closed."').replace('more_than: 2', 'more_than: 200'));
    expect(bot.reloadPolicy()).toBe(true);
    const again = await submitModal(bot, view, values, { userId: ALICE });
    expect(again.json).toMatchObject({ response_action: 'update' });
    expect((await bot.store.listRequests(TEAM, 100)).filter((r) => r.sourceKey === view.id)).toHaveLength(1);
    // A new form is refused by the new policy.
    const { json } = await submit();
    expect(JSON.stringify(json)).toContain('Closed.');
  });

  test('a broken reload keeps the last good policy, and the log, /readyz and the metrics say so', async () => {
    const good = bot.services.decisions.file!.inForce.policy.hash;
    const from = bot.logs.length;
    folder.swap(BROKEN);
    expect(bot.reloadPolicy()).toBe(false);
    expect(bot.services.decisions.file!.inForce.policy.hash).toBe(good);
    const logged = bot.logs.slice(from).join('\n');
    expect(logged).toContain('policy_reload_refused');
    expect(logged).toContain(`${folder.path}:5:7: rules[0].when.total_gpu: \\"total_gpu\\" is not a key`);

    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(200);
    const detail = (await ready.json()) as { policy: { hash: string; reloadFailed?: { problems: string[] } } };
    expect(detail.policy.hash).toBe(good);
    expect(detail.policy.reloadFailed?.problems[0]).toMatch(/:5:7: /);

    const samples = parseMetrics(await (await fetch(`${bot.url}/metrics`)).text());
    expect(valueOf(samples, 'simplismart_slack_policy_reload_failing')).toBe(1);
    expect(valueOf(samples, 'simplismart_slack_policy_reload_failures_total')).toBeGreaterThanOrEqual(1);

    // Requests are still decided by the good policy.
    const { request } = await submit();
    expect(request?.policy?.hash).toBe(good);
    expect(request?.approval?.approvalsNeeded).toBe(2);

    folder.swap(policy(2));
    expect(bot.reloadPolicy()).toBe(true);
    const healed = (await (await fetch(`${bot.url}/readyz`)).json()) as { policy: { reloadFailed?: unknown } };
    expect(healed.policy.reloadFailed).toBeUndefined();
  });

  test('a Workflow Builder step goes through the same rules: a denied one fails with the rule’s message, nothing stored or sent', async () => {
    const sent = simplismart.requests.length;
    const groups = JSON.stringify([{ name: 'spot-gpus', is_auxilliary: false, node_config: { capacity_type: 'SPOT', max_node_count: 1, accelerator_type: 'nvidia-a10g', accelerator_count: 1 } }]);
    const execution = slack.startExecution(STEP.importCluster, TEAM, { name: `Step ${engine}`, provider: 'aws', region: 'us-west-2', node_groups: groups, channel: CHANNEL, requester: ALICE });
    expect((await bot.send(functionExecuted(execution))).status).toBe(200);
    await eventually(() => expect(slack.execution(execution.id).state).toBe('failed'), 8000);
    expect(slack.execution(execution.id).error).toContain("not allowed (rule 'no GPU pools on spot'): GPU pools run on demand here: choose ON_DEMAND.");
    expect((await bot.store.listRequests(TEAM, 200)).some((r) => r.sourceKey === stepSourceKey(execution.id))).toBe(false);
    expect(simplismart.requests.length).toBe(sent);
  });

  test('node groups go through the same rules, with what the bot knows of the cluster (its provider, from its import here)', async () => {
    const view = await openImportModal(bot, slack, { userId: ALICE, text: 'provider=aws' });
    const response = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: `Small ${engine}`, ng_0_maxNodes: '2', ng_0_desiredNodes: '1' }), { userId: ALICE });
    const imported = (await bot.store.listRequests(TEAM, 100)).find((r) => r.sourceKey === view.id)!;
    expect(response.json).toMatchObject({ response_action: 'update' });
    expect(imported.policy?.rule).toEqual({ kind: 'default', line: expect.any(Number) });
    const done = await settled(imported.id, 'succeeded');
    const form = await clickToOpen(bot, slack, done.outcome, 'cluster_add_node_groups', { userId: ALICE });
    const sent = simplismart.requests.length;
    const refused = await submitModal(bot, form, { ng_0_name: 'extra', ng_0_machineType: 'g5.xlarge', ng_0_capacityType: 'ON_DEMAND', ng_0_minNodes: '0', ng_0_maxNodes: '1', ng_0_desiredNodes: '1', ng_0_acceleratorType: 'nvidia-a10g', ng_0_acceleratorCount: '1' }, { userId: ALICE });
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(refused.json)).toContain("not allowed (rule 'aws clusters grow by the platform only'): Node groups on AWS clusters are added by the platform team.");
    expect((await bot.store.listRequests(TEAM, 100)).some((r) => r.sourceKey === form.id)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(simplismart.requests.length).toBe(sent);
  });

  test('before submit, the form says which rule will apply as node groups change; a denied one says it will be refused', async () => {
    const view = await openImportModal(bot, slack, { userId: ALICE, text: 'provider=aws' });
    expect(textOf({ blocks: view.blocks })).toContain('Approval is decided by the policy file');
    const values = validImportValues({ cluster_region: 'us-west-2', cluster_name: `Preview ${engine}` });
    const changed = await changeModal(bot, slack, view, 'nodegroup_actions', 'nodegroup_add', values);
    const said = textOf({ blocks: changed.blocks });
    expect(said).toContain(`needs 2 approvals from <!subteam^${LEADS}> within 2 hours: rule 'more than 2 GPUs'`);
    const spot = await changeModal(bot, slack, changed, 'nodegroup_actions', 'nodegroup_add', { ...values, ng_0_capacityType: 'SPOT' });
    expect(textOf({ blocks: spot.blocks })).toContain("Not allowed (rule 'no GPU pools on spot'): GPU pools run on demand here: choose ON_DEMAND.");
  });

  test('/simplismart approvals shows the rules in force read-only, where they come from, and the IDs this Slack does not know', async () => {
    const reply = await commandReply(bot, slack, 'approvals', { userId: ALICE });
    const said = textOf(reply);
    const { hash } = bot.services.decisions.file!.inForce.policy;
    expect(said).toContain(folder.path);
    expect(said).toContain(hash);
    expect(said).toContain('*more than 2 GPUs* (line 7) — when total GPUs more than 2');
    expect(said).toContain(`rule 'ghosts decide nothing' (line 14): ${GHOSTS} is not a user group of this workspace`);
    expect(said).not.toContain(`${LEADS} is not`);

    // An admin gets the policy modal as it is now: the same, read-only (no submit).
    const opened = slack.callsTo('views.open').length;
    await runCommand(bot, 'approvals', { userId: ADMIN });
    const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= opened);
    const modal = slack.view(call.response.view.id) as { submit?: unknown; blocks: unknown[] };
    expect(modal.submit ?? undefined).toBeUndefined();
    expect(textOf(modal)).toContain(hash);
  });

  test('/simplismart policy test: the rule each recent request would meet now, and what decided it then; history names the rule', async () => {
    const { request: gpu } = await submit();
    folder.swap(policy(1));
    expect(bot.reloadPolicy()).toBe(true);
    const reply = textOf(await commandReply(bot, slack, 'policy test', { userId: ALICE }));
    expect(reply).toContain('Dry run');
    expect(reply).toMatch(new RegExp(`${gpu!.id}.*rule 'more than 2 GPUs'\\* → :lock: needs 1 approval from <!subteam\\^${LEADS}>.*then: rule 'more than 2 GPUs' of`));
    const history = textOf(await commandReply(bot, slack, `history ${gpu!.id}`, { userId: ALICE }));
    expect(history).toContain("*Policy:* rule 'more than 2 GPUs': needs 2 approvals from S0LEADS001");
    expect(history).toContain('total GPUs at maximum scale is 3, more than 2');
    const recent = textOf(await commandReply(bot, slack, 'history', { userId: ALICE }));
    expect(recent).toContain("rule 'more than 2 GPUs'");
  });

  test('the file changing is picked up without a signal: a ConfigMap’s symlink swap, and an edit in place', async () => {
    const first = bot.services.decisions.file!.inForce.policy.hash;
    const from = bot.logs.length;
    folder.swap(policy(1));
    await eventually(() => expect(bot.services.decisions.file!.inForce.policy.hash).not.toBe(first), 3000).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${bot.logs.slice(from).join('\n')}`);
    });
    const second = bot.services.decisions.file!.inForce.policy.hash;
    folder.write(policy(3));
    await eventually(() => expect(bot.services.decisions.file!.inForce.policy.hash).not.toBe(second), 3000);
  }, 15_000);
});

describe('a policy file with problems at start', () => {
  const folder = configMapFolder(BROKEN);
  afterAll(() => folder.remove());
  const { startBot } = useBot({ replicas: 0 });

  test('stops the start, every problem told with its line and column', async () => {
    const started = startBot({ env: { POLICY_FILE: folder.path } });
    await expect(started).rejects.toBeInstanceOf(PolicyFileError);
    await expect(started).rejects.toThrow(`${folder.path}:5:7: rules[0].when.total_gpu: "total_gpu" is not a key of "when"`);
  });
});
