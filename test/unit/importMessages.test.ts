// The import thread's messages: within Slack's limits, a plain fallback, user text escaped, the success
// details, and the failure's "Edit and retry" button.
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import type { ImportClusterBody } from '../../src/domain/clusterImport.js';
import type { ImportOutcome, ImportRequest, RequestEvent, RequestState } from '../../src/domain/importRequest.js';
import { describeOutcome } from '../../src/views/importOutcome.js';
import { NO_APPROVERS } from '../../src/views/blocks.js';
import {
  approversText,
  nodeGroupLine,
  outcomeMessage,
  parentMessage,
  submittedLine,
  submittedModal,
} from '../../src/views/importMessages.js';
import { ACTION } from '../../src/views/ids.js';
import { clusterSummary } from '../../src/views/requestKinds.js';
import { message as stepMessage, stripMarkup } from '../../src/views/message.js';
import { aBody, aRequest } from '../support/fixtures.js';
import { HUGE_REJECTION, HUGE_SUCCESS, MANY_APPROVERS, maximalBody } from '../support/maximalImport.js';
import {
  expectNoInjectedMention,
  expectPlainFallback,
  expectWholeEntities,
  expectWithinSlackLimits,
  HOSTILE_NAME,
  textsOf,
} from '../support/slackMessageLimits.js';

const UUID = '1e99a854-26de-4c19-b6b6-68c7e03c39c3';

function body(overrides: Partial<ImportClusterBody> = {}): ImportClusterBody {
  return aBody({ nodegroup_labels: [...aBody().nodegroup_labels, { name: 'tools', is_auxilliary: true }], ...overrides });
}

function request(overrides: Partial<ImportRequest> = {}, payload: ImportClusterBody = body()): ImportRequest {
  const at = Date.UTC(2025, 0, 1);
  return aRequest({ teamId: 'T1', requesterId: 'U0REQUESTER', channelId: 'C0CHANNEL', sourceKey: 'V1', state: 'importing', createdAt: at, updatedAt: at, ...overrides }, payload);
}

const ctx = { timeoutMs: 30_000 };
const imported: ImportOutcome = { kind: 'imported', cluster: { uuid: UUID, name: 'Production Cluster', status: 'active', provider: 'aws', region: 'us-west-2' } };

function outcomeFor(outcome: ImportOutcome, overrides: Partial<ImportRequest> = {}, payload?: ImportClusterBody) {
  const state: RequestState = outcome.kind === 'imported' ? 'succeeded' : outcome.kind === 'unknown' ? 'outcome_unknown' : 'failed';
  const r = request({ state, outcome, ...overrides }, payload);
  return outcomeMessage(r, describeOutcome(outcome, ctx));
}

const allText = (m: { text: string; blocks: unknown[] }) => [m.text, ...textsOf(m.blocks as any[]).map((t) => t.text)].join('\n');
const buttonsOf = (m: { blocks: unknown[] }) => (m.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements);

const OUTCOMES: Array<[string, ImportOutcome]> = [
  ['imported', imported],
  ['imported with a note', { kind: 'imported', cluster: { uuid: null, name: 'x', status: null, provider: 'aws', region: null }, note: 'Find it in the console.' }],
  ['400', { kind: 'rejected', code: 'bad_request', status: 400, apiMessage: 'Region is required', fieldErrors: [] }],
  ['422 with fields', { kind: 'rejected', code: 'validation_failed', status: 422, apiMessage: null, fieldErrors: [{ field: 'slug', messages: ['bad'] }] }],
  ['500', { kind: 'rejected', code: 'server_error', status: 500, apiMessage: 'Failed to import cluster: boom', fieldErrors: [] }],
  ['401', { kind: 'rejected', code: 'unauthorized', status: 401, apiMessage: 'Invalid token.', fieldErrors: [] }],
  ['timeout', { kind: 'unknown', code: 'timeout', status: null, apiMessage: null }],
  ['502', { kind: 'unknown', code: 'bad_gateway', status: 502, apiMessage: '(not JSON) 502 Bad Gateway' }],
  ['not sent', { kind: 'not_sent', code: 'connection_failed', detail: 'ECONNREFUSED' }],
];

