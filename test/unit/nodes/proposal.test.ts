// The entry point over each platform's fixture (written from its documented labels): the node groups
// proposed, merged with the cloud's node-pool listing when given, the commands nodes still need, what is
// refused and why, hostile input, and the mapping into the forms.
import { importClusterBodySchema, nodeGroupSchema } from '../../../src/domain/clusterImport.js';
import { buildNodeGroup, type FieldError } from '../../../src/domain/importForm.js';
import { INPUT_LIMITS, MAX_NODES, proposeNodeGroups, toNodeGroupForms, type NodeInputRefusal, type NodeProposal, type ProposedNodeGroup } from '../../../src/domain/nodes/proposal.js';
import type { FindingCode } from '../../../src/domain/nodes/model.js';
import { aBody } from '../../support/fixtures.js';
import { aNode, dump, eksNode, fixture } from './builders.js';

function propose(inputs: string[], options = {}): NodeProposal {
  const result = proposeNodeGroups(inputs, options);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

function refused(inputs: string[], options = {}): NodeInputRefusal {
  const result = proposeNodeGroups(inputs, options);
  if (result.ok) throw new Error('proposed');
  return result;
}

const group = (p: NodeProposal, name: string): ProposedNodeGroup => {
  const found = p.groups.find((g) => g.nodeGroup.name === name);
  if (found === undefined) throw new Error(`no group ${name} among ${p.groups.map((g) => g.nodeGroup.name).join(', ')}`);
  return found;
};
const codes = (p: NodeProposal, name?: string): FindingCode[] => p.findings.filter((f) => name === undefined || f.group === name).map((f) => f.code);
const commands = (p: NodeProposal) => p.findings.filter((f) => f.code === 'label_missing').flatMap((f) => f.commands ?? []);

describe('EKS managed node groups (with describe-nodegroup)', () => {
  const p = propose([fixture('eks-managed.json'), fixture('eks-describe-nodegroup.json')]);

  test('the groups, from the Simplismart label and the node groups', () => {
    expect(p.groups.map((g) => [g.nodeGroup.name, g.basis, g.nodeGroup.is_auxilliary])).toEqual([
      ['gpu-a10g', 'simplismart_label', false],
      ['gpu-spot', 'platform_pool', false],
      ['system', 'platform_pool', true],
    ]);
    expect(group(p, 'gpu-a10g').nodeGroup.node_config).toEqual({
      machine_type: 'g5.2xlarge',
      capacity_type: 'ON_DEMAND',
      accelerator_type: 'nvidia-a10g',
      accelerator_count: 1,
      vcpu: 8,
      memory: 32,
      min_node_count: 0,
      max_node_count: 4,
      desired_count: 2,
    });
    expect(group(p, 'gpu-a10g')).toMatchObject({ bounds: 'listing', listing: 'eks-describe-nodegroup', labelled: 1 });
    expect(group(p, 'system').nodeGroup.node_config).toMatchObject({ machine_type: 'm5.xlarge', vcpu: 4, memory: 16, desired_count: 2, min_node_count: 2, max_node_count: 2 });
    expect(group(p, 'system').bounds).toBe('guess');
    expect(group(p, 'gpu-spot').nodeGroup.node_config).toMatchObject({ capacity_type: 'SPOT', accelerator_type: 'nvidia-tesla-t4' });
    expect(group(p, 'gpu-spot').missing).toEqual(['accelerator_count']);
  });

  test('the exact commands, one per pool', () => {
    expect(commands(p)).toEqual([
      "kubectl label nodes -l 'eks.amazonaws.com/nodegroup=gpu-a10g,!simplismart.ai/node-pool-name' simplismart.ai/node-pool-name=gpu-a10g",
      "kubectl label nodes -l 'eks.amazonaws.com/nodegroup=gpu-spot,!simplismart.ai/node-pool-name' simplismart.ai/node-pool-name=gpu-spot",
      "kubectl label nodes -l 'eks.amazonaws.com/nodegroup=system,!simplismart.ai/node-pool-name' simplismart.ai/node-pool-name=system",
    ]);
  });

  test('the node group already labels new nodes: no lasting fix needed for it; the others get one', () => {
    const a10g = p.findings.find((f) => f.code === 'label_missing' && f.group === 'gpu-a10g');
    expect(a10g?.lastingFix).toEqual({ text: expect.stringContaining('already gives new nodes the label') });
    const system = p.findings.find((f) => f.code === 'label_missing' && f.group === 'system');
    expect(system?.lastingFix?.command).toBe(
      `aws eks update-nodegroup-config --cluster-name prod --nodegroup-name system --region us-west-2 --labels '{"addOrUpdateLabels":{"simplismart.ai/node-pool-name":"system"}}'`,
    );
  });

  test('the findings', () => {
    expect(codes(p, 'gpu-spot')).toEqual(expect.arrayContaining(['gpu_not_ready', 'spot_gpu', 'gpu_count_unknown', 'accelerator_inferred', 'gpu_taint']));
    expect(codes(p, 'gpu-a10g')).toEqual(expect.arrayContaining(['gpu_taint', 'label_missing']));
    expect(codes(p)).toEqual(expect.arrayContaining(['excluded_not_ready', 'min_max_guessed', 'memory_rounded', 'auxiliary_suggested']));
    expect(p.nodes).toEqual({ read: 6, eligible: 5, controlPlane: 0, notReady: 1, cordoned: 0, invalid: 0 });
    expect(p.cluster).toEqual({ provider: 'aws', region: 'us-west-2', name: 'prod' });
    expect(p.inputs).toEqual([
      { format: 'kubectl-json', nodes: 6, pools: 0 },
      { format: 'eks-describe-nodegroup', nodes: 0, pools: 1 },
    ]);
  });

  test('without the listing: min and max are the pool as it is, and said to be a guess', () => {
    const alone = propose([fixture('eks-managed.json')]);
    expect(group(alone, 'gpu-a10g')).toMatchObject({ bounds: 'guess', nodeGroup: { node_config: { min_node_count: 2, max_node_count: 2, desired_count: 2 } } });
    expect(group(alone, 'gpu-a10g').notes.join(' ')).toContain('guess');
  });
});

describe('Karpenter (with its NodePools)', () => {
  const p = propose([fixture('karpenter.json'), fixture('karpenter-nodepools.yaml')]);

  test('max from the NodePool’s limits, min 0; the controller’s own node group is the auxiliary one', () => {
    expect(group(p, 'gpu').nodeGroup.node_config).toMatchObject({ machine_type: 'g6.xlarge', accelerator_type: 'nvidia-l4', accelerator_count: 1, vcpu: 4, memory: 16, min_node_count: 0, max_node_count: 8, desired_count: 2 });
    expect(group(p, 'gpu').notes).toContain("Min 0: Karpenter has no minimum. Max 8: the NodePool's nvidia.com/gpu limit (8 GPUs) ÷ 1 GPU per node.");
    expect(group(p, 'default').nodeGroup.node_config).toMatchObject({ machine_type: 'm5.xlarge', capacity_type: 'SPOT', min_node_count: 0, max_node_count: 62, desired_count: 3 });
    expect(group(p, 'karpenter').nodeGroup.is_auxilliary).toBe(true);
  });

  test('the mixed pool, the cordoned node, the lasting fix in the NodePool template', () => {
    expect(codes(p, 'default')).toContain('pool_mixed');
    expect(codes(p)).toContain('excluded_cordoned');
    expect(codes(p, 'karpenter')).toContain('pool_taint');
    const fix = p.findings.find((f) => f.code === 'label_missing' && f.group === 'gpu')?.lastingFix;
    expect(fix?.command).toBe(`kubectl patch nodepool gpu --type merge -p '{"spec":{"template":{"metadata":{"labels":{"simplismart.ai/node-pool-name":"gpu"}}}}}'`);
  });
});

describe('GKE with a GPU pool (with node-pools list)', () => {
  const p = propose([fixture('gke.json'), fixture('gke-node-pools.json')]);

  test('per-zone limits times zones; totals as they are; a pool scaled to zero proposed from the listing', () => {
    expect(group(p, 'default-pool').nodeGroup.node_config).toMatchObject({ machine_type: 'e2-standard-4', vcpu: 4, memory: 16, min_node_count: 3, max_node_count: 9, desired_count: 3 });
    expect(group(p, 'gpu-l4').nodeGroup.node_config).toMatchObject({ accelerator_type: 'nvidia-l4', accelerator_count: 1, vcpu: 8, memory: 32, min_node_count: 0, max_node_count: 4, desired_count: 2 });
    expect(group(p, 't4-spot').nodeGroup.node_config).toMatchObject({ capacity_type: 'SPOT', accelerator_type: 'nvidia-tesla-t4', memory: 30 });
    expect(group(p, 'a100-pool')).toMatchObject({ basis: 'listing', nodes: [], missing: ['vcpu', 'memory'] });
    expect(group(p, 'a100-pool').nodeGroup.node_config).toMatchObject({ machine_type: 'a2-highgpu-1g', accelerator_type: 'nvidia-a100', accelerator_count: 1, min_node_count: 0, max_node_count: 2, desired_count: 0 });
  });

  test('GKE’s own taint and toleration, the spot GPU pool, the lasting fix on the node pool', () => {
    expect(p.findings.find((f) => f.code === 'gpu_taint' && f.group === 'gpu-l4')?.nextStep).toContain('GKE adds it by itself');
    expect(codes(p, 't4-spot')).toContain('spot_gpu');
    expect(codes(p, 'a100-pool')).toContain('listing_only');
    expect(p.findings.find((f) => f.code === 'label_missing' && f.group === 'gpu-l4')?.lastingFix?.command).toBe(
      'gcloud container node-pools update gpu-l4 --cluster ml --location us-central1 --node-labels=simplismart.ai/node-pool-name=gpu-l4',
    );
  });
});

describe('AKS with spot and a system pool (with nodepool list)', () => {
  const p = propose([fixture('aks.json'), fixture('aks-nodepool-list.json')]);

  test('the system pool is the one auxiliary group; the spot GPU pool’s model read from its VM size', () => {
    expect(p.groups.filter((g) => g.nodeGroup.is_auxilliary).map((g) => g.nodeGroup.name)).toEqual(['nodepool1']);
    expect(group(p, 'gpuspot').nodeGroup.node_config).toMatchObject({ machine_type: 'Standard_NC4as_T4_v3', capacity_type: 'SPOT', accelerator_type: 'nvidia-tesla-t4', accelerator_count: 1, memory: 28, min_node_count: 0, max_node_count: 3 });
    expect(group(p, 'userpool').nodeGroup.node_config).toMatchObject({ min_node_count: 1, max_node_count: 1 });
    expect(codes(p, 'gpuspot')).toEqual(expect.arrayContaining(['spot_gpu', 'pool_taint', 'accelerator_inferred']));
    expect(p.findings.find((f) => f.code === 'label_missing' && f.group === 'nodepool1')?.lastingFix?.command).toBe(
      'az aks nodepool update --resource-group rg-ml --cluster-name aks-prod --name nodepool1 --labels simplismart.ai/node-pool-name=nodepool1',
    );
  });
});

describe('OKE (-o yaml)', () => {
  const p = propose([fixture('oke.yaml')]);

  test('pools by the node-pool annotation (named from the OCID) and the terraform module’s label; preemptible is spot', () => {
    expect(p.groups.map((g) => [g.nodeGroup.name, g.platformPool?.kind])).toEqual([
      ['oke-pool-mgpu4a10', 'annotation'],
      ['oke-pool-q7cpue4f', 'annotation'],
      ['workers-preemptible', 'label'],
    ]);
    expect(group(p, 'oke-pool-mgpu4a10').nodeGroup.node_config).toMatchObject({ machine_type: 'VM.GPU.A10.1', accelerator_type: 'nvidia-a10', accelerator_count: 1, vcpu: 30 });
    expect(group(p, 'workers-preemptible').nodeGroup.node_config?.capacity_type).toBe('SPOT');
    expect(codes(p, 'oke-pool-mgpu4a10')).toContain('accelerator_not_documented');
    expect(commands(p)).toEqual([
      'kubectl label nodes --overwrite 10.0.10.21 simplismart.ai/node-pool-name=oke-pool-mgpu4a10',
      'kubectl label nodes --overwrite 10.0.10.31 10.0.10.32 simplismart.ai/node-pool-name=oke-pool-q7cpue4f',
      "kubectl label nodes -l 'oke.oraclecloud.com/pool.name=workers-preemptible,!simplismart.ai/node-pool-name' simplismart.ai/node-pool-name=workers-preemptible",
    ]);
    expect(p.cluster.provider).toBe('oci');
    expect(p.cluster.region).toBeUndefined(); // OKE's region label is `iad`, not a region Simplismart takes
  });
});

describe('bare kubeadm, GPU Feature Discovery labels only', () => {
  test('-o json: alike nodes grouped, the control plane, NotReady and cordoned nodes left out', () => {
    const p = propose([fixture('kubeadm-gfd.json')]);
    expect(p.groups.map((g) => [g.nodeGroup.name, g.basis, g.nodes])).toEqual([
      ['a100', 'alike_nodes', ['gpu-a100-1', 'gpu-a100-2']],
      ['cpu', 'alike_nodes', ['cpu-1']],
      ['t4', 'alike_nodes', ['gpu-t4-1']],
    ]);
    expect(group(p, 'a100').nodeGroup.node_config).toMatchObject({ accelerator_type: 'nvidia-a100', accelerator_count: 8, vcpu: 128, memory: 2048 });
    expect(group(p, 't4').nodeGroup.node_config).toMatchObject({ accelerator_type: 'nvidia-tesla-t4', accelerator_count: 1 });
    expect(codes(p, 't4')).toContain('gpu_time_sliced');
    expect(codes(p)).toEqual(expect.arrayContaining(['excluded_control_plane', 'excluded_not_ready', 'excluded_cordoned', 'machine_type_unknown']));
    expect(commands(p)).toContain('kubectl label nodes --overwrite gpu-a100-1 gpu-a100-2 simplismart.ai/node-pool-name=a100');
  });

  test('--show-labels text: the same groups, GPUs from GFD, sizes left for the person', () => {
    const p = propose([fixture('kubeadm-show-labels.txt').replace(/\n/g, '\r\n')]);
    expect(p.groups.map((g) => g.nodeGroup.name)).toEqual(['a100', 'cpu', 't4']);
    expect(group(p, 'a100').nodeGroup.node_config).toMatchObject({ accelerator_type: 'nvidia-a100', accelerator_count: 8 });
    expect(group(p, 'a100').missing).toEqual(['machine_type', 'vcpu', 'memory']);
    expect(codes(p)).toContain('sizes_unknown');
    expect(codes(p)).not.toContain('unread_lines');
    expect(p.inputs[0]?.format).toBe('kubectl-show-labels');
  });
});

describe('listings alone', () => {
  test('an eksctl ClusterConfig proposes its node groups, saying no node dump was given', () => {
    const p = propose([fixture('eksctl-cluster-config.yaml')]);
    expect(p.groups.map((g) => [g.nodeGroup.name, g.basis])).toEqual([
      ['gpu-a10g', 'simplismart_label'],
      ['gpu-spot', 'listing'],
      ['system', 'listing'],
    ]);
    expect(group(p, 'system').nodeGroup.node_config).toMatchObject({ min_node_count: 2, max_node_count: 4, desired_count: 3 });
    expect(p.findings.find((f) => f.code === 'listing_only')?.message).toContain('no node dump was given');
    expect(p.cluster).toEqual({ provider: 'aws', region: 'us-west-2', name: 'prod' });
  });

  test('eksctl’s summary does not say spot or on-demand: left for the person', () => {
    expect(group(propose([fixture('eksctl-get-nodegroup.json')]), 'system').missing).toContain('capacity_type');
  });
});

describe('the node-groups form: pools the cluster already has', () => {
  test('are not proposed again, and their nodes still get the label commands', () => {
    const p = propose([fixture('eks-managed.json')], { existingGroupNames: ['gpu-a10g', 'system'] });
    expect(p.groups.map((g) => g.nodeGroup.name)).toEqual(['gpu-spot']);
    expect(p.registered).toEqual([
      { name: 'gpu-a10g', nodes: 2, missingLabel: 1 },
      { name: 'system', nodes: 2, missingLabel: 2 },
    ]);
    expect(commands(p)).toContain("kubectl label nodes -l 'eks.amazonaws.com/nodegroup=system,!simplismart.ai/node-pool-name' simplismart.ai/node-pool-name=system");
    expect(p.findings.find((f) => f.code === 'registered' && f.group === 'system')?.message).toContain('the names match');
  });

  test('a derived name another pool took gets a suffix', () => {
    const p = propose([
      dump([
        aNode({ name: 'a', labels: { 'simplismart.ai/node-pool-name': 'cpu' } }),
        aNode({ name: 'b', labels: { 'node.kubernetes.io/instance-type': 'm5.large' } }),
        aNode({ name: 'c' }),
      ]),
    ]);
    expect(p.groups.map((g) => g.nodeGroup.name).sort()).toEqual(['cpu', 'cpu-2', 'cpu-m5.large']);
  });
});

describe('what is refused, and why', () => {
  test('Pods given by mistake', () => {
    expect(refused([fixture('pods.json')])).toMatchObject({ code: 'wrong_kind', message: expect.stringContaining('This is a list of Pods, not Nodes'), input: 0 });
    expect(refused([JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })]).message).toContain('This is a Pod, not a Node');
    expect(refused([JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] })]).message).toContain('empty');
  });

  test('a mixed list: the nodes read, the rest named and ignored', () => {
    const list = JSON.parse(fixture('pods.json')) as { items: unknown[] };
    list.items.push(aNode({ name: 'node-a' }));
    const p = propose([JSON.stringify(list)]);
    expect(p.nodes.read).toBe(1);
    expect(p.findings.find((f) => f.code === 'ignored_objects')?.message).toContain('2 Pods');
  });

  test('which input could not be read, when several are given', () => {
    expect(refused([fixture('gke.json'), 'not json at all {'])).toMatchObject({ code: 'unrecognised', input: 1 });
  });

  test('nothing left to propose', () => {
    expect(refused([dump([aNode({ name: 'cp', labels: { 'node-role.kubernetes.io/control-plane': '' } })])])).toMatchObject({ code: 'nothing_to_propose', message: expect.stringContaining('control-plane') });
    expect(refused([])).toMatchObject({ code: 'empty' });
    expect(refused(['', '  '])).toMatchObject({ code: 'empty' });
  });

  test('the caps, each said', () => {
    expect(refused(Array.from({ length: INPUT_LIMITS.inputs + 1 }, () => '{}'))).toMatchObject({ code: 'too_many_inputs' });
    const many = dump(Array.from({ length: MAX_NODES + 1 }, (_, i) => ({ kind: 'Node', metadata: { name: `n-${i}` } })));
    expect(refused([many])).toMatchObject({ code: 'too_many_nodes' });
  });

  test('50 MB of garbage: refused at once, the cap said', () => {
    const garbage = 'x'.repeat(50 * 1024 * 1024);
    const start = performance.now();
    const result = refused([garbage]);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(result.code).toBe('too_large');
    expect(result.message).toContain('32 MiB');
    expect(result.message).toContain('50 MiB');
  });
});

