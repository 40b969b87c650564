// The store goes away (PostgreSQL stops; another process locks the SQLite file) and comes back:
// /readyz says so, people get a clear message and keep their form, nothing crashes, it recovers.
import { eventually, openImportModal, runCommand, submitModal } from '../support/bot.js';
import { validImportValues } from '../support/fixtures.js';
import { postgresBehindProxy, sqliteWriteLock, type StoreOutage } from '../support/storeOutages.js';
import { useBot } from '../support/world.js';

interface Outage {
  name: string;
  /** SQLite in WAL mode still reads while another process holds the write lock. */
  readsWork: boolean;
  make: () => Promise<StoreOutage>;
}

const outages: Outage[] = [
  { name: 'PostgreSQL stops', readsWork: false, make: postgresBehindProxy },
  { name: 'another process locks the SQLite file', readsWork: true, make: async () => sqliteWriteLock() },
];

describe.each(outages)('$name', ({ readsWork, make }) => {
  const { bot, slack, simplismart, database: outage } = useBot({ database: make });

  test('readyz fails, people are told and keep their form, help still answers; all recovers', async () => {
    const readyz = () => fetch(`${bot.url}/readyz`).then((r) => r.status);
    expect(await readyz()).toBe(200);
    const view = await openImportModal(bot, slack, { text: 'provider=aws' });

    await outage.breakIt();
    await eventually(async () => expect(await readyz()).toBe(503), 8000);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);

    // The form being submitted is refused inline and stays open; nothing is sent.
    const refused = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2' }));
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(refused.json)).toMatch(/database isn’t answering/);
    expect(simplismart.importCount()).toBe(0);

    // A command that reads the store is answered: with the answer when reads still work, otherwise
    // with what is wrong and what to do.
    await runCommand(bot, 'status', { responseUrl: slack.responseUrl('outage-status') });
    const told = await slack.waitFor('response_url', (c) => c.responseUrlId === 'outage-status', { timeoutMs: 8000 });
    expect(String(told.args['text'])).toMatch(readsWork ? /Connected to Simplismart/ : /database isn’t answering/);

    // Commands that need nothing stored still work.
    const help = await runCommand(bot, 'help');
    expect(help.status).toBe(200);
    expect(JSON.stringify(help.json)).toContain('/simplismart import');

    await outage.mendIt();
    await eventually(async () => expect(await readyz()).toBe(200), 8000);
    const accepted = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2' }));
    expect(accepted.json).toMatchObject({ response_action: 'update' });
    await eventually(() => expect(simplismart.importCount()).toBe(1));
  }, 30_000);
});
