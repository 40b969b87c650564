// An evaluation in the words people see, and the requirement frozen into a request.
import { evaluate } from '../../../src/domain/policyFile/evaluate.js';
import { requirementOf } from '../../../src/domain/policyFile/policy.js';
import { describeEvaluation, outcomeWords, SLACK_MENTIONS, waitWords, type Names } from '../../../src/domain/policyFile/words.js';
import { facts, group, policyOf } from './support.js';

const policy = policyOf(`version: 1
rules:
  - name: no spot GPUs
    when: { any_node_group: { accelerator: "*", capacity_type: SPOT } }
    deny: GPU pools run on demand here.
  - name: more than 16 GPUs
    when: { total_gpus: { more_than: 16 } }
    require: { approvals: 2, from: { groups: S0GPULEADS }, expires_after: 2d, approvals_channel: C0GPUAPPRV }
  - name: small
    when: { total_gpus: { at_most: 8 } }
    allow: true
default:
  require: { approvals: 1, from: { users: [U0ALICE001, U0CAROL003], groups: S0PLATFORM } }
`);

const handles: Names = { user: (id) => ({ U0ALICE001: '@alice', U0CAROL003: '@carol' })[id] ?? id, group: (id) => ({ S0GPULEADS: '@gpu-leads', S0PLATFORM: '@platform' })[id] ?? id };
const big = [group('a100', { accelerator: 'nvidia-a100', perNode: 8, max: 4, capacity: 'ON_DEMAND' })];

test.each<[string, Parameters<typeof facts>[0], string]>([
  ['a rule that needs approvals (the issue’s words)', { nodeGroups: big }, "needs 2 approvals from @gpu-leads: rule 'more than 16 GPUs'"],
  ['a rule that allows', {}, "allowed without approval: rule 'small'"],
  ['a rule that refuses, with its message', { nodeGroups: [group('l4', { accelerator: 'nvidia-l4', max: 1, capacity: 'SPOT' })] }, "not allowed (rule 'no spot GPUs'): GPU pools run on demand here."],
  ['the default: people and groups', { nodeGroups: [group('a100', { accelerator: 'nvidia-a100', perNode: 4, max: 3, capacity: 'ON_DEMAND' })] }, 'needs 1 approval from @alice, @carol or @platform: no rule matched (the policy’s default)'],
])('%s', (_name, over, words) => {
  expect(describeEvaluation(evaluate(policy, facts(over)), handles)).toBe(words);
});

test('the built-in default says the file sets none, and why the request is refused', () => {
  const none = policyOf('version: 1\nrules:\n  - name: small\n    when: { total_gpus: 0 }\n    allow: true\n');
  expect(describeEvaluation(evaluate(none, facts({ nodeGroups: big })))).toBe(
    'not allowed: No rule of the approval policy covers this request, and the policy sets no default: ask the people who keep the policy file to add a rule for it.',
  );
});

test('IDs by default; Slack mentions for messages', () => {
  const evaluation = evaluate(policy, facts({ nodeGroups: big }));
  expect(describeEvaluation(evaluation)).toBe("needs 2 approvals from S0GPULEADS: rule 'more than 16 GPUs'");
  expect(outcomeWords(evaluation.outcome, SLACK_MENTIONS)).toBe('needs 2 approvals from <!subteam^S0GPULEADS>');
  expect(outcomeWords(policy.fallback.outcome, SLACK_MENTIONS)).toBe('needs 1 approval from <@U0ALICE001>, <@U0CAROL003> or <!subteam^S0PLATFORM>');
});

test('how long it waits', () => {
  expect(waitWords(evaluate(policy, facts({ nodeGroups: big })).outcome)).toBe('2 days');
  expect(waitWords(policy.fallback.outcome)).toBe('1 day');
  expect(waitWords({ kind: 'allow' })).toBeNull();
});

test('requirementOf: what a request freezes, as the Slack-set policy does; nothing for allow and deny', () => {
  expect(requirementOf(evaluate(policy, facts({ nodeGroups: big })).outcome)).toEqual({
    approvalsNeeded: 2,
    approverUserIds: [],
    approverGroupIds: ['S0GPULEADS'],
    approvalsChannelId: 'C0GPUAPPRV',
  });
  expect(requirementOf({ kind: 'allow' })).toBeNull();
  expect(requirementOf({ kind: 'deny', message: 'no' })).toBeNull();
});
