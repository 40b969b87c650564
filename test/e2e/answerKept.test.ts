// Simplismart answers, and the store refuses every write for the next 60 s (another process holds the
// SQLite write lock; PostgreSQL is cut off, from this bot and from a second replica): the bot keeps the
// answer, tells it in the thread at once, saves it when the store is back — the request ends
// `succeeded` with its UUID, one POST, no "unknown" told anywhere. Real time: the leases lapse during
// the outage as they would in production, and every sweeper runs each second. And a bot that stops
// while it still holds an answer: the next one's recovery tells the thread what happened.
import { IMPORT_LEASE_MS } from '../../src/services/importRunner.js';
import { eventually, ManualClock, openImportModal, requestIdIn, submitModal, WallClock } from '../support/bot.js';
import { simplismartFaults } from '../support/fakeSimplismart.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { validImportValues } from '../support/fixtures.js';
import { postgresBehindProxy, sqliteWriteLock, type StoreOutage } from '../support/storeOutages.js';
import { withWorld } from '../support/world.js';

const OUTAGE_MS = 60_000;

interface Engine extends StoreOutage {
  /** Other bots on the same database, which must not take the import either. */
  replicas: number;
}

async function sqlite(): Promise<Engine> {
  return { ...sqliteWriteLock(), replicas: 0 };
}

async function postgres(): Promise<Engine> {
  return { ...(await postgresBehindProxy()), replicas: 1 };
}

/** Everything the bot said in Slack: thread replies, the parent and its updates, ephemeral notes. */
function everythingTold(slack: FakeSlack): string {
  return JSON.stringify(slack.calls.filter((c) => /^chat\.|^response_url$/.test(c.method)).map((c) => c.args));
}

test.concurrent.each([['sqlite', sqlite], ['postgres', postgres]] as const)(
  '%s: an answer from Simplismart outlives a 60 s store outage right after the POST',
  async (_name, makeEngine) => {
    const engine = await makeEngine();
    // The bot and its replicas; real time, every sweeper each second.
    await withWorld({ database: () => engine, replicas: 1 + engine.replicas, clock: new WallClock(), sweepIntervalMs: 1000 }, async ({ bot, bots, slack, simplismart }) => {
      const view = await openImportModal(bot, slack, { text: 'provider=aws' });
      // The import is created on arrival; the answer leaves 500 ms later, into the outage.
      simplismart.nextResponse(simplismartFaults.slow(500));
      const id = requestIdIn(await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2' })));
      await simplismart.waitForRequest(undefined, { timeoutMs: 5000 });
      await engine.breakIt();
      const brokenAt = Date.now();
      const uuid = () => simplismart.clusters[0]!.uuid;

      // Slack is up: the outcome is told at once, with its UUID, and that saving is delayed.
      await eventually(() => {
        const told = everythingTold(slack);
        expect(told).toContain('is imported into Simplismart');
        expect(told).toContain(uuid());
        expect(told).toContain('Saving is delayed');
      }, 15_000);

      // The outage outlasts the lease (which lapses unrenewed) and the old retry budget (~45 s).
      expect(OUTAGE_MS).toBeGreaterThan(IMPORT_LEASE_MS + 5000);
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - brokenAt)));
      await engine.mendIt();

      await eventually(async () => {
        const request = await bot.store.getRequest(id);
        expect(request?.state).toBe('succeeded');
      }, 15_000);
      const request = (await bot.store.getRequest(id))!;
      expect(request.outcome).toMatchObject({ kind: 'imported', cluster: { uuid: uuid() } });
      expect(request.lease).toBeNull();
      const events = await bot.store.listEvents(id);
      expect(events.map((e) => e.toState)).toEqual(['approved', 'importing', 'succeeded']);
      await eventually(() => expect(everythingTold(slack)).toContain('Saved: the outcome above is now in the request’s history'), 5000);

      // Let every sweeper have a few more passes: nobody reconsiders a request that is settled.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await bot.store.getRequest(id))?.state).toBe('succeeded');
      expect(simplismart.importRequests()).toHaveLength(1);
      expect(everythingTold(slack)).not.toMatch(/unknown/i);
      const logs = bots.flatMap((b) => b.logs).join('\n');
      expect(logs).toContain('Simplismart answered but the store does not take the answer yet');
      expect(logs).not.toMatch(/restart|outcome_unknown/);
    });
  },
  OUTAGE_MS + 45_000,
);

test('a bot that stops holding an unsaved answer: the next one’s recovery tells the thread just that, nothing is re-sent', async () => {
  // A restart is another bot with the same options, on the same store.
  const env = { SHUTDOWN_GRACE_MS: '500' };
  const clock = new ManualClock();
  await withWorld({ database: sqliteWriteLock, clock, env }, async ({ bot: first, slack, simplismart, database: outage, startBot }) => {
    const view = await openImportModal(first, slack, { text: 'provider=aws' });
    simplismart.nextResponse(simplismartFaults.slow(300));
    const id = requestIdIn(await submitModal(first, view, validImportValues({ cluster_region: 'us-west-2' })));
    await simplismart.waitForRequest(undefined, { timeoutMs: 5000 });
    // The thread's place saved before the store goes: with a background thread, the import's POST and
    // that save run beside the test, not before it as on one thread; the answer is what must go unsaved.
    await eventually(async () => expect((await first.store.getRequest(id))?.thread).not.toBeNull(), 5000);
    await outage.breakIt();
    const uuid = () => simplismart.clusters[0]!.uuid;
    await eventually(() => expect(everythingTold(slack)).toContain('Saving is delayed'), 10_000);

    // It stops while the store still refuses: the answer is given up, in full in the log.
    await first.stop();
    const given = first.logs.filter((l) => l.includes('stopping with an answer from Simplismart that the store never took'));
    expect(given).toHaveLength(1);
    expect(given[0]).toContain(uuid());
    await outage.mendIt();

    const next = await startBot({ databaseUrl: outage.databaseUrl, clock, env });
    const sweep = () => next.services.sweeper.sweep();
    expect((await next.store.getRequest(id))?.state).toBe('importing');
    clock.advance(IMPORT_LEASE_MS + 1);
    await sweep();
    clock.advance(IMPORT_LEASE_MS);
    await sweep();
    expect((await next.store.getRequest(id))?.state).toBe('outcome_unknown');
    const thread = slack.messages().filter((m) => m.thread_ts !== undefined).map((m) => JSON.stringify(m.blocks));
    const at = (text: string) => thread.findIndex((m) => m.includes(text));
    expect(at(uuid())).toBeGreaterThan(-1);
    expect(at('Saving is delayed')).toBeGreaterThan(at(uuid()));
    const recovered = at('The bot stopped before it saved how this import ended');
    expect(recovered).toBeGreaterThan(at('Saving is delayed'));
    expect(thread[recovered]).toContain('If Simplismart’s answer is told above in this thread, that is the outcome');
    expect(simplismart.importRequests()).toHaveLength(1);
    expect(next.logs.join('\n')).not.toMatch(/restart/);
  });
}, 30_000);
