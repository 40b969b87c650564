// What people type after `/simplismart`: the subcommand, the tokenizer (quotes as Slack sends them,
// entities), `key=value` pre-fill with unknown keys and unusable values told back.
import { emptyForm, emptyNodeGroup } from '../../src/domain/importForm.js';
import {
  applyPrefill,
  decodeSlackEntities,
  describePrefill,
  IMPORT_ARG_KEYS,
  parseCommand,
  parseImportArgs,
  tokenize,
} from '../../src/domain/commandText.js';

describe('parseCommand', () => {
  it('splits the subcommand (lower-cased) from the rest', () => {
    expect(parseCommand('  IMPORT  name=prod   provider=aws ')).toEqual({ subcommand: 'import', rest: 'name=prod   provider=aws' });
    expect(parseCommand('status')).toEqual({ subcommand: 'status', rest: '' });
    expect(parseCommand('history\nir-abcdefgh')).toEqual({ subcommand: 'history', rest: 'ir-abcdefgh' });
  });

  it('an empty command has no subcommand', () => {
    expect(parseCommand('')).toEqual({ subcommand: '', rest: '' });
    expect(parseCommand('   ')).toEqual({ subcommand: '', rest: '' });
  });

  it('keeps a pasted table after `nodes` line by line, decoded', () => {
    const table = 'NAME   STATUS   ROLES    LABELS\r\nn-1    Ready    &lt;none&gt;   a=b,c=d\nn-2    Ready    &lt;none&gt;   a=b\n';
    expect(parseCommand(`nodes\n${table}`)).toEqual({ subcommand: 'nodes', rest: 'NAME   STATUS   ROLES    LABELS\r\nn-1    Ready    <none>   a=b,c=d\nn-2    Ready    <none>   a=b' });
  });

  it('decodes Slack’s entities', () => {
    expect(parseCommand('import name=a&amp;b&lt;c&gt;')).toEqual({ subcommand: 'import', rest: 'name=a&b<c>' });
  });
});

describe('decodeSlackEntities', () => {
  it('decodes &amp; last, so an escaped entity stays literal', () => {
    expect(decodeSlackEntities('&lt;x&gt; &amp; &amp;lt;')).toBe('<x> & &lt;');
  });
});

describe('tokenize', () => {
  it('splits on any whitespace', () => {
    expect(tokenize(' a  b\tc\nd ')).toEqual(['a', 'b', 'c', 'd']);
    expect(tokenize('')).toEqual([]);
  });

  it('keeps straight-quoted values together', () => {
    expect(tokenize('name="Prod cluster" region=us-west-2')).toEqual(['name=Prod cluster', 'region=us-west-2']);
    expect(tokenize("name='Prod cluster'")).toEqual(['name=Prod cluster']);
  });

  it('keeps typographic quotes, as Slack’s clients send them, together', () => {
    expect(tokenize('name=“Prod cluster” provider=aws')).toEqual(['name=Prod cluster', 'provider=aws']);
    expect(tokenize('name=‘Prod cluster’ provider=aws')).toEqual(['name=Prod cluster', 'provider=aws']);
    expect(tokenize('name=”Prod cluster” provider=aws')).toEqual(['name=Prod cluster', 'provider=aws']);
  });

  it('accepts a typographic opening quote closed by a straight one', () => {
    expect(tokenize('name=“Prod cluster" x=1')).toEqual(['name=Prod cluster', 'x=1']);
  });

  it('an empty quoted value is still a token', () => {
    expect(tokenize('name="" region=x')).toEqual(['name=', 'region=x']);
    expect(tokenize('""')).toEqual(['']);
  });

  it('an unclosed quote runs to the end', () => {
    expect(tokenize('name="Prod cluster provider=aws')).toEqual(['name=Prod cluster provider=aws']);
  });

  it('decodes entities before splitting', () => {
    expect(tokenize('name="R&amp;D &lt;eu&gt;"')).toEqual(['name=R&D <eu>']);
  });

  it('a quote inside a word is a letter, not the start of a value (an apostrophe in a name)', () => {
    expect(tokenize("name=Bob's provider=aws")).toEqual(["name=Bob's", 'provider=aws']);
    expect(tokenize('name=“Bob’s cluster” provider=aws')).toEqual(['name=Bob’s cluster', 'provider=aws']);
    expect(tokenize('a=x"y z" b')).toEqual(['a=x"y', 'z"', 'b']);
  });

  it('a quoted value may hold the other kind of quote', () => {
    expect(tokenize(`name="Bob's cluster" x='say "hi"'`)).toEqual(["name=Bob's cluster", 'x=say "hi"']);
  });
});

