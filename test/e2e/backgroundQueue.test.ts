// The work after an ack: how much of it an import costs in Slack Web API calls (so the count cannot
// silently grow again), and the bounded queue it runs in — a backlog beyond the concurrency limit does
// not hold up acks, and work still queued when the bot stops is resumed from the request rows after a
// restart, each import sent exactly once.
import { threadTsOf } from '../../src/domain/importRequest.js';
import { STALLED_APPROVED_MS } from '../../src/services/sweeper.js';
import { ADMIN, ALICE, BOB, CHANNEL, TEAM, validImportValues } from '../support/fixtures.js';
import { eventually, ManualClock, openImportModal, requestIdIn, submitModal, type TestBot } from '../support/bot.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { useBot, withWorld } from '../support/world.js';

/** Submits the import form for cluster `name` (AWS, us-west-2) as `userId`; resolves with the request id and how long the ack took. */
async function submitImport(bot: TestBot, slack: FakeSlack, name: string, userId = ALICE): Promise<{ id: string; ms: number }> {
  const view = await openImportModal(bot, slack, { userId, text: 'provider=aws' });
  const response = await submitModal(bot, view, validImportValues({ cluster_name: name, cluster_region: 'us-west-2' }), { userId });
  expect(response.status).toBe(200);
  return { id: requestIdIn(response), ms: response.ms };
}