describe('outcomeMessage', () => {
  it.each(OUTCOMES)('%s: within Slack’s limits, with a plain fallback', (_what, outcome) => {
    const message = outcomeFor(outcome);
    expectWithinSlackLimits(message);
    expectPlainFallback(message);
  });

  it.each(OUTCOMES)('%s: a hostile cluster name produces no mention', (_what, outcome) => {
    const message = outcomeFor(outcome, {}, body({ name: HOSTILE_NAME }));
    expectNoInjectedMention(message);
    expect(allText(message)).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
  });

  it('success shows name, UUID, status, provider, region and every node group', () => {
    const message = outcomeFor(imported);
    const text = allText(message);
    for (const shown of ['Production Cluster', UUID, 'active', 'aws', 'us-west-2', 'gpu-pool', 'tools', 'g5.2xlarge', 'nvidia-a10g', 'prod-cluster']) {
      expect(text).toContain(shown);
    }
    const fields = (message.blocks as any[]).find((b) => b.fields !== undefined).fields.map((f: any) => f.text.split('\n')[0]);
    expect(fields).toEqual(['*Cluster*', '*UUID*', '*Status*', '*Provider*', '*Region*', '*Slug*']);
    expect(message.text).toBe(`Production Cluster is imported into Simplismart (${UUID}).`);
    // What to do with it next, each naming the request: no Edit and retry.
    expect(buttonsOf(message).map((b: any) => [b.action_id, b.value])).toEqual([
      [ACTION.addNodeGroups, 'ir-abcdefgh'],
      [ACTION.importSimilar, 'ir-abcdefgh'],
    ]);
  });

  it('success with an unknown UUID and no region says so; node groups cannot be added without the UUID', () => {
    const message = outcomeFor({ kind: 'imported', cluster: { uuid: null, name: 'n', status: null, provider: 'azure', region: null }, note: 'Find it in the console.' });
    const text = allText(message);
    expect(text).toContain('_unknown_');
    expect(text).toContain('Find it in the console.');
    expect(buttonsOf(message).map((b: any) => b.action_id)).toEqual([ACTION.importSimilar]);
  });

  it('success escapes the API’s own values', () => {
    const message = outcomeFor({ kind: 'imported', cluster: { uuid: '<!here>', name: '<!here>', status: '<!here>', provider: 'aws', region: '<!here>' } });
    expect(allText(message)).not.toContain('<!here>');
  });

  it('never shows a kubeconfig', () => {
    expect(allText(outcomeFor(imported))).not.toMatch(/kubeconfig/i);
  });

  it('failure: headline, the API’s message quoted and escaped, field errors and the next step', () => {
    const message = outcomeFor({ kind: 'rejected', code: 'validation_failed', status: 422, apiMessage: 'Failed: <!everyone>\nline 2', fieldErrors: [{ field: 'slug', messages: ['Enter <b>a</b> slug'] }] });
    const text = allText(message);
    expect(text).toContain('Import failed');
    expect(text).toContain('*Simplismart said:*\n>Failed: &lt;!everyone&gt;\n>line 2');
    expect(text).toContain('`slug`: Enter &lt;b&gt;a&lt;/b&gt; slug');
    expect(text).toContain('*Next step:* Check that all required fields are present');
    expect(text).not.toContain('<!everyone>');
    expect(message.text).toMatch(/^Import failed for Production Cluster: Simplismart could not validate the cluster \(422\)\. Check that all required fields/);
  });

  it('failure has an "Edit and retry" button whose value is the request id, without confirmation when nothing was imported', () => {
    const [retry, ...others] = buttonsOf(outcomeFor({ kind: 'rejected', code: 'bad_request', status: 400, apiMessage: 'Region is required', fieldErrors: [] }));
    expect(others).toEqual([]);
    expect(retry).toMatchObject({ type: 'button', action_id: ACTION.editAndRetry, value: 'ir-abcdefgh', text: { text: 'Edit and retry' } });
    expect(retry.confirm).toBeUndefined();
  });

  it.each([
    ['a timeout', { kind: 'unknown', code: 'timeout', status: null, apiMessage: null }],
    ['a 502', { kind: 'unknown', code: 'bad_gateway', status: 502, apiMessage: null }],
    ['a 500', { kind: 'rejected', code: 'server_error', status: 500, apiMessage: null, fieldErrors: [] }],
  ] as Array<[string, ImportOutcome]>)('after %s, retrying could import twice: the button asks for confirmation', (_what, outcome) => {
    const [retry] = buttonsOf(outcomeFor(outcome));
    expect(retry.value).toBe('ir-abcdefgh');
    expect(retry.confirm).toBeDefined();
    expect(retry.confirm.text.text).toMatch(/Check the Simplismart console first/);
    expect(retry.confirm.title.text.length).toBeLessThanOrEqual(100);
    expect(retry.confirm.confirm.text.length).toBeLessThanOrEqual(30);
  });

  it('an unknown outcome is titled "Outcome unknown" and says to check the console', () => {
    const message = outcomeFor({ kind: 'unknown', code: 'timeout', status: null, apiMessage: null });
    expect(allText(message)).toContain('*Outcome unknown*');
    expect(message.text).toMatch(/^Outcome unknown for Production Cluster: .*check the Simplismart console before retrying/);
  });

  it('a long API message and many field errors stay within the limits', () => {
    const fieldErrors = Array.from({ length: 20 }, (_, i) => ({ field: `field_${i}`, messages: ['x'.repeat(500)] }));
    const message = outcomeFor({ kind: 'rejected', code: 'validation_failed', status: 422, apiMessage: '<&>'.repeat(2000), fieldErrors });
    expectWithinSlackLimits(message);
  });

  it('the largest cluster (6 groups with every field, long names) stays within the limits', () => {
    const groups = Array.from({ length: 6 }, (_, i) => ({
      name: `${'g'.repeat(60)}-${i}`,
      is_auxilliary: i === 0,
      node_config: { machine_type: 'm'.repeat(100), capacity_type: 'SPOT' as const, min_node_count: 1, max_node_count: 1000, desired_count: 500, accelerator_type: 'a'.repeat(63), accelerator_count: 16, vcpu: 1024, memory: 65536 },
    }));
    const message = outcomeFor(imported, {}, body({ name: `${HOSTILE_NAME}${'&'.repeat(80)}`, nodegroup_labels: groups }));
    expectWithinSlackLimits(message);
    expectNoInjectedMention(message);
  });
});

