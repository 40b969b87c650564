// The longest import people can submit and the longest answers Simplismart can give: every field at
// the limit the form or the API reader allows, made of characters that grow when escaped for Slack.
import { LIMITS, type ImportClusterBody } from '../../src/domain/clusterImport.js';
import { POLICY_LIMITS } from '../../src/domain/approvalPolicy.js';
import type { ImportOutcome } from '../../src/domain/importRequest.js';
import { MAX_NODE_GROUPS } from '../../src/views/nodeGroupEditor.js';
import { aBody, ORG } from './fixtures.js';

/** `n` characters, most of them `&`, `<` or `>` (each becomes 4–5 characters in mrkdwn), none blank. */
export function swollen(n: number, start = 'x'): string {
  return `${start}${'&<>'.repeat(n)}`.slice(0, n);
}

/** A machine type at its limit: no spaces, every other character escaped. */
export const MAX_MACHINE_TYPE = swollen(LIMITS.machineTypeLength, 'm');
/** The cluster name at its limit: a would-be mention and escapes all the way. */
export const MAX_CLUSTER_NAME = `<!channel> ${swollen(LIMITS.nameLength - 11, '&')}`;

export function maximalNodeGroupName(index: number): string {
  return `${String(index)}${'g'.repeat(LIMITS.nodeGroupNameLength - 1)}`;
}

/** Six node groups (as many as the form holds), every value at its limit. */
export function maximalBody(org = ORG): ImportClusterBody {
  return aBody({
    org,
    name: MAX_CLUSTER_NAME,
    slug: `s${'-s'.repeat((LIMITS.slugLength - 1) / 2)}`,
    region: 'ap-southeast-2',
    avatar: { image_url: 'https://ui-avatars.com/api/?name=x', font_color: '#FFFFFF', background_color: '#2563EB' },
    nodegroup_labels: Array.from({ length: MAX_NODE_GROUPS }, (_, i) => ({
      name: maximalNodeGroupName(i),
      is_auxilliary: i === 0,
      node_config: {
        machine_type: MAX_MACHINE_TYPE,
        capacity_type: 'ON_DEMAND' as const,
        min_node_count: LIMITS.nodeCount,
        max_node_count: LIMITS.nodeCount,
        desired_count: LIMITS.nodeCount,
        accelerator_type: `a${'-a'.repeat((LIMITS.acceleratorTypeLength - 1) / 2)}`,
        accelerator_count: LIMITS.acceleratorCount,
        vcpu: LIMITS.vcpu,
        memory: LIMITS.memoryGb,
      },
    })),
  });
}

/** A 201 whose cluster values are far longer than anything sensible (the API bounds none of them). */
export const HUGE_SUCCESS: ImportOutcome = {
  kind: 'imported',
  cluster: { uuid: swollen(5000, 'u'), name: swollen(5000, 'n'), status: swollen(5000, 's'), provider: swollen(5000, 'p'), region: swollen(5000, 'r') },
};

/** The API's words at the most the reader keeps: a 500-character message and 20 fields of 10 × 500. */
export const HUGE_REJECTION: ImportOutcome = {
  kind: 'rejected',
  code: 'validation_failed',
  status: 422,
  apiMessage: swollen(500, '\n'),
  fieldErrors: Array.from({ length: 20 }, (_, i) => ({ field: swollen(300, String(i)), messages: Array.from({ length: 10 }, () => swollen(500, 'e')) })),
};

/** The most approvers a policy holds: 50 people and 20 groups. */
export const MANY_APPROVERS = {
  approverUserIds: Array.from({ length: POLICY_LIMITS.approvers }, (_, i) => `U0APPR${String(i).padStart(4, '0')}`),
  approverGroupIds: Array.from({ length: POLICY_LIMITS.groups }, (_, i) => `S0GROUP${String(i).padStart(4, '0')}`),
};
