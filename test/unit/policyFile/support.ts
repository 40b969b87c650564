// Builders for the policy file's tests: a policy from YAML text (failing loudly when it does not read),
// request facts with defaults, node groups by what they hold.
import type { CapacityType } from '../../../src/domain/clusterImport.js';
import type { NodeGroupFacts, RequestFacts } from '../../../src/domain/policyFile/facts.js';
import type { Policy } from '../../../src/domain/policyFile/policy.js';
import { readPolicy } from '../../../src/domain/policyFile/read.js';

export function policyOf(text: string): Policy {
  const read = readPolicy(text);
  if (!read.ok) throw new Error(`the policy does not read:\n${read.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`).join('\n')}`);
  return read.policy;
}

export function group(name: string, parts: { accelerator?: string; perNode?: number; max?: number; capacity?: CapacityType } = {}): NodeGroupFacts {
  const accelerator = parts.accelerator ?? null;
  const gpusPerNode = accelerator === null ? 0 : (parts.perNode ?? 1);
  const gpus = gpusPerNode === 0 ? 0 : parts.max === undefined ? Number.POSITIVE_INFINITY : parts.max * gpusPerNode;
  return { name, accelerator, gpusPerNode, capacityType: parts.capacity, maxNodes: parts.max, gpus };
}

export function facts(over: Partial<RequestFacts> = {}): RequestFacts {
  return {
    workspace: 'T0TEAMONE1',
    kind: 'import_cluster',
    channel: 'C0INFRAREQ',
    requester: 'U0BOB00002',
    requesterGroups: new Map(),
    provider: 'aws',
    region: 'us-east-1',
    clusterName: 'Staging',
    clusterSlug: 'staging',
    nodeGroups: [group('cpu', { max: 3, capacity: 'ON_DEMAND' })],
    ...over,
  };
}
