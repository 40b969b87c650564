// The approval policy form: rendered within Slack's rules, read back, and checked.
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import { DEFAULT_POLICY, type ApprovalPolicy } from '../../src/domain/approvalPolicy.js';
import { CALLBACK, INPUT_ACTION, POLICY_BLOCK } from '../../src/views/ids.js';
import type { ViewStateValues as PolicyStateValues } from '../../src/views/modalState.js';
import { policyModal, policySavedModal, readPolicyForm } from '../../src/views/policyModal.js';
import { MANY_APPROVERS } from '../support/maximalImport.js';
import { expectWholeEntities, textsOf } from '../support/slackMessageLimits.js';

const groups = [{ id: 'S0G', handle: 'platform', name: 'Platform team' }];
const policy: ApprovalPolicy = { required: true, approverUserIds: ['U0A', 'U0B'], approverGroupIds: ['S0G'], approvalsNeeded: 2, expirySeconds: 2 * 3600, approvalsChannelId: 'C0APP', nodeGroupsApproval: 'same' };

/** The state Slack sends for the untouched form. */
function stateOf(view: { blocks: any[] }): PolicyStateValues {
  const values: PolicyStateValues = {};
  for (const b of view.blocks) {
    if (b.type !== 'input') continue;
    const e = b.element;
    values[b.block_id] = {
      [e.action_id]: {
        value: e.initial_value ?? null,
        selected_options: e.initial_options ?? [],
        selected_option: e.initial_option ?? null,
        selected_users: e.initial_users ?? [],
        selected_conversation: e.initial_conversation ?? null,
      },
    };
  }
  return values;
}

describe('policyModal', () => {
  it('is within Slack’s rules: short texts, initial options among the options, numbers within bounds', () => {
    for (const p of [policy, DEFAULT_POLICY]) {
      const view = policyModal(p, groups);
      expect(view.callback_id).toBe(CALLBACK.policyModal);
      for (const t of [view.title, view.submit!, view.close!]) expect(t.text.length).toBeLessThanOrEqual(24);
      for (const b of view.blocks as any[]) {
        const e = b.element;
        if (e?.initial_options !== undefined) for (const o of e.initial_options) expect(e.options).toContainEqual(o);
        if (e?.type === 'number_input' && e.initial_value !== undefined) {
          expect(Number(e.initial_value)).toBeGreaterThanOrEqual(Number(e.min_value));
          expect(Number(e.initial_value)).toBeLessThanOrEqual(Number(e.max_value));
        }
      }
    }
  });

  it('reads back the policy it rendered', () => {
    expect(readPolicyForm(stateOf(policyModal(policy, groups) as any))).toEqual({ ok: true, policy });
    expect(readPolicyForm(stateOf(policyModal(DEFAULT_POLICY, groups) as any))).toEqual({ ok: true, policy: DEFAULT_POLICY });
  });

  it('reads back every choice for node groups it rendered', () => {
    for (const nodeGroupsApproval of ['same', 'required', 'not_required'] as const) {
      expect(readPolicyForm(stateOf(policyModal({ ...policy, nodeGroupsApproval }, groups) as any))).toEqual({ ok: true, policy: { ...policy, nodeGroupsApproval } });
    }
  });

  it('has no group select when the workspace has no user groups', () => {
    expect((policyModal(policy, []).blocks as any[]).some((b) => b.block_id === POLICY_BLOCK.groups)).toBe(false);
  });
});