describe('hostile labels', () => {
  test('Slack markup and 200-character values are dropped and flagged; nothing of them reaches names or commands', () => {
    const markup = '<!channel>';
    const long = 'v'.repeat(200);
    const p = propose([
      dump([
        aNode({ name: 'node-a', labels: { 'simplismart.ai/node-pool-name': markup, 'cloud.google.com/gke-nodepool': long, team: '*bold* _x_' } }),
        aNode({ name: 'node-b', labels: { 'cloud.google.com/gke-nodepool': 'fine', '<script>': 'x' } }),
      ]),
    ]);
    const text = JSON.stringify(p);
    expect(text).not.toContain(markup);
    expect(text).not.toContain(long);
    expect(text).not.toContain('*bold*');
    expect(text).not.toContain('<script>');
    expect(p.findings.find((f) => f.code === 'invalid_entries')).toMatchObject({ severity: 'warning', nodes: ['node-a', 'node-b'] });
    for (const g of p.groups) expect(nodeGroupSchema.safeParse({ ...g.nodeGroup, node_config: undefined }).success).toBe(true);
  });

  test('a node name that breaks the syntax is left out and said, quoted harmlessly', () => {
    const p = propose([dump([aNode({ name: 'good' }), aNode({ name: 'bad; rm -rf / <!channel>' })])]);
    expect(p.nodes).toMatchObject({ read: 1, invalid: 1 });
    const finding = p.findings.find((f) => f.code === 'invalid_entries');
    expect(finding?.message).toContain('not a valid node name');
    expect(finding?.nodes).toEqual(['bad; rm -rf / ?!channel?']);
    expect(commands(p).join('\n')).not.toContain('rm -rf');
  });

  test('label keys quoted back lose their markup', () => {
    const p = propose([dump([aNode({ name: 'a', labels: { '<!here>': 'x' } })])]);
    expect(p.findings.find((f) => f.code === 'invalid_entries')?.message).toContain('?!here?');
  });
});

