// The App Home view within what Slack accepts — at most 100 blocks, every text and button within its
// limit, checked by the local Slack's own Block Kit rules — however long the lists and names, imports
// and node-group requests alike, with the workspace's clusters; each section a function of its own; and
// what each section shows for an admin and for anyone else, each request in its kind's words.
import type { KnownBlock } from '@slack/types';
import type { Approval, ImportRequest } from '../../src/domain/importRequest.js';
import { clusterOf } from '../../src/domain/workspaceCluster.js';
import { clustersHomeSection } from '../../src/views/clustersHome.js';
import { connectionSection, HOME_LIST_MAX, homeView, importSection, recentSection, waitingSection } from '../../src/views/home.js';
import { ACTION } from '../../src/views/ids.js';
import { viewProblems } from '../support/blockKitRules.js';
import { aBody, aNodeGroupsRequest, aRequest, T0 } from '../support/fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is inspected structurally. */
type Json = any;

const NOW = T0;
const longName = '<@U0EVIL> & '.repeat(60);
const connection = {
  teamId: 'T1',
  enterpriseId: null,
  tokenCiphertext: 'v1:x',
  tokenHint: 'eyJh…abcd',
  tokenExpiresAt: NOW + 3 * 86_400_000,
  orgId: '54360212-2263-44c6-afaf-1333544854f7',
  defaultHostedZone: null,
  defaultSecretId: null,
  connectedBy: 'U0ADMIN',
  connectedAt: NOW - 86_400_000,
};

