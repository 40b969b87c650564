// The one mapping from the modal's state to the API body: every problem attached to the exact form
// field, optional fields left out, derived values (slug, avatar), the text fields' small languages, and
// the way back (formFromBody) for "Edit and retry".
import { importClusterBodySchema, type ImportClusterBody } from '../../src/domain/clusterImport.js';
import { backgroundFromSlug, defaultAvatar } from '../../src/domain/clusterDefaults.js';
import {
  buildImportBody,
  emptyForm,
  emptyNodeGroup,
  formFromBody,
  type FieldError,
  type FieldRef,
  type ImportForm,
  type NodeGroupForm,
} from '../../src/domain/importForm.js';
import { nodeConfigToText, parseClusterToolsText, parseNodeConfigText } from '../../src/domain/settingsText.js';
import { aBody, HOSTED_ZONE, ORG, SECRET_ID } from '../support/fixtures.js';

const TOOL_A = '11111111-1111-4111-8111-111111111111';
const TOOL_B = '22222222-2222-4222-8222-222222222222';

function nodeGroup(slot: number, fields: Partial<NodeGroupForm> = {}): NodeGroupForm {
  return { ...emptyNodeGroup(slot), name: `pool-${slot}`, ...fields };
}

/** A form that builds: aws in us-west-2, one node group with nothing but a name. */
function validForm(fields: Partial<ImportForm> = {}): ImportForm {
  return {
    ...emptyForm(),
    name: 'Production Cluster',
    provider: 'aws',
    region: 'us-west-2',
    org: ORG,
    hostedZone: HOSTED_ZONE,
    secretId: SECRET_ID,
    nodeGroups: [nodeGroup(0, { name: 'gpu-pool' })],
    ...fields,
  };
}

function built(form: ImportForm): ImportClusterBody {
  const result = buildImportBody(form);
  if (!result.ok) throw new Error(`expected the form to build, got ${JSON.stringify(result.errors)}`);
  return result.body;
}

function errorsOf(form: ImportForm): FieldError[] {
  const result = buildImportBody(form);
  if (result.ok) throw new Error(`expected errors, got the body ${JSON.stringify(result.body)}`);
  return result.errors;
}

const cluster = (key: Extract<FieldRef, { scope: 'cluster' }>['key']): FieldRef => ({ scope: 'cluster', key });
const group = (slot: number, key: Extract<FieldRef, { scope: 'group' }>['key']): FieldRef => ({ scope: 'group', slot, key });

function fieldsOf(form: ImportForm): FieldRef[] {
  return errorsOf(form).map((e) => e.field);
}

