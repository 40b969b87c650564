// The work after an ack: how much of it an import costs in Slack Web API calls (so the count cannot
// silently grow again), and the bounded queue it runs in — a backlog beyond the concurrency limit does
// not hold up acks, and work still queued when the bot stops is resumed from the request rows after a
// restart, each import sent exactly once.
import { threadTsOf } from '../../src/domain/importRequest.js';
import { IMPORT_LEASE_MS } from '../../src/services/importRunner.js';
import { STALLED_APPROVED_MS } from '../../src/services/sweeper.js';
import { ADMIN, ALICE, BOB, CHANNEL, TEAM } from '../support/fixtures.js';
import { eventually, ManualClock, openImportModal, requestIdIn, submitModal, type TestBot } from '../support/bot.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { useBot, withWorld } from '../support/world.js';

/** Submits the import form for cluster `name` (AWS, us-west-2) as `userId`; resolves with the request id and how long the ack took. */
async function submitImport(bot: TestBot, slack: FakeSlack, name: string, userId = ALICE): Promise<{ id: string; ms: number }> {
  const view = await openImportModal(bot, slack, { userId, text: 'provider=aws' });
  const response = await submitModal(bot, view, { ...validValues(name) }, { userId });
  expect(response.status).toBe(200);
  return { id: requestIdIn(response), ms: response.ms };
}

function validValues(name: string) {
  return {
    cluster_name: name,
    cluster_provider: 'aws',
    cluster_region: 'us-west-2',
    ng_0_name: 'gpu-pool',
    ng_0_machineType: 'g5.2xlarge',
    ng_0_capacityType: 'ON_DEMAND',
    ng_0_minNodes: '0',
    ng_0_maxNodes: '3',
    ng_0_desiredNodes: '1',
  };
}

describe('Slack Web API calls per import', () => {
  const { bot, slack, settled } = useBot({ freshFakes: true });

  test('an import that needs no approval: its parent (saying "Importing"), its outcome, one update of the parent — 3 calls', async () => {
    // Before: 7 (parent, permalink, "submitted", "importing", outcome, two updates of the parent).
    for (const round of [1, 2, 3]) {
      const view = await openImportModal(bot, slack, { text: 'provider=aws' });
      slack.clearCalls();
      const response = await submitModal(bot, view, validValues(`Cluster ${round}`));
      const id = requestIdIn(response);
      const { request, replies, parent } = await settled(id, 'succeeded');
      await bot.services.background.drain(5000);
      const methods = slack.calls.map((c) => c.method);
      // The workspace's URL (for links to the thread) is learnt once per process, not per import.
      const perProcess = round === 1 ? ['auth.test'] : [];
      expect(methods.sort()).toEqual([...perProcess, 'chat.postMessage', 'chat.postMessage', 'chat.update'].sort());
      const [first, outcome] = slack.callsTo('chat.postMessage');
      expect(first!.args).toMatchObject({ channel: CHANNEL });
      expect(first!.args.thread_ts).toBeUndefined();
      expect(String(first!.args.text)).toMatch(new RegExp(`^Importing: Cluster ${round}`));
      expect(outcome!.args.thread_ts).toBe(threadTsOf(request.thread!));
      expect(replies).toHaveLength(1);
      expect(parent.text).toMatch(new RegExp(`^Imported: Cluster ${round}`));
      // The link to the thread is still there, built instead of asked for.
      expect(request.threadPermalink).toBe(`https://fake-team.slack.com/archives/${CHANNEL}/p${request.thread!.ts.replace('.', '')}`);
    }
  });
});

