// The policy file applied to a request (RequestPolicy), with a Slack that answers group membership: the
// requester's groups looked up only for the rules that ask, a group Slack does not answer for left
// unknown (the next rule decides), approvals no one could give refused, the decision frozen from one
// read of the policy; and the file itself (PolicyFile): a bad reload keeps the last good policy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebClient } from '@slack/web-api';
import type { ImportClusterBody } from '../../../src/domain/clusterImport.js';
import { createLogger, SecretScrubber } from '../../../src/process/logger.js';
import type { Clusters } from '../../../src/services/clusters.js';
import { PolicyFile, PolicyFileError } from '../../../src/services/policyFile.js';
import { namedInPolicy } from '../../../src/services/policyNames.js';
import { RequestDeniedError, RequestPolicy, type PolicyQuestion } from '../../../src/services/requestPolicy.js';

const logger = createLogger({ level: 'silent', scrubber: new SecretScrubber() });
let now = 1_000_000;
const clock = { now: () => now };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ss-request-policy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const POLICY = `version: 1
rules:
  - name: platform may
    when:
      requester_in_group: S0PLATFORM
    allow: true
  - name: two leads
    when:
      total_gpus: { more_than: 2 }
    require:
      approvals: 2
      from: { groups: S0LEADS }
default:
  deny: "Ask the platform team."
`;

function fileWith(text: string): PolicyFile {
  const path = join(dir, 'policy.yaml');
  writeFileSync(path, text);
  return PolicyFile.open(path, { logger, clock });
}

/** A Slack that knows these groups' members (any other group: Slack fails), and counts its lookups. */
function slackWith(groups: Record<string, string[]>) {
  const asked: string[] = [];
  const client = {
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          asked.push(usergroup);
          const users = groups[usergroup];
          if (users === undefined) throw Object.assign(new Error('An API error occurred: no_such_subteam'), { data: { error: 'no_such_subteam' } });
          return { ok: true, users };
        },
      },
      list: async () => ({ ok: true, usergroups: Object.keys(groups).map((id) => ({ id, handle: id.toLowerCase() })) }),
    },
    conversations: { info: async () => ({ ok: true }) },
  } as unknown as WebClient;
  return { client, asked };
}

function policyOf(file: PolicyFile, client: WebClient): RequestPolicy {
  return new RequestPolicy({ file, clusters: { list: async () => [] } as unknown as Clusters, slackFor: async () => client, clock, logger });
}

const body = (maxNodes: number): ImportClusterBody =>
  ({
    name: 'Test',
    slug: 'test',
    cluster_hosted_on: 'aws',
    region: 'us-west-2',
    nodegroup_labels: [{ name: 'gpu', is_auxilliary: false, node_config: { max_node_count: maxNodes, accelerator_type: 'nvidia-a10g', accelerator_count: 1 } }],
  }) as unknown as ImportClusterBody;

const question = (userId: string, maxNodes: number): PolicyQuestion => ({ kind: 'import_cluster', body: body(maxNodes), teamId: 'T0TEAM', enterpriseId: null, userId, channelId: 'C0CHAN' });

test('the requester’s group decides when Slack says they are in it; membership is asked once a minute', async () => {
  const { client, asked } = slackWith({ S0PLATFORM: ['U0PLAT'], S0LEADS: ['U0A', 'U0B'] });
  const policy = policyOf(fileWith(POLICY), client);
  expect((await policy.decide(question('U0PLAT', 10)))?.record.rule).toMatchObject({ name: 'platform may' });
  expect((await policy.decide(question('U0OTHER', 10)))?.record.rule).toMatchObject({ name: 'two leads' });
  expect(asked.filter((g) => g === 'S0PLATFORM')).toHaveLength(1);
  now += 61_000;
  await policy.decide(question('U0OTHER', 10));
  expect(asked.filter((g) => g === 'S0PLATFORM')).toHaveLength(2);
});