describe('buildImportBody: a valid form', () => {
  it('gives exactly the documented body, with optional fields left out', () => {
    const body = built(validForm());
    expect(body).toEqual({
      org: ORG,
      name: 'Production Cluster',
      slug: 'production-cluster',
      hosted_zone: HOSTED_ZONE,
      cluster_hosted_on: 'aws',
      region: 'us-west-2',
      secret_id: SECRET_ID,
      avatar: defaultAvatar('Production Cluster', 'production-cluster'),
      nodegroup_labels: [{ name: 'gpu-pool', is_auxilliary: false }],
    });
    for (const key of ['service_type', 'public_ip', 'node_port_http', 'node_port_https', 'node_config', 'cluster_tools']) {
      expect(body).not.toHaveProperty(key);
    }
    expect(body.nodegroup_labels[0]).not.toHaveProperty('node_config');
  });

  it('passes the API schema as is', () => {
    const body = built(validForm());
    expect(importClusterBodySchema.parse(body)).toEqual(body);
  });

  it('trims what people typed and lower-cases the region', () => {
    const body = built(validForm({ name: '  Prod  ', org: ` ${ORG} `, hostedZone: `${HOSTED_ZONE}\n`, secretId: ` ${SECRET_ID}`, region: 'US-WEST-2' }));
    expect(body).toMatchObject({ name: 'Prod', slug: 'prod', org: ORG, hosted_zone: HOSTED_ZONE, secret_id: SECRET_ID, region: 'us-west-2' });
  });

  it('sends region as null for providers other than aws and gcp, whatever was typed', () => {
    expect(built(validForm({ provider: 'azure', region: 'eastus' })).region).toBeNull();
    expect(built(validForm({ provider: 'kubernetes', region: '' })).region).toBeNull();
  });

  it('leaves service_type out for LoadBalancer, even when NodePort fields were typed before switching back', () => {
    const body = built(validForm({ serviceType: 'LoadBalancer', publicIp: '203.0.113.10', nodePortHttp: '30080', nodePortHttps: '30443' }));
    for (const key of ['service_type', 'public_ip', 'node_port_http', 'node_port_https']) expect(body).not.toHaveProperty(key);
  });

  it('sends NodePort with its IP and two ports as numbers', () => {
    const body = built(validForm({ serviceType: 'NodePort', publicIp: '2001:db8::1', nodePortHttp: '30080', nodePortHttps: ' 30443 ' }));
    expect(body).toMatchObject({ service_type: 'NodePort', public_ip: '2001:db8::1', node_port_http: 30080, node_port_https: 30443 });
  });

  it('puts node_config only on groups that have some configuration, with numbers as numbers', () => {
    const body = built(
      validForm({
        nodeGroups: [
          nodeGroup(0, {
            name: 'gpu-pool',
            machineType: 'g5.2xlarge',
            capacityType: 'ON_DEMAND',
            minNodes: '0',
            maxNodes: '3',
            desiredNodes: '1',
            acceleratorType: 'NVIDIA-A10G',
            acceleratorCount: '1',
            vcpu: '8',
            memory: '32',
          }),
          nodeGroup(1, { name: 'cpu-pool', auxiliary: true }),
          nodeGroup(2, { name: 'spot-pool', capacityType: 'SPOT' }),
        ],
      }),
    );
    expect(body.nodegroup_labels).toEqual([
      {
        name: 'gpu-pool',
        is_auxilliary: false,
        // The documented GPU group (its accelerator typed in capitals), with vcpu and memory.
        node_config: { ...aBody().nodegroup_labels[0]!.node_config, vcpu: 8, memory: 32 },
      },
      { name: 'cpu-pool', is_auxilliary: true },
      { name: 'spot-pool', is_auxilliary: false, node_config: { capacity_type: 'SPOT' } },
    ]);
  });

  it('adds the cluster default node_config and cluster tools when given', () => {
    const body = built(
      validForm({
        clusterNodeConfig: 'machine_type=m5.xlarge\ncapacity_type=spot\nmin_node_count=1',
        clusterTools: `MONITORING: ${TOOL_A}, ${TOOL_B}\nASYNC TOOLS: ${TOOL_A}`,
      }),
    );
    expect(body.node_config).toEqual({ machine_type: 'm5.xlarge', capacity_type: 'SPOT', min_node_count: 1 });
    expect(body.cluster_tools).toEqual({ MONITORING: [TOOL_A, TOOL_B], 'ASYNC TOOLS': [TOOL_A] });
  });
});

