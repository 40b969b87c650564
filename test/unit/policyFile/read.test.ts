// Validation: every problem names its line and column (and its path in the file), all of them at once;
// unknown keys refused where they stand; bad globs, numbers, IDs, durations and outcomes; YAML's own
// problems; the checks across rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPolicy } from '../../../src/domain/policyFile/read.js';
import type { Problem } from '../../../src/domain/policyFile/yamlPositions.js';
import { ROOT } from '../../support/builtBot.js';

/** Every problem of `text` as [line, column, path, message]. */
function problems(text: string): Array<[number, number, string, string]> {
  const read = readPolicy(text);
  if (read.ok) return [];
  return read.problems.map((p: Problem) => [p.line, p.column, p.path, p.message]);
}

const rule = (body: string) => `version: 1\nrules:\n  - name: r\n${body}`;

describe('a valid file', () => {
  test("the documentation's example reads, each rule with the line it starts on", () => {
    const read = readPolicy(readFileSync(join(ROOT, 'test/fixtures/policy/example.yaml'), 'utf8'));
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.policy.rules.map((r) => [r.name, r.line])).toEqual([
      ['imports only from #infra-requests', 7],
      ['no GPU pools on spot in production', 13],
      ['more than 16 GPUs', 21],
      ['H100s need a lead', 31],
      ['CPU-only test clusters', 38],
      ['platform team adds node groups', 44],
    ]);
    expect(read.policy.fallback.line).toBe(52);
    expect(read.policy.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("the documentation's example is this file, byte for byte", () => {
    const section = readFileSync(join(ROOT, 'docs/policy-file.md'), 'utf8');
    const block = /## A complete example\n\n```yaml\n([\s\S]*?)```\n/.exec(section)?.[1];
    expect(block).toBe(readFileSync(join(ROOT, 'test/fixtures/policy/example.yaml'), 'utf8'));
  });

  test('one value, a list and not: read alike', () => {
    const read = readPolicy(rule('    when:\n      provider: aws\n      region: [us-*, eu-*]\n      channel: { not: [C0AAAAAAA] }\n    allow: true\n'));
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.policy.rules[0]?.when).toEqual({
      provider: { values: ['aws'], negated: false },
      region: { values: ['us-*', 'eu-*'], negated: false },
      channel: { values: ['C0AAAAAAA'], negated: true },
    });
  });
});

describe('every problem names its line and column', () => {
  test.each<[string, string, Array<[number, number, string, RegExp]>]>([
    // --- the file as a whole
    ['empty file', '', [[1, 1, '', /The file is empty/]]],
    ['only comments', '# nothing yet\n', [[1, 1, '', /The file is empty/]]],
    ['not a mapping', '- a\n- b\n', [[1, 1, '', /the policy file is a mapping .* of version, rules, default/i]]],
    ['no version', 'rules: []\n', [[1, 1, 'version', /version: 1/]]],
    ['another version', 'version: 2\nrules: []\n', [[1, 10, 'version', /version: 1/]]],
    ['no rules', 'version: 1\n', [[1, 1, 'rules', /rules is a list/]]],
    ['rules not a list', 'version: 1\nrules: { name: r }\n', [[2, 8, 'rules', /rules is a list/]]],
    // --- unknown keys, each at the key, with a guess when it looks like a typo
    ['unknown top-level key', 'version: 1\nrule: []\nrules: []\n', [[2, 1, 'rule', /"rule" is not a key of the policy file: it takes version, rules, default\. Did you mean "rules"\?/]]],
    ['unknown key in a rule', rule('    allow: true\n    comment: hello\n'), [[5, 5, 'rules[0].comment', /"comment" is not a key of a rule: it takes name, when, allow, require, deny\./]]],
    ['unknown condition', rule('    when:\n      chanel: C0AAAAAAA\n    allow: true\n'), [[5, 7, 'rules[0].when.chanel', /not a key of "when".*Did you mean "channel"\?/]]],
    ['a condition in another case', rule('    when:\n      Provider: aws\n    allow: true\n'), [[5, 7, 'rules[0].when.Provider', /Did you mean "provider"\?/]]],
    ['unknown key in require', rule('    require:\n      approvals: 1\n      from: { users: [U0AAAAAAA] }\n      expiry: 2d\n'), [[7, 7, 'rules[0].require.expiry', /not a key of "require".*expires_after/]]],
    ['unknown key in from', rule('    require:\n      approvals: 1\n      from: { user: U0AAAAAAA }\n'), [[6, 13, 'rules[0].require.from', /Name who approves/], [6, 15, 'rules[0].require.from.user', /Did you mean "users"\?/]]],
    ['unknown key in not', rule('    when:\n      provider: { nto: aws }\n    allow: true\n'), [[5, 17, 'rules[0].when.provider.not', /^Missing: give one provider or a list of them\./], [5, 19, 'rules[0].when.provider.nto', /not a key of a "not" condition.*Did you mean "not"\?/]]],
    ['unknown bound', rule('    when:\n      total_gpus: { above: 16 }\n    allow: true\n'), [[5, 19, 'rules[0].when.total_gpus', /Give a bound/], [5, 21, 'rules[0].when.total_gpus.above', /not a key of a count condition: it takes at_least, at_most, more_than, less_than/]]],
    ['unknown key in any_node_group', rule('    when:\n      any_node_group: { gpu: 1 }\n    allow: true\n'), [[5, 25, 'rules[0].when.any_node_group.gpu', /Did you mean "gpus"\?/]]],
    ['unknown key in default', 'version: 1\nrules: []\ndefault:\n  allow: true\n  note: x\n', [[5, 3, 'default.note', /not a key of "default"/]]],
    // --- bad globs
    ['a regex: .*', rule('    when: { cluster: "prod-.*" }\n    allow: true\n'), [[4, 22, 'rules[0].when.cluster', /a glob, not a regular expression: "\.\*"/]]],
    ['a regex: anchors', rule('    when: { cluster: "^prod" }\n    allow: true\n'), [[4, 22, 'rules[0].when.cluster', /"\^" is not glob syntax/]]],
    ['a regex: a class', rule('    when: { region: ["us-[ew]*"] }\n    allow: true\n'), [[4, 22, 'rules[0].when.region[0]', /character classes/]]],
    ['a regex: alternation', rule('    when: { any_node_group: { accelerator: "nvidia-(a100|h100)" } }\n    allow: true\n'), [[4, 44, 'rules[0].when.any_node_group.accelerator', /write a list of patterns/]]],
    ['an empty pattern', rule('    when: { cluster: "" }\n    allow: true\n'), [[4, 22, 'rules[0].when.cluster', /An empty pattern matches nothing/]]],
    ['spaces around', rule('    when: { cluster: " prod-*" }\n    allow: true\n'), [[4, 22, 'rules[0].when.cluster', /spaces at its ends/]]],
    ['too long', rule(`    when: { cluster: ${'a'.repeat(101)} }\n    allow: true\n`), [[4, 22, 'rules[0].when.cluster', /Keep a pattern to 100 characters/]]],
    ['a number for a pattern', rule('    when: { region: 5 }\n    allow: true\n'), [[4, 21, 'rules[0].when.region', /5 is not a pattern/]]],
    ['an unquoted leading *', rule('    when: { cluster: *-prod }\n    allow: true\n'), [[4, 22, '', /\*-prod reads as a YAML alias: .* in quotes, "\*-prod"/]]],
    ['a lone *', rule('    when:\n      cluster: *\n    allow: true\n'), [[5, 16, '', /A lone \* reads as a YAML alias/]]],
    // --- bad numbers
    ['a negative count', rule('    when: { total_gpus: -1 }\n    allow: true\n'), [[4, 25, 'rules[0].when.total_gpus', /cannot be negative/]]],
    ['a fraction', rule('    when: { node_groups: { more_than: 1.5 } }\n    allow: true\n'), [[4, 39, 'rules[0].when.node_groups.more_than', /1\.5 is not a whole number/]]],
    ['a number as text', rule('    when: { total_gpus: { at_least: "16" } }\n    allow: true\n'), [[4, 37, 'rules[0].when.total_gpus.at_least', /"16" is not a whole number/]]],
    ['too large', rule('    when: { total_gpus: 2000000 }\n    allow: true\n'), [[4, 25, 'rules[0].when.total_gpus', /Keep counts to 1000000/]]],
    ['bounds no count meets', rule('    when: { total_gpus: { more_than: 16, at_most: 8 } }\n    allow: true\n'), [[4, 25, 'rules[0].when.total_gpus', /No count is at most 8 and more than 16: this condition never holds/]]],
    ['no bound', rule('    when: { total_gpus: {} }\n    allow: true\n'), [[4, 25, 'rules[0].when.total_gpus', /Give a bound/]]],
    ['a list for a count', rule('    when: { total_gpus: [1, 2] }\n    allow: true\n'), [[4, 25, 'rules[0].when.total_gpus', /A list is not accepted here: give a number, or bounds/]]],
    ['zero approvals', rule('    require: { approvals: 0, from: { groups: S0AAAAAAA } }\n'), [[4, 27, 'rules[0].require.approvals', /At least 1 approval: .* allow: true/]]],
    ['eleven approvals', rule('    require: { approvals: 11, from: { groups: S0AAAAAAA } }\n'), [[4, 27, 'rules[0].require.approvals', /At most 10 approvals/]]],
    ['more approvals than people', rule('    require: { approvals: 3, from: { users: [U0AAAAAAA, U0BBBBBBB] } }\n'), [[4, 27, 'rules[0].require.approvals', /3 approvals from 2 people can never be reached/]]],
    // --- IDs
    ['a channel by name', rule('    when: { channel: "#infra-requests" }\n    allow: true\n'), [[4, 22, 'rules[0].when.channel', /"#infra-requests" looks like a name: write a channel ID such as C0123ABCD/]]],
    ['a group by handle', rule('    require: { approvals: 1, from: { groups: "@gpu-leads" } }\n'), [[4, 46, 'rules[0].require.from.groups', /looks like a name: write a user group ID/]]],
    ['a user ID for a group', rule('    require: { approvals: 1, from: { groups: [U0AAAAAAA] } }\n'), [[4, 47, 'rules[0].require.from.groups[0]', /"U0AAAAAAA" is not a user group ID such as S0123ABCD/]]],
    ['a person listed twice', rule('    require: { approvals: 1, from: { users: [U0AAAAAAA, U0AAAAAAA] } }\n'), [[4, 57, 'rules[0].require.from.users[1]', /U0AAAAAAA is listed twice/]]],
    ['a workspace ID', rule('    when: { workspace: E0ORG0001 }\n    allow: true\n'), [[4, 24, 'rules[0].when.workspace', /not a workspace ID such as T0123ABCD/]]],
    // --- values of a condition
    ['an unknown provider', rule('    when: { provider: amazon }\n    allow: true\n'), [[4, 23, 'rules[0].when.provider', /"amazon" is not a provider: use aws, gcp, azure, oci, kubernetes, e2e, shakti-cloud\./]]],
    ['a capacity type in lower case', rule('    when: { any_node_group: { capacity_type: spot } }\n    allow: true\n'), [[4, 46, 'rules[0].when.any_node_group.capacity_type', /Did you mean SPOT\?/]]],
    ['an unknown kind, in a list', rule('    when: { kind: [import, nodegroups] }\n    allow: true\n'), [[4, 28, 'rules[0].when.kind[1]', /"nodegroups" is not a request kind: use import, node_groups/]]],
    ['an empty list', rule('    when: { provider: [] }\n    allow: true\n'), [[4, 23, 'rules[0].when.provider', /An empty list matches nothing/]]],
    ['nothing after the key', rule('    when:\n      provider:\n    allow: true\n'), [[5, 7, 'rules[0].when.provider', /Nothing is given here: give one provider, a list of them, or "not:"/]]],
    ['an empty when', rule('    when: {}\n    allow: true\n'), [[4, 11, 'rules[0].when', /An empty "when" matches every request: leave "when" out/]]],
    ['an empty any_node_group', rule('    when: { any_node_group: {} }\n    allow: true\n'), [[4, 29, 'rules[0].when.any_node_group', /Give what one node group has/]]],
    // --- durations
    ['a duration without its unit', rule('    require: { approvals: 1, from: { groups: S0AAAAAAA }, expires_after: 24 }\n'), [[4, 74, 'rules[0].require.expires_after', /Write the unit too, e\.g\. 24h/]]],
    ['weeks', rule('    require: { approvals: 1, from: { groups: S0AAAAAAA }, expires_after: 1w }\n'), [[4, 74, 'rules[0].require.expires_after', /"1w" is not a duration: write one such as 30m, 24h or 7d/]]],
    ['too short', rule('    require: { approvals: 1, from: { groups: S0AAAAAAA }, expires_after: 5m }\n'), [[4, 74, 'rules[0].require.expires_after', /between 15 minutes and 30 days: 5m is outside that/]]],
    ['too long', rule('    require: { approvals: 1, from: { groups: S0AAAAAAA }, expires_after: 31d }\n'), [[4, 74, 'rules[0].require.expires_after', /31d is outside that/]]],
    // --- outcomes
    ['no outcome', rule('    when: { kind: import }\n'), [[3, 5, 'rules[0]', /Say what happens to the requests this rule matches: allow: true, require: \{approvals, from\}, or deny: "why"/]]],
    ['two outcomes', rule('    allow: true\n    deny: no\n'), [[5, 5, 'rules[0].deny', /One outcome per rule: this one already says allow/]]],
    ['allow: false', rule('    allow: false\n'), [[4, 12, 'rules[0].allow', /allow takes true only/]]],
    ['an empty deny', rule('    deny: ""\n'), [[4, 11, 'rules[0].deny', /Say why, in the words the person will read/]]],
    ['no approvers', rule('    require: { approvals: 1, from: {} }\n'), [[4, 36, 'rules[0].require.from', /Name who approves: users, groups, or both/]]],
    ['no from', rule('    require: { approvals: 1 }\n'), [[4, 14, 'rules[0].require.from', /"from" is a mapping/]]],
    ['a rule without a name', 'version: 1\nrules:\n  - allow: true\n', [[3, 5, 'rules[0].name', /Give the rule a name/]]],
    ['a name cut by a comment', 'version: 1\nrules:\n  - name: only from #infra-requests\n    deny: "no"\n', [[3, 21, 'rules[0].name', /The rule’s name stops before "#infra-requests": in YAML " #" starts a comment\. Put the whole text in quotes: "only from #infra-requests"/]]],
    ['a message cut by a comment', rule('    deny: Ask in #platform.\n'), [[4, 18, 'rules[0].deny', /The message stops before "#platform\."/]]],
    // --- across rules
    ['a name used twice, in another case', 'version: 1\nrules:\n  - name: GPUs\n    when: { kind: import }\n    allow: true\n  - name: gpus\n    when: { kind: node_groups }\n    allow: true\n', [[6, 11, 'rules[1].name', /The rule on line 3 is already named "GPUs"/]]],
    [
      'rules after a catch-all, and a default',
      'version: 1\nrules:\n  - name: everything\n    allow: true\n  - name: never\n    when: { kind: import }\n    deny: no\ndefault:\n  allow: true\n',
      [
        [5, 5, 'rules[1]', /Rule "never" is never reached: rule "everything" \(line 3\) has no "when"/],
        [8, 1, 'default', /The default is never used: rule "everything" \(line 3\)/],
      ],
    ],
    // --- YAML's own problems
    ['a key given twice', 'version: 1\nrules: []\nrules: []\n', [[3, 1, '', /already given above in the same mapping/]]],
    ['a broken flow list', 'version: 1\nrules: [\n', [[3, 1, '', /^YAML: /]]],
    ['two documents', 'version: 1\nrules: []\n---\nversion: 1\n', [[3, 1, '', /more than one YAML document/]]],
    ['an unknown tag', 'version: !one 1\nrules: []\n', [[1, 10, '', /Tags \(!one\) are not used in a policy file/]]],
    ['a known tag', 'version: 1\nrules:\n  - name: !!str 5\n    allow: true\n', [[3, 11, '', /Tags \(!!str\) are not used in a policy file: write the value plainly, in quotes to make it text/]]],
    ['an anchor alone', 'version: 1\nrules: &r []\n', [[2, 8, '', /Anchors \(&r\) are not used in a policy file/]]],
    [
      'an anchor and its alias',
      'version: 1\nrules:\n  - name: a\n    when: &w { kind: import }\n    allow: true\n  - name: b\n    when: *w\n    deny: no\n',
      [
        [4, 11, '', /Anchors \(&w\)/],
        [7, 11, '', /\*w reads as a YAML alias/],
      ],
    ],
  ])('%s', (_name, text, expected) => {
    const found = problems(text);
    expect(found.map(([line, column, path]) => [line, column, path])).toEqual(expected.map(([line, column, path]) => [line, column, path]));
    found.forEach(([, , , message], i) => expect(message).toMatch(expected[i]?.[3] ?? /never/));
  });

  test('every problem of a file at once, in the order of its lines', () => {
    const text = `version: 1
rules:
  - name: a
    when:
      provider: amazon
      region: "us-.*"
      total_gpus: { more_than: 1.5 }
    require:
      approvals: 2
      from: { groups: "@gpu-leads" }
      expires_after: 1y
  - name: b
    allow: false
`;
    expect(problems(text).map(([line, column, path]) => `${line}:${column} ${path}`)).toEqual([
      '5:17 rules[0].when.provider',
      '6:15 rules[0].when.region',
      '7:32 rules[0].when.total_gpus.more_than',
      '10:23 rules[0].require.from.groups',
      '11:22 rules[0].require.expires_after',
      '13:12 rules[1].allow',
    ]);
  });

  test('a file over 256 KB is refused before it is read', () => {
    const big = `version: 1\nrules: []\n${'# padding\n'.repeat(30_000)}`;
    expect(problems(big)).toEqual([[1, 1, '', expect.stringMatching(/over 256 KB/)]]);
  });

  test('200 rules at most', () => {
    const many = Array.from({ length: 201 }, (_, i) => `  - name: r${i}\n    when: { node_groups: ${i} }\n    allow: true\n`).join('');
    expect(problems(`version: 1\nrules:\n${many}`)).toEqual([[3, 3, 'rules', 'At most 200 rules.']]);
  });
});
