// The node-groups form's one mapping to `{org, nodegroup_labels}`: the node groups built and checked as
// the import form's are, each problem under its field (by slot), plus what only a change can break —
// a name the cluster has, a second auxiliary group, a cluster that is not a UUID — and the way back.
import { addNodeGroupsBodySchema, LIMITS } from '../../src/domain/clusterImport.js';
import { buildImportBody, emptyForm, emptyNodeGroup, type NodeGroupForm } from '../../src/domain/importForm.js';
import { buildNodeGroupsBody, NO_KNOWN_GROUPS, nodeGroupsFormFromBody, type KnownNodeGroups, type NodeGroupsForm } from '../../src/domain/nodeGroupsForm.js';
import { HOSTED_ZONE, ORG, SECRET_ID } from '../support/fixtures.js';

const CLUSTER = '1e99a854-26de-4c19-b6b6-68c7e03c39c3';

const group = (slot: number, fields: Partial<NodeGroupForm> = {}): NodeGroupForm => ({ ...emptyNodeGroup(slot), name: `pool-${slot}`, ...fields });

function form(groups: NodeGroupForm[] = [group(0)], fields: Partial<NodeGroupsForm> = {}): NodeGroupsForm {
  return { clusterId: CLUSTER, org: ORG, nodeGroups: groups, ...fields };
}

function errorsOf(f: NodeGroupsForm, known: KnownNodeGroups = NO_KNOWN_GROUPS) {
  const built = buildNodeGroupsBody(f, known);
  if (built.ok) throw new Error(`expected errors, got ${JSON.stringify(built.body)}`);
  return built.errors;
}

describe('buildNodeGroupsBody', () => {
  it('gives exactly the documented body: the org and the node groups, nothing else', () => {
    const gpu = group(0, { name: 'gpu-h100', machineType: 'p5.48xlarge', capacityType: 'SPOT', minNodes: '0', maxNodes: '2', desiredNodes: '1', acceleratorType: 'NVIDIA-H100', acceleratorCount: '8' });
    const built = buildNodeGroupsBody(form([gpu, group(3, { name: 'tools', auxiliary: true })]), NO_KNOWN_GROUPS);
    expect(built).toStrictEqual({
      ok: true,
      body: {
        org: ORG,
        nodegroup_labels: [
          { name: 'gpu-h100', is_auxilliary: false, node_config: { machine_type: 'p5.48xlarge', capacity_type: 'SPOT', min_node_count: 0, max_node_count: 2, desired_count: 1, accelerator_type: 'nvidia-h100', accelerator_count: 8 } },
          { name: 'tools', is_auxilliary: true },
        ],
      },
    });
    if (built.ok) expect(addNodeGroupsBodySchema.parse(built.body)).toStrictEqual(built.body);
  });

  it('builds each node group exactly as the import form does (one implementation)', () => {
    const groups = [group(0, { name: 'a', machineType: 'm5.xlarge', minNodes: '1', maxNodes: '4', vcpu: '4', memory: '16' }), group(2, { name: 'b', auxiliary: true })];
    const imported = buildImportBody({ ...emptyForm(), name: 'X', provider: 'kubernetes', org: ORG, hostedZone: HOSTED_ZONE, secretId: SECRET_ID, nodeGroups: groups });
    const added = buildNodeGroupsBody(form(groups), NO_KNOWN_GROUPS);
    if (!imported.ok || !added.ok) throw new Error('both forms should build');
    expect(added.body.nodegroup_labels).toStrictEqual(imported.body.nodegroup_labels);
  });

  it('puts each problem under its group’s field by slot, as the import form does', () => {
    const errors = errorsOf(form([group(0, { name: 'dup' }), group(5, { name: 'dup', minNodes: '4', maxNodes: '1', vcpu: 'x' })]));
    expect(errors).toEqual([
      { field: { scope: 'group', slot: 5, key: 'vcpu' }, message: 'vCPU must be a whole number (got “x”).' },
      { field: { scope: 'group', slot: 5, key: 'maxNodes' }, message: 'Max nodes (1) is below min nodes (4).' },
      { field: { scope: 'group', slot: 5, key: 'name' }, message: '"dup" is already used by node group 1: names must be unique.' },
    ]);
  });

  it('refuses a name the cluster has, and a second auxiliary group, saying why', () => {
    const known: KnownNodeGroups = { names: new Map([['gpu-pool', 'is already a node group of Prod']]), auxiliary: 'tools' };
    expect(errorsOf(form([group(0, { name: 'gpu-pool' }), group(1, { name: 'more-tools', auxiliary: true })]), known)).toEqual([
      { field: { scope: 'group', slot: 0, key: 'name' }, message: '“gpu-pool” is already a node group of Prod: choose another name.' },
      { field: { scope: 'group', slot: 1, key: 'auxiliary' }, message: 'The cluster already has an auxiliary node group (“tools”), and only one can be.' },
    ]);
    expect(buildNodeGroupsBody(form([group(0, { name: 'gpu-pool-2' })]), known).ok).toBe(true);
  });

  it('wants a cluster UUID and an org UUID', () => {
    expect(errorsOf(form([group(0)], { clusterId: ' ' }))).toEqual([{ field: { scope: 'cluster', key: 'clusterId' }, message: 'Choose the cluster, or choose “Other (UUID)…” and paste its UUID.' }]);
    expect(errorsOf(form([group(0)], { clusterId: 'prod' }))[0]?.field).toEqual({ scope: 'cluster', key: 'clusterId' });
    expect(errorsOf(form([group(0)], { org: 'acme' }))).toEqual([{ field: { scope: 'cluster', key: 'org' }, message: 'Enter a UUID such as 54360212-2263-44c6-afaf-1333544854f7.' }]);
  });

  it('keeps to the API’s limits: at least one group, at most LIMITS.nodeGroups', () => {
    const many = Array.from({ length: LIMITS.nodeGroups + 1 }, (_, i) => group(i));
    expect(errorsOf(form(many))).toEqual([{ field: { scope: 'group', slot: 0, key: 'name' }, message: `At most ${LIMITS.nodeGroups} node groups per request.` }]);
  });
});

describe('nodeGroupsFormFromBody', () => {
  it('gives back the form that builds the same body (Edit and retry)', () => {
    const f = form([group(0, { name: 'gpu', machineType: 'g5.2xlarge', capacityType: 'ON_DEMAND', acceleratorType: 'nvidia-a10g', acceleratorCount: '1' }), group(1, { name: 't', auxiliary: true, vcpu: '4' })]);
    const built = buildNodeGroupsBody(f, NO_KNOWN_GROUPS);
    if (!built.ok) throw new Error('should build');
    const back = nodeGroupsFormFromBody(built.body, CLUSTER);
    expect(back).toEqual(f);
    expect(buildNodeGroupsBody(back, NO_KNOWN_GROUPS)).toStrictEqual(built);
  });
});
