// The zod schema of the import body: each rule of the API document (and of issue 2 §6) with a passing
// and a failing case, and the document's own example request accepted unchanged.
import {
  importClusterBodySchema,
  importedClusterSchema,
  nodeConfigSchema,
  nodeGroupSchema,
  PROVIDERS,
} from '../../src/domain/clusterImport.js';
import { aBody } from '../support/fixtures.js';

/** The "Example Request" of the API document, verbatim. */
const DOCUMENT_EXAMPLE = aBody();

type Json = Record<string, unknown>;

function body(overrides: Json = {}): Json {
  return { ...structuredClone(DOCUMENT_EXAMPLE), ...overrides };
}

function withGroups(...groups: Json[]): Json {
  return body({ nodegroup_labels: groups });
}

function group(name: string, extra: Json = {}): Json {
  return { name, is_auxilliary: false, ...extra };
}

/** The issues of a failing parse as "path: message" strings (throws if the body passes). */
function issues(input: unknown): string[] {
  const parsed = importClusterBodySchema.safeParse(input);
  if (parsed.success) throw new Error(`expected the body to be refused: ${JSON.stringify(input)}`);
  return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** The distinct paths of a failing parse's issues, in order. */
function paths(input: unknown): string[] {
  const parsed = importClusterBodySchema.safeParse(input);
  if (parsed.success) throw new Error(`expected the body to be refused: ${JSON.stringify(input)}`);
  return [...new Set(parsed.error.issues.map((i) => i.path.join('.')))];
}

/** Another cluster's UUID, as a decoy would be named. */
const UUID_NAME = '0f0e0d0c-0b0a-4909-8807-060504030201';

function passes(input: unknown): boolean {
  return importClusterBodySchema.safeParse(input).success;
}

describe('the document example', () => {
  it('passes unchanged: the parsed body equals the document’s JSON', () => {
    const parsed = importClusterBodySchema.parse(structuredClone(DOCUMENT_EXAMPLE));
    expect(parsed).toEqual(DOCUMENT_EXAMPLE);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(DOCUMENT_EXAMPLE));
  });

  it('the document’s GPU node group (with vcpu and memory) is a valid node group', () => {
    const documented = DOCUMENT_EXAMPLE.nodegroup_labels[0]!;
    const gpu = { ...documented, node_config: { ...documented.node_config, vcpu: 4, memory: 4 } };
    expect(nodeGroupSchema.parse(gpu)).toEqual(gpu);
    expect(passes(withGroups(gpu))).toBe(true);
  });

  it('the document’s basic node group and cluster tools are valid', () => {
    expect(
      passes(
        body({
          nodegroup_labels: [group('cpu-pool')],
          cluster_tools: {
            TRAINING: ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'],
            'ASYNC TOOLS': ['33333333-3333-4333-8333-333333333333'],
          },
        }),
      ),
    ).toBe(true);
  });
});

describe('required fields', () => {
  it.each(['org', 'name', 'slug', 'hosted_zone', 'cluster_hosted_on', 'region', 'secret_id', 'avatar', 'nodegroup_labels'])(
    'refuses a body without %s',
    (key) => {
      const input = body();
      delete input[key];
      expect(paths(input)).toContain(key);
    },
  );
});

describe('UUIDs', () => {
  it.each(['org', 'hosted_zone', 'secret_id'])('%s must be a UUID', (key) => {
    expect(passes(body({ [key]: '54360212-2263-44c6-afaf-1333544854f7' }))).toBe(true);
    for (const bad of ['', 'not-a-uuid', '54360212226344c6afaf1333544854f7', '54360212-2263-44c6-afaf-1333544854f', '{54360212-2263-44c6-afaf-1333544854f7}']) {
      expect(paths(body({ [key]: bad }))).toEqual([key]);
    }
  });

  it('the UUID message gives an example', () => {
    expect(issues(body({ org: 'x' }))).toEqual([expect.stringContaining('org: Enter a UUID')]);
  });
});

