// BACKGROUND_THREAD=worker (the default): what runs after an ack — the import, its thread messages —
// runs in the background thread, not in the thread that acks; /metrics serves both threads' series as
// one process's; and a background thread that dies is said, counted and restarted, the bot carrying on.
import { IMPORT_LEASE_MS } from '../../src/services/importRunner.js';
import { STALLED_APPROVED_MS } from '../../src/services/sweeper.js';
import { eventually, ManualClock, openImportModal, requestIdIn, submitModal, type TestBot } from '../support/bot.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { validImportValues } from '../support/fixtures.js';
import { scrape, valueOf } from '../support/metrics.js';
import { useBot, withWorld } from '../support/world.js';

const { bot, slack, simplismart, settled } = useBot({ env: { BACKGROUND_THREAD: 'worker', BACKGROUND_CONCURRENCY: '3' } });

async function submitImport(name: string): Promise<string> {
  const view = await openImportModal(bot, slack, { text: 'provider=aws' });
  return requestIdIn(await submitModal(bot, view, validImportValues({ cluster_name: name, cluster_region: 'us-west-2' })));
}

const logged = (): Array<Record<string, unknown>> => bot.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
const postsOf = (name: string) => simplismart.importRequests().filter((r) => (JSON.parse(r.body) as { name: string }).name === name);

test('the work after an ack runs in the background thread; /metrics merges both threads’ series', async () => {
  const id = await submitImport('Off Thread');
  await settled(id, 'succeeded');
  const finished = logged().filter((line) => line['requestId'] === id && line['msg'] === 'request finished');
  expect(finished).toHaveLength(1);
  expect(finished[0]!['thread']).toBe('background');
  expect(postsOf('Off Thread')).toHaveLength(1);

  const { samples } = await scrape(bot.url);
  // Only the background thread posts to channels: its counts reach the acking thread's /metrics.
  expect(valueOf(samples, 'simplismart_slack_slack_api_calls_total', { method: 'chat.postMessage' })).toBeGreaterThan(0);
  expect(valueOf(samples, 'simplismart_slack_simplismart_requests_total')).toBeGreaterThanOrEqual(1);
  // The queue's slots are the background thread's, counted once.
  expect(valueOf(samples, 'simplismart_slack_background_slots')).toBe(3);
  expect(valueOf(samples, 'simplismart_slack_acking_thread_cpu_seconds_total')).toBeGreaterThan(0);
  expect(valueOf(samples, 'simplismart_slack_background_thread_deaths_total')).toBe(0);
});

test('a background thread that dies is logged, counted and restarted; the next import goes through, once', async () => {
  await bot.backgroundThread!.kill();
  await eventually(() => expect(logged().some((line) => line['msg'] === 'the background thread died: restarting it; the work it had in hand resumes from the database (the sweeper)')).toBe(true));
  const { samples } = await scrape(bot.url);
  expect(valueOf(samples, 'simplismart_slack_background_thread_deaths_total')).toBe(1);

  const id = await submitImport('After Restart');
  await settled(id, 'succeeded');
  expect(postsOf('After Restart')).toHaveLength(1);
});

test('a background thread that keeps dying (more than 3 times in a minute) is not restarted again: the process is told to stop', async () => {
  const deaths = () => logged().filter((line) => String(line['msg']).startsWith('the background thread died')).length;
  const thread = bot.backgroundThread!;
  // The test above killed it once; two more deaths are restarted.
  while (deaths() < 3) {
    await thread.ready();
    const before = deaths();
    await thread.kill();
    await eventually(() => expect(deaths()).toBe(before + 1));
  }
  await thread.ready();
  await thread.kill();
  await eventually(() => expect(logged().some((line) => line['msg'] === 'the background thread keeps dying: stopping the process so that it is restarted')).toBe(true));
  expect(deaths()).toBe(3);
  const { samples } = await scrape(bot.url);
  expect(valueOf(samples, 'simplismart_slack_background_thread_deaths_total')).toBe(4);
});

test('stopped with imports in flight and queued (no grace left), the background thread says what it left; the restarted bot sends each import at most once and completes those that were queued', async () => {
  const clock = new ManualClock();
  // One slot: 8 imports started at most, the rest queued; no grace: the thread stops with both kinds.
  const env = { BACKGROUND_THREAD: 'worker', BACKGROUND_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '0', SIMPLISMART_TIMEOUT_MS: '5000' };
  await withWorld({ clock, env }, async ({ bot: first, slack: localSlack, simplismart: local, startBot, database }) => {
    local.setBehaviour({ kind: 'delay', delayMs: 1500 });
    const submit = async (target: TestBot, s: FakeSlack, name: string) => {
      const view = await openImportModal(target, s, { text: 'provider=aws' });
      return requestIdIn(await submitModal(target, view, validImportValues({ cluster_name: name, cluster_region: 'us-west-2' })));
    };
    const ids: string[] = [];
    for (let i = 1; i <= 12; i += 1) ids.push(await submit(first, localSlack, `Cut ${i}`));
    await eventually(() => expect(local.importRequests().length).toBeGreaterThanOrEqual(8));
    const stopLog = first.logs.length;
    await first.stop();
    const said = first.logs.slice(stopLog).map((line) => JSON.parse(line) as Record<string, unknown>);
    const left = said.find((line) => line['msg'] === 'shutdown grace ran out with work in flight; recovery settles it at next start');
    expect(left?.['thread']).toBe('background');
    const dropped = said.find((line) => String(line['msg']).startsWith('stopping with background work not started'));
    expect(dropped?.['thread']).toBe('background');
    const queued = dropped?.['requests'] as string[];
    expect(queued.length).toBeGreaterThan(0);
    const sentBefore = local.importRequests().length;
    expect(sentBefore + queued.length).toBe(12);

    local.setBehaviour(null);
    const next = await startBot({ databaseUrl: database.databaseUrl, clock, env });
    // Queued ones are stalled approved requests after STALLED_APPROVED_MS; those cut in flight are taken
    // only once their lapsed lease stayed unrenewed a whole lease period (then outcome unknown, not re-sent).
    clock.advance(Math.max(STALLED_APPROVED_MS, IMPORT_LEASE_MS) + 1);
    await next.services.sweeper.sweep();
    clock.advance(IMPORT_LEASE_MS + 1);
    await next.services.sweeper.sweep();
    const states = async () => Promise.all(ids.map(async (id) => (await next.store.getRequest(id))?.state));
    await eventually(async () => expect((await states()).every((s) => s === 'succeeded' || s === 'outcome_unknown')).toBe(true), 15_000);
    for (const id of queued) expect((await next.store.getRequest(id))?.state).toBe('succeeded');
    // At most one POST per request; exactly one for each, since every one was sent before or after the restart.
    const names = local.importRequests().map((r) => (JSON.parse(r.body) as { name: string }).name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(12);
  });
}, 60_000);
