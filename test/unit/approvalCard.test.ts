// The approval card: what approvers need, the buttons while pending (Approve with a confirmation,
// Reject, View JSON, Cancel), and the decision in their place once made; the JSON and reject modals.
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import type { ImportClusterBody } from '../../src/domain/clusterImport.js';
import type { Approval, ImportRequest, RequestEvent, RequestState } from '../../src/domain/importRequest.js';
import { approvalCard, decisionLine, payloadModal } from '../../src/views/approvalCard.js';
import { decodeRejectMeta, rejectModal } from '../../src/views/rejectModal.js';
import { ACTION, CALLBACK, REJECT_BLOCK } from '../../src/views/ids.js';
import { aBody, aRequest } from '../support/fixtures.js';
import { MANY_APPROVERS, maximalBody } from '../support/maximalImport.js';
import { expectNoInjectedMention, expectWholeEntities, expectWithinSlackLimits, HOSTILE_NAME, textsOf } from '../support/slackMessageLimits.js';

function body(overrides: Partial<ImportClusterBody> = {}): ImportClusterBody {
  return aBody({
    cluster_hosted_on: 'gcp',
    region: 'us-central1',
    nodegroup_labels: [{ name: 'gpu-pool', is_auxilliary: false, node_config: { accelerator_type: 'nvidia-h100', accelerator_count: 8 } }],
    ...overrides,
  });
}

function request(state: RequestState, payload: ImportClusterBody = body(), overrides: Partial<ImportRequest> = {}): ImportRequest {
  const at = Date.UTC(2025, 0, 1);
  return aRequest(
    {
      requesterId: 'U0REQ',
      channelId: 'C0CHAN',
      sourceKey: 'V1',
      state,
      approval: { approvalsNeeded: 2, approverUserIds: ['U0A', 'U0B'], approverGroupIds: ['S0G'], approvalsChannelId: 'C0APPROVALS' },
      expiresAt: Date.UTC(2025, 0, 2),
      teamId: 'T1',
      createdAt: at,
      updatedAt: at,
      ...overrides,
    },
    payload,
  );
}

const approvals: Approval[] = [{ requestId: 'ir-abcdefgh', approverId: 'U0A', at: Date.UTC(2025, 0, 1, 10) }];
const decision = (toState: RequestState, note: string | null = null): RequestEvent => ({
  requestId: 'ir-abcdefgh',
  seq: 3,
  at: Date.UTC(2025, 0, 1, 12),
  actorId: 'U0DECIDER',
  fromState: 'pending_approval',
  toState,
  note,
});

const buttonsOf = (m: { blocks: unknown[] }) => (m.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements);
const allText = (m: { text: string; blocks: unknown[] }) => [m.text, ...textsOf(m.blocks as any[]).map((t) => t.text)].join('\n');

