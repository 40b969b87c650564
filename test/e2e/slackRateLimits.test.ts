// Slack's rate limits obeyed without stalling anyone (issue 17): a workspace whose messages Slack
// answers 429 parks those calls outside the background slot until Retry-After, while another workspace's
// import goes through the one slot and is told first; every message arrives once; a channel takes one
// message a second while another channel is not held up; and a message whose answer was lost, or a step
// run again by another replica, is never posted twice unmarked.
import type { ImportRequest } from '../../src/domain/importRequest.js';
import { SENT_AGAIN_NOTE } from '../../src/views/importMessages.js';
import { eventually, openImportModal, requestIdIn, submitModal, textOf, type TestBot } from '../support/bot.js';
import type { FakeSlack, SlackCall } from '../support/fakeSlack.js';
import { ADMIN, ALICE, BOB, CAROL, CHANNEL, fakeJwt, ORG, ORG_TWO, TEAM, TEAM_TWO, validImportValues } from '../support/fixtures.js';
import { scrape, valueOf } from '../support/metrics.js';
import { useBot } from '../support/world.js';

const ADMIN_TWO = 'U0ADMIN2T2';
const CHANNEL_TWO = 'C0TEAMTWO2';
const OTHER_CHANNEL = 'C0OTHERCH1';
const TOKEN_ONE = fakeJwt({ exp: 4102444800 });
const TOKEN_TWO = fakeJwt({ exp: 4070908800 });

/** `userId` of `teamId` runs /simplismart import in `channelId` and submits cluster `name`; resolves with the request id. */
async function importFrom(bot: TestBot, slack: FakeSlack, who: { teamId: string; userId: string; channelId: string }, name: string): Promise<string> {
  const view = await openImportModal(bot, slack, { ...who, text: 'provider=aws' });
  const response = await submitModal(bot, view, validImportValues({ cluster_name: name, cluster_region: 'us-west-2' }), who);
  return requestIdIn(response);
}

/** The messages Slack took (answered 200, ok) in `channel`: parents are those without a thread_ts. */
const postedIn = (slack: FakeSlack, channel: string): SlackCall[] => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && c.status === 200 && c.response?.ok === true);

