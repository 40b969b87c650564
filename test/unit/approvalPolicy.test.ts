// Who may approve, how many approvals make a quorum, and why a requester never counts.
import {
  approvalRequired,
  approverSet,
  checkApprover,
  DEFAULT_POLICY,
  describeExpiry,
  eligibleApproverCount,
  quorumReached,
  requirementFrom,
  type ApprovalPolicy,
} from '../../src/domain/approvalPolicy.js';
import type { ApprovalRequirement } from '../../src/domain/importRequest.js';

const requirement: ApprovalRequirement = {
  approvalsNeeded: 2,
  approverUserIds: ['U1', 'U2'],
  approverGroupIds: ['S1'],
  approvalsChannelId: 'C1',
};

describe('requirementFrom', () => {
  it('is null when approval is not required (the default)', () => {
    expect(DEFAULT_POLICY.required).toBe(false);
    expect(requirementFrom(DEFAULT_POLICY, 'import_cluster')).toBeNull();
  });

  it('freezes a copy of the policy’s rule', () => {
    const policy: ApprovalPolicy = { ...DEFAULT_POLICY, required: true, approvalsNeeded: 2, approverUserIds: ['U1'], approverGroupIds: ['S1'], approvalsChannelId: 'C9' };
    const frozen = requirementFrom(policy, 'import_cluster');
    expect(frozen).toEqual({ approvalsNeeded: 2, approverUserIds: ['U1'], approverGroupIds: ['S1'], approvalsChannelId: 'C9' });
    policy.approverUserIds.push('U2');
    expect(frozen?.approverUserIds).toEqual(['U1']);
  });
});

describe('approvalRequired', () => {
  it.each([
    // required, nodeGroupsApproval → import, node groups
    [false, 'same', false, false],
    [true, 'same', true, true],
    [true, 'not_required', true, false],
    [false, 'required', false, true],
    [true, 'required', true, true],
    [false, 'not_required', false, false],
  ] as const)('required=%s, node groups %s: import %s, node groups %s', (required, nodeGroupsApproval, imports, nodeGroups) => {
    const policy: ApprovalPolicy = { ...DEFAULT_POLICY, required, nodeGroupsApproval, approverUserIds: ['U1'] };
    expect(approvalRequired(policy, 'import_cluster')).toBe(imports);
    expect(approvalRequired(policy, 'add_node_groups')).toBe(nodeGroups);
    expect(requirementFrom(policy, 'add_node_groups') === null).toBe(!nodeGroups);
  });

  it('by default adding node groups needs approval exactly when imports do', () => {
    expect(DEFAULT_POLICY.nodeGroupsApproval).toBe('same');
  });
});

describe('checkApprover', () => {
  it('a named approver may approve', () => {
    expect(checkApprover('U1', 'U9', requirement, [])).toEqual({ ok: true });
  });

  it('a member of a named group may approve', () => {
    expect(checkApprover('U5', 'U9', requirement, ['U5'])).toEqual({ ok: true });
  });

  it('the requester never approves their own import, even when named', () => {
    expect(checkApprover('U1', 'U1', requirement, [])).toEqual({ ok: false, reason: 'self_approval' });
  });

  it('anyone else may not', () => {
    expect(checkApprover('U7', 'U9', requirement, ['U5'])).toEqual({ ok: false, reason: 'not_an_approver' });
  });
});

describe('eligibleApproverCount', () => {
  it('counts distinct people other than the requester', () => {
    expect(eligibleApproverCount(requirement, 'U9', ['U2', 'U3'])).toBe(3);
    expect(eligibleApproverCount(requirement, 'U1', ['U2', 'U3'])).toBe(2);
    expect(approverSet(requirement, ['U2']).size).toBe(2);
  });
});

describe('quorumReached', () => {
  it('needs approvalsNeeded approvals', () => {
    expect(quorumReached(1, requirement)).toBe(false);
    expect(quorumReached(2, requirement)).toBe(true);
    expect(quorumReached(3, requirement)).toBe(true);
  });
});

describe('describeExpiry', () => {
  it.each([
    [86400, '1 day'],
    [3 * 86400, '3 days'],
    [3600, '1 hour'],
    [7200, '2 hours'],
    [90 * 60, '90 minutes'],
    [60, '1 minute'],
    [61, '61 seconds'],
  ])('%d s → %s', (seconds, text) => {
    expect(describeExpiry(seconds)).toBe(text);
  });
});