describe('slug', () => {
  it.each(['prod-cluster', 'a', 'cluster-1', 'a1-b2-c3'])('accepts %s', (slug) => {
    expect(passes(body({ slug }))).toBe(true);
  });

  it.each(['', 'Prod', 'prod_cluster', 'prod cluster', '-prod', 'prod-', 'prod--cluster', 'prod.cluster', 'a'.repeat(64)])(
    'refuses %j',
    (slug) => {
      expect(paths(body({ slug }))).toEqual(['slug']);
    },
  );

  it('accepts a slug of exactly 63 characters', () => {
    expect(passes(body({ slug: 'a'.repeat(63) }))).toBe(true);
  });

  it('refuses a slug shaped like a UUID: commands find clusters by slug too', () => {
    expect(issues(body({ slug: UUID_NAME }))).toEqual(['slug: A slug cannot be shaped like a UUID (commands read a UUID as the cluster that has it): use words, e.g. prod-cluster.']);
  });
});

describe('name', () => {
  it('refuses an empty or blank name and a name over 100 characters', () => {
    expect(paths(body({ name: '' }))).toEqual(['name']);
    expect(paths(body({ name: '   ' }))).toEqual(['name']);
    expect(paths(body({ name: 'x'.repeat(101) }))).toEqual(['name']);
    expect(passes(body({ name: 'x'.repeat(100) }))).toBe(true);
  });

  // Issue 16: a cluster named like another cluster's UUID captured `/simplismart nodegroups <uuid>`.
  it.each([UUID_NAME, UUID_NAME.toUpperCase(), `  ${UUID_NAME} `])('refuses a name shaped like a UUID (%j), saying why and what to do', (name) => {
    expect(issues(body({ name }))).toEqual(['name: A cluster name cannot be a UUID: commands read a UUID as the cluster that has it. Give the cluster a name people recognise, e.g. Prod cluster.']);
  });

  it.each(['Other (UUID)…', 'other (uuid)...', '  OTHER(UUID) ', 'Other (UUID)'])('refuses %j: the cluster menu’s own choice', (name) => {
    expect(issues(body({ name }))).toEqual(['name: “Other (UUID)…” is the cluster menu’s own choice for typing a UUID: give the cluster another name, e.g. Prod cluster.']);
  });

  it.each([`Prod ${UUID_NAME}`, 'Other cluster', 'Other (GPU)', UUID_NAME.replace(/-/g, '')])('accepts %j (it reads as neither)', (name) => {
    expect(passes(body({ name }))).toBe(true);
  });
});

describe('provider and region', () => {
  it('accepts every documented provider and nothing else', () => {
    for (const provider of PROVIDERS) {
      const region = provider === 'aws' || provider === 'gcp' ? 'us-west-2' : null;
      expect(passes(body({ cluster_hosted_on: provider, region }))).toBe(true);
    }
    expect(paths(body({ cluster_hosted_on: 'AWS' }))).toContain('cluster_hosted_on');
    expect(paths(body({ cluster_hosted_on: 'digitalocean' }))).toContain('cluster_hosted_on');
  });

  it.each(['aws', 'gcp'])('region is required for %s', (provider) => {
    expect(issues(body({ cluster_hosted_on: provider, region: null }))).toEqual([
      expect.stringMatching(new RegExp(`^region: Region is required for ${provider}`)),
    ]);
  });

  it('gcp accepts a gcp-style region', () => {
    expect(passes(body({ cluster_hosted_on: 'gcp', region: 'us-central1' }))).toBe(true);
  });

  it.each(['azure', 'oci', 'kubernetes', 'e2e', 'shakti-cloud'])('region must be null for %s', (provider) => {
    expect(passes(body({ cluster_hosted_on: provider, region: null }))).toBe(true);
    expect(paths(body({ cluster_hosted_on: provider, region: 'eastus' }))).toEqual(['region']);
  });

  it('region is nullable, not optional, and has a region form', () => {
    const input = body({ cluster_hosted_on: 'azure' });
    delete input['region'];
    expect(paths(input)).toContain('region');
    expect(paths(body({ region: 'US West 2' }))).toEqual(['region']);
    expect(paths(body({ region: '' }))).toEqual(['region']);
  });
});