describe('readPolicyForm', () => {
  const form = (over: Partial<Record<string, any>>): PolicyStateValues => {
    const base: Record<string, any> = {
      [POLICY_BLOCK.required]: { selected_options: [{ value: 'required' }] },
      [POLICY_BLOCK.users]: { selected_users: ['U0A'] },
      [POLICY_BLOCK.approvalsNeeded]: { value: '1' },
      [POLICY_BLOCK.expiryHours]: { value: '24' },
      [POLICY_BLOCK.channel]: { selected_conversation: null },
      ...over,
    };
    return Object.fromEntries(Object.entries(base).map(([k, v]) => [k, { [INPUT_ACTION]: v }]));
  };

  it('accepts a valid policy', () => {
    expect(readPolicyForm(form({}))).toMatchObject({ ok: true, policy: { required: true, approverUserIds: ['U0A'], approvalsNeeded: 1, expirySeconds: 86400 } });
  });

  it('required approval needs an approver', () => {
    expect(readPolicyForm(form({ [POLICY_BLOCK.users]: { selected_users: [] } }))).toEqual({ ok: false, errors: { [POLICY_BLOCK.users]: expect.stringContaining('at least one approver') } });
  });

  it('cannot need more approvals than there are approvers', () => {
    expect(readPolicyForm(form({ [POLICY_BLOCK.approvalsNeeded]: { value: '2' } }))).toEqual({
      ok: false,
      errors: { [POLICY_BLOCK.approvalsNeeded]: expect.stringContaining('Only 1 approver is chosen') },
    });
  });

  it.each(['0', '11', '1.5', '', 'x'])('approvals needed %j is refused', (value) => {
    expect(readPolicyForm(form({ [POLICY_BLOCK.approvalsNeeded]: { value } }))).toMatchObject({ ok: false, errors: { [POLICY_BLOCK.approvalsNeeded]: expect.any(String) } });
  });

  it.each(['721', '', 'soon', '-1'])('expiry %j hours is refused', (value) => {
    expect(readPolicyForm(form({ [POLICY_BLOCK.expiryHours]: { value } }))).toMatchObject({ ok: false, errors: { [POLICY_BLOCK.expiryHours]: expect.any(String) } });
  });

  it('says whether adding node groups needs approval: as imports by default, or always, or never', () => {
    expect(readPolicyForm(form({}))).toMatchObject({ ok: true, policy: { nodeGroupsApproval: 'same' } });
    expect(readPolicyForm(form({ [POLICY_BLOCK.nodeGroups]: { selected_option: { value: 'not_required' } } }))).toMatchObject({ ok: true, policy: { required: true, nodeGroupsApproval: 'not_required' } });
    // Imports run straight away while node groups wait: the approvers are needed all the same.
    const nodeGroupsOnly = { [POLICY_BLOCK.required]: { selected_options: [] }, [POLICY_BLOCK.nodeGroups]: { selected_option: { value: 'required' } } };
    expect(readPolicyForm(form(nodeGroupsOnly))).toMatchObject({ ok: true, policy: { required: false, nodeGroupsApproval: 'required', approverUserIds: ['U0A'] } });
    expect(readPolicyForm(form({ ...nodeGroupsOnly, [POLICY_BLOCK.users]: { selected_users: [] } }))).toEqual({
      ok: false,
      errors: { [POLICY_BLOCK.users]: 'Adding node groups always needs approval: choose at least one approver (or a user group), or change that choice.' },
    });
  });

  it('ignores ids that are not users, groups or channels', () => {
    const result = readPolicyForm(form({ [POLICY_BLOCK.users]: { selected_users: ['U0A', 'U0A', 'bogus'] }, [POLICY_BLOCK.channel]: { selected_conversation: 'D123' } }));
    expect(result).toMatchObject({ ok: true, policy: { approverUserIds: ['U0A'], approvalsChannelId: null } });
  });
});

describe('policySavedModal', () => {
  it('warns when a requester who is an approver could never get enough approvals', () => {
    const text = JSON.stringify(policySavedModal({ ...policy, approverGroupIds: [], approverUserIds: ['U0A'], approvalsNeeded: 1 }).blocks);
    expect(text).toContain(':warning:');
    expect(JSON.stringify(policySavedModal({ ...DEFAULT_POLICY }).blocks)).toContain('without approval');
  });

  it('the most approvers: every mention whole', () => {
    const view = policySavedModal({ ...policy, ...MANY_APPROVERS, approvalsNeeded: 10 });
    for (const t of textsOf(view.blocks)) {
      expect(t.text.length).toBeLessThanOrEqual(3000);
      expectWholeEntities(t.text);
    }
  });
});