describe('Slack Web API calls per import', () => {
  const { bot, slack, settled } = useBot({ freshFakes: true });

  test('an import that needs no approval: its parent (saying "Importing"), its outcome, one update of the parent — 3 calls', async () => {
    // Before: 7 (parent, permalink, "submitted", "importing", outcome, two updates of the parent).
    for (const round of [1, 2, 3]) {
      const view = await openImportModal(bot, slack, { text: 'provider=aws' });
      slack.clearCalls();
      const response = await submitModal(bot, view, validImportValues({ cluster_name: `Cluster ${round}`, cluster_region: 'us-west-2' }));
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
    // Inline: the test holds the slots with closures of its own, which cannot cross to the background thread.
    const env = { BACKGROUND_CONCURRENCY: '2', SHUTDOWN_GRACE_MS: '200', BACKGROUND_THREAD: 'inline' };
    await withWorld({ clock, env }, async ({ bot: first, slack, simplismart, startBot, database }) => {
      // Both slots busy (CPU-bound work stands in for an overloaded bot): whatever comes next waits.
      let free = (): void => undefined;
      const busy = new Promise<void>((resolve) => {
        free = resolve;
      });
      first.services.background.run('busy', () => busy);
      first.services.background.run('busy', () => busy);
      const submitted: Array<{ id: string; ms: number }> = [];
      for (let i = 1; i <= 5; i++) submitted.push(await submitImport(first, slack, `Queued ${i}`));
      // Every submission was acked with its request stored, while its import waited in the backlog.
      expect(first.services.background.running).toBe(2);
      expect(first.services.background.queued).toBe(5);
      expect(first.services.background.size).toBe(7);
      for (const { ms } of submitted) expect(ms).toBeLessThan(1000);
      const states = async (bot: TestBot) => Promise.all(submitted.map(async ({ id }) => (await bot.store.getRequest(id))?.state));
      expect(await states(first)).toEqual(Array(5).fill('approved'));

      await first.stop();
      free();
      expect(first.logs.join('\n')).toContain('stopping with background work not started');
      // Nothing of them was sent or posted; their rows say what is left to do.
      expect(simplismart.importRequests()).toHaveLength(0);
      expect(slack.callsTo('chat.postMessage')).toHaveLength(0);

      const next = await startBot({ databaseUrl: database.databaseUrl, clock, env });
      expect(await states(next)).toEqual(Array(5).fill('approved'));
      // A queued import is resumed once it has waited as long as a stalled one.
      clock.advance(STALLED_APPROVED_MS + 1);
      await next.services.sweeper.sweep();
      await next.services.background.drain(5000);
      await eventually(async () => expect(await states(next)).toEqual(Array(5).fill('succeeded')), 10_000);

      // One POST per request; each told in one thread of its own, from one parent.
      const posts = simplismart.importRequests().map((r) => (JSON.parse(r.body) as { name: string }).name).sort();
      expect(posts).toEqual(['Queued 1', 'Queued 2', 'Queued 3', 'Queued 4', 'Queued 5']);
      for (const { id } of submitted) {
        const request = (await next.store.getRequest(id))!;
        const parents = slack.callsTo('chat.postMessage').filter((c) => c.response?.ok === true && c.args.thread_ts === undefined && String(c.args.text).includes(`(${id})`));
        expect(parents).toHaveLength(1);
        expect(parents[0]!.response.ts).toBe(request.thread!.ts);
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
    const env = { BACKGROUND_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '0', BACKGROUND_THREAD: 'inline' };
    await withWorld({ clock, env }, async ({ bot: first, slack, startBot, database }) => {
      await first.store.saveApprovalPolicy(
        TEAM,
        { required: true, approverUserIds: [BOB], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 86_400, approvalsChannelId: null, nodeGroupsApproval: 'same' },
        ADMIN,
        clock.now(),
      );
      // The one slot is busy: the launches wait behind it.
      let free = (): void => undefined;
      const busy = new Promise<void>((resolve) => {
        free = resolve;
      });
      first.services.background.run('busy', () => busy);
      const ids: string[] = [];
      for (let i = 1; i <= 3; i++) ids.push((await submitImport(first, slack, `Pending ${i}`)).id);
      expect(first.services.background.queued).toBe(3);
      await first.stop();
      free();
      expect(slack.callsTo('chat.postMessage')).toHaveLength(0);

      // Never launched: no thread, no card — only their rows, which the next bot reads.
      const next = await startBot({ databaseUrl: database.databaseUrl, clock, env });
      for (const id of ids) expect(await next.store.getRequest(id)).toMatchObject({ state: 'pending_approval', thread: null, cards: [] });

      clock.advance(STALLED_APPROVED_MS + 1);
      await next.services.sweeper.sweep();
      await next.services.background.drain(5000);
      for (const id of ids) {
        const request = (await next.store.getRequest(id))!;
        expect(request.state).toBe('pending_approval');
        expect(request.cards).toHaveLength(1);
        expect(request.thread).not.toBeNull();
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

  test('requests left stalled are handed back to the queue in a batch, not resumed one after the other: a dozen slow imports take about one import’s time, each sent once', async () => {
    const clock = new ManualClock();
    const env = { BACKGROUND_CONCURRENCY: '2', SHUTDOWN_GRACE_MS: '0', BACKGROUND_THREAD: 'inline' };
    const COUNT = 12;
    await withWorld({ clock, env }, async ({ bot: first, slack, simplismart, startBot, database }) => {
      let free = (): void => undefined;
      const busy = new Promise<void>((resolve) => {
        free = resolve;
      });
      first.services.background.run('busy', () => busy);
      first.services.background.run('busy', () => busy);
      const ids: string[] = [];
      for (let i = 1; i <= COUNT; i++) ids.push((await submitImport(first, slack, `Stalled ${i}`)).id);
      await first.stop();
      free();
      expect(simplismart.importRequests()).toHaveLength(0);

      // The next bot as production runs it (its sweeper in the background thread); Simplismart takes a second per import.
      simplismart.setBehaviour({ kind: 'delay', delayMs: 1000 });
      const next = await startBot({ databaseUrl: database.databaseUrl, clock, env: { ...env, BACKGROUND_THREAD: 'worker' } });
      clock.advance(STALLED_APPROVED_MS + 1);
      const started = Date.now();
      await next.services.sweeper.sweep();
      const states = async () => Promise.all(ids.map(async (id) => (await next.store.getRequest(id))?.state));
      await eventually(async () => expect(await states()).toEqual(Array(COUNT).fill('succeeded')), 20_000);
      // One after the other: at least COUNT seconds. Handed back together, they wait on Simplismart at once.
      expect(Date.now() - started).toBeLessThan(COUNT * 1000 / 2);
      const posts = simplismart.importRequests().map((r) => (JSON.parse(r.body) as { name: string }).name).sort();
      expect(posts).toEqual(ids.map((_, i) => `Stalled ${i + 1}`).sort());
      // Another pass hands nothing back.
      clock.advance(STALLED_APPROVED_MS + 1);
      await next.services.sweeper.sweep();
      await next.services.background.drain(5000);
      expect(simplismart.importRequests()).toHaveLength(COUNT);
    });
  }, 60_000);
});