test('a group Slack does not answer for is unknown: its rule does not match, the next one decides', async () => {
  const { client } = slackWith({ S0LEADS: ['U0A', 'U0B'] });
  const decision = await policyOf(fileWith(POLICY), client).decide(question('U0PLAT', 10));
  expect(decision?.record.rule).toMatchObject({ name: 'two leads' });
  expect(decision?.requirement).toEqual({ approvalsNeeded: 2, approverUserIds: [], approverGroupIds: ['S0LEADS'], approvalsChannelId: null });
  expect(decision?.expirySeconds).toBe(24 * 3600);
});

test('a deny, and approvals no one could give (the requester never counts), are refused with the rule', async () => {
  const { client } = slackWith({ S0PLATFORM: [], S0LEADS: ['U0A', 'U0B'] });
  const policy = policyOf(fileWith(POLICY), client);
  await expect(policy.decide(question('U0OTHER', 1))).rejects.toThrow('not allowed (no rule matched (the policy’s default)): Ask the platform team.');
  // A lead asks: only one other lead is left to approve, and two are needed.
  const refused = policy.decide(question('U0A', 10));
  await expect(refused).rejects.toBeInstanceOf(RequestDeniedError);
  await expect(refused).rejects.toThrow(/would need 2 approvals from S0LEADS: rule 'two leads' — and requesters never approve their own/);
});

test('without a file nothing is decided here (the Slack-set policy decides)', async () => {
  const { client } = slackWith({});
  const policy = new RequestPolicy({ file: undefined, clusters: { list: async () => [] } as unknown as Clusters, slackFor: async () => client, clock, logger });
  expect(await policy.decide(question('U0A', 10))).toBeUndefined();
  expect(await policy.previewNote(question('U0A', 10))).toBeUndefined();
});

test('the file: a reload with problems keeps the last good policy and says where; a good one replaces it', () => {
  const file = fileWith(POLICY);
  const good = file.inForce.policy.hash;
  writeFileSync(file.path, POLICY.replace('approvals: 2', 'approvals: 0'));
  expect(file.reload('test')).toBe(false);
  expect(file.inForce.policy.hash).toBe(good);
  expect(file.failure?.problems).toEqual([expect.stringMatching(new RegExp(`^${file.path}:11:18: rules\\[1\\]\\.require\\.approvals: `))]);
  rmSync(file.path);
  expect(file.reload('test')).toBe(false);
  expect(file.failure?.problems).toEqual([`${file.path}: cannot be read: no such file`]);
  writeFileSync(file.path, POLICY.replace('approvals: 2', 'approvals: 1'));
  expect(file.reload('test')).toBe(true);
  expect(file.inForce.policy.hash).not.toBe(good);
  expect(file.failure).toBeNull();
});

test('the file at start: every problem, or no file at all, is a PolicyFileError', () => {
  expect(() => PolicyFile.open(join(dir, 'missing.yaml'), { logger, clock })).toThrow(PolicyFileError);
  expect(() => fileWith('version: 2\nrules: []\n')).toThrow(/policy\.yaml:1:10: version: /);
});

test('the groups and channels a file names, for one workspace (rules for other workspaces left out)', () => {
  const file = fileWith(`version: 1
rules:
  - name: elsewhere
    when: { workspace: T0OTHER, requester_in_group: S0THEIRS }
    allow: true
  - name: here
    when: { channel: C0INFRA, requester_in_group: S0OURS }
    require: { approvals: 1, from: { groups: S0LEADS }, approvals_channel: C0APPROVE }
default:
  allow: true
`);
  const named = namedInPolicy(file.inForce.policy, 'T0TEAM');
  expect(named.groups.map((g) => g.id)).toEqual(['S0OURS', 'S0LEADS']);
  expect(named.channels.map((c) => c.id)).toEqual(['C0INFRA', 'C0APPROVE']);
  expect(named.groups[0]?.where).toBe("rule 'here' (line 6)");
});
