// The SQLite file is deleted, or replaced by another database, under a running bot (in a workspace
// that requires approval): /readyz turns 503, people are told that nothing was saved, an approval
// policy is not saved, an import is neither stored nor sent — whatever the file now at the path says —
// and the log says once what happened and what to do.
import { renameSync, rmSync } from 'node:fs';
import { openStore } from '../../src/store/openStore.js';
import { commandReply, openImportModal, pause, runCommand, submitModal, type TestBot } from '../support/bot.js';
import { ADMIN, ALICE, BOB, TEAM, validImportValues } from '../support/fixtures.js';
import { fillModal } from '../support/modalState.js';
import { viewSubmission } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

interface Loss {
  what: string;
  /** What the log and the errors say happened to the file. */
  said: RegExp;
  lose(file: string, bot: TestBot): Promise<void>;
}

const losses: Loss[] = [
  {
    what: 'deleted',
    said: /was deleted while the bot was running/,
    lose: async (file) => rmSync(file),
  },
  {
    what: 'replaced by another database',
    said: /was replaced by another file while the bot was running/,
    // A valid database of this bot, the workspace connected but no approval policy (an older backup,
    // say): read as if it were the database, it would let imports through without approval.
    lose: async (file, bot) => {
      const otherFile = `${file}.older`;
      const other = await openStore(`sqlite:${otherFile}`);
      try {
        await other.migrate();
        await other.saveConnection((await bot.store.getConnection(TEAM))!);
      } finally {
        await other.close();
      }
      renameSync(otherFile, file);
    },
  },
];

describe.each(losses)('the SQLite file $what under a running bot', (loss) => {
  const { bot, slack, simplismart, database } = useBot({ slack: { users: { [ADMIN]: { is_admin: true }, [ALICE]: {}, [BOB]: {} } } });

  beforeAll(async () => {
    await bot.store.saveApprovalPolicy(
      TEAM,
      { required: true, approverUserIds: [BOB], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' },
      ADMIN,
      bot.clock.now(),
    );
  });

  test('readyz 503; policy and import refused, told inline; nothing stored or sent; one log line says what to do', async () => {
    const readyz = () => fetch(`${bot.url}/readyz`).then((r) => r.status);
    expect(await readyz()).toBe(200);
    // Both forms are open before the file goes.
    const importForm = await openImportModal(bot, slack, { text: 'provider=aws' });
    expect(JSON.stringify(importForm)).toContain('need 1 approval');
    const opened = slack.callsTo('views.open').length;
    await runCommand(bot, 'approvals', { userId: ADMIN });
    await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= opened);
    const policyForm = slack.lastView() as Record<string, unknown>;

    const file = database.file;
    await loss.lose(file, bot);

    for (let i = 0; i < 3; i++) expect(await readyz()).toBe(503);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);

    // An admin turns approval off: refused, and told so in the form.
    const policy = await bot.send(
      viewSubmission({ teamId: TEAM, userId: ADMIN, view: policyForm, stateValues: fillModal(policyForm, { policy_required: [], policy_users: [], policy_approvals_needed: '1', policy_expiry_hours: '24' }) }),
    );
    expect(policy.json).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(policy.json)).toMatch(/nothing was saved/);

    // An import: refused inline, the form stays open; not stored, not sent — twice, in case the first
    // refusal were a fluke.
    for (let i = 0; i < 2; i++) {
      const refused = await submitModal(bot, importForm, validImportValues({ cluster_region: 'us-west-2' }));
      expect(refused.json).toMatchObject({ response_action: 'errors' });
      expect(JSON.stringify(refused.json)).toMatch(/database isn’t answering, so this import was not saved/);
    }

    // A command that reads the store says the database isn't answering.
    expect((await commandReply(bot, slack, 'status', {}, { timeoutMs: 5000 })).text).toMatch(/database isn’t answering/);

    await pause(300);
    expect(simplismart.importRequests()).toHaveLength(0);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);

    // Said once, however many calls met it, with what to do.
    const said = bot.logs.filter((line) => line.includes('"code":"store_lost"'));
    expect(said).toHaveLength(1);
    const line = JSON.parse(said[0]!) as { level: number; msg: string };
    expect(line.level).toBe(50);
    expect(line.msg).toContain(file);
    expect(line.msg).toMatch(loss.said);
    expect(line.msg).toMatch(/Put the file back where it was \(or restore it from a backup\) and restart the bot/);
  });
});
