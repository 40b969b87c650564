// Ephemeral replies to `/simplismart …`: within Slack's limits, with a plain fallback, user text escaped,
// and the token only ever masked.
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import type { StoredApprovalPolicy } from '../../src/domain/approvalPolicy.js';
import type { ImportRequest, RequestEvent, RequestState } from '../../src/domain/importRequest.js';
import type { WorkspaceConnection } from '../../src/domain/workspaceConnection.js';
import { SUBCOMMANDS } from '../../src/listeners/commands/simplismart.js';
import {
  auditMessage,
  helpMessage,
  historyMessage,
  notAdminMessage,
  notConnectedMessage,
  policyMessage,
  slackBusyMessage,
  statusMessage,
  storeUnavailableMessage,
  triggerExpiredMessage,
  unexpectedErrorMessage,
} from '../../src/views/commandReplies.js';
import { NO_APPROVERS, SLACK_LIMITS } from '../../src/views/blocks.js';
import { message } from '../../src/views/message.js';
import { MANY_APPROVERS, MAX_CLUSTER_NAME } from '../support/maximalImport.js';
import { expectNoInjectedMention, expectPlainFallback, expectWholeEntities, expectWithinSlackLimits, HOSTILE_NAME, textsOf } from '../support/slackMessageLimits.js';

const NOW = Date.UTC(2025, 5, 1);
const DAY = 24 * 3600 * 1000;
const FULL_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3NTAwMDAwMDB9.SECRET-SIGNATURE-never-shown';

const allText = (m: { text: string; blocks: unknown[] }) => [m.text, ...textsOf(m.blocks as any[]).map((t) => t.text)].join('\n');

function connection(overrides: Partial<WorkspaceConnection> = {}): WorkspaceConnection {
  return {
    teamId: 'T1',
    enterpriseId: null,
    tokenCiphertext: 'v1:ciphertext',
    tokenHint: 'eyJh…hown',
    tokenExpiresAt: NOW + 30 * DAY,
    orgId: '54360212-2263-44c6-afaf-1333544854f7',
    defaultHostedZone: 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f',
    defaultSecretId: null,
    connectedBy: 'U0ADMIN',
    connectedAt: NOW - DAY,
    ...overrides,
  };
}