describe('one workspace rate-limited, another not, one background slot', () => {
  const { bot, slack, settled } = useBot({
    slack: {
      teams: { [TEAM_TWO]: {} },
      users: { [ADMIN]: { is_admin: true }, [ADMIN_TWO]: { is_owner: true, team_id: TEAM_TWO }, [ALICE]: {}, [BOB]: { team_id: TEAM_TWO } },
      channels: { [CHANNEL]: {}, [CHANNEL_TWO]: { team_id: TEAM_TWO } },
    },
    oauth: { installs: [{ teamId: TEAM, userId: ADMIN }, { teamId: TEAM_TWO, userId: ADMIN_TWO }] },
    tokens: { [TOKEN_ONE]: ORG, [TOKEN_TWO]: ORG_TWO },
    connect: [
      { teamId: TEAM, token: TOKEN_ONE, orgId: ORG },
      { teamId: TEAM_TWO, token: TOKEN_TWO, orgId: ORG_TWO },
    ],
    env: { BACKGROUND_CONCURRENCY: '1' },
  });

  test('the limited workspace’s messages wait outside the slot; the other’s import is told first; every import ends, each message once; the wait is counted', async () => {
    const before = (await scrape(bot.url)).samples;
    // Slack refuses TEAM's messages for 5 s, asking for 2 s each time.
    slack.rateLimit('chat.postMessage', { teamId: TEAM, retryAfterSeconds: 2, forMs: 5000 });
    const limited = [await importFrom(bot, slack, { teamId: TEAM, userId: ALICE, channelId: CHANNEL }, 'Limited 1'), await importFrom(bot, slack, { teamId: TEAM, userId: ALICE, channelId: CHANNEL }, 'Limited 2')];
    // Both limited imports are waiting on Slack with their POSTs done (before: each then held the one slot, waiting inside the call).
    await slack.waitFor('chat.postMessage', (c) => c.status === 429, { count: 2, timeoutMs: 4000 });
    await eventually(async () => {
      for (const id of limited) expect((await bot.store.getRequest(id))?.state).toBe('succeeded');
    }, 3000);

    const other = await importFrom(bot, slack, { teamId: TEAM_TWO, userId: BOB, channelId: CHANNEL_TWO }, 'Not limited');
    const told = await settled(other, 'succeeded', { timeoutMs: 2500 });
    const toldAt = Date.now();
    // Told while the limited workspace is still waiting: none of its messages has gone through yet.
    expect(postedIn(slack, CHANNEL)).toHaveLength(0);
    expect(told.replies).toHaveLength(1);

    const ends = await Promise.all(limited.map((id) => settled(id, 'succeeded', { timeoutMs: 12_000 })));
    const firstLimitedPost = Math.min(...postedIn(slack, CHANNEL).map((c) => c.at));
    expect(firstLimitedPost).toBeGreaterThan(toldAt);
    // Each thread once: one parent per import, one outcome (settled checks the outcome), nothing doubled.
    expect(postedIn(slack, CHANNEL).filter((c) => c.args.thread_ts === undefined)).toHaveLength(2);
    for (const end of ends) expect(end.replies).toHaveLength(1);
    expect(postedIn(slack, CHANNEL_TWO).filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
    // A 429 is Slack refusing: none of those calls posted anything (the local Slack kept only the ones it took).
    expect(slack.messages().filter((m) => m.channel === CHANNEL && m.thread_ts === undefined)).toHaveLength(2);

    const after = (await scrape(bot.url)).samples;
    const parked = (valueOf(after, 'simplismart_slack_slack_rate_limited_seconds_total', { tier: 'special' }) ?? 0) - (valueOf(before, 'simplismart_slack_slack_rate_limited_seconds_total', { tier: 'special' }) ?? 0);
    // Two messages waited about five seconds each, parked.
    expect(parked).toBeGreaterThan(4);
    expect(valueOf(after, 'simplismart_slack_slack_parked_calls_total', { tier: 'special', reason: 'rate_limited' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(after, 'simplismart_slack_slack_api_calls_total', { method: 'chat.postMessage', result: 'rate_limited' })).toBeGreaterThanOrEqual(2);
    // Labels from fixed sets only: no workspace, channel or method beyond the known ones.
    expect(after.filter((s) => s.name === 'simplismart_slack_slack_rate_limited_seconds_total').map((s) => s.labels['tier'])).toEqual(['special']);
  }, 30_000);
});

describe('a channel takes one message a second', () => {
  const { bot, slack, settled } = useBot({ freshFakes: true, env: { SLACK_CHANNEL_INTERVAL_MS: '1000' } });

  test('three imports in one channel: its six messages a second apart; an import in another channel is not held up by them', async () => {
    const ids: string[] = [];
    for (const name of ['Paced 1', 'Paced 2', 'Paced 3']) ids.push(await importFrom(bot, slack, { teamId: TEAM, userId: ALICE, channelId: CHANNEL }, name));
    const submitted = Date.now();
    const elsewhere = await importFrom(bot, slack, { teamId: TEAM, userId: ALICE, channelId: OTHER_CHANNEL }, 'Elsewhere');
    await settled(elsewhere, 'succeeded', { timeoutMs: 3000 });
    for (const id of ids) await settled(id, 'succeeded', { timeoutMs: 12_000 });

    const inChannel = postedIn(slack, CHANNEL).map((c) => c.at);
    expect(inChannel).toHaveLength(6);
    const gaps = inChannel.slice(1).map((at, i) => at - inChannel[i]!).sort((a, b) => a - b);
    // One a second: turns are a second apart, so six messages span five seconds, less the lateness of
    // the first to arrive (a busy machine); the gaps' median is a second, give or take the HTTP hop.
    expect(inChannel[5]! - inChannel[0]!).toBeGreaterThanOrEqual(4500);
    expect(gaps[2]).toBeGreaterThanOrEqual(950);
    // The other channel's parent went at once, long before the paced channel's last message.
    const [otherParent] = postedIn(slack, OTHER_CHANNEL);
    expect(otherParent!.at - submitted).toBeLessThan(1500);
    expect(otherParent!.at).toBeLessThan(inChannel[5]!);
    // A reply in a thread waits for its channel's turn too: the paced wait is counted.
    const samples = (await scrape(bot.url)).samples;
    expect(valueOf(samples, 'simplismart_slack_slack_paced_seconds_total')).toBeGreaterThan(2);
  }, 30_000);
});

describe('a message never posted twice unmarked', () => {
  const { bot, bots, slack } = useBot({ freshFakes: true, replicas: 2 });

  test('Slack takes the outcome but its answer is lost: it is posted once more, saying so — not twice the same', async () => {
    slack.failNext('chat.postMessage', { delayMs: 0 }); // the parent: answered
    slack.failNext('chat.postMessage', { answerLost: true }); // the outcome: posted, its answer never arrives
    const id = await importFrom(bot, slack, { teamId: TEAM, userId: ALICE, channelId: CHANNEL }, 'Lost answer');
    await eventually(() => expect(slack.callsTo('chat.postMessage').filter((c) => c.status === 200)).toHaveLength(2), 4000);
    const request = (await bot.store.getRequest(id))!;
    expect(request.state).toBe('succeeded');
    const outcomes = slack.messages().filter((m) => m.thread_ts === request.thread!.ts && /is imported into Simplismart/.test(textOf(m)));
    expect(outcomes).toHaveLength(2);
    // The first as Slack took it; the second says it may repeat it.
    expect(textOf(outcomes[0])).not.toContain('Sent again');
    expect(textOf(outcomes[1])).toContain(SENT_AGAIN_NOTE.replace(':repeat: ', ''));
    expect(slack.callsTo('chat.postMessage').filter((c) => c.lost === true)).toHaveLength(1);
    expect(bot.logs.some((l) => l.includes('answer to a message was lost'))).toBe(true);
  });

  test('another replica launching a request whose thread is still being posted posts neither parent nor card twice', async () => {
    await bot.store.saveApprovalPolicy(
      TEAM,
      { required: true, approverUserIds: [BOB, CAROL], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' },
      ADMIN,
      bot.clock.now(),
    );
    try {
      // The parent takes Slack three seconds to answer: meanwhile the second replica launches it too (the sweeper would).
      slack.failNext('chat.postMessage', { delayMs: 3000 });
      const id = await importFrom(bot, slack, { teamId: TEAM, userId: ALICE, channelId: CHANNEL }, 'Launched twice');
      await eventually(() => expect(slack.callsTo('chat.postMessage')).toHaveLength(1));
      const stored = (await bots[1]!.store.getRequest(id)) as ImportRequest;
      expect(stored.thread).toBeNull();
      await expect(bots[1]!.services.requests.launch(stored)).rejects.toMatchObject({ code: 'thread_being_opened' });

      let request: ImportRequest | undefined;
      await eventually(async () => {
        request = await bot.store.getRequest(id);
        expect(request?.cards).toHaveLength(1);
      }, 15_000);
      await bot.services.background.drain(10_000);
      // This request's parent (an earlier test's import may still be finishing in the same channel).
      const parents = slack.messages().filter((m) => m.channel === CHANNEL && m.thread_ts === undefined && String(m.text).includes(id));
      expect(parents).toHaveLength(1);
      const inThread = slack.messages().filter((m) => m.thread_ts === request!.thread!.ts);
      // The "submitted" line and the approval card, once each.
      expect(inThread).toHaveLength(2);
      // The launch run again later finds everything posted: nothing more.
      await bots[1]!.services.requests.launch((await bots[1]!.store.getRequest(id))!);
      expect(slack.messages().filter((m) => m.channel === CHANNEL && (String(m.text).includes(id) || m.thread_ts === request!.thread!.ts))).toHaveLength(3);
    } finally {
      await bot.store.saveApprovalPolicy(TEAM, { required: false, approverUserIds: [], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' }, ADMIN, bot.clock.now());
    }
  }, 40_000);
});
