// The dry run's commands on the fixture files (test/fixtures/policy/), in process: what `check` and
// `test` print and their exit codes; the same program as a process, through npm, is test/e2e/policyCli.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPolicyCli } from '../../src/cli/policyCli.js';
import { ROOT } from '../support/builtBot.js';

const FIXTURES = join(ROOT, 'test/fixtures/policy');

async function run(args: string[], cwd = FIXTURES): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runPolicyCli(args, {
    cwd,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readFile: (path) => {
      // Tests never read outside the repository.
      expect(path.startsWith(ROOT)).toBe(true);
      return readFileSync(path, 'utf8');
    },
  });
  return { code, stdout, stderr };
}

describe('check', () => {
  test('a valid file: exit 0, its hash, each rule with its line and outcome, the default', async () => {
    const { code, stdout, stderr } = await run(['check', 'example.yaml']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^example\.yaml: ok, 6 rules \(sha256:[0-9a-f]{64}\)\n/);
    expect(stdout.split('\n').slice(1)).toEqual([
      `  1. 'imports only from #infra-requests' (line 7): not allowed: "Cluster imports are asked for in #infra-requests, where the platform team sees them."`,
      `  2. 'no GPU pools on spot in production' (line 13): not allowed: "GPU node groups in production clusters run on demand: use ON_DEMAND, or ask in #platform."`,
      "  3. 'more than 16 GPUs' (line 21): needs 2 approvals from S0GPULEADS, within 2 days, cards in C0GPUAPPRV",
      "  4. 'H100s need a lead' (line 31): needs 1 approval from S0GPULEADS, within 1 day",
      "  5. 'CPU-only test clusters' (line 38): allowed without approval",
      "  6. 'platform team adds node groups' (line 44): allowed without approval",
      '  default (line 52): needs 1 approval from U0ALICE001 or S0PLATFORM, within 1 day',
      '',
    ]);
  });

  test('a broken file: exit 1, every problem as FILE:LINE:COLUMN: path: message, then how many', async () => {
    const { code, stdout, stderr } = await run(['check', 'broken.yaml']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines.pop()).toBe('broken.yaml: 9 problems');
    expect(lines.map((l) => /^broken\.yaml:(\d+:\d+): ([^:]+):/.exec(l)?.slice(1, 3).join(' '))).toEqual([
      '4:21 rules[0].name',
      '6:13 rules[0].when.kind',
      '7:16 rules[0].when.channel',
      '11:19 rules[1].when.total_gpus',
      '12:16 rules[1].when.cluster',
      '16:22 rules[1].require.expires_after',
      '17:7 rules[1].require.approval_channel',
      '18:11 rules[2].name',
      '19:12 rules[2].allow',
    ]);
    expect(stdout).toContain('broken.yaml:17:7: rules[1].require.approval_channel: "approval_channel" is not a key of "require": it takes approvals, from, expires_after, approvals_channel. Did you mean "approvals_channel"?\n');
  });

  test('a path relative to where it was run, or absolute', async () => {
    expect((await run(['check', 'test/fixtures/policy/example.yaml'], ROOT)).stdout).toMatch(/^test\/fixtures\/policy\/example\.yaml: ok/);
    expect((await run(['check', join(FIXTURES, 'broken.yaml')], ROOT)).stdout).toMatch(/^test\/fixtures\/policy\/broken\.yaml:4:21: /);
  });
});