describe('parentMessage', () => {
  const approval = { approvalsNeeded: 2, approverUserIds: ['U0A'], approverGroupIds: ['S0G'], approvalsChannelId: null };
  const decision: RequestEvent = { requestId: 'ir-abcdefgh', seq: 2, at: Date.UTC(2025, 0, 1), actorId: 'U0DECIDER', fromState: 'pending_approval', toState: 'rejected', note: 'Use <!here> SPOT' };
  const cases: Array<[RequestState, Partial<ImportRequest>]> = [
    ['pending_approval', { approval, expiresAt: Date.UTC(2025, 0, 2) }],
    ['approved', { approval }],
    ['approved', {}],
    ['importing', {}],
    ['succeeded', { outcome: imported }],
    ['failed', {}],
    ['outcome_unknown', {}],
    ['rejected', {}],
    ['expired', {}],
    ['cancelled', {}],
  ];

  it.each(cases)('%s: within limits, plain fallback, no injected mention', (state, overrides) => {
    const message = parentMessage(request({ state, ...overrides }, body({ name: HOSTILE_NAME })), [], decision, describeOutcome(imported, ctx));
    expectWithinSlackLimits(message);
    expectPlainFallback(message);
    expectNoInjectedMention(message);
  });

  it('names the state, the requester, the cluster and the request', () => {
    const message = parentMessage(request({ state: 'succeeded', outcome: imported }), [], undefined, undefined);
    const text = allText(message);
    expect(text).toContain('*Imported*');
    expect(text).toContain('<@U0REQUESTER>');
    expect(text).toContain('*Production Cluster* (aws · us-west-2 · 2 node groups)');
    expect(text).toContain(UUID);
    expect(text).toContain('`ir-abcdefgh`');
    expect(message.text).toBe('Imported: Production Cluster (ir-abcdefgh)');
  });

  it('pending: progress and approvers', () => {
    const message = parentMessage(request({ state: 'pending_approval', approval }), [{ requestId: 'ir-abcdefgh', approverId: 'U0A', at: 1 }], undefined, undefined);
    expect(allText(message)).toContain('1 of 2 approvals from <@U0A>, <!subteam^S0G>');
  });

  it('rejected: who rejected and the reason, escaped', () => {
    const text = allText(parentMessage(request({ state: 'rejected', approval }), [], decision, undefined));
    expect(text).toContain('by <@U0DECIDER>');
    expect(text).toContain('“Use &lt;!here&gt; SPOT”');
  });

  it('failed: the outcome’s headline', () => {
    const failure = describeOutcome({ kind: 'rejected', code: 'bad_request', status: 400, apiMessage: null, fieldErrors: [] }, ctx);
    expect(allText(parentMessage(request({ state: 'failed' }), [], undefined, failure))).toContain(failure.headline);
  });
});

