// Approval-gated imports over signed HTTP, on SQLite and on PostgreSQL: quorum, rejection, who may
// click, double clicks and redeliveries, expiry, cancel, restarts, and group membership changes.
import type { ApprovalPolicy } from '../../src/domain/approvalPolicy.js';
import type { ImportRequest } from '../../src/domain/importRequest.js';
import { IMPORT_LEASE_MS } from '../../src/services/importRunner.js';
import { eventually, findButton, openImportModal, pause, submitAndWaitForCard, submitModal, type TestBot } from '../support/bot.js';
import { simplismartFaults } from '../support/fakeSimplismart.js';
import { ADMIN, ALICE, BOB, CAROL, CHANNEL, TEAM, validImportValues } from '../support/fixtures.js';
import { blockActions, slashCommand } from '../support/slackRequests.js';
import { postgresDatabase, sqliteFile, useBot, type BotDatabase } from '../support/world.js';

const DAVE = 'U0DAVE0005';
const APPROVERS_GROUP = 'S0LEADS001';
const APPROVALS_CHANNEL = 'C0APPROVAL';
const USERS = { [ALICE]: {}, [BOB]: {}, [CAROL]: {}, [DAVE]: {}, [ADMIN]: { is_admin: true } };

describe.each([
  ['sqlite', sqliteFile],
  ['postgres', postgresDatabase],
] as const)('approvals on %s', (engine, database) => {
  const { bot, slack, simplismart, clock, startBot } = useBot<BotDatabase>({ database, slack: { users: USERS } });
  let clusterNumber = 0;

  beforeEach(() => {
    simplismart.setBehaviour(null);
  });

  async function setPolicy(policy: Partial<ApprovalPolicy>): Promise<void> {
    await bot.store.saveApprovalPolicy(
      TEAM,
      {
        required: true,
        approverUserIds: [BOB, CAROL],
        approverGroupIds: [],
        approvalsNeeded: 1,
        expirySeconds: 3600,
        approvalsChannelId: null,
        nodeGroupsApproval: 'same',
        ...policy,
      },
      ADMIN,
      clock.now(),
    );
  }

  /** Alice (or `requester`) submits a valid import; resolves once its approval card is posted. */
  function submitForApproval(requester = ALICE): Promise<ImportRequest> {
    clusterNumber += 1;
    return submitAndWaitForCard(bot, slack, { userId: requester, name: `Cluster ${engine} ${clusterNumber}` });
  }

  function card(request: ImportRequest) {
    const ref = request.cards[0]!;
    return slack.message(ref.channel, ref.ts) as { channel: string; ts: string; blocks: unknown[] };
  }

  let clickNumber = 0;
  /** Clicks a button on the request's card as `userId`; resolves with what the clicker was told. */
  async function click(request: ImportRequest, actionId: string, userId: string, staleCopy?: ReturnType<typeof card>): Promise<string> {
    clickNumber += 1;
    const replyId = `${engine}-${userId}-${clickNumber}`;
    const message = staleCopy ?? card(request);
    const { blockId } = findButton(message.blocks, actionId);
    const response = await bot.send(
      blockActions({
        teamId: TEAM,
        userId,
        actionId,
        blockId,
        message,
        channelId: message.channel,
        responseUrl: slack.responseUrl(replyId),
      }),
    );
    expect(response.status).toBe(200);
    const reply = await slack.waitFor('response_url', (c) => c.responseUrlId === replyId, { timeoutMs: 4000 });
    // What the person sees: the message's blocks (the `text` is the notification fallback).
    const blocks = reply.args['blocks'] as Array<{ text?: { text?: string } }>;
    return blocks.map((b) => b.text?.text ?? '').join('\n');
  }

  async function waitForState(id: string, state: ImportRequest['state']): Promise<ImportRequest> {
    let request: ImportRequest | undefined;
    await eventually(async () => {
      request = await bot.store.getRequest(id);
      expect(request?.state).toBe(state);
    });
    return request!;
  }

  function postsFor(request: ImportRequest): number {
    const name = (JSON.parse(request.payload) as { name: string }).name;
    return simplismart.importRequests().filter((r) => (r.json as { name?: string } | undefined)?.name === name).length;
  }

  test('approve → exactly one import, told in one thread; the requester is mentioned on the outcome', async () => {
    await setPolicy({});
    const request = await submitForApproval();
    expect(request.state).toBe('pending_approval');
    expect(postsFor(request)).toBe(0);
    const text = await click(request, 'request_approve', BOB);
    expect(text).toMatch(/Approved/);
    const done = await waitForState(request.id, 'succeeded');
    expect(postsFor(request)).toBe(1);
    await eventually(() => {
      const thread = slack.messages().filter((m) => m.thread_ts === done.thread!.ts);
      const all = JSON.stringify(thread.map((m) => m.blocks));
      expect(all).toContain('submitted the import');
      expect(all).toContain(`Approved by <@${BOB}>`);
      expect(all).toContain('Importing');
      expect(all).toContain('is imported into Simplismart');
      expect(JSON.stringify(thread.at(-1)!.blocks)).toContain(`<@${ALICE}>`);
    });
    // The card lost its buttons: no stale Approve survives the decision.
    await eventually(() => {
      const blocks = JSON.stringify(card(done).blocks);
      expect(blocks).not.toContain('request_approve');
      expect(blocks).toContain('Approved by');
    });
    const events = await bot.store.listEvents(request.id);
    expect(events.map((e) => [e.fromState, e.toState])).toEqual([
      [null, 'pending_approval'],
      ['pending_approval', 'pending_approval'],
      ['pending_approval', 'approved'],
      ['approved', 'importing'],
      ['importing', 'succeeded'],
    ]);
    expect(events[1]!.actorId).toBe(BOB);
  });

  test('the payload approved is byte for byte the payload sent', async () => {
    await setPolicy({});
    const request = await submitForApproval();
    await click(request, 'request_approve', CAROL);
    await waitForState(request.id, 'succeeded');
    const sent = simplismart.importRequests().filter((r) => r.body.includes((JSON.parse(request.payload) as { name: string }).name));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toBe(request.payload);
  });

  test('a quorum of 2: one approval waits, the second imports', async () => {
    await setPolicy({ approvalsNeeded: 2 });
    const request = await submitForApproval();
    expect(await click(request, 'request_approve', BOB)).toMatch(/1 of 2/);
    await pause(100);
    expect((await bot.store.getRequest(request.id))?.state).toBe('pending_approval');
    expect(postsFor(request)).toBe(0);
    await eventually(() => expect(JSON.stringify(card(request).blocks)).toContain('1 of 2'));
    await click(request, 'request_approve', CAROL);
    await waitForState(request.id, 'succeeded');
    expect(postsFor(request)).toBe(1);
  });

  test('reject with a reason: nothing is imported, the reason is in the thread and on the card', async () => {
    await setPolicy({});
    const request = await submitForApproval();
    // The Reject button asks for a reason in a modal, opened with the click's trigger.
    const message = card(request);
    const { blockId } = findButton(message.blocks, 'request_reject');
    const opened = slack.callsTo('views.open').length;
    await bot.send(blockActions({ teamId: TEAM, userId: BOB, actionId: 'request_reject', blockId, message, channelId: message.channel, responseUrl: slack.responseUrl(`rej-${engine}`) }));
    await eventually(() => expect(slack.callsTo('views.open').length).toBe(opened + 1));
    const modal = slack.lastView() as Record<string, unknown>;
    const response = await submitModal(bot, modal, { reject_reason: 'Use SPOT capacity for gpu-pool' }, { userId: BOB });
    expect(response.json).toMatchObject({ response_action: 'clear' });
    const rejected = await waitForState(request.id, 'rejected');
    await eventually(() => {
      const thread = JSON.stringify(slack.messages().filter((m) => m.thread_ts === rejected.thread!.ts).map((m) => m.blocks));
      expect(thread).toContain('Use SPOT capacity for gpu-pool');
      const cardBlocks = JSON.stringify(card(rejected).blocks);
      expect(cardBlocks).toContain('Rejected');
      expect(cardBlocks).not.toContain('request_approve');
      expect(cardBlocks).toContain('request_edit');
    });
    expect(postsFor(request)).toBe(0);
    const events = await bot.store.listEvents(request.id);
    expect(events.at(-1)).toMatchObject({ fromState: 'pending_approval', toState: 'rejected', actorId: BOB, note: 'Use SPOT capacity for gpu-pool' });
  });

  test('a non-approver is told who can approve; nothing changes', async () => {
    await setPolicy({});
    const request = await submitForApproval();
    const text = await click(request, 'request_approve', DAVE);
    expect(text).toContain(`<@${BOB}>`);
    expect(text).toMatch(/Only/);
    expect((await bot.store.getRequest(request.id))?.state).toBe('pending_approval');
    expect(await bot.store.listApprovals(request.id)).toHaveLength(0);
    await click(request, 'request_cancel', ALICE);
  });

  test('a requester never approves their own import, even as an approver', async () => {
    await setPolicy({ approverUserIds: [ALICE, BOB] });
    const request = await submitForApproval(ALICE);
    const text = await click(request, 'request_approve', ALICE);
    expect(text).toMatch(/can’t approve it yourself/);
    expect(await bot.store.listApprovals(request.id)).toHaveLength(0);
    await click(request, 'request_cancel', ALICE);
  });

  test('a sole approver cannot even open the form for their own import', async () => {
    await setPolicy({ approverUserIds: [ALICE] });
    const opened = slack.callsTo('views.open').length;
    const replyId = `sole-${engine}`;
    await bot.send(slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'import', responseUrl: slack.responseUrl(replyId) }));
    const reply = await slack.waitFor('response_url', (c) => c.responseUrlId === replyId);
    expect(String(reply.args['text'])).toMatch(/another approver is needed/);
    expect(slack.callsTo('views.open').length).toBe(opened);
  });

  test('a double click and a redelivered payload count once and import once', async () => {
    await setPolicy({ approvalsNeeded: 2 });
    const request = await submitForApproval();
    const message = card(request);
    const { blockId } = findButton(message.blocks, 'request_approve');
    const payload = blockActions({ teamId: TEAM, userId: BOB, actionId: 'request_approve', blockId, message, channelId: message.channel, responseUrl: slack.responseUrl(`dup-${engine}`) });
    // The same payload twice at once (redelivery) and once more later (a second click).
    await Promise.all([bot.send(payload), bot.send(payload)]);
    await bot.send(payload);
    await eventually(async () => expect(slack.callsTo('response_url').filter((c) => c.responseUrlId === `dup-${engine}`)).toHaveLength(3));
    expect(await bot.store.listApprovals(request.id)).toHaveLength(1);
    expect((await bot.store.getRequest(request.id))?.state).toBe('pending_approval');
    await click(request, 'request_approve', CAROL);
    await waitForState(request.id, 'succeeded');
    expect(postsFor(request)).toBe(1);
  });

  test('two approvers clicking in the same instant: one import', async () => {
    await setPolicy({});
    simplismart.setBehaviour({ kind: 'delay', delayMs: 200 });
    const request = await submitForApproval();
    const replies = await Promise.all([click(request, 'request_approve', BOB), click(request, 'request_approve', CAROL)]);
    await waitForState(request.id, 'succeeded');
    expect(postsFor(request)).toBe(1);
    // One of them was first; the other is told it was already approved (or counted before the quorum closed).
    expect(replies.some((t) => /the import is running/.test(t))).toBe(true);
  });

  test('a late click is told who decided and when', async () => {
    await setPolicy({});
    const request = await submitForApproval();
    const stale = card(request);
    await click(request, 'request_approve', BOB);
    await waitForState(request.id, 'succeeded');
    const text = await click(request, 'request_approve', CAROL, stale);
    expect(text).toMatch(/Too late/);
    expect(text).toContain(`Approved by <@${BOB}>`);
    expect(text).toMatch(/<!date\^\d+\^/);
  });

  test('expiry: the sweeper expires a pending request on time; cards and thread are updated; a late click is refused', async () => {
    await setPolicy({ expirySeconds: 900 });
    const request = await submitForApproval();
    const stale = card(request);
    // Submission took one (simulated) second; 898 more leave one second to go.
    clock.advance(898_000);
    await bot.services.sweeper.sweep();
    expect((await bot.store.getRequest(request.id))?.state).toBe('pending_approval');
    clock.advance(2_000);
    await bot.services.sweeper.sweep();
    const expired = await waitForState(request.id, 'expired');
    await eventually(() => {
      const cardBlocks = JSON.stringify(card(expired).blocks);
      expect(cardBlocks).toContain('Expired');
      expect(cardBlocks).not.toContain('request_approve');
      expect(JSON.stringify(slack.messages().filter((m) => m.thread_ts === expired.thread!.ts).map((m) => m.blocks))).toContain('Expired');
    });
    // Someone clicks Approve on a copy of the card that had not refreshed yet.
    expect(await click(expired, 'request_approve', BOB, stale)).toMatch(/Too late: :alarm_clock: Expired/);
    expect(postsFor(request)).toBe(0);
  });

  test('"Edit and submit again" on an expired card opens the form pre-filled', async () => {
    await setPolicy({ expirySeconds: 900 });
    const request = await submitForApproval();
    clock.advance(901_000);
    await bot.services.sweeper.sweep();
    const expired = await waitForState(request.id, 'expired');
    await eventually(() => expect(JSON.stringify(card(expired).blocks)).toContain('request_edit'));
    const message = card(expired);
    const { blockId } = findButton(message.blocks, 'request_edit');
    const before = slack.callsTo('views.open').length;
    await bot.send(blockActions({ teamId: TEAM, userId: ALICE, actionId: 'request_edit', blockId, message, channelId: message.channel }));
    await eventually(() => expect(slack.callsTo('views.open').length).toBe(before + 1));
    const view = slack.lastView() as { blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> };
    const name = view.blocks.find((b) => b.block_id === 'cluster_name');
    expect(name?.element?.initial_value).toBe((JSON.parse(request.payload) as { name: string }).name);
  });

  test('the requester cancels; others cannot', async () => {
    await setPolicy({});
    const request = await submitForApproval();
    const stale = card(request);
    expect(await click(request, 'request_cancel', BOB)).toMatch(/Only <@U0ALICE001>/);
    expect(await click(request, 'request_cancel', ALICE)).toMatch(/Cancelled/);
    const cancelled = await waitForState(request.id, 'cancelled');
    await eventually(() => expect(JSON.stringify(card(cancelled).blocks)).toContain('Cancelled'));
    expect(await click(cancelled, 'request_approve', BOB, stale)).toMatch(/Too late: :heavy_multiplication_x: Cancelled by <@U0ALICE001>/);
    expect(postsFor(request)).toBe(0);
  });

  test('a user group’s membership is read at the moment of the click', async () => {
    slack.setGroupMembers(APPROVERS_GROUP, [BOB]);
    await setPolicy({ approverUserIds: [], approverGroupIds: [APPROVERS_GROUP] });
    const request = await submitForApproval();
    // Bob leaves the group, Dave joins, between submission and decision.
    slack.setGroupMembers(APPROVERS_GROUP, [DAVE]);
    expect(await click(request, 'request_approve', BOB)).toMatch(/Only/);
    expect(await click(request, 'request_approve', DAVE)).toMatch(/Approved/);
    await waitForState(request.id, 'succeeded');
    expect(postsFor(request)).toBe(1);
  });

  test('cards go to the approvals channel when one is set, and the thread links to it', async () => {
    await setPolicy({ approvalsChannelId: APPROVALS_CHANNEL });
    const request = await submitForApproval();
    expect(request.cards[0]!.channel).toBe(APPROVALS_CHANNEL);
    const cardText = JSON.stringify(card(request).blocks);
    expect(cardText).toContain(`<@${BOB}>`);
    expect(cardText).toContain(`<@${CAROL}>`);
    await click(request, 'request_approve', BOB);
    const done = await waitForState(request.id, 'succeeded');
    await eventually(() => expect(JSON.stringify(card(done).blocks)).toContain('Approved by'));
  });

  test('recovery leaves an import whose owner’s lease is live or renewed; takes it once the lease lapsed and stayed unrenewed; never re-sends', async () => {
    await setPolicy({});
    const request = await submitForApproval();
    // What another process sending this import (or that died sending it) leaves: importing, its lease in the row.
    const owner = 'other-host:4242:deadbeef';
    await bot.store.transition({ id: request.id, from: ['pending_approval'], to: 'approved', actorId: BOB, at: clock.now() });
    const importing = await bot.store.transition({
      id: request.id,
      from: ['approved'],
      to: 'importing',
      actorId: BOB,
      at: clock.now(),
      patch: { lease: { owner, expiresAt: clock.now() + IMPORT_LEASE_MS } },
    });
    expect(importing?.state).toBe('importing');
    const posts = simplismart.importRequests().length;
    // A process started meanwhile (a restart, or another replica): its start-up recovery runs first.
    const other = await startBot({ store: bot.store, clock });
    const state = async () => (await bot.store.getRequest(request.id))?.state;
    const sweep = () => other.services.sweeper.sweep();
    try {
      expect(await state()).toBe('importing');

      // Lapsed, but only just seen so: an owner cut off from the store renews as soon as it can.
      clock.advance(IMPORT_LEASE_MS + 1);
      await sweep();
      expect(await state()).toBe('importing');

      // It does renew: alive after all; the lapse seen before no longer counts.
      expect(await bot.store.renewLease(request.id, owner, clock.now() + IMPORT_LEASE_MS)).toBe(true);
      clock.advance(IMPORT_LEASE_MS);
      await sweep();
      expect(await state()).toBe('importing');

      // Then nobody renews it: a whole lease period after it was seen lapsed, recovery takes it.
      clock.advance(IMPORT_LEASE_MS - 1);
      await sweep();
      expect(await state()).toBe('importing');
      clock.advance(1);
      await sweep();
      const recovered = await waitForState(request.id, 'outcome_unknown');
      expect(recovered.lease).toBeNull();
      await eventually(() => {
        const thread = JSON.stringify(slack.messages().filter((m) => m.thread_ts === recovered.thread!.ts).map((m) => m.blocks));
        expect(thread).toContain('The bot stopped before it saved how this import ended');
        expect(thread).toContain('If Simplismart’s answer is told above in this thread, that is the outcome');
        expect(thread).toContain('check the Simplismart console before retrying');
      });
      expect(other.logs.join('\n')).toContain('its lease lapsed and stayed unrenewed');
      expect(other.logs.join('\n')).not.toMatch(/restart/);
      await sweep();
      expect(simplismart.importRequests().length).toBe(posts);
    } finally {
      await other.stop();
    }
  });

  test('recovery never takes an import this process is still sending, however long ago its lease lapsed', async () => {
    await setPolicy({});
    const request = await submitForApproval();
    simplismart.nextResponse(simplismartFaults.slow(1200));
    await click(request, 'request_approve', BOB);
    await simplismart.waitForRequest((r) => (r.json as { name?: string } | undefined)?.name === JSON.parse(request.payload).name);
    // The clock jumps well past two lease periods while the call is still out: the lease lapsed and,
    // as far as the row shows, stayed unrenewed. The sweeper of the process sending it knows better.
    for (let i = 0; i < 3; i++) {
      clock.advance(IMPORT_LEASE_MS + 1);
      await bot.services.sweeper.sweep();
      expect((await bot.store.getRequest(request.id))?.state).toBe('importing');
    }
    const done = await waitForState(request.id, 'succeeded');
    expect((await bot.store.listEvents(request.id)).map((e) => e.toState)).not.toContain('outcome_unknown');
    expect(postsFor(done)).toBe(1);
  });

  test('history lists requests with state and thread; one request shows its audit trail', async () => {
    await setPolicy({});
    const request = await submitForApproval();
    await click(request, 'request_approve', BOB);
    await waitForState(request.id, 'succeeded');
    await bot.send(slashCommand({ teamId: TEAM, userId: DAVE, channelId: CHANNEL, text: 'history', responseUrl: slack.responseUrl(`hist-${engine}`) }));
    const list = await slack.waitFor('response_url', (c) => c.responseUrlId === `hist-${engine}`);
    const listText = JSON.stringify(list.args['blocks']);
    expect(listText).toContain(request.id);
    expect(listText).toContain('Imported');
    expect(listText).toContain('|thread>');
    await bot.send(slashCommand({ teamId: TEAM, userId: DAVE, channelId: CHANNEL, text: `history ${request.id}`, responseUrl: slack.responseUrl(`audit-${engine}`) }));
    const audit = await slack.waitFor('response_url', (c) => c.responseUrlId === `audit-${engine}`);
    const auditText = JSON.stringify(audit.args['blocks']);
    expect(auditText).toContain(`<@${BOB}>`);
    expect(auditText).toContain('Waiting for approval_ → _Approved');
  });
});

