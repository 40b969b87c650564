// Workflow Builder steps when any workspace installs the app (OAuth), on SQLite and on PostgreSQL: a step
// acts for the workspace Bolt authorized, with that workspace's own Simplismart connection; a workspace
// that is installed but not connected, and one the app was removed from, get their step failed at once,
// saying why — never left running.
import { UNINSTALLED_STEP_ERROR } from '../../src/app.js';
import { STEP } from '../../src/domain/stepExecution.js';
import { NOT_CONNECTED_REASON } from '../../src/services/requestIntake.js';
import { eventually } from '../support/bot.js';
import { ADMIN, ALICE, CHANNEL, fakeJwt, ORG, TEAM, TEAM_TWO } from '../support/fixtures.js';
import { eventCallback, functionExecuted } from '../support/slackRequests.js';
import { postgresDatabase, sqliteFile, useBot, type BotDatabase } from '../support/world.js';

const ADMIN_TWO = 'U0ADMINTW2';
const TOKEN = fakeJwt();
const GROUPS = JSON.stringify([{ name: 'gpu-pool', is_auxilliary: false, node_config: { machine_type: 'g5.2xlarge', capacity_type: 'ON_DEMAND', min_node_count: 0, max_node_count: 3 } }]);

describe.each([
  ['sqlite', sqliteFile],
  ['postgres', postgresDatabase],
] as const)('Workflow Builder steps across installations on %s', (_engine, database) => {
  const { bot, slack, simplismart } = useBot<BotDatabase>({
    database,
    slack: { users: { [ADMIN]: { is_admin: true }, [ALICE]: {}, [ADMIN_TWO]: { is_admin: true, team_id: TEAM_TWO } } },
    oauth: { installs: [{ teamId: TEAM, userId: ADMIN }, { teamId: TEAM_TWO, userId: ADMIN_TWO }] },
    tokens: { [TOKEN]: ORG },
    connect: [{ teamId: TEAM, token: TOKEN, orgId: ORG }],
  });
  const inputs = (name: string) => ({ name, provider: 'aws', region: 'us-west-2', node_groups: GROUPS, channel: CHANNEL, requester: ALICE });

  async function stepIn(teamId: string, name: string) {
    const execution = slack.startExecution(STEP.importCluster, teamId, inputs(name));
    expect((await bot.send(functionExecuted(execution))).status).toBe(200);
    await eventually(() => expect(slack.execution(execution.id).state).not.toBe('running'));
    return slack.execution(execution.id);
  }

  test('an installed, connected workspace: the step imports with the workspace’s own token and completes', async () => {
    const done = await stepIn(TEAM, 'Installed Cluster');
    expect(done.state).toBe('completed');
    expect(simplismart.importRequests().filter((r) => (r.json as { name?: string }).name === 'Installed Cluster').map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);
  });

  test('installed but not connected to Simplismart: the step fails at once, saying an admin must connect', async () => {
    const done = await stepIn(TEAM_TWO, 'Unconnected Cluster');
    expect(done).toMatchObject({ state: 'failed', error: NOT_CONNECTED_REASON });
    expect(await bot.store.listRequests(TEAM_TWO, 10)).toEqual([]);
  });

  test('the app removed from the workspace: the step fails at once, saying the app is not installed', async () => {
    slack.uninstall({ teamId: TEAM });
    expect((await bot.send(eventCallback({ teamId: TEAM, event: { type: 'app_uninstalled' } }))).status).toBe(200);
    await eventually(async () => expect(await bot.store.getInstallation(`team:${TEAM}`)).toBeUndefined());
    const before = simplismart.importCount();
    const done = await stepIn(TEAM, 'Uninstalled Cluster');
    expect(done).toMatchObject({ state: 'failed', error: UNINSTALLED_STEP_ERROR });
    expect(simplismart.importCount()).toBe(before);
  });
});