/** A request of either kind (every third one adds 20 long-named node groups to a long-named cluster), its names at the longest. */
function longRequest(i: number, fields: Partial<ImportRequest>): ImportRequest {
  if (i % 3 !== 2) return aRequest(fields, aBody({ name: longName.slice(0, 200) }));
  const names = Array.from({ length: 20 }, (_, g) => `${longName.slice(0, 50)}${g}`);
  return aNodeGroupsRequest(names, { cluster: { id: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', name: longName.slice(0, 200), thread: null }, ...fields });
}

/** `count` pending requests, each named at the longest and with many approvers and votes. */
function waitingItems(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const request = longRequest(i, {
      id: `ir-wait${String(i).padStart(4, '2')}`,
      state: 'pending_approval',
      approval: { approvalsNeeded: 10, approverUserIds: Array.from({ length: 50 }, (_, j) => `U0APPROVER${j}`), approverGroupIds: ['S0A', 'S0B'], approvalsChannelId: null },
      expiresAt: NOW + 3_600_000,
      threadPermalink: `https://team.slack.com/archives/C1/p${i}`,
    });
    const approvals: Approval[] = Array.from({ length: 9 }, (_, j) => ({ requestId: request.id, approverId: `U0APPROVER${j}`, at: NOW }));
    return { request, approvals, approvedByYou: i % 2 === 0 };
  });
}

const recent = Array.from({ length: 30 }, (_, i) =>
  longRequest(i, { id: `ir-recent${String(i).padStart(3, '2')}`, state: 'failed', createdAt: NOW - i * 60_000, threadPermalink: `https://team.slack.com/archives/C1/p${i}` }),
);

/** 50 clusters imported through the bot, each named at the longest, with 30 node groups. */
const clusters = Array.from({ length: 50 }, (_, i) => {
  const name = `${longName.slice(0, 190)} ${i}`;
  const body = aBody({ name, nodegroup_labels: Array.from({ length: 30 }, (_, g) => ({ name: `group-${g}`, is_auxilliary: false })) });
  const outcome = { kind: 'imported' as const, cluster: { uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name, status: 'active', provider: 'aws', region: 'us-west-2' } };
  return clusterOf(aRequest({ id: `ir-fleet${String(i).padStart(3, '2')}`, state: 'succeeded', outcome, threadPermalink: `https://team.slack.com/archives/C1/p${i}` }, body), [])!;
});

function fullHome(isAdmin: boolean) {
  return homeView([
    connectionSection({ connection, fallback: undefined, now: NOW }, isAdmin),
    importSection(true),
    waitingSection(waitingItems(40), 40),
    recentSection(recent),
    clustersHomeSection(clusters),
  ]);
}

const actionIds = (blocks: readonly KnownBlock[]): string[] =>
  (blocks as Json[]).flatMap((b) => [...(b.elements ?? []), ...(b.accessory === undefined ? [] : [b.accessory])]).map((e: Json) => e.action_id);

describe('within Slack’s limits', () => {
  test.each([true, false])('the fullest Home (admin: %s) breaks none of Slack’s rules', (isAdmin) => {
    const view = fullHome(isAdmin);
    expect(viewProblems(JSON.parse(JSON.stringify(view)))).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(Buffer.byteLength(JSON.stringify(view))).toBeLessThan(250 * 1024);
  });

  test('each list shows at most HOME_LIST_MAX and counts the rest', () => {
    const blocks = waitingSection(waitingItems(40), 40);
    expect(blocks.filter((b) => b.block_id?.startsWith('home_waiting_'))).toHaveLength(HOME_LIST_MAX);
    expect(JSON.stringify(blocks.at(-1))).toContain(`…and ${40 - HOME_LIST_MAX} more waiting`);
    const lines = JSON.stringify(recentSection(recent));
    expect(lines.match(/ir-recent|Failed/g)?.length).toBeGreaterThanOrEqual(HOME_LIST_MAX);
    expect(lines).not.toContain(`p${HOME_LIST_MAX + 1}|thread`);
  });

  test('a section that would not fit is cut at 100 blocks, saying so', () => {
    const tooMany: KnownBlock[] = Array.from({ length: 150 }, () => ({ type: 'divider' }));
    const view = homeView([[{ type: 'header', text: { type: 'plain_text', text: 'x' } }], tooMany]);
    expect(view.blocks).toHaveLength(100);
    expect(JSON.stringify(view.blocks.at(-1))).toMatch(/holds 100 blocks/);
    expect(viewProblems(JSON.parse(JSON.stringify(view)))).toEqual([]);
  });

  test('names people typed are escaped: no mention or markup reaches the Home', () => {
    const text = JSON.stringify(fullHome(false));
    expect(text).not.toContain('<@U0EVIL>');
    expect(text).toContain('&lt;@U0EVIL&gt;');
  });
});

describe('what each section shows', () => {
  test('sections are joined in the order given, a divider between each', () => {
    const view = homeView([[{ type: 'section', text: { type: 'mrkdwn', text: 'one' } }], [], [{ type: 'section', text: { type: 'mrkdwn', text: 'two' } }]]);
    expect(view.blocks.map((b) => b.type)).toEqual(['section', 'divider', 'section']);
  });

  test('admins get Reconnect, Disconnect and Approval policy; others only a note; the 7-day warning as `status` gives it', () => {
    const admin = connectionSection({ connection, fallback: undefined, now: NOW }, true);
    expect(actionIds(admin)).toEqual([ACTION.homeConnect, ACTION.homeDisconnect, ACTION.homePolicy]);
    expect(JSON.stringify(admin)).toMatch(/within 7 days/);
    const member = connectionSection({ connection, fallback: undefined, now: NOW }, false);
    expect(actionIds(member)).toEqual([]);
    expect(JSON.stringify(member)).toMatch(/Workspace admins and owners connect/);
  });

  test('not connected: admins get Connect (no Disconnect); others are told an admin connects', () => {
    const admin = connectionSection({ connection: undefined, fallback: undefined, now: NOW }, true);
    expect(actionIds(admin)).toEqual([ACTION.homeConnect, ACTION.homePolicy]);
    expect(JSON.stringify(admin)).toMatch(/Not connected.*until you connect/);
    expect(JSON.stringify(connectionSection({ connection: undefined, fallback: undefined, now: NOW }, false))).toMatch(/a workspace admin connects/);
    // Connected through the bot's own SIMPLISMART_TOKEN: nothing of the workspace's own to disconnect.
    const fallback = connectionSection({ connection: undefined, fallback: { orgId: 'o', tokenHint: 'eyJh…zzzz', expiresAt: null }, now: NOW }, true);
    expect(actionIds(fallback)).toEqual([ACTION.homeConnect, ACTION.homePolicy]);
  });

  test('waiting requests carry the card’s own Approve / Reject… / View JSON buttons, valued with the request id', () => {
    const [item] = waitingItems(1);
    const blocks = waitingSection([item!], 1);
    const buttons = (blocks as Json[]).flatMap((b) => b.elements ?? []);
    expect(buttons.map((e: Json) => [e.action_id, e.value])).toEqual([
      [ACTION.approve, item!.request.id],
      [ACTION.reject, item!.request.id],
      [ACTION.viewPayload, item!.request.id],
    ]);
    expect(buttons[0].confirm).toBeDefined();
    expect(JSON.stringify(blocks)).toMatch(/you approved/);
    expect(JSON.stringify(waitingSection([], 0))).toMatch(/Nothing waits for your approval/);
  });

  test('a node-group request in its own words: what the approver is asked to add, and to which cluster; its state as that kind names it', () => {
    const approval = { approvalsNeeded: 1, approverUserIds: ['U0BOB00002'], approverGroupIds: [], approvalsChannelId: null };
    const request = aNodeGroupsRequest(['gpu-h100', 'cpu-aux'], { id: 'ir-change01', state: 'pending_approval', approval, threadPermalink: 'https://team.slack.com/archives/C1/p1' });
    const waiting = waitingSection([{ request, approvals: [], approvedByYou: false }], 1) as Json[];
    expect(waiting[1].text.text).toMatch(/^:raising_hand: <@U0ALICE001> wants to add 2 node groups \(`gpu-h100`, `cpu-aux`\) to \*Prod\* · 0 of 1 approval/);
    const approve = waiting.flatMap((b) => b.elements ?? []).find((e: Json) => e.action_id === ACTION.approve);
    expect(approve.confirm.title.text).toBe('Approve this node-group change?');
    expect(approve.confirm.text.text).toMatch(/add these node groups to \*Prod\*/);
    const text = JSON.stringify(recentSection([{ ...request, state: 'succeeded' }, { ...request, id: 'ir-change02', state: 'importing', cluster: { id: request.cluster!.id, name: null, thread: null } }]));
    expect(text).toContain('2 node groups (`gpu-h100`, `cpu-aux`) to *Prod* — Node groups added');
    expect(text).toContain('to cluster `1e99a854-26de-4c19-b6b6-68c7e03c39c3` — Adding node groups');
  });

  test('the Import button is always there; recent requests say state, cluster, when and link the thread', () => {
    expect(actionIds(importSection(false))).toEqual([ACTION.homeImport]);
    const text = JSON.stringify(recentSection(recent.slice(0, 1)));
    expect(text).toMatch(/:red_circle: \*.*\* — Failed · <!date\^\d+\^\{date_short\} \{time\}\|.*> · <https:\/\/team\.slack\.com\/archives\/C1\/p0\|thread>/);
    expect(JSON.stringify(recentSection([]))).toMatch(/not asked to import a cluster or add node groups yet/);
  });
});