describe('two app instances on one PostgreSQL database', () => {
  // Two bots, each with its own pool, as two processes would have.
  const { bot, bots, slack, simplismart, clock } = useBot({ database: postgresDatabase, replicas: 2 });

  beforeAll(async () => {
    await bot.store.saveApprovalPolicy(
      TEAM,
      { required: true, approverUserIds: [BOB, CAROL], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' },
      ADMIN,
      clock.now(),
    );
  });

  test('concurrent approvals racing through both instances end in one POST per request', async () => {
    const [a, b] = bots as [TestBot, TestBot];
    simplismart.setBehaviour({ kind: 'delay', delayMs: 100 });
    const requests: ImportRequest[] = [];
    for (let i = 0; i < 8; i += 1) {
      const view = await openImportModal(a, slack, { text: 'provider=aws' });
      await submitModal(a, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: `Race ${i}` }));
      let latest: ImportRequest | undefined;
      await eventually(async () => {
        latest = (await a.store.listRequests(TEAM, 100)).find((r) => r.sourceKey === view.id);
        expect(latest?.cards).toHaveLength(1);
      });
      requests.push(latest!);
    }
    // For each request: Bob through A, Carol through B, and Bob again through B, all at once.
    await Promise.all(
      requests.flatMap((request) => {
        const ref = request.cards[0]!;
        const message = slack.message(ref.channel, ref.ts) as { channel: string; ts: string; blocks: unknown[] };
        const { blockId } = findButton(message.blocks, 'request_approve');
        const click = (userId: string) =>
          blockActions({ teamId: TEAM, userId, actionId: 'request_approve', blockId, message, channelId: message.channel, responseUrl: slack.responseUrl(`race-${request.id}-${userId}-${Math.random()}`) });
        return [a.send(click(BOB)), b.send(click(CAROL)), b.send(click(BOB))];
      }),
    );
    for (const request of requests) {
      await eventually(async () => expect((await a.store.getRequest(request.id))?.state).toBe('succeeded'), 8000);
    }
    for (const request of requests) {
      const name = (JSON.parse(request.payload) as { name: string }).name;
      expect(simplismart.importRequests().filter((r) => (r.json as { name?: string } | undefined)?.name === name)).toHaveLength(1);
      const events = await a.store.listEvents(request.id);
      expect(events.filter((e) => e.toState === 'importing')).toHaveLength(1);
    }
  }, 30_000);
});