describe('a request’s limit on groups', () => {
  test('past 50 pools, the largest are proposed and the rest named', () => {
    const nodes = Array.from({ length: 60 }, (_, i) => aNode({ name: `n-${i}`, labels: { 'cloud.google.com/gke-nodepool': `pool-${String(i).padStart(2, '0')}` } }));
    nodes.push(aNode({ name: 'n-extra', labels: { 'cloud.google.com/gke-nodepool': 'pool-59' } }));
    const p = propose([dump(nodes)]);
    expect(p.groups).toHaveLength(50);
    expect(p.groups.map((g) => g.nodeGroup.name)).toContain('pool-59');
    expect(p.findings.find((f) => f.code === 'too_many_groups')?.message).toBe('More pools than a request takes: pool-49, pool-50, pool-51, pool-52, pool-53, pool-54 and 4 more are not proposed.');
    expect(p.groups.filter((g) => g.nodeGroup.is_auxilliary).length).toBeLessThanOrEqual(1);
  });
});

describe('merging inputs', () => {
  test('a node given twice is read once', () => {
    const p = propose([dump([aNode({ name: 'a' }), aNode({ name: 'b' })]), JSON.stringify(aNode({ name: 'a' }))]);
    expect(p.nodes.read).toBe(2);
    expect(p.findings.find((f) => f.code === 'duplicate_nodes')?.nodes).toEqual(['a']);
  });

  test('desired outside a listing’s bounds is moved into them, and said', () => {
    const listing = JSON.stringify({ nodegroup: { nodegroupName: 'ng', clusterName: 'prod', scalingConfig: { minSize: 3, maxSize: 5, desiredSize: 3 }, instanceTypes: ['m5.xlarge'], capacityType: 'ON_DEMAND' } });
    const p = propose([dump([eksNode('a', 'ng', 'm5.xlarge')]), listing]);
    expect(group(p, 'ng').nodeGroup.node_config).toMatchObject({ min_node_count: 3, max_node_count: 5, desired_count: 3 });
    expect(p.findings.find((f) => f.code === 'desired_adjusted')?.message).toContain('1 node is Ready now');
  });
});