describe('service type and NodePort', () => {
  const nodePort = { service_type: 'NodePort', public_ip: '203.0.113.10', node_port_http: 30080, node_port_https: 30443 };

  it('LoadBalancer (explicit or by default) needs no NodePort fields', () => {
    expect(passes(body())).toBe(true);
    expect(passes(body({ service_type: 'LoadBalancer' }))).toBe(true);
  });

  it('refuses an unknown service type', () => {
    expect(paths(body({ service_type: 'ClusterIP' }))).toEqual(['service_type']);
    expect(paths(body({ service_type: 'nodeport' }))).toEqual(['service_type']);
  });

  it('NodePort with its three fields passes', () => {
    expect(passes(body(nodePort))).toBe(true);
  });

  it.each(['public_ip', 'node_port_http', 'node_port_https'])('NodePort requires %s', (key) => {
    const input = body(nodePort);
    delete input[key];
    expect(issues(input)).toEqual([`${key}: Required when the service type is NodePort.`]);
  });

  it('NodePort with none of the fields names all three', () => {
    expect(paths(body({ service_type: 'NodePort' })).sort()).toEqual(['node_port_http', 'node_port_https', 'public_ip']);
  });

  it.each([0, -1, 65536, 70000, 80.5])('refuses port %d', (port) => {
    expect(paths(body({ ...nodePort, node_port_http: port }))).toEqual(['node_port_http']);
    expect(paths(body({ ...nodePort, node_port_https: port }))).toEqual(['node_port_https']);
  });

  it('accepts the port bounds 1 and 65535', () => {
    expect(passes(body({ ...nodePort, node_port_http: 1, node_port_https: 65535 }))).toBe(true);
  });

  it('refuses a port given as a string', () => {
    expect(paths(body({ ...nodePort, node_port_http: '30080' }))).toContain('node_port_http');
  });

  it('refuses the same port for HTTP and HTTPS', () => {
    expect(paths(body({ ...nodePort, node_port_https: 30080 }))).toEqual(['node_port_https']);
  });

  it.each(['203.0.113.10', '10.0.0.1', '::1', '2001:db8::1', 'fe80::1ff:fe23:4567:890a'])('accepts IP address %s', (ip) => {
    expect(passes(body({ ...nodePort, public_ip: ip }))).toBe(true);
  });

  it.each(['256.1.1.1', '1.2.3', 'example.com', '203.0.113.10/24', '203.0.113.10:80', '2001:db8::g', ''])('refuses %j as an IP address', (ip) => {
    expect(paths(body({ ...nodePort, public_ip: ip }))).toEqual(['public_ip']);
  });

  it('refuses NodePort fields without NodePort', () => {
    expect(paths(body({ public_ip: '203.0.113.10' }))).toEqual(['public_ip']);
    expect(paths(body({ service_type: 'LoadBalancer', node_port_http: 30080 }))).toEqual(['node_port_http']);
  });
});