describe('approvalCard while pending', () => {
  const card = approvalCard(request('pending_approval'), approvals, undefined);

  it('has Approve (with a confirmation), Reject, View JSON and Cancel, each carrying the request id', () => {
    const buttons = buttonsOf(card);
    expect(buttons.map((b) => b.action_id)).toEqual([ACTION.approve, ACTION.reject, ACTION.viewPayload, ACTION.cancel]);
    for (const b of buttons) expect(b.value).toBe('ir-abcdefgh');
    const approve = buttons[0];
    expect(approve.style).toBe('primary');
    expect(approve.confirm).toMatchObject({ title: { text: 'Approve this import?' }, confirm: { text: 'Approve' } });
    expect(approve.confirm.text.text).toContain('*Production Cluster*');
    expect(buttons[3].confirm).toBeDefined();
  });

  it('shows what approvers need: requester, provider, region, org, expiry, progress, node groups', () => {
    const text = allText(card);
    for (const shown of ['<@U0REQ>', 'gcp', 'us-central1', '54360212-2263-44c6-afaf-1333544854f7', '<!date^', '1 of 2 approvals (<@U0A>)', 'gpu-pool', '8 × nvidia-h100']) {
      expect(text).toContain(shown);
    }
    expect(text).toContain('*Approval needed* · <@U0A>, <@U0B>, <!subteam^S0G>');
  });

  it('is within Slack’s limits, with a fallback that mentions nobody', () => {
    expectWithinSlackLimits(card);
    expect(card.text).toBe('Approval needed: Production Cluster (gcp) requested by the user U0REQ, request ir-abcdefgh');
    expect(card.text).not.toMatch(/<[@!#]/);
  });

  it('a hostile cluster name produces no mention anywhere, the confirmation included', () => {
    const hostile = approvalCard(request('pending_approval', body({ name: HOSTILE_NAME })), [], undefined);
    expectNoInjectedMention(hostile);
    const confirmText = buttonsOf(hostile)[0].confirm.text.text as string;
    expect(confirmText).not.toContain('<!channel>');
  });
});

describe('approvalCard once decided', () => {
  it.each(['approved', 'importing', 'succeeded', 'failed', 'outcome_unknown', 'rejected', 'expired', 'cancelled'] as const)(
    '%s: no Approve, Reject or Cancel any more; View JSON stays',
    (state) => {
      const card = approvalCard(request(state), approvals, decision(state));
      const actionIds = buttonsOf(card).map((b) => b.action_id);
      expect(actionIds).not.toContain(ACTION.approve);
      expect(actionIds).not.toContain(ACTION.reject);
      expect(actionIds).not.toContain(ACTION.cancel);
      expect(actionIds[0]).toBe(ACTION.viewPayload);
      expectWithinSlackLimits(card);
      expect(card.text).not.toMatch(/^Approval needed/);
    },
  );

  it('a rejected or expired request offers "Edit and submit again" with the request id', () => {
    for (const state of ['rejected', 'expired'] as const) {
      const again = buttonsOf(approvalCard(request(state), [], decision(state)))[1];
      expect(again).toMatchObject({ action_id: ACTION.editAndRetry, value: 'ir-abcdefgh', text: { text: 'Edit and submit again' } });
    }
    expect(buttonsOf(approvalCard(request('cancelled'), [], decision('cancelled')))).toHaveLength(1);
  });

  it('shows the decision in place of the buttons', () => {
    expect(allText(approvalCard(request('rejected'), [], decision('rejected', 'Use SPOT')))).toContain(':no_entry: Rejected by <@U0DECIDER>');
    expect(allText(approvalCard(request('approved'), approvals, decision('approved')))).toContain(':white_check_mark: Approved by <@U0A>');
  });

  it('a hostile name and a hostile reason produce no mention', () => {
    const card = approvalCard(request('rejected', body({ name: HOSTILE_NAME })), [], decision('rejected', HOSTILE_NAME));
    expectNoInjectedMention(card);
  });
});

describe('the largest card: the most approvers and approvals, every value at its limit', () => {
  const big = (state: RequestState) =>
    request(state, maximalBody(), { approval: { approvalsNeeded: 10, ...MANY_APPROVERS, approvalsChannelId: 'C0APPROVALS' } });
  const tenApprovals: Approval[] = MANY_APPROVERS.approverUserIds.slice(0, 10).map((approverId, i) => ({ requestId: 'ir-abcdefgh', approverId, at: i }));

  it.each(['pending_approval', 'approved', 'succeeded', 'rejected', 'expired', 'cancelled'] as const)('%s: within the limits, every mention whole', (state) => {
    const card = approvalCard(big(state), tenApprovals, decision(state, '<&>'.repeat(400)));
    expectWithinSlackLimits(card);
    expectNoInjectedMention(card);
    for (const t of textsOf(card.blocks as any[])) expectWholeEntities(t.text);
  });

  it('names the approvers as a list cut between mentions, "and N more"', () => {
    expect(allText(approvalCard(big('pending_approval'), [], undefined))).toMatch(/\*Approval needed\* · <@U0APPR0000>, .*> and \d+ more: /);
  });
});

describe('decisionLine', () => {
  it.each([
    ['rejected', /^:no_entry: Rejected by <@U0DECIDER> at .*: “too big”$/],
    ['cancelled', /^:heavy_multiplication_x: Cancelled by <@U0DECIDER> at .*: “too big”$/],
    ['expired', /^:alarm_clock: Expired at .*: not enough approvals in time\.$/],
    ['pending_approval', /^:hourglass_flowing_sand: Waiting: 1 of 2 approvals\.$/],
    ['approved', /^:white_check_mark: Approved by <@U0A> at /],
  ] as const)('%s', (state, line) => {
    expect(decisionLine(request(state), approvals, decision(state, 'too big'))).toMatch(line);
  });

  it('approved without approvers (no approval required) says "by policy"', () => {
    expect(decisionLine(request('approved'), [], undefined)).toBe(':white_check_mark: Approved by policy.');
  });
});

describe('payloadModal', () => {
  it('shows the exact JSON, indented, in code blocks within Slack’s limits', () => {
    const r = request('pending_approval');
    const view = payloadModal(r);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const code = (view.blocks as any[]).slice(1).map((b) => b.text.text.replace(/^```|```$/g, '')).join('');
    expect(JSON.parse(code)).toEqual(JSON.parse(r.payload));
    expect(code).toBe(JSON.stringify(JSON.parse(r.payload), null, 2));
  });

  it('splits a long JSON into sections of at most 3000 characters', () => {
    const groups = Array.from({ length: 6 }, (_, i) => ({ name: `${'g'.repeat(60)}${i}`, is_auxilliary: false, node_config: { machine_type: 'm'.repeat(100), vcpu: 4 } }));
    const tools = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`CAT${i}`, Array.from({ length: 10 }, () => '11111111-1111-4111-8111-111111111111')]));
    const view = payloadModal(request('pending_approval', { ...body({ nodegroup_labels: groups }), cluster_tools: tools }));
    expect(view.blocks.length).toBeGreaterThan(3);
    for (const b of (view.blocks as any[]).slice(1)) expect(b.text.text.length).toBeLessThanOrEqual(3000);
  });

  it('escapes the JSON, so a name cannot become a mention or a disguised link', () => {
    const view = payloadModal(request('pending_approval', body({ name: '<https://evil.example|prod> <!channel> & co' })));
    const text = textsOf(view.blocks as any[]).map((t) => t.text).join('');
    expect(text).not.toContain('<https://evil.example|prod>');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;https://evil.example|prod&gt; &lt;!channel&gt; &amp; co');
  });

  it('escaped text is still cut into sections within the limit, without splitting an entity', () => {
    const view = payloadModal(request('pending_approval', body({ name: '<'.repeat(100), nodegroup_labels: [{ name: 'a', is_auxilliary: false }], cluster_tools: { X: Array.from({ length: 50 }, () => '11111111-1111-4111-8111-111111111111') } })));
    const sections = (view.blocks as any[]).slice(1).map((b) => b.text.text as string);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(3000);
      expect(s).not.toMatch(/&(?:l|lt|g|gt|a|am|amp)?```$/);
    }
    const joined = sections.map((s) => s.replace(/^```|```$/g, '')).join('');
    expect(joined).toContain('&lt;'.repeat(100));
  });
});

describe('rejectModal', () => {
  it('asks for a reason, carries the request id, and escapes the cluster name', () => {
    const view = rejectModal(request('pending_approval', body({ name: HOSTILE_NAME })));
    expect(view.callback_id).toBe(CALLBACK.rejectModal);
    // The metadata is the one the reject form's listener reads (not a bare id it could not).
    expect(decodeRejectMeta(view.private_metadata)).toEqual({ id: 'ir-abcdefgh' });
    for (const t of [view.title, view.submit!, view.close!]) expect(t.text.length).toBeLessThanOrEqual(24);
    const input = (view.blocks as any[]).find((b) => b.type === 'input');
    expect(input.block_id).toBe(REJECT_BLOCK.reason);
    expect(input.element.min_length).toBeGreaterThan(0);
    expect(JSON.stringify(view.blocks)).not.toContain('<!channel>');
  });

  it('carries where the approver clicked, when it fits; other metadata is not read', () => {
    const pending = request('pending_approval');
    const url = 'https://hooks.slack.com/actions/T1/1/abc';
    expect(decodeRejectMeta(rejectModal(pending, url).private_metadata)).toEqual({ id: 'ir-abcdefgh', u: url });
    expect(decodeRejectMeta(rejectModal(pending, `https://hooks.slack.com/${'x'.repeat(500)}`).private_metadata)).toEqual({ id: 'ir-abcdefgh' });
    for (const raw of [undefined, '', 'ir-abcdefgh', '{"id":42}', '[]']) expect(decodeRejectMeta(raw)).toBeUndefined();
  });
});
