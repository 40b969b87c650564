// One workspace floods the bot with imports while another submits one: with Simplismart taking its
// time (as a real import does), the other workspace's import is sent within the first few that free a
// place, not after the flood — background work waits in one line per workspace, served in turn — and
// every import of both is sent exactly once.
import { ADMIN, ALICE, CAROL, CHANNEL, fakeJwt, ORG, ORG_TWO, TEAM, TEAM_TWO, validImportValues } from '../support/fixtures.js';
import { eventually, openImportModal, requestIdIn, submitModal } from '../support/bot.js';
import { useBot } from '../support/world.js';

const CHANNEL_TWO = 'C0NEIGHBR2';
const ADMIN_TWO = 'U0ADMNNBR2';
const TOKEN_ONE = fakeJwt();
const TOKEN_TWO = fakeJwt();
const FLOOD = 40;
/** Imports started at most with one slot (STARTED_PER_SLOT): the flood's that may go before the neighbour's. */
const STARTED = 8;

const { bot, slack, simplismart } = useBot({
  slack: {
    teams: { [TEAM_TWO]: {} },
    users: { [ADMIN]: { is_admin: true }, [ALICE]: {}, [ADMIN_TWO]: { is_admin: true, team_id: TEAM_TWO }, [CAROL]: { team_id: TEAM_TWO } },
    channels: { [CHANNEL]: {}, [CHANNEL_TWO]: { team_id: TEAM_TWO } },
  },
  oauth: { installs: [{ teamId: TEAM, userId: ADMIN }, { teamId: TEAM_TWO, userId: ADMIN_TWO }] },
  tokens: { [TOKEN_ONE]: ORG, [TOKEN_TWO]: ORG_TWO },
  connect: [
    { teamId: TEAM, token: TOKEN_ONE, orgId: ORG },
    { teamId: TEAM_TWO, token: TOKEN_TWO, orgId: ORG_TWO },
  ],
  // One slot (8 imports started at most): the flood cannot all be out at once.
  env: { BACKGROUND_CONCURRENCY: '1', SIMPLISMART_TIMEOUT_MS: '5000' },
});

test('a flood of imports from one workspace: another workspace’s single import is sent within the first few to free a place, and every import once', async () => {
  simplismart.setBehaviour({ kind: 'delay', delayMs: 2000 });
  const flood: string[] = [];
  for (let i = 0; i < FLOOD; i += 1) {
    const view = await openImportModal(bot, slack, { userId: ALICE, text: 'provider=aws' });
    flood.push(requestIdIn(await submitModal(bot, view, validImportValues({ cluster_name: `Flood ${i}`, cluster_region: 'us-west-2' }), { userId: ALICE })));
  }
  const view = await openImportModal(bot, slack, { teamId: TEAM_TWO, userId: CAROL, channelId: CHANNEL_TWO, text: 'provider=aws' });
  // How far the flood had got when the neighbour submits (a loaded machine submits the flood slowly).
  const sentBefore = simplismart.importRequests().length;
  expect(FLOOD - sentBefore).toBeGreaterThan(STARTED + 1);
  const single = requestIdIn(await submitModal(bot, view, validImportValues({ cluster_name: 'Neighbour', cluster_region: 'us-west-2' }), { teamId: TEAM_TWO, userId: CAROL }));

  await eventually(() => expect(simplismart.importRequests()).toHaveLength(FLOOD + 1), 30_000);
  const order = simplismart.importRequests().map((r) => r.headers.authorization);
  // Behind what was sent already, at most the 8 started (one slot × 8); one of them ends, and it is next —
  // not behind the rest of the flood.
  expect(order.indexOf(`Bearer ${TOKEN_TWO}`)).toBeLessThanOrEqual(sentBefore + STARTED + 1);
  expect(order.filter((a) => a === `Bearer ${TOKEN_ONE}`)).toHaveLength(FLOOD);
  for (const id of [...flood, single]) await eventually(async () => expect((await bot.store.getRequest(id))?.state).toBe('succeeded'), 30_000);
}, 90_000);