describe('node groups', () => {
  it('needs at least one node group', () => {
    expect(issues(withGroups())).toEqual(['nodegroup_labels: Add at least one node group.']);
  });

  it('refuses more than 50 node groups', () => {
    const many = Array.from({ length: 51 }, (_, i) => group(`pool-${i}`));
    expect(paths(withGroups(...many))).toEqual(['nodegroup_labels']);
    expect(passes(withGroups(...many.slice(0, 50)))).toBe(true);
  });

  it('names must be unique: the second use is pointed at', () => {
    expect(issues(withGroups(group('a'), group('b'), group('a')))).toEqual([
      'nodegroup_labels.2.name: "a" is already used by node group 1: names must be unique.',
    ]);
  });

  it('at most one auxiliary group: every extra one is pointed at', () => {
    const aux = (name: string) => group(name, { is_auxilliary: true });
    expect(passes(withGroups(aux('a'), group('b')))).toBe(true);
    expect(paths(withGroups(aux('a'), group('b'), aux('c'), aux('d')))).toEqual([
      'nodegroup_labels.2.is_auxilliary',
      'nodegroup_labels.3.is_auxilliary',
    ]);
  });

  it('the field is spelled is_auxilliary: the dictionary spelling is refused', () => {
    expect(paths(withGroups({ name: 'a', is_auxiliary: false })).sort()).toEqual([
      'nodegroup_labels.0',
      'nodegroup_labels.0.is_auxilliary',
    ]);
  });

  it('is_auxilliary is required and boolean', () => {
    expect(paths(withGroups({ name: 'a' }))).toEqual(['nodegroup_labels.0.is_auxilliary']);
    expect(paths(withGroups({ name: 'a', is_auxilliary: 'false' }))).toEqual(['nodegroup_labels.0.is_auxilliary']);
  });

  it.each(['gpu-pool', 'a', 'pool_1', 'Pool.2', 'x'.repeat(63)])('accepts the group name %j', (name) => {
    expect(passes(withGroups(group(name)))).toBe(true);
  });

  it.each(['', '-pool', 'pool-', 'gpu pool', 'pool/1', 'x'.repeat(64)])('refuses the group name %j', (name) => {
    expect(paths(withGroups(group(name)))).toEqual(['nodegroup_labels.0.name']);
  });

  it('a node group without node_config passes', () => {
    expect(passes(withGroups(group('cpu-pool')))).toBe(true);
  });
});