function request(i: number, name = `Cluster ${i}`, state: RequestState = 'succeeded'): ImportRequest {
  return {
    id: `ir-aaaaaa${String(i).padStart(2, '2')}`,
    kind: 'import_cluster',
    cluster: null,
    teamId: 'T1',
    enterpriseId: null,
    requesterId: 'U0REQ',
    channelId: 'C1',
    sourceKey: `V${i}`,
    payload: JSON.stringify({ name, cluster_hosted_on: 'aws', region: 'us-west-2', nodegroup_labels: [{ name: 'a', is_auxilliary: false }] }),
    state,
    version: 1,
    approval: { approvalsNeeded: 1, approverUserIds: ['U0A'], approverGroupIds: ['S0G'], approvalsChannelId: null },
    expiresAt: null,
    thread: null,
    threadPermalink: 'https://example.slack.com/archives/C1/p1',
    cards: [],
    outcome: { kind: 'imported', cluster: { uuid: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', name, status: 'active', provider: 'aws', region: 'us-west-2' } },
    responseUrl: null,
    replacesId: null,
    lease: null,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

describe('simple replies', () => {
  it.each([
    ['help', helpMessage()],
    ['help for an unknown subcommand', helpMessage('frobnicate')],
    ['not connected', notConnectedMessage()],
    ['not admin', notAdminMessage('connect this workspace')],
    ['store unavailable', storeUnavailableMessage()],
    ['unexpected error', unexpectedErrorMessage('ref-123')],
    ['Slack busy', slackBusyMessage(3)],
    ['Slack busy, no Retry-After', slackBusyMessage(undefined)],
    ['trigger expired', triggerExpiredMessage()],
  ])('%s: within limits with a plain fallback', (_what, message) => {
    expectWithinSlackLimits(message);
    expectPlainFallback(message);
  });

  it('one limit for the notification text, the same as every other message', () => {
    expect(message(`:warning: ${'x'.repeat(5000)}`).text).toHaveLength(SLACK_LIMITS.fallbackText);
  });

  it('help lists every command', () => {
    const text = allText(helpMessage());
    expect(SUBCOMMANDS).toEqual(expect.arrayContaining(['import', 'status', 'connect', 'disconnect', 'approvals', 'history', 'help', 'nodegroups', 'clusters', 'references', 'nodes']));
    for (const command of SUBCOMMANDS) expect(text).toContain(`/simplismart ${command}`);
    expect(text).toMatch(/\*Home\* tab.*\*Import a cluster\* shortcut/);
  });

  it('help for an unknown subcommand names it, escaped and clipped', () => {
    const message = helpMessage(`${HOSTILE_NAME}${'x'.repeat(100)}`);
    expectNoInjectedMention(message);
    expect(message.blocks.length).toBe(1);
    expect(allText(message)).toContain('I don’t know `&lt;!channel&gt;');
  });

  it('not connected tells how to connect', () => {
    expect(allText(notConnectedMessage())).toContain('`/simplismart connect`');
  });

  it('Slack busy says how long to wait', () => {
    expect(slackBusyMessage(1).text).toContain('1 second.');
    expect(slackBusyMessage(30).text).toContain('30 seconds');
    expect(slackBusyMessage(undefined).text).toContain('a few seconds');
  });
});

describe('statusMessage', () => {
  it('not connected and no fallback: how to connect', () => {
    expect(statusMessage({ connection: undefined, fallback: undefined, now: NOW })).toEqual(notConnectedMessage());
  });

  it('connected: who, org, masked token, expiry and defaults; never the token', () => {
    const message = statusMessage({ connection: connection(), fallback: undefined, now: NOW });
    const text = allText(message);
    expect(text).toContain('*Connected* to Simplismart by <@U0ADMIN>');
    expect(text).toContain('`54360212-2263-44c6-afaf-1333544854f7`');
    expect(text).toContain('`eyJh…hown`');
    expect(text).toContain('Default hosted zone');
    expect(text).not.toContain('Default secret');
    expect(text).not.toContain(FULL_TOKEN);
    expect(text).not.toContain('SECRET-SIGNATURE');
    expectWithinSlackLimits(message);
  });

  it('warns when the token expires within 7 days', () => {
    expect(allText(statusMessage({ connection: connection({ tokenExpiresAt: NOW + 2 * DAY }), fallback: undefined, now: NOW }))).toContain('*within 7 days*');
    expect(allText(statusMessage({ connection: connection({ tokenExpiresAt: NOW + 8 * DAY }), fallback: undefined, now: NOW }))).not.toContain('within 7 days');
  });

  it('says when the token has expired, and what to do', () => {
    const text = allText(statusMessage({ connection: connection({ tokenExpiresAt: NOW - 1 }), fallback: undefined, now: NOW }));
    expect(text).toContain('*expired*');
    expect(text).toContain('/simplismart connect');
  });

  it('a token without exp never expires', () => {
    expect(allText(statusMessage({ connection: connection({ tokenExpiresAt: null }), fallback: undefined, now: NOW }))).toContain('never (no `exp` in the token)');
  });

  it('the bot’s fallback token: said so, masked', () => {
    const text = allText(statusMessage({ connection: undefined, fallback: { orgId: 'org-1', tokenHint: 'eyJh…hown', expiresAt: null }, now: NOW }));
    expect(text).toContain('SIMPLISMART_TOKEN');
    expect(text).toContain('`org-1`');
    expect(text).toContain('`eyJh…hown`');
  });
});

describe('policyMessage', () => {
  const policy: StoredApprovalPolicy = {
    required: true,
    approverUserIds: ['U0A'],
    approverGroupIds: ['S0G'],
    approvalsNeeded: 2,
    expirySeconds: 2 * 86400,
    approvalsChannelId: 'C0APPROVALS',
    nodeGroupsApproval: 'same',
    updatedBy: 'U0ADMIN',
    updatedAt: NOW,
  };

  it('not required: imports run straight away', () => {
    expect(allText(policyMessage(undefined, true))).toContain('approval is not required');
    expect(allText(policyMessage({ ...policy, required: false }, false))).toContain('Workspace admins can require it');
  });

  it('the most approvers: cut between mentions, within the limits; nobody is said the one way', () => {
    const message = policyMessage({ ...policy, ...MANY_APPROVERS }, true);
    expectWithinSlackLimits(message);
    for (const t of textsOf(message.blocks as any[])) expectWholeEntities(t.text);
    expect(allText(policyMessage({ ...policy, approverUserIds: [], approverGroupIds: [] }, true))).toContain(`Approvers: ${NO_APPROVERS};`);
  });

  it('says what adding node groups needs: the same approval, none, or approval while imports need none', () => {
    expect(allText(policyMessage(policy, false))).toContain('• Adding node groups to a cluster: needs the same approval');
    expect(allText(policyMessage({ ...policy, nodeGroupsApproval: 'not_required' }, false))).toContain('• Adding node groups to a cluster: runs straight away, without approval');
    const nodeGroupsOnly = allText(policyMessage({ ...policy, required: false, nodeGroupsApproval: 'required' }, false));
    expect(nodeGroupsOnly).toContain('Imports run straight away, but :lock: *adding node groups to a cluster needs approval*');
    expect(nodeGroupsOnly).toContain('Approvals needed: 2');
  });

  it('required: approvers, quorum, expiry, channel, who changed it', () => {
    const text = allText(policyMessage(policy, false));
    for (const shown of ['<@U0A>, <!subteam^S0G>', 'Approvals needed: 2', 'expire after 2 days', '<#C0APPROVALS>', 'Last changed by <@U0ADMIN>', 'Only workspace admins can change it.']) {
      expect(text).toContain(shown);
    }
    expectWithinSlackLimits(policyMessage(policy, true));
  });
});

describe('historyMessage', () => {
  it('no requests yet: how to start one', () => {
    expect(allText(historyMessage([]))).toContain('/simplismart import');
  });

  it('each request: id, name, state, requester, UUID, thread link', () => {
    const text = allText(historyMessage([request(1)]));
    for (const shown of ['`ir-aaaaaa21`', '*Cluster 1*', 'Imported', '<@U0REQ>', '`1e99a854-26de-4c19-b6b6-68c7e03c39c3`', '|thread>']) expect(text).toContain(shown);
  });

  it('lists all 15 recent requests of an ordinary workspace', () => {
    const text = allText(historyMessage(Array.from({ length: 15 }, (_, i) => request(i))));
    for (let i = 0; i < 15; i += 1) expect(text).toContain(`*Cluster ${i}*`);
    expect(text).not.toContain('more not shown');
  });

  it('escapes names and stays within limits with the most entries the command lists (15)', () => {
    const many = Array.from({ length: 15 }, (_, i) => request(i, `${HOSTILE_NAME} ${'&'.repeat(100)}`, 'failed'));
    const message = historyMessage(many);
    expectWithinSlackLimits(message);
    expectNoInjectedMention(message);
  });

  it('every request naming the most approvers (50 people, 20 groups): all 15 listed, each list cut between mentions', () => {
    const many = Array.from({ length: 15 }, (_, i) => ({ ...request(i, 'n'.repeat(100)), approval: { approvalsNeeded: 10, ...MANY_APPROVERS, approvalsChannelId: null } }));
    const message = historyMessage(many);
    expectWithinSlackLimits(message);
    const text = allText(message);
    expect(text.match(/<@U0APPR\d{4}> and \d+ more/g)).toHaveLength(15);
    expect(text).not.toContain('more not shown');
    for (const t of textsOf(message.blocks as any[])) expectWholeEntities(t.text);
  });

  it('more requests than fit: within the budget, and says what it left out', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ ...request(i, `${HOSTILE_NAME}${'&'.repeat(100)}`), approval: { approvalsNeeded: 10, ...MANY_APPROVERS, approvalsChannelId: null } }));
    const message = historyMessage(many);
    expectWithinSlackLimits(message);
    expect(allText(message)).toMatch(/…and \d+ more not shown\./);
  });
});