describe('parseImportArgs', () => {
  it('reads cluster keys (and their aliases)', () => {
    const prefill = parseImportArgs(
      'name="Prod cluster" slug=prod provider=AWS region=us-west-2 org=o hosted_zone=z secret=s service_type=nodeport public_ip=203.0.113.10 node_port_http=30080 node_port_https=30443 avatar_url=https://x.example/a.png font_color=#FFFFFF background_color=#000000',
    );
    expect(prefill).toEqual({
      cluster: {
        name: 'Prod cluster',
        slug: 'prod',
        provider: 'aws',
        region: 'us-west-2',
        org: 'o',
        hostedZone: 'z',
        secretId: 's',
        serviceType: 'NodePort',
        publicIp: '203.0.113.10',
        nodePortHttp: '30080',
        nodePortHttps: '30443',
        avatarUrl: 'https://x.example/a.png',
        fontColor: '#FFFFFF',
        backgroundColor: '#000000',
      },
      firstGroup: {},
      unknownKeys: [],
      problems: [],
    });
  });

  it('accepts dashes in keys and any case', () => {
    expect(parseImportArgs('Hosted-Zone=z CLUSTER_HOSTED_ON=gcp secret-id=s').cluster).toEqual({ hostedZone: 'z', provider: 'gcp', secretId: 's' });
  });

  it('reads the first node group’s keys', () => {
    const prefill = parseImportArgs(
      'group=gpu-pool machine_type=g5.2xlarge capacity_type=spot min=0 max=3 desired=1 accelerator_type=nvidia-a10g gpus=1 vcpu=8 memory=32 auxiliary=yes',
    );
    expect(prefill.firstGroup).toEqual({
      name: 'gpu-pool',
      machineType: 'g5.2xlarge',
      capacityType: 'SPOT',
      minNodes: '0',
      maxNodes: '3',
      desiredNodes: '1',
      acceleratorType: 'nvidia-a10g',
      acceleratorCount: '1',
      vcpu: '8',
      memory: '32',
      auxiliary: true,
    });
    expect(prefill.cluster).toEqual({});
  });

  it('reads capacity_type on-demand and auxiliary=false', () => {
    expect(parseImportArgs('capacity_type=on-demand auxiliary=false').firstGroup).toEqual({ capacityType: 'ON_DEMAND', auxiliary: false });
  });

  it('lists unknown keys and bare words back, and does not apply them', () => {
    const prefill = parseImportArgs('name=prod colour=blue gpu-pool =x');
    expect(prefill.unknownKeys).toEqual(['colour', 'gpu-pool', '=x']);
    expect(prefill.cluster).toEqual({ name: 'prod' });
    expect(prefill.firstGroup).toEqual({});
  });

  it.each([
    ['provider=aws2', 'provider', 'is not a provider'],
    ['service_type=ClusterIP', 'serviceType', 'is not a service type'],
    ['avatar_url=ftp://x.example/a.png', 'avatarUrl', 'is not an http(s) URL'],
  ])('reports %s as a problem and does not apply it', (text, field, problem) => {
    const prefill = parseImportArgs(text);
    expect(prefill.problems).toEqual([expect.stringContaining(problem)]);
    expect(prefill.cluster).not.toHaveProperty(field);
  });

  it.each([
    ['capacity_type=reserved', 'capacityType', 'is not a capacity type'],
    ['auxiliary=maybe', 'auxiliary', 'use auxiliary=true or auxiliary=false'],
    ['min=-1', 'minNodes', 'is not a whole number'],
    ['max=3.5', 'maxNodes', 'is not a whole number'],
    ['desired=two', 'desiredNodes', 'is not a whole number'],
    ['gpus=', 'acceleratorCount', 'is not a whole number'],
    ['vcpu=12345678', 'vcpu', 'is out of range: use 1 to'],
    ['max=99999999999999999999', 'maxNodes', 'is out of range: use 0 to 1000'],
    ['memory=1e3', 'memory', 'is not a whole number'],
  ])('reports %s as a problem and does not apply it', (text, field, problem) => {
    const prefill = parseImportArgs(text);
    expect(prefill.problems).toEqual([expect.stringContaining(problem)]);
    expect(prefill.firstGroup).not.toHaveProperty(field);
  });

  it('names of Object members are unknown keys, not fields', () => {
    const prefill = parseImportArgs('constructor=x __proto__=y toString=z hasOwnProperty=1 name=ok');
    expect(prefill.unknownKeys).toEqual(['constructor', '__proto__', 'toString', 'hasOwnProperty']);
    expect(prefill.cluster).toEqual({ name: 'ok' });
    expect(prefill.firstGroup).toEqual({});
  });

  it('the last value of a repeated key wins', () => {
    expect(parseImportArgs('region=a region=b').cluster.region).toBe('b');
  });

  it('clips long values in what it tells back', () => {
    const prefill = parseImportArgs(`provider=${'x'.repeat(500)} ${'k'.repeat(500)}=1`);
    expect(prefill.problems[0]!.length).toBeLessThan(200);
    expect(prefill.unknownKeys[0]!.length).toBeLessThanOrEqual(60);
  });

  it('an apostrophe in a value does not swallow the keys after it', () => {
    expect(parseImportArgs("name=Bob's provider=aws").cluster).toEqual({ name: "Bob's", provider: 'aws' });
    expect(parseImportArgs("name=Bob's cluster").unknownKeys).toEqual(['cluster']);
  });

  it('reads a value containing "=" whole', () => {
    expect(parseImportArgs('avatar_url=https://ui-avatars.com/api/?name=P&amp;b=1').cluster.avatarUrl).toBe('https://ui-avatars.com/api/?name=P&b=1');
  });

  it('every key it reads is listed in IMPORT_ARG_KEYS', () => {
    for (const key of ['name', 'provider', 'region', 'group', 'gpus', 'auxiliary', 'secret']) expect(IMPORT_ARG_KEYS).toContain(key);
  });
});