describe('parentMessage: the notification says what the blocks say', () => {
  const approval = { approvalsNeeded: 1, approverUserIds: ['U0A'], approverGroupIds: [], approvalsChannelId: null };
  const states: Array<[string, Partial<ImportRequest>]> = [
    ['pending_approval', { approval }],
    ['approved', { approval }],
    ['approved', { approval: null }],
    ['importing', {}],
    ['succeeded', { outcome: imported }],
    ['failed', {}],
    ['outcome_unknown', {}],
    ['rejected', { approval }],
    ['expired', { approval }],
    ['cancelled', {}],
  ];

  it.each(states)('%s (%o): the text starts with the state the parent shows in bold', (state, overrides) => {
    const message = parentMessage(request({ state: state as RequestState, ...overrides }), [], undefined, undefined);
    const shown = /^\S+ \*([^*]+)\*/.exec((message.blocks[0] as any).text.text)?.[1];
    expect(shown).toBeDefined();
    expect(message.text).toBe(`${shown}: Production Cluster (ir-abcdefgh)`);
  });

  it('an import that needed no approval is "Starting", in the notification too, not "Approved"', () => {
    const message = parentMessage(request({ state: 'approved', approval: null }), [], undefined, undefined);
    expect(message.text).toBe('Starting: Production Cluster (ir-abcdefgh)');
    expect(allText(message)).not.toContain('Approved');
  });
});

describe('the longest thread stays well inside Slack’s limits, every entity whole', () => {
  const big = maximalBody();
  const approval = { approvalsNeeded: 10, ...MANY_APPROVERS, approvalsChannelId: null };
  const expectFine = (message: { text: string; blocks: unknown[] }) => {
    expectWithinSlackLimits(message as any);
    expectNoInjectedMention(message as any);
    for (const text of [message.text, ...textsOf(message.blocks as any[]).map((t) => t.text)]) expectWholeEntities(text);
  };

  it('a success whose answer has huge values: every field shown, cut', () => {
    const message = outcomeFor(HUGE_SUCCESS, {}, big);
    expectFine(message);
    const labels = (message.blocks as any[]).find((b) => b.fields !== undefined).fields.map((f: any) => f.text.split('\n')[0]);
    expect(labels).toEqual(['*Cluster*', '*UUID*', '*Status*', '*Provider*', '*Region*', '*Slug*']);
    for (const group of big.nodegroup_labels) expect(allText(message)).toContain(group.name);
  });

  it('a 422 with the longest message and 20 fields of long errors: the next step and the button stay', () => {
    const message = outcomeFor(HUGE_REJECTION, {}, big);
    expectFine(message);
    expect(allText(message)).toMatch(/…and \d+ more fields/);
    expect(allText(message)).toContain('*Next step:* Check that all required fields are present');
    expect(buttonsOf(message)).toHaveLength(1);
  });

  it.each(OUTCOMES)('%s, for the largest cluster', (_what, outcome) => {
    expectFine(outcomeFor(outcome, {}, big));
  });

  it.each(['pending_approval', 'approved', 'importing', 'succeeded', 'failed', 'outcome_unknown', 'rejected', 'expired', 'cancelled'] as const)(
    'the parent while %s, with 70 approvers and a long reason',
    (state) => {
      const decision: RequestEvent = { requestId: 'ir-abcdefgh', seq: 2, at: 0, actorId: 'U0DECIDER', fromState: 'pending_approval', toState: state, note: '<&>'.repeat(400) };
      const approvals = MANY_APPROVERS.approverUserIds.slice(0, 10).map((approverId) => ({ requestId: 'ir-abcdefgh', approverId, at: 0 }));
      const message = parentMessage(request({ state, approval, expiresAt: 0 }, big), approvals, decision, describeOutcome(HUGE_REJECTION, ctx));
      expectFine(message);
    },
  );

  it('the submitted step names 70 approvers as a list cut between mentions', () => {
    const message = stepMessage(submittedLine(request({ state: 'pending_approval', approval, expiresAt: 0 }, big)));
    expectFine(message);
    expect(allText(message)).toMatch(/<!subteam\^S0GROUP\d{4}>|<@U0APPR\d{4}> and \d+ more/);
  });
});