describe('auditMessage', () => {
  it('lists every event with who moved it from where to where, escaping notes', () => {
    const events: RequestEvent[] = [
      { requestId: 'ir-aaaaaa21', seq: 1, at: NOW, actorId: 'U0REQ', fromState: null, toState: 'pending_approval', note: null },
      { requestId: 'ir-aaaaaa21', seq: 2, at: NOW, actorId: 'U0A', fromState: 'pending_approval', toState: 'rejected', note: HOSTILE_NAME },
      { requestId: 'ir-aaaaaa21', seq: 3, at: NOW, actorId: null, fromState: 'rejected', toState: 'rejected', note: 'noted' },
    ];
    const message = auditMessage(request(1, HOSTILE_NAME, 'rejected'), events);
    const text = allText(message);
    expect(text).toContain('1. ');
    expect(text).toContain('created as _Waiting for approval_');
    expect(text).toContain('_Waiting for approval_ → _Rejected_');
    expect(text).toContain('the bot');
    expectNoInjectedMention(message);
    expectWithinSlackLimits(message);
  });

  it('stays within limits with a long trail of long notes, a long name and a long permalink', () => {
    const events: RequestEvent[] = Array.from({ length: 200 }, (_, i) => ({ requestId: 'ir-x', seq: i + 1, at: NOW, actorId: 'U0A', fromState: 'importing', toState: 'importing', note: '<&>'.repeat(300) }));
    const long = { ...request(1, MAX_CLUSTER_NAME), threadPermalink: `https://example.slack.com/archives/C1/p1?thread_ts=${'1'.repeat(500)}` };
    const message = auditMessage(long, events);
    expectWithinSlackLimits(message);
    expect(allText(message)).toMatch(/…and \d+ more not shown\./);
    for (const t of textsOf(message.blocks as any[])) expectWholeEntities(t.text);
  });
});