describe('buildImportBody: slug', () => {
  it('is derived from the name when left empty', () => {
    expect(built(validForm({ name: 'Production Cluster', slug: '' })).slug).toBe('production-cluster');
    expect(built(validForm({ name: 'Prod — EU #2', slug: '  ' })).slug).toBe('prod-eu-2');
  });

  it('is used as typed when given', () => {
    expect(built(validForm({ slug: 'prod-cluster' })).slug).toBe('prod-cluster');
  });

  it('a typed slug that breaks the format is an error on the slug field', () => {
    expect(errorsOf(validForm({ slug: 'Prod Cluster' }))).toEqual([
      { field: cluster('slug'), message: expect.stringContaining('lower-case letters') },
    ]);
  });

  it('a name with nothing to derive a slug from asks for a slug, on the slug field', () => {
    expect(errorsOf(validForm({ name: '!!!', slug: '' }))).toEqual([
      { field: cluster('slug'), message: expect.stringContaining('no letters or digits') },
    ]);
  });

  it('no name and no slug: one error, on the name', () => {
    expect(errorsOf(validForm({ name: '', slug: '' }))).toEqual([{ field: cluster('name'), message: 'Give the cluster a name.' }]);
  });

  it('a name shaped like a UUID: one error, on the name (the slug derived from it is not refused a second time)', () => {
    expect(errorsOf(validForm({ name: '0f0e0d0c-0b0a-4909-8807-060504030201', slug: '' }))).toEqual([
      { field: cluster('name'), message: expect.stringMatching(/^A cluster name cannot be a UUID/) },
    ]);
    // A typed slug shaped like one is refused under the slug.
    expect(errorsOf(validForm({ slug: '0f0e0d0c-0b0a-4909-8807-060504030201' }))).toEqual([
      { field: cluster('slug'), message: expect.stringMatching(/^A slug cannot be shaped like a UUID/) },
    ]);
  });
});

describe('buildImportBody: avatar defaults', () => {
  it('defaults to a ui-avatars URL of the name, white text and a background derived from the slug', () => {
    const body = built(validForm({ name: 'Production Cluster', slug: 'prod-cluster' }));
    const url = new URL(body.avatar.image_url);
    expect(url.origin + url.pathname).toBe('https://ui-avatars.com/api/');
    expect(url.searchParams.get('name')).toBe('Production Cluster');
    expect(body.avatar.font_color).toBe('#FFFFFF');
    expect(body.avatar.background_color).toBe(backgroundFromSlug('prod-cluster'));
  });

  it('uses what people typed, normalising colours written without # or in lower case', () => {
    const body = built(validForm({ avatarUrl: 'https://example.com/logo.png', fontColor: '000000', backgroundColor: '#abcdef' }));
    expect(body.avatar).toEqual({ image_url: 'https://example.com/logo.png', font_color: '#000000', background_color: '#ABCDEF' });
  });

  it('a bad colour or URL is an error on its own field', () => {
    expect(fieldsOf(validForm({ fontColor: 'white' }))).toEqual([cluster('fontColor')]);
    expect(fieldsOf(validForm({ backgroundColor: '#12345' }))).toEqual([cluster('backgroundColor')]);
    expect(fieldsOf(validForm({ avatarUrl: 'ftp://example.com/logo.png' }))).toEqual([cluster('avatarUrl')]);
  });
});