describe('node_config', () => {
  const config = (extra: Json) => withGroups(group('g', { node_config: extra }));
  const configPaths = (extra: Json) => paths(config(extra)).map((p) => p.replace('nodegroup_labels.0.node_config', 'nc'));

  it.each(['min_node_count', 'max_node_count', 'desired_count'])('%s is a non-negative whole number', (key) => {
    expect(passes(config({ [key]: 0 }))).toBe(true);
    expect(configPaths({ [key]: -1 })).toEqual([`nc.${key}`]);
    expect(configPaths({ [key]: 1.5 })).toEqual([`nc.${key}`]);
    expect(configPaths({ [key]: '2' })).toEqual([`nc.${key}`]);
    expect(configPaths({ [key]: 1001 })).toEqual([`nc.${key}`]);
  });

  it('min ≤ desired ≤ max', () => {
    expect(passes(config({ min_node_count: 1, desired_count: 1, max_node_count: 1 }))).toBe(true);
    expect(passes(config({ min_node_count: 0, desired_count: 2, max_node_count: 3 }))).toBe(true);
    expect(configPaths({ min_node_count: 3, max_node_count: 2 })).toEqual(['nc.max_node_count']);
    expect(configPaths({ min_node_count: 2, desired_count: 1 })).toEqual(['nc.desired_count']);
    expect(configPaths({ max_node_count: 2, desired_count: 3 })).toEqual(['nc.desired_count']);
    expect(configPaths({ min_node_count: 2, desired_count: 5, max_node_count: 3 })).toEqual(['nc.desired_count']);
  });

  it('accelerator type and count go together', () => {
    expect(passes(config({ accelerator_type: 'nvidia-h100', accelerator_count: 8 }))).toBe(true);
    expect(configPaths({ accelerator_type: 'nvidia-h100' })).toEqual(['nc.accelerator_count']);
    expect(configPaths({ accelerator_count: 1 })).toEqual(['nc.accelerator_type']);
  });

  it('accelerator type is a lower-case slug (undocumented ones allowed)', () => {
    expect(passes(config({ accelerator_type: 'amd-mi300x', accelerator_count: 1 }))).toBe(true);
    expect(configPaths({ accelerator_type: 'NVIDIA-A10G', accelerator_count: 1 })).toEqual(['nc.accelerator_type']);
    expect(configPaths({ accelerator_type: 'nvidia a10g', accelerator_count: 1 })).toEqual(['nc.accelerator_type']);
  });

  it('accelerator count, vcpu and memory are at least 1', () => {
    expect(configPaths({ accelerator_type: 'nvidia-l4', accelerator_count: 0 })).toEqual(['nc.accelerator_count']);
    expect(configPaths({ vcpu: 0 })).toEqual(['nc.vcpu']);
    expect(configPaths({ memory: 0 })).toEqual(['nc.memory']);
    expect(configPaths({ vcpu: 2.5 })).toEqual(['nc.vcpu']);
  });

  it('capacity type is ON_DEMAND or SPOT', () => {
    expect(passes(config({ capacity_type: 'SPOT' }))).toBe(true);
    expect(configPaths({ capacity_type: 'spot' })).toEqual(['nc.capacity_type']);
    expect(configPaths({ capacity_type: 'RESERVED' })).toEqual(['nc.capacity_type']);
  });

  it('machine type has no spaces and is not empty', () => {
    expect(configPaths({ machine_type: 'g5 2xlarge' })).toEqual(['nc.machine_type']);
    expect(configPaths({ machine_type: '' })).toEqual(['nc.machine_type']);
  });

  it('refuses keys the API does not document', () => {
    expect(configPaths({ gpu_type: 'nvidia-a10g' })).toEqual(['nc']);
    expect(nodeConfigSchema.safeParse({ disk_size: 100 }).success).toBe(false);
  });

  it('the cluster default node_config follows the same rules', () => {
    expect(passes(body({ node_config: { machine_type: 'm5.xlarge', min_node_count: 1 } }))).toBe(true);
    expect(paths(body({ node_config: { min_node_count: 3, max_node_count: 1 } }))).toEqual(['node_config.max_node_count']);
  });
});

describe('avatar', () => {
  const avatar = (extra: Json) => body({ avatar: { ...DOCUMENT_EXAMPLE.avatar, ...extra } });

  it.each(['#FFFFFF', '#2563eb', '#000000'])('accepts the colour %s', (colour) => {
    expect(passes(avatar({ font_color: colour, background_color: colour }))).toBe(true);
  });

  it.each(['FFFFFF', '#FFF', '#FFFFFFF', '#GGGGGG', 'white', 'rgb(0,0,0)', ''])('refuses the colour %j', (colour) => {
    expect(paths(avatar({ font_color: colour }))).toEqual(['avatar.font_color']);
    expect(paths(avatar({ background_color: colour }))).toEqual(['avatar.background_color']);
  });

  it.each(['https://ui-avatars.com/api/?name=P', 'http://example.com/logo.png'])('accepts the URL %s', (url) => {
    expect(passes(avatar({ image_url: url }))).toBe(true);
  });

  it.each(['ftp://example.com/logo.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'example.com/logo.png', '', `https://example.com/${'a'.repeat(2000)}`])(
    'refuses the URL %j',
    (url) => {
      expect(paths(avatar({ image_url: url }))).toEqual(['avatar.image_url']);
    },
  );

  it('refuses an avatar with a missing or an extra field', () => {
    expect(paths(body({ avatar: { image_url: 'https://x.example/a.png', font_color: '#FFFFFF' } }))).toEqual(['avatar.background_color']);
    expect(paths(avatar({ border: '#000000' }))).toEqual(['avatar']);
  });
});

describe('cluster tools', () => {
  const uuid = '11111111-1111-4111-8111-111111111111';

  it('maps categories to lists of catalog UUIDs', () => {
    expect(passes(body({ cluster_tools: { MONITORING: [uuid], 'ASYNC TOOLS': [uuid] } }))).toBe(true);
  });

  it('refuses a tool that is not a UUID, an empty list and a non-list', () => {
    expect(paths(body({ cluster_tools: { MONITORING: ['prometheus'] } }))).toEqual(['cluster_tools.MONITORING.0']);
    expect(paths(body({ cluster_tools: { MONITORING: [] } }))).toEqual(['cluster_tools.MONITORING']);
    expect(paths(body({ cluster_tools: { MONITORING: uuid } }))).toEqual(['cluster_tools.MONITORING']);
  });

  it('refuses a category name that is not a short name', () => {
    expect(paths(body({ cluster_tools: { 'MONITORING: x': [uuid] } }))).toContain('cluster_tools.MONITORING: x');
  });

  it('refuses more than 20 categories', () => {
    const tools = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`CAT${i}`, [uuid]]));
    expect(paths(body({ cluster_tools: tools }))).toEqual(['cluster_tools']);
  });
});

