// Nodes and dumps for the node-proposal tests: a Node object as `kubectl get nodes -o json` prints one,
// with only what a test sets beyond a Ready worker, and the fixtures read from test/fixtures/nodes/.
import { readFileSync } from 'node:fs';

export interface NodeSpec {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  cpu?: string;
  memory?: string;
  gpu?: string;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  ready?: boolean;
  unschedulable?: boolean;
}

export function aNode(spec: NodeSpec): Record<string, unknown> {
  const capacity: Record<string, string> = { cpu: spec.cpu ?? '4', memory: spec.memory ?? '15896532Ki', pods: '110' };
  if (spec.gpu !== undefined) capacity['nvidia.com/gpu'] = spec.gpu;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: { 'kubernetes.io/hostname': spec.name, 'kubernetes.io/os': 'linux', ...spec.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', ...spec.annotations },
    },
    spec: { ...(spec.taints === undefined ? {} : { taints: spec.taints }), ...(spec.unschedulable === true ? { unschedulable: true } : {}) },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [{ type: 'Ready', status: spec.ready === false ? 'False' : 'True' }],
    },
  };
}

/** `kubectl get nodes -o json` of these nodes. */
export function dump(nodes: ReadonlyArray<Record<string, unknown>>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: nodes, metadata: { resourceVersion: '' } }, null, 4);
}

export function fixture(file: string): string {
  return readFileSync(new URL(`../../fixtures/nodes/${file}`, import.meta.url), 'utf8');
}

/** An EKS managed node group's node. */
export function eksNode(name: string, nodegroup: string, instanceType: string, extra: Partial<NodeSpec> = {}): Record<string, unknown> {
  return aNode({
    ...extra,
    name,
    labels: {
      'eks.amazonaws.com/nodegroup': nodegroup,
      'eks.amazonaws.com/capacityType': 'ON_DEMAND',
      'node.kubernetes.io/instance-type': instanceType,
      'topology.kubernetes.io/region': 'us-west-2',
      ...extra.labels,
    },
  });
}