describe('applyPrefill', () => {
  it('overrides the connection defaults with the command and fills the first group only', () => {
    const form = { ...emptyForm(), org: 'org-from-connection', hostedZone: 'zone-from-connection', nodeGroups: [emptyNodeGroup(0), emptyNodeGroup(1)] };
    const next = applyPrefill(form, parseImportArgs('org=typed-org group=gpu-pool gpus=2'));
    expect(next.org).toBe('typed-org');
    expect(next.hostedZone).toBe('zone-from-connection');
    expect(next.nodeGroups).toEqual([{ ...emptyNodeGroup(0), name: 'gpu-pool', acceleratorCount: '2' }, emptyNodeGroup(1)]);
  });

  it('keeps the first group’s slot', () => {
    const form = { ...emptyForm(), nodeGroups: [emptyNodeGroup(7)] };
    expect(applyPrefill(form, parseImportArgs('group=a')).nodeGroups[0]!.slot).toBe(7);
  });

  it('does not change the form it was given', () => {
    const form = emptyForm();
    applyPrefill(form, parseImportArgs('name=x group=y'));
    expect(form).toEqual(emptyForm());
  });
});

describe('describePrefill', () => {
  it('says nothing when nothing was given', () => {
    expect(describePrefill(parseImportArgs(''))).toEqual([]);
  });

  it('counts the pre-filled fields (singular and plural)', () => {
    expect(describePrefill(parseImportArgs('name=a'))).toEqual(['Pre-filled 1 field from your command.']);
    expect(describePrefill(parseImportArgs('name=a group=b'))).toEqual(['Pre-filled 2 fields from your command.']);
  });

  it('lists unknown keys with the known ones, and each problem', () => {
    const lines = describePrefill(parseImportArgs('name=a colour=blue provider=mars'));
    expect(lines[0]).toBe('Pre-filled 1 field from your command.');
    expect(lines[1]).toMatch(/^Not understood \(ignored\): colour\. Known keys: name, slug, provider/);
    expect(lines[2]).toMatch(/^provider=mars is not a provider; use one of aws, gcp/);
    expect(lines).toHaveLength(3);
  });
});