describe('buildImportBody: errors land on the exact field', () => {
  it.each([
    ['org', { org: 'nope' }],
    ['hostedZone', { hostedZone: '' }],
    ['secretId', { secretId: '9d1a0a51' }],
    ['name', { name: 'x'.repeat(101) }],
    ['provider', { provider: '' }],
    ['clusterNodeConfig', { clusterNodeConfig: 'machine_type' }],
    ['clusterTools', { clusterTools: 'no category here' }],
  ] as const)('%s', (key, fields) => {
    expect(fieldsOf(validForm(fields))).toEqual([cluster(key)]);
  });

  it.each(['aws', 'gcp'] as const)('region is required for %s, on the region field', (provider) => {
    expect(errorsOf(validForm({ provider, region: '' }))).toEqual([
      { field: cluster('region'), message: expect.stringContaining(`Region is required for ${provider}`) },
    ]);
  });

  it('a malformed region is an error on the region field', () => {
    expect(fieldsOf(validForm({ region: 'us west' }))).toEqual([cluster('region')]);
  });

  it('NodePort: each missing field on its own block', () => {
    expect(fieldsOf(validForm({ serviceType: 'NodePort' }))).toEqual(
      expect.arrayContaining([cluster('publicIp'), cluster('nodePortHttp'), cluster('nodePortHttps')]),
    );
    expect(fieldsOf(validForm({ serviceType: 'NodePort' }))).toHaveLength(3);
  });

  it('NodePort: a bad IP and out-of-range ports', () => {
    const form = validForm({ serviceType: 'NodePort', publicIp: '300.1.1.1', nodePortHttp: '0', nodePortHttps: '65536' });
    expect(errorsOf(form)).toEqual(
      expect.arrayContaining([
        { field: cluster('publicIp'), message: expect.stringContaining('IP address') },
        { field: cluster('nodePortHttp'), message: 'Ports run from 1 to 65535.' },
        { field: cluster('nodePortHttps'), message: 'Ports run from 1 to 65535.' },
      ]),
    );
  });

  it('a port that is not a number says so (and only that) on its field', () => {
    expect(errorsOf(validForm({ serviceType: 'NodePort', publicIp: '203.0.113.10', nodePortHttp: '80a', nodePortHttps: '443' }))).toEqual([
      { field: cluster('nodePortHttp'), message: expect.stringContaining('must be a whole number (got “80a”)') },
    ]);
  });

  it('a cluster node_config problem names the key on the cluster node config field', () => {
    expect(errorsOf(validForm({ clusterNodeConfig: 'min_node_count=5\nmax_node_count=2' }))).toEqual([
      { field: cluster('clusterNodeConfig'), message: expect.stringMatching(/^max_node_count: /) },
    ]);
  });

  it('a cluster tools problem names the category on the cluster tools field', () => {
    expect(errorsOf(validForm({ clusterTools: 'MONITORING: prometheus' }))).toEqual([
      { field: cluster('clusterTools'), message: expect.stringMatching(/^MONITORING: /) },
    ]);
  });

  it('reports every broken field at once', () => {
    const form = validForm({ org: 'x', hostedZone: 'y', secretId: 'z', region: '' });
    expect(fieldsOf(form)).toEqual(
      expect.arrayContaining([cluster('org'), cluster('hostedZone'), cluster('secretId'), cluster('region')]),
    );
  });

  it('shows every problem in one round, even next to a bad IP address', () => {
    const form = validForm({
      region: '',
      serviceType: 'NodePort',
      publicIp: 'not-an-ip',
      nodePortHttp: '30080',
      nodeGroups: [nodeGroup(0, { name: 'a', auxiliary: true }), nodeGroup(2, { name: 'a', auxiliary: true })],
    });
    expect(fieldsOf(form)).toEqual(
      expect.arrayContaining([cluster('publicIp'), cluster('nodePortHttps'), cluster('region'), group(2, 'name'), group(2, 'auxiliary')]),
    );
  });

  it('never reports two errors for one field', () => {
    const errors = errorsOf(validForm({ serviceType: 'NodePort', nodePortHttp: 'x', nodePortHttps: 'x', nodeGroups: [nodeGroup(0, { minNodes: 'many' })] }));
    const keys = errors.map((e) => JSON.stringify(e.field));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('buildImportBody: node group errors use the slot, not the position', () => {
  /** Slots 0, 3 and 5: what is left after adding five groups and removing two. */
  const slots = (g0: Partial<NodeGroupForm>, g3: Partial<NodeGroupForm>, g5: Partial<NodeGroupForm>) =>
    validForm({ nodeGroups: [nodeGroup(0, g0), nodeGroup(3, g3), nodeGroup(5, g5)] });

  it('a duplicate name is reported on the later group’s slot', () => {
    expect(errorsOf(slots({ name: 'a' }, { name: 'b' }, { name: 'a' }))).toEqual([
      { field: group(5, 'name'), message: expect.stringContaining('names must be unique') },
    ]);
  });

  it('a second auxiliary group is reported on its slot', () => {
    expect(errorsOf(slots({}, { auxiliary: true }, { auxiliary: true }))).toEqual([
      { field: group(5, 'auxiliary'), message: expect.stringContaining('Only one node group can be auxiliary') },
    ]);
  });

  it('an empty or malformed name is reported on its slot', () => {
    expect(fieldsOf(slots({}, { name: '' }, {}))).toEqual([group(3, 'name')]);
    expect(fieldsOf(slots({}, {}, { name: 'gpu pool' }))).toEqual([group(5, 'name')]);
  });

  it.each([
    ['minNodes', { minNodes: '-1' }],
    ['maxNodes', { maxNodes: '1001' }],
    ['desiredNodes', { desiredNodes: '1.5' }],
    ['vcpu', { vcpu: '0' }],
    ['memory', { memory: 'lots' }],
    ['acceleratorCount', { acceleratorType: 'nvidia-l4', acceleratorCount: '17' }],
    ['machineType', { machineType: 'g5 2xlarge' }],
    ['acceleratorType', { acceleratorType: 'nvidia_a10g', acceleratorCount: '1' }],
  ] as const)('%s', (key, fields) => {
    expect(fieldsOf(slots({}, fields, {}))).toEqual([group(3, key)]);
  });

  it('min ≤ desired ≤ max: reported on max, then on desired', () => {
    expect(errorsOf(slots({}, {}, { minNodes: '3', maxNodes: '2' }))).toEqual([
      { field: group(5, 'maxNodes'), message: 'Max nodes (2) is below min nodes (3).' },
    ]);
    expect(errorsOf(slots({}, {}, { minNodes: '2', desiredNodes: '1' }))).toEqual([
      { field: group(5, 'desiredNodes'), message: 'Desired nodes (1) is below min nodes (2).' },
    ]);
    expect(errorsOf(slots({}, {}, { maxNodes: '2', desiredNodes: '3' }))).toEqual([
      { field: group(5, 'desiredNodes'), message: 'Desired nodes (3) is above max nodes (2).' },
    ]);
  });

  it('accelerator type and count go together, each reported on the missing one', () => {
    expect(errorsOf(slots({}, { acceleratorType: 'nvidia-h100' }, {}))).toEqual([
      { field: group(3, 'acceleratorCount'), message: expect.stringContaining('number of GPUs') },
    ]);
    expect(errorsOf(slots({}, { acceleratorCount: '2' }, {}))).toEqual([
      { field: group(3, 'acceleratorType'), message: expect.stringContaining('accelerator type') },
    ]);
  });

  it('a count that is not a whole number gets that message, not the schema’s', () => {
    expect(errorsOf(slots({}, { minNodes: 'two' }, {}))).toEqual([
      { field: group(3, 'minNodes'), message: 'Min nodes must be a whole number (got “two”).' },
    ]);
  });

  it('errors in several groups each land on their own slot', () => {
    expect(fieldsOf(slots({ name: '' }, { vcpu: 'x' }, { memory: '0' }))).toEqual(
      expect.arrayContaining([group(0, 'name'), group(3, 'vcpu'), group(5, 'memory')]),
    );
  });
});

describe('parseNodeConfigText', () => {
  it.each(['__proto__=x', 'constructor=x', 'machine_type=m5.xlarge __proto__=1'])('names Object members typed as keys (%s) as unknown keys', (text) => {
    const parsed = parseNodeConfigText(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(/^Unknown key “(__proto__|constructor)”/);
  });

  it('empty text means no node_config', () => {
    expect(parseNodeConfigText('  \n ')).toEqual({ ok: true, value: undefined });
  });

  it('reads key=value lines, spaces or commas, with numbers as numbers', () => {
    expect(parseNodeConfigText('machine_type=m5.xlarge\ncapacity_type=on_demand\nmin_node_count=1, max_node_count=4 desired_count=2')).toEqual({
      ok: true,
      value: { machine_type: 'm5.xlarge', capacity_type: 'ON_DEMAND', min_node_count: 1, max_node_count: 4, desired_count: 2 },
    });
  });

  it('reads a JSON object', () => {
    expect(parseNodeConfigText('{"machine_type": "g5.2xlarge", "accelerator_type": "nvidia-a10g", "accelerator_count": 1}')).toEqual({
      ok: true,
      value: { machine_type: 'g5.2xlarge', accelerator_type: 'nvidia-a10g', accelerator_count: 1 },
    });
  });

  it('refuses invalid JSON, a JSON array, a pair without "=", and unknown keys', () => {
    expect(parseNodeConfigText('{"machine_type": ')).toEqual({ ok: false, message: expect.stringContaining('not a valid JSON object') });
    expect(parseNodeConfigText('[1]')).toEqual({ ok: false, message: expect.stringContaining('key=value') });
    expect(parseNodeConfigText('machine_type')).toEqual({ ok: false, message: expect.stringContaining('has no “=”') });
    expect(parseNodeConfigText('=5')).toMatchObject({ ok: false });
    expect(parseNodeConfigText('gpu=nvidia-a10g')).toEqual({ ok: false, message: expect.stringContaining('Unknown key “gpu”') });
  });

  it('applies the API rules and names the key that breaks one', () => {
    expect(parseNodeConfigText('min_node_count=abc')).toEqual({ ok: false, message: 'min_node_count: Min nodes must be a whole number.' });
    expect(parseNodeConfigText('accelerator_type=nvidia-l4')).toEqual({ ok: false, message: expect.stringMatching(/^accelerator_count: /) });
    expect(parseNodeConfigText('{"vcpu": "4"}')).toMatchObject({ ok: false, message: expect.stringMatching(/^vcpu: /) });
  });

  it('round-trips with nodeConfigToText', () => {
    const config = { machine_type: 'g5.2xlarge', capacity_type: 'SPOT' as const, min_node_count: 0, max_node_count: 3, accelerator_type: 'nvidia-a10g', accelerator_count: 4, vcpu: 8, memory: 64 };
    expect(parseNodeConfigText(nodeConfigToText(config))).toEqual({ ok: true, value: config });
  });
});

describe('parseClusterToolsText', () => {
  it('empty text means no cluster_tools', () => {
    expect(parseClusterToolsText('')).toEqual({ ok: true, value: undefined });
  });

  it('reads "CATEGORY: uuid, uuid" lines; categories may contain spaces; repeated categories merge', () => {
    expect(parseClusterToolsText(`MONITORING: ${TOOL_A}, ${TOOL_B}\r\nASYNC TOOLS: ${TOOL_A}\n\nMONITORING: ${TOOL_A}`)).toEqual({
      ok: true,
      value: { MONITORING: [TOOL_A, TOOL_B, TOOL_A], 'ASYNC TOOLS': [TOOL_A] },
    });
  });

  it.each(['constructor', 'toString', 'hasOwnProperty'])('a category named like an Object member (%s) is a plain category, in lines and in JSON', (name) => {
    expect(parseClusterToolsText(`${name}: ${TOOL_A}\n${name}: ${TOOL_B}`)).toEqual({ ok: true, value: { [name]: [TOOL_A, TOOL_B] } });
    const parsed = parseClusterToolsText(JSON.stringify({ [name]: [TOOL_A] }));
    expect(parsed).toEqual({ ok: true, value: { [name]: [TOOL_A] } });
  });

  it('a __proto__ category is refused by name, typed or in JSON', () => {
    for (const text of [`__proto__: ${TOOL_A}`, `{"__proto__": ["${TOOL_A}"]}`]) {
      expect(parseClusterToolsText(text)).toEqual({ ok: false, message: expect.stringContaining('“__proto__” is not a tool category') });
    }
  });

  it('reads a JSON object of lists', () => {
    expect(parseClusterToolsText(`{"TRAINING": ["${TOOL_A}"]}`)).toEqual({ ok: true, value: { TRAINING: [TOOL_A] } });
  });

  it('refuses a line without a category, invalid JSON and a JSON value that is not a list of strings', () => {
    expect(parseClusterToolsText(TOOL_A)).toEqual({ ok: false, message: expect.stringContaining('has no category') });
    expect(parseClusterToolsText(': x')).toMatchObject({ ok: false });
    expect(parseClusterToolsText('{"TRAINING": ')).toEqual({ ok: false, message: expect.stringContaining('not a valid JSON object') });
    expect(parseClusterToolsText('{"TRAINING": "x"}')).toEqual({ ok: false, message: 'TRAINING: give a list of catalog UUIDs.' });
    expect(parseClusterToolsText('{"TRAINING": [1]}')).toEqual({ ok: false, message: 'TRAINING: give a list of catalog UUIDs.' });
  });
});

describe('formFromBody', () => {
  /** The API document's example request. */
  const DOCUMENT_EXAMPLE = aBody();

  const representative: Array<[string, ImportClusterBody]> = [
    ['the document’s example', DOCUMENT_EXAMPLE],
    ['what a minimal form builds', built(validForm())],
    [
      'NodePort, gcp, several groups, cluster defaults and tools',
      built(
        validForm({
          name: 'Edge GPUs',
          slug: 'edge',
          provider: 'gcp',
          region: 'us-central1',
          serviceType: 'NodePort',
          publicIp: '203.0.113.10',
          nodePortHttp: '30080',
          nodePortHttps: '30443',
          fontColor: '#000000',
          backgroundColor: '#FACC15',
          clusterNodeConfig: 'machine_type=n1-standard-4\ncapacity_type=SPOT',
          clusterTools: `MONITORING: ${TOOL_A}, ${TOOL_B}\nASYNC TOOLS: ${TOOL_B}`,
          nodeGroups: [
            nodeGroup(0, { name: 'tools', auxiliary: true, machineType: 'e2-standard-4' }),
            nodeGroup(4, { name: 'a100', acceleratorType: 'nvidia-a100', acceleratorCount: '8', minNodes: '1', maxNodes: '2', desiredNodes: '1', vcpu: '96', memory: '1360' }),
          ],
        }),
      ),
    ],
    ['a provider without region', built(validForm({ provider: 'shakti-cloud', region: '' }))],
  ];

  it.each(representative)('buildImportBody(formFromBody(body)) is the body again: %s', (_label, body) => {
    expect(built(formFromBody(body))).toEqual(body);
  });

  it('leaves derived values empty so that they are derived again', () => {
    const body = built(validForm());
    const form = formFromBody(body);
    expect(form.slug).toBe('');
    expect(form.avatarUrl).toBe('');
    expect(form.fontColor).toBe('');
    expect(form.backgroundColor).toBe('');
  });

  it('keeps values that differ from the derived ones', () => {
    const form = formFromBody(DOCUMENT_EXAMPLE);
    expect(form.slug).toBe('prod-cluster');
    expect(form.avatarUrl).toBe('https://ui-avatars.com/api/?name=Production');
    expect(form.fontColor).toBe('');
  });

  it('numbers node groups 0..n-1 and carries every node_config field as text', () => {
    const form = formFromBody(DOCUMENT_EXAMPLE);
    expect(form.nodeGroups).toEqual([
      {
        slot: 0,
        name: 'gpu-pool',
        auxiliary: false,
        machineType: 'g5.2xlarge',
        capacityType: 'ON_DEMAND',
        minNodes: '0',
        maxNodes: '3',
        desiredNodes: '1',
        acceleratorType: 'nvidia-a10g',
        acceleratorCount: '1',
        vcpu: '',
        memory: '',
      },
    ]);
  });
});
