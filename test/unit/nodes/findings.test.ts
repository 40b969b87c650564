// Findings and their next steps: the exact `kubectl label` commands (by the pool's selector, or by node
// names), the lasting fix per platform, pools whose nodes disagree, GPU taints, GPUs not yet offered,
// spot GPUs, one auxiliary group and never two.
import { labelCommands, lastingFix } from '../../../src/domain/nodes/findings.js';
import { nodeFromObject, readNode } from '../../../src/domain/nodes/nodes.js';
import { proposeNodeGroups, type NodeProposal } from '../../../src/domain/nodes/proposal.js';
import type { Finding, FindingCode } from '../../../src/domain/nodes/model.js';
import { aNode, dump, eksNode, type NodeSpec } from './builders.js';

function reading(spec: NodeSpec) {
  const read = nodeFromObject(aNode(spec), 'kubectl-json');
  if (!read.ok) throw new Error(read.reason);
  return readNode(read.node);
}

function propose(nodes: Array<Record<string, unknown>>, options = {}): NodeProposal {
  const result = proposeNodeGroups([dump(nodes)], options);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

const find = (p: NodeProposal, code: FindingCode, group?: string): Finding[] => p.findings.filter((f) => f.code === code && (group === undefined || f.group === group));
const one = (p: NodeProposal, code: FindingCode, group?: string): Finding => {
  const found = find(p, code, group);
  expect(found).toHaveLength(1);
  return found[0] as Finding;
};

const CONTEXT = { name: 'prod', region: 'us-west-2', location: 'us-central1', resourceGroup: 'rg-ml' };

describe('kubectl label commands', () => {
  test('by the pool’s own label, skipping nodes that have any Simplismart label (no --overwrite)', () => {
    const commands = labelCommands('gpu', [reading({ name: 'a', labels: { 'eks.amazonaws.com/nodegroup': 'ng-gpu' } }), reading({ name: 'b', labels: { 'eks.amazonaws.com/nodegroup': 'ng-gpu' } })]);
    expect(commands).toEqual(["kubectl label nodes -l 'eks.amazonaws.com/nodegroup=ng-gpu,!simplismart.ai/node-pool-name' simplismart.ai/node-pool-name=gpu"]);
  });

  test('by node names where there is no pool label, with --overwrite (kubectl refuses even the same value without it)', () => {
    expect(labelCommands('cpu', [reading({ name: 'a' }), reading({ name: 'b' })])).toEqual(['kubectl label nodes --overwrite a b simplismart.ai/node-pool-name=cpu']);
  });

  test('one command per platform pool the nodes span, and names in commands of 100', () => {
    const nodes = [reading({ name: 'a', labels: { 'karpenter.sh/nodepool': 'x' } }), reading({ name: 'b', labels: { 'karpenter.sh/nodepool': 'y' } }), ...Array.from({ length: 150 }, (_, i) => reading({ name: `n-${i}` }))];
    const commands = labelCommands('g', nodes);
    expect(commands).toHaveLength(4);
    expect(commands[0]).toContain("-l 'karpenter.sh/nodepool=x,!simplismart.ai/node-pool-name'");
    expect(commands[1]).toContain("-l 'karpenter.sh/nodepool=y,!simplismart.ai/node-pool-name'");
    expect(commands[2]?.split(' ').filter((t) => t.startsWith('n-'))).toHaveLength(100);
    expect(commands[3]?.split(' ').filter((t) => t.startsWith('n-'))).toHaveLength(50);
  });

  test('OKE’s pool is an annotation, which no selector can name: by names', () => {
    const ocid = 'ocid1.nodepool.oc1.iad.aaaaaaaa5mii6bdzr72n4wbf5fgkagxrqqfxbtktfzgkymqesnli2morxp6q';
    expect(labelCommands('w', [reading({ name: '10.0.10.5', annotations: { 'oci.oraclecloud.com/node-pool-id': ocid } })])).toEqual(['kubectl label nodes --overwrite 10.0.10.5 simplismart.ai/node-pool-name=w']);
  });
});

describe('the lasting fix, per platform', () => {
  const ref = (platform: 'eks' | 'karpenter' | 'gke' | 'aks' | 'oke' | 'eksctl', key: string, value: string, kind: 'label' | 'annotation' = 'label') => ({ platform, key, value, kind });

  test('EKS managed node group: its labels through the EKS API', () => {
    expect(lastingFix(ref('eks', 'eks.amazonaws.com/nodegroup', 'ng'), 'eks', 'gpu', CONTEXT).command).toBe(
      `aws eks update-nodegroup-config --cluster-name prod --nodegroup-name ng --region us-west-2 --labels '{"addOrUpdateLabels":{"simplismart.ai/node-pool-name":"gpu"}}'`,
    );
  });

  test('Karpenter: the NodePool template (and that it drifts the nodes); an old Provisioner’s labels', () => {
    const fix = lastingFix(ref('karpenter', 'karpenter.sh/nodepool', 'default'), 'karpenter', 'cpu', CONTEXT);
    expect(fix.command).toBe(`kubectl patch nodepool default --type merge -p '{"spec":{"template":{"metadata":{"labels":{"simplismart.ai/node-pool-name":"cpu"}}}}}'`);
    expect(fix.text).toContain('drift');
    expect(lastingFix(ref('karpenter', 'karpenter.sh/provisioner-name', 'old'), 'karpenter', 'cpu', CONTEXT).command).toContain('kubectl patch provisioner old');
  });

  test('GKE and AKS node pools, with the warning that the flag replaces the pool’s labels', () => {
    const gke = lastingFix(ref('gke', 'cloud.google.com/gke-nodepool', 'pool-a'), 'gke', 'gpu', CONTEXT);
    expect(gke.command).toBe('gcloud container node-pools update pool-a --cluster prod --location us-central1 --node-labels=simplismart.ai/node-pool-name=gpu');
    expect(gke.text).toContain('replaces');
    const aks = lastingFix(ref('aks', 'kubernetes.azure.com/agentpool', 'sys'), 'aks', 'aux', CONTEXT);
    expect(aks.command).toBe('az aks nodepool update --resource-group rg-ml --cluster-name prod --name sys --labels simplismart.ai/node-pool-name=aux');
    expect(aks.text).toContain('replaces');
  });

  test('placeholders where the cluster’s name or location is not known', () => {
    const none = { name: undefined, region: undefined, location: undefined, resourceGroup: undefined };
    expect(lastingFix(ref('gke', 'cloud.google.com/gke-nodepool', 'p'), 'gke', 'g', none).command).toContain('--cluster <cluster> --location <location>');
    expect(lastingFix(ref('aks', 'agentpool', 'p'), 'aks', 'g', none).command).toContain('--resource-group <resource-group> --cluster-name <cluster>');
  });

  test('OKE: the node pool’s initial labels by its OCID; eksctl and bare clusters: words', () => {
    const ocid = 'ocid1.nodepool.oc1.iad.aaaaaaaa5mii6bdzr72n4wbf5fgkagxrqqfxbtktfzgkymqesnli2morxp6q';
    expect(lastingFix(ref('oke', 'oci.oraclecloud.com/node-pool-id', ocid, 'annotation'), 'oke', 'g', CONTEXT).command).toBe(
      `oci ce node-pool update --node-pool-id ${ocid} --initial-node-labels '[{"key":"simplismart.ai/node-pool-name","value":"g"}]'`,
    );
    expect(lastingFix(ref('eksctl', 'alpha.eksctl.io/nodegroup-name', 'self'), 'eksctl', 'g', CONTEXT)).toEqual({ text: expect.stringContaining('ClusterConfig') });
    expect(lastingFix(undefined, 'generic', 'g', CONTEXT).text).toContain('--node-labels=simplismart.ai/node-pool-name=g');
  });
});

describe('findings', () => {
  test('only nodes without the label are counted as missing it', () => {
    const p = propose([
      eksNode('a', 'ng', 'm5.xlarge', { labels: { 'simplismart.ai/node-pool-name': 'cpu' } }),
      eksNode('b', 'ng', 'm5.xlarge'),
      eksNode('c', 'done', 'm5.xlarge', { labels: { 'simplismart.ai/node-pool-name': 'done' } }),
    ]);
    const missing = one(p, 'label_missing', 'cpu');
    expect(missing.message).toContain('1 of its 2 nodes');
    expect(missing.nodes).toEqual(['b']);
    expect(find(p, 'label_missing', 'done')).toEqual([]);
    expect(missing.lastingFix?.command).toContain('aws eks update-nodegroup-config');
  });

  test('a pool whose nodes disagree names them, and says one group is seen', () => {
    const p = propose([
      aNode({ name: 'a', labels: { 'cloud.google.com/gke-nodepool': 'mix', 'node.kubernetes.io/instance-type': 'g2-standard-8', 'cloud.google.com/gke-accelerator': 'nvidia-l4' }, gpu: '1' }),
      aNode({ name: 'b', labels: { 'cloud.google.com/gke-nodepool': 'mix', 'node.kubernetes.io/instance-type': 'g2-standard-8', 'cloud.google.com/gke-accelerator': 'nvidia-l4' }, gpu: '1' }),
      aNode({ name: 'c', labels: { 'cloud.google.com/gke-nodepool': 'mix', 'node.kubernetes.io/instance-type': 'n1-standard-8', 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' }, gpu: '1' }),
    ]);
    const mixed = one(p, 'pool_mixed', 'mix');
    expect(mixed.message).toContain('g2-standard-8 (2) and n1-standard-8 (1)');
    expect(mixed.message).toContain('nvidia-l4 (2) and nvidia-tesla-t4 (1)');
    expect(mixed.nodes).toEqual(['c']);
    expect(p.groups[0]?.nodeGroup.node_config).toMatchObject({ machine_type: 'g2-standard-8', accelerator_type: 'nvidia-l4' });
  });

  test('Karpenter’s mixed pools: restrict the NodePool’s requirements', () => {
    const p = propose([
      aNode({ name: 'a', labels: { 'karpenter.sh/nodepool': 'd', 'node.kubernetes.io/instance-type': 'm5.large' } }),
      aNode({ name: 'b', labels: { 'karpenter.sh/nodepool': 'd', 'node.kubernetes.io/instance-type': 'c5.large' } }),
    ]);
    expect(one(p, 'pool_mixed', 'd').nextStep).toContain('NodePool');
  });

  test('GPU taints need a toleration; other taints are said too; PreferNoSchedule and node conditions are not', () => {
    const p = propose([
      aNode({ name: 'a', gpu: '1', labels: { 'nvidia.com/gpu.product': 'NVIDIA-L4', 'cloud.google.com/gke-nodepool': 'g' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] }),
      aNode({
        name: 'b',
        labels: { 'cloud.google.com/gke-nodepool': 'cpu' },
        taints: [
          { key: 'dedicated', value: 'batch', effect: 'NoExecute' },
          { key: 'soft', effect: 'PreferNoSchedule' },
          { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
        ],
      }),
    ]);
    expect(one(p, 'gpu_taint', 'g').nextStep).toContain('{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}');
    expect(one(p, 'gpu_taint', 'g').nextStep).toContain('GKE adds it');
    expect(one(p, 'pool_taint', 'cpu').message).toContain('dedicated=batch:NoExecute');
  });

  test('a GPU count of 0 on a GPU node: the device plugin, with a command to check it', () => {
    const p = propose([eksNode('ip-1', 'gpu', 'g5.xlarge', { gpu: '0', labels: { 'nvidia.com/gpu.product': 'NVIDIA-A10G', 'nvidia.com/gpu.count': '1' } })]);
    const finding = one(p, 'gpu_not_ready', 'gpu');
    expect(finding.message).toContain('1 GPU node offers no GPU');
    expect(finding.commands).toEqual(['kubectl get pods -A -o wide --field-selector spec.nodeName=ip-1 | grep -i nvidia']);
    expect(p.groups[0]?.nodeGroup.node_config?.accelerator_count).toBe(1);
  });

  test('a spot GPU pool', () => {
    const p = propose([aNode({ name: 'a', gpu: '1', labels: { 'kubernetes.azure.com/agentpool': 'gpuspot', 'kubernetes.azure.com/scalesetpriority': 'spot', 'node.kubernetes.io/instance-type': 'Standard_NC4as_T4_v3' } })]);
    expect(one(p, 'spot_gpu', 'gpuspot').message).toContain('kubernetes.azure.com/scalesetpriority=spot');
    expect(p.groups[0]?.nodeGroup.node_config?.capacity_type).toBe('SPOT');
  });

  test('one auxiliary group, never two: the AKS system pool first, else the largest on-demand CPU pool', () => {
    const cpu = (name: string, pool: string, extra: Record<string, string> = {}) => aNode({ name, labels: { 'kubernetes.azure.com/agentpool': pool, ...extra } });
    const p = propose([cpu('a', 'big'), cpu('b', 'big'), cpu('c', 'big'), cpu('d', 'sys', { 'kubernetes.azure.com/mode': 'system' }), cpu('e', 'other')]);
    expect(p.groups.filter((g) => g.nodeGroup.is_auxilliary).map((g) => g.nodeGroup.name)).toEqual(['sys']);
    expect(one(p, 'auxiliary_suggested').message).toContain('AKS system pool');
    const q = propose([cpu('a', 'small'), cpu('b', 'big'), cpu('c', 'big'), cpu('d', 'spot', { 'kubernetes.azure.com/scalesetpriority': 'spot' }), cpu('e', 'spot', { 'kubernetes.azure.com/scalesetpriority': 'spot' }), cpu('f', 'spot', { 'kubernetes.azure.com/scalesetpriority': 'spot' })]);
    expect(q.groups.filter((g) => g.nodeGroup.is_auxilliary).map((g) => g.nodeGroup.name)).toEqual(['big']);
  });

  test('no auxiliary among GPU pools, and none when the cluster already has one', () => {
    const gpuOnly = propose([aNode({ name: 'a', gpu: '1', labels: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } })]);
    expect(gpuOnly.groups.some((g) => g.nodeGroup.is_auxilliary)).toBe(false);
    expect(one(gpuOnly, 'auxiliary_none').nextStep).toContain('CPU-only');
    const existing = propose([aNode({ name: 'a' })], { existingGroupNames: ['aux'], existingAuxiliary: 'aux' });
    expect(existing.groups.some((g) => g.nodeGroup.is_auxilliary)).toBe(false);
    expect(find(existing, 'auxiliary_suggested')).toEqual([]);
  });

  test('nodes left out are counted apart and named', () => {
    const p = propose([aNode({ name: 'w' }), aNode({ name: 'cp', labels: { 'node-role.kubernetes.io/control-plane': '' } }), aNode({ name: 'down', ready: false }), aNode({ name: 'drain', unschedulable: true })]);
    expect(one(p, 'excluded_control_plane').nodes).toEqual(['cp']);
    expect(one(p, 'excluded_not_ready').nodes).toEqual(['down']);
    expect(one(p, 'excluded_cordoned').nodes).toEqual(['drain']);
    expect(p.nodes).toEqual({ read: 4, eligible: 1, controlPlane: 1, notReady: 1, cordoned: 1, invalid: 0 });
  });

  test('min and max guessed, with the commands that would tell them', () => {
    const p = propose([eksNode('a', 'ng', 'm5.xlarge'), aNode({ name: 'b', labels: { 'cloud.google.com/gke-nodepool': 'gp' } })]);
    const guessed = one(p, 'min_max_guessed');
    expect(guessed.commands).toEqual([
      'aws eks describe-nodegroup --cluster-name <cluster> --nodegroup-name ng --region us-west-2',
      'gcloud container node-pools list --cluster <cluster> --location <location> --format=json',
    ]);
  });

  test('node lists are bounded: the first ten named, the rest counted', () => {
    const p = propose(Array.from({ length: 25 }, (_, i) => aNode({ name: `n-${String(i).padStart(2, '0')}`, labels: { 'kubernetes.azure.com/agentpool': 'p' } })));
    const missing = one(p, 'label_missing', 'p');
    expect(missing.nodes).toHaveLength(10);
    expect(missing.moreNodes).toBe(15);
  });

  test('actions come first, then warnings, then the rest', () => {
    const p = propose([aNode({ name: 'a', ready: false }), aNode({ name: 'b' })]);
    const order = { action: 0, warning: 1, info: 2 };
    const severities = p.findings.map((f) => order[f.severity]);
    expect(severities).toEqual([...severities].sort((x, y) => x - y));
  });
});