describe('every problem at once', () => {
  it('cross-field rules still run when a field has an aborting error (bad IP, unknown enum value)', () => {
    const input = withGroups(group('a', { is_auxilliary: true }), group('a', { is_auxilliary: true }));
    Object.assign(input, { region: null, service_type: 'NodePort', public_ip: 'not-an-ip', node_port_http: 30080 });
    expect(paths(input).sort()).toEqual([
      'node_port_https',
      'nodegroup_labels.1.is_auxilliary',
      'nodegroup_labels.1.name',
      'public_ip',
      'region',
    ]);
  });

  it('node_config rules still run next to a bad capacity type', () => {
    expect(paths(withGroups(group('g', { node_config: { capacity_type: 'RESERVED', min_node_count: 3, max_node_count: 1 } }))).sort()).toEqual([
      'nodegroup_labels.0.node_config.capacity_type',
      'nodegroup_labels.0.node_config.max_node_count',
    ]);
  });

  it('an unknown or missing provider gives no region message of its own', () => {
    expect(paths(body({ cluster_hosted_on: 'mars', region: 'us-west-2' }))).toEqual(['cluster_hosted_on']);
    const input = body({ region: 'eu-west-1' });
    delete input['cluster_hosted_on'];
    expect(issues(input)).toEqual([expect.stringMatching(/^cluster_hosted_on: /)]);
  });

  it('counts of the wrong type are not compared with each other', () => {
    expect(paths(withGroups(group('g', { node_config: { min_node_count: '3', max_node_count: 1 } })))).toEqual([
      'nodegroup_labels.0.node_config.min_node_count',
    ]);
  });

  it('malformed node groups are reported, not crashed on', () => {
    expect(paths(withGroups(null as unknown as Json, group('a')))).toEqual(['nodegroup_labels.0']);
    expect(paths(body({ nodegroup_labels: 'gpu-pool' }))).toEqual(['nodegroup_labels']);
    expect(paths(body({ cluster_tools: 'x' }))).toEqual(['cluster_tools']);
  });
});

describe('strict objects', () => {
  it('refuses extra top-level fields', () => {
    expect(paths(body({ kubeconfig: 'apiVersion: v1' }))).toEqual(['']);
    expect(issues(body({ description: 'x' }))[0]).toMatch(/description/);
  });

  it('refuses extra fields in a node group', () => {
    expect(paths(withGroups(group('a', { labels: {} })))).toEqual(['nodegroup_labels.0']);
  });
});

describe('importedClusterSchema (the 201 answer)', () => {
  it('needs a uuid and tolerates the documented and undocumented fields', () => {
    expect(importedClusterSchema.safeParse({ uuid: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', status: 'active', kubeconfig: {} }).success).toBe(true);
    expect(importedClusterSchema.safeParse({ name: 'x' }).success).toBe(false);
    expect(importedClusterSchema.safeParse({ uuid: '' }).success).toBe(false);
  });
});