describe('approversText', () => {
  it('cuts a long list between mentions and says how many more', () => {
    const text = approversText(request({ approval: { approvalsNeeded: 1, ...MANY_APPROVERS, approvalsChannelId: null } }));
    expect(text).toMatch(/^<@U0APPR0000>, <@U0APPR0001>, .*> and \d+ more$/);
    expectWholeEntities(text);
  });

  it('says nobody the one way the bot says it', () => {
    expect(approversText(request({ approval: { approvalsNeeded: 1, approverUserIds: [], approverGroupIds: [], approvalsChannelId: null } }))).toBe(NO_APPROVERS);
  });
});

describe('step lines, summary, modal', () => {
  it('stepMessage: section and a fallback without markup', () => {
    const message = stepMessage(':memo: *Bold* and `code`');
    expect(message.text).toBe('Bold and code');
    expectWithinSlackLimits(message);
  });

  it('submittedLine: escapes the cluster name and says whether approval is needed', () => {
    expect(submittedLine(request({}, body({ name: HOSTILE_NAME })))).not.toContain('<!channel>');
    expect(submittedLine(request())).toContain('No approval is required.');
    expect(submittedLine(request({ approval: { approvalsNeeded: 1, approverUserIds: ['U0A'], approverGroupIds: [], approvalsChannelId: null } }))).toContain(
      'Waiting for 1 approval from <@U0A>',
    );
  });

  it('clusterSummary: region left out when null, singular group', () => {
    expect(clusterSummary(body({ cluster_hosted_on: 'azure', region: null, nodegroup_labels: [{ name: 'a', is_auxilliary: false }] }))).toBe(
      '*Production Cluster* (azure · 1 node group)',
    );
  });

  it('nodeGroupLine: every configured value, the role, and an escaped name', () => {
    expect(nodeGroupLine(body().nodegroup_labels[0]!)).toBe('• `gpu-pool` — g5.2xlarge, ON_DEMAND, 0–3 nodes, desired 1, 1 × nvidia-a10g per node');
    expect(nodeGroupLine({ name: 'tools', is_auxilliary: true, node_config: { vcpu: 4, memory: 16 } })).toBe('• `tools` _(auxiliary)_ — 4 vCPU, 16 GB');
    expect(nodeGroupLine({ name: '<@U1>`x', is_auxilliary: false })).toBe('• `&lt;@U1&gt;ˋx`');
  });

  it('submittedModal: short title and close, channel and request named, name escaped', () => {
    for (const state of ['pending_approval', 'importing'] as const) {
      const view = submittedModal(request({ state, approval: state === 'pending_approval' ? { approvalsNeeded: 1, approverUserIds: [], approverGroupIds: [], approvalsChannelId: null } : null }, body({ name: HOSTILE_NAME })));
      expect(view.title.text.length).toBeLessThanOrEqual(24);
      expect(view.close!.text.length).toBeLessThanOrEqual(24);
      const text = textsOf(view.blocks as any[]).map((t) => t.text).join('\n');
      expect(text).toContain('<#C0CHANNEL>');
      expect(text).toContain('`ir-abcdefgh`');
      expect(text).not.toContain('<!channel>');
    }
  });

  it('stripMarkup drops emoji codes, bold and code marks, and keeps underscores', () => {
    expect(stripMarkup(':warning: *Outcome* `x` gpu_pool')).toBe('Outcome x gpu_pool');
  });
});