describe('test', () => {
  test('each request: the rule it hits and where, the words people see, why, and the rules before it; a tally', async () => {
    const { code, stdout, stderr } = await run(['test', 'example.yaml', '--request', 'gpu-import.json', '--request', 'spot-prod.json', '--request', 'platform-node-groups.json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "gpu-import.json: rule 'more than 16 GPUs' (example.yaml:21)",
        "  needs 2 approvals from S0GPULEADS: rule 'more than 16 GPUs'",
        '  waits 2 days for approval at most',
        '  why:',
        '    - total GPUs at maximum scale is 32, more than 16',
        '  rules before it:',
        "    - 'imports only from #infra-requests' (line 7): channel is C0INFRAREQ (which the rule excludes)",
        "    - 'no GPU pools on spot in production' (line 13): cluster is \"ML training\" (ml-training), not matching any of prod-* or *-prod",
        "spot-prod.json: rule 'no GPU pools on spot in production' (example.yaml:13)",
        "  not allowed (rule 'no GPU pools on spot in production'): GPU node groups in production clusters run on demand: use ON_DEMAND, or ask in #platform.",
        '  why:',
        '    - cluster is "Prod inference" (prod-inference), matching prod-*',
        '    - node group l4-spot has accelerator matching * and capacity type SPOT (nvidia-l4, SPOT, 2 GPUs at maximum scale)',
        '  rules before it:',
        "    - 'imports only from #infra-requests' (line 7): channel is C0INFRAREQ (which the rule excludes)",
        "platform-node-groups.json: rule 'platform team adds node groups' (example.yaml:44)",
        "  allowed without approval: rule 'platform team adds node groups'",
        '  why:',
        '    - kind is node_groups',
        '    - requester U0ALICE001 is in S0PLATFORM',
        '    - total GPUs at maximum scale is 8, at most 8',
        '  rules before it:',
        "    - 'imports only from #infra-requests' (line 7): kind is node_groups, not import",
        "    - 'no GPU pools on spot in production' (line 13): cluster is \"Staging\" (staging), not matching any of prod-* or *-prod",
        "    - 'more than 16 GPUs' (line 21): total GPUs at maximum scale is 8, not more than 16",
        "    - 'H100s need a lead' (line 31): no node group has accelerator matching nvidia-h100",
        "    - 'CPU-only test clusters' (line 38): cluster is \"Staging\" (staging), not matching test-*",
        "3 requests: 1 × rule 'more than 16 GPUs', 1 × rule 'no GPU pools on spot in production', 1 × rule 'platform team adds node groups'",
        '',
      ].join('\n'),
    );
  });

  test('a request file with problems: exit 1, each with its line and column (the body checked too)', async () => {
    const { code, stdout } = await run(['test', 'example.yaml', '--request', 'bad-request.json']);
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'bad-request.json:4:14: channel: Give a channel ID (C…), or null for a request from no channel.',
      'bad-request.json:6:3: requestor_groups: "requestor_groups" is not a key here.',
      'bad-request.json:10:26: body.cluster_hosted_on: Give one of aws, gcp, azure, oci, kubernetes, e2e, shakti-cloud.',
      'bad-request.json:13:63: body.nodegroup_labels[0].node_config.accelerator_count: Give the number of GPUs per node for this accelerator type.',
      'bad-request.json:13:83: body.nodegroup_labels[0].node_config.max_node_count: Max nodes must be a whole number.',
      'bad-request.json: 5 problems',
    ]);
  });

  test('a broken policy: its problems, exit 1, no request evaluated', async () => {
    const { code, stdout } = await run(['test', 'broken.yaml', '--request', 'gpu-import.json']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/broken\.yaml: 9 problems\n$/);
    expect(stdout).not.toContain('gpu-import.json');
  });
});

describe('usage: exit 2, what was wrong and the usage on stderr', () => {
  test.each<[string, string[], RegExp]>([
    ['nothing', [], /Say what to do: check or test\./],
    ['an unknown command', ['lint', 'x.yaml'], /Unknown command "lint": check or test\./],
    ['check without a file', ['check'], /check takes the policy file's path\./],
    ['check with two files', ['check', 'a.yaml', 'b.yaml'], /check takes one file; unexpected: b\.yaml\./],
    ['test without a request', ['test', 'example.yaml'], /test needs at least one --request REQUEST\.json\./],
    ['test with a stray argument', ['test', 'example.yaml', 'gpu-import.json'], /unexpected "gpu-import\.json": give each request file after --request\./],
    ['--request without a file', ['test', 'example.yaml', '--request'], /--request takes a request file’s path\./],
    ['a file that is not there', ['check', 'missing.yaml'], /cannot read missing\.yaml: no such file\./],
    ['a folder', ['check', '.'], /cannot read \.: it is a folder\./],
    ['a request file that is not there', ['test', 'example.yaml', '--request', 'missing.json'], /cannot read missing\.json: no such file\./],
  ])('%s', async (_name, args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^policy: ${message.source}\\n\\nUsage:\\n`));
  });

  test('help: the usage on stdout, exit 0', async () => {
    const { code, stdout } = await run(['help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage:\n {2}npm run policy -- check FILE\n/);
  });
});