describe('into the forms', () => {
  test('every fixture’s complete groups build through the form’s own mapping, and an import body takes them', () => {
    const cases = [
      [fixture('eks-managed.json'), fixture('eks-describe-nodegroup.json')],
      [fixture('karpenter.json'), fixture('karpenter-nodepools.yaml')],
      [fixture('gke.json'), fixture('gke-node-pools.json')],
      [fixture('aks.json'), fixture('aks-nodepool-list.json')],
      [fixture('oke.yaml')],
      [fixture('kubeadm-gfd.json')],
    ];
    for (const inputs of cases) {
      const p = propose(inputs);
      const forms = toNodeGroupForms(p.groups, 3);
      expect(forms.map((f) => f.slot)).toEqual(p.groups.map((_, i) => 3 + i));
      const errors: FieldError[] = [];
      const built = forms.map((f) => buildNodeGroup(f, errors));
      const complete = p.groups.map((g, i) => ({ g, built: built[i] })).filter(({ g }) => !g.missing.includes('accelerator_count') && !g.missing.includes('accelerator_type'));
      for (const { g, built: b } of complete) {
        expect(b).toEqual(g.nodeGroup);
        expect(nodeGroupSchema.safeParse(b).success).toBe(true);
      }
      const body = importClusterBodySchema.safeParse({ ...aBody(), nodegroup_labels: complete.map(({ built: b }) => b) });
      expect(body.error?.issues ?? []).toEqual([]);
    }
  });
});

describe('cost', () => {
  test('1000 nodes in 20 pools: linear, well inside the bound', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) =>
      eksNode(`ip-10-0-${i >> 8}-${i & 255}.ec2.internal`, `ng-${i % 20}`, i % 2 === 0 ? 'g5.2xlarge' : 'm5.xlarge', {
        cpu: i % 2 === 0 ? '8' : '4',
        memory: '32386476Ki',
        ...(i % 2 === 0 ? { gpu: '1', labels: { 'nvidia.com/gpu.product': 'NVIDIA-A10G', 'nvidia.com/gpu.count': '1' } } : {}),
      }),
    );
    const text = dump(nodes);
    const start = performance.now();
    const p = propose([text]);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(p.nodes.eligible).toBe(1000);
    expect(p.groups.reduce((n, g) => n + g.nodes.length, 0)).toBe(1000);
  });
});