describe('the background queue', () => {
  test('a backlog beyond the limit does not hold up acks; stopped with imports queued, the restarted bot imports each exactly once', async () => {
    const clock = new ManualClock();
    // Two at a time; a short grace so that the bot stops with imports still waiting.
    const env = { BACKGROUND_CONCURRENCY: '2', SHUTDOWN_GRACE_MS: '200' };
    await withWorld({ clock, env }, async ({ bot: first, slack, simplismart, startBot, database }) => {
      // Simplismart takes its time: the first two imports hold both slots.
      simplismart.setBehaviour({ kind: 'delay', delayMs: 1000 });
      const submitted: Array<{ id: string; ms: number }> = [];
      for (let i = 1; i <= 5; i++) submitted.push(await submitImport(first, slack, `Queued ${i}`));
      // Every submission was acked while the backlog grew behind the two running imports.
      // (Home refreshes queue behind them too.)
      expect(first.services.background.running).toBe(2);
      expect(first.services.background.queued).toBeGreaterThanOrEqual(3);
      expect(first.services.background.size).toBeGreaterThanOrEqual(5);
      for (const { ms } of submitted) expect(ms).toBeLessThan(1000);
      await simplismart.waitForRequest(undefined, { count: 2, timeoutMs: 5000 });
      expect(simplismart.importRequests()).toHaveLength(2);

      await first.stop();
      expect(first.logs.join('\n')).toContain('stopping with background work not started');
      const states = async (bot: TestBot) => Promise.all(submitted.map(async ({ id }) => (await bot.store.getRequest(id))?.state));
      // Nothing of the three queued was sent or posted; their rows say what is left to do.
      expect(simplismart.importRequests()).toHaveLength(2);

      const next = await startBot({ databaseUrl: database.databaseUrl, clock, env });
      simplismart.setBehaviour(null);
      expect((await states(next)).slice(2)).toEqual(['approved', 'approved', 'approved']);
      // A queued import is resumed once it has waited as long as a stalled one; the two that were
      // being sent when the bot stopped are settled by recovery (never re-sent).
      clock.advance(STALLED_APPROVED_MS + 1);
      await next.services.sweeper.sweep();
      await next.services.background.drain(5000);
      clock.advance(IMPORT_LEASE_MS + 1);
      await next.services.sweeper.sweep();
      await eventually(async () => {
        const now = await states(next);
        expect(now.slice(2)).toEqual(['succeeded', 'succeeded', 'succeeded']);
        expect(now.slice(0, 2).every((s) => s === 'succeeded' || s === 'outcome_unknown')).toBe(true);
      }, 10_000);

      // One POST per request, five in all; each queued import told in one thread of its own.
      const posts = simplismart.importRequests().map((r) => (JSON.parse(r.body) as { name: string }).name).sort();
      expect(posts).toEqual(['Queued 1', 'Queued 2', 'Queued 3', 'Queued 4', 'Queued 5']);
      for (const { id } of submitted.slice(2)) {
        const request = (await next.store.getRequest(id))!;
        const parents = slack.callsTo('chat.postMessage').filter((c) => c.response?.ok === true && c.args.thread_ts === undefined && String(c.args.text).includes(`(${id})`));
        expect(parents).toHaveLength(1);
        expect(request.thread).not.toBeNull();
      }
      // A second pass finds nothing left to do.
      clock.advance(STALLED_APPROVED_MS + 1);
      await next.services.sweeper.sweep();
      await next.services.background.drain(5000);
      expect(simplismart.importRequests()).toHaveLength(5);
    });
  }, 30_000);

  test('stopped with requests for approval queued, the restarted bot posts each card once', async () => {
    const clock = new ManualClock();
    const env = { BACKGROUND_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '0' };
    await withWorld({ clock, env }, async ({ bot: first, slack, startBot, database }) => {
      await first.store.saveApprovalPolicy(
        TEAM,
        { required: true, approverUserIds: [BOB], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 86_400, approvalsChannelId: null, nodeGroupsApproval: 'same' },
        ADMIN,
        clock.now(),
      );
      // Slack answers slowly: the first launch holds the one slot while the others wait.
      slack.onCall('chat.postMessage', async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return undefined;
      });
      const ids: string[] = [];
      for (let i = 1; i <= 3; i++) ids.push((await submitImport(first, slack, `Pending ${i}`)).id);
      expect(first.services.background.queued).toBeGreaterThanOrEqual(1);
      await first.stop();
      slack.offCall('chat.postMessage');
      // At least one was never launched: no thread, no card — only its row.
      const next = await startBot({ databaseUrl: database.databaseUrl, clock, env });
      const unlaunched = (await Promise.all(ids.map((id) => next.store.getRequest(id)))).filter((r) => r!.thread === null && r!.cards.length === 0);
      expect(unlaunched.length).toBeGreaterThanOrEqual(1);

      clock.advance(STALLED_APPROVED_MS + 1);
      await next.services.sweeper.sweep();
      await next.services.background.drain(5000);
      for (const id of ids) {
        const request = (await next.store.getRequest(id))!;
        expect(request.state).toBe('pending_approval');
        expect(request.cards).toHaveLength(1);
        const cards = slack.callsTo('chat.postMessage').filter((c) => c.response?.ok === true && String(c.args.text).startsWith('Approval needed') && JSON.stringify(c.args.blocks).includes(id));
        expect(cards).toHaveLength(1);
      }
      // Another pass posts nothing more.
      const posted = slack.callsTo('chat.postMessage').length;
      clock.advance(STALLED_APPROVED_MS + 1);
      await next.services.sweeper.sweep();
      await next.services.background.drain(5000);
      expect(slack.callsTo('chat.postMessage')).toHaveLength(posted);
    });
  }, 30_000);
});
