// Recognising what was pasted (JSON, YAML, the --show-labels table) through what terminals add, and
// refusing hostile input quickly and cheaply: deep nesting, alias bombs, megabytes of garbage, lines
// built to make a regex backtrack.
import { INPUT_LIMITS, readText, type TextReading } from '../../../src/domain/nodes/parse.js';
import { aNode, dump, fixture } from './builders.js';

/** Generous: the work is milliseconds; this only catches a hang or a quadratic blow-up. */
const QUICK_MS = 2000;

function timed<T>(work: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
}

function documents(reading: ReturnType<typeof readText>): unknown[] {
  if (!reading.ok) throw new Error(`refused: ${reading.code} ${reading.message}`);
  if (reading.kind === 'table') throw new Error('a table');
  return reading.documents;
}

function table(reading: ReturnType<typeof readText>): Extract<TextReading, { kind: 'table' }> {
  if (!reading.ok) throw new Error(`refused: ${reading.code} ${reading.message}`);
  if (reading.kind !== 'table') throw new Error(reading.kind);
  return reading;
}

function refusal(reading: ReturnType<typeof readText>): { code: string; message: string } {
  if (reading.ok) throw new Error(`read as ${reading.kind}`);
  return reading;
}

const ONE_NODE = JSON.stringify(aNode({ name: 'node-a' }), null, 4);

describe('JSON', () => {
  test('kubectl get nodes -o json', () => {
    const [list] = documents(readText(fixture('eks-managed.json'))) as Array<{ kind: string; items: unknown[] }>;
    expect(list?.kind).toBe('List');
    expect(list?.items).toHaveLength(6);
  });

  test('what a terminal adds: warnings, the command, CRLF, a BOM, colours, a fence, a prompt', () => {
    const pasted = [
      '\uFEFFW1207 10:15:31.123456   12345 warnings.go:70] v1 ComponentStatus is deprecated in v1.19+',
      'Warning: node.kubernetes.io/instance-type is deprecated',
      '$ kubectl get node node-a -o json',
      '```json',
      `\x1b[32m${ONE_NODE}\x1b[0m`,
      '```',
      'admin@bastion:~$ ',
    ].join('\r\n');
    const docs = documents(readText(pasted)) as Array<{ metadata: { name: string } }>;
    expect(docs.map((d) => d.metadata.name)).toEqual(['node-a']);
  });

  test('a fence on the same line as the brace', () => {
    expect(documents(readText(`\`\`\`${ONE_NODE}\`\`\``))).toHaveLength(1);
  });

  test('several values one after another, with prompts and commands between', () => {
    const b = JSON.stringify(aNode({ name: 'node-b' }));
    const pasted = `[root@bastion ~]# kubectl get node node-a -o json\n${ONE_NODE}\n[root@bastion ~]# kubectl get node node-b -o json\n${b}\n[root@bastion ~]# `;
    const docs = documents(readText(pasted)) as Array<{ metadata: { name: string } }>;
    expect(docs.map((d) => d.metadata.name)).toEqual(['node-a', 'node-b']);
  });

  test('braces inside strings do not end a value', () => {
    const node = aNode({ name: 'node-a', annotations: { note: 'a } and a ] and a \\" and {' } });
    expect(documents(readText(JSON.stringify(node)))).toHaveLength(1);
  });

  test('cut off (a Slack text box holds 3000 characters): said so', () => {
    const whole = dump(Array.from({ length: 10 }, (_, i) => aNode({ name: `node-${i}` })));
    expect(whole.length).toBeGreaterThan(3000);
    const cut = whole.slice(0, 3000);
    const refused = refusal(readText(cut));
    expect(refused.code).toBe('cut_off');
    expect(refused.message).toMatch(/3000 characters.*attach/);
  });

  test('not valid JSON', () => {
    expect(refusal(readText('{"kind": "List", "items": [1, 2,]}')).code).toBe('not_json');
    expect(refusal(readText("{'kind': 'Node'}")).code).toBe('not_json');
  });
});

describe('YAML', () => {
  test('kubectl get nodes -o yaml, with CRLF and a trailing prompt', () => {
    const pasted = `${fixture('oke.yaml').replace(/\n/g, '\r\n')}\r\nPS C:\\Users\\admin> `;
    const [list] = documents(readText(pasted)) as Array<{ items: unknown[] }>;
    expect(list?.items).toHaveLength(4);
  });

  test('several documents', () => {
    const docs = documents(readText('apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: a\n---\napiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: b\n'));
    expect(docs).toHaveLength(2);
  });

  test('a comment first, and a person’s flow style', () => {
    expect(documents(readText(fixture('eksctl-cluster-config.yaml')))).toHaveLength(1);
  });

  test('not valid YAML', () => {
    expect(refusal(readText('apiVersion: v1\nkind: [Node\nitems: {')).code).toBe('not_yaml');
  });
});

describe('the --show-labels table', () => {
  test('warnings, the command, the header, a trailing prompt', () => {
    const read = table(readText(fixture('kubeadm-show-labels.txt')));
    expect(read.rows.map((r) => r.name)).toEqual(['cp-1', 'gpu-a100-1', 'gpu-a100-2', 'gpu-t4-1', 'cpu-1', 'cpu-2', 'cpu-3']);
    expect(read.rows[5]?.status).toBe('NotReady');
    expect(read.rows[6]?.status).toBe('Ready,SchedulingDisabled');
    expect(read.unread).toBe(0);
  });

  test('CRLF, a header copied twice, no header at all', () => {
    const lines = fixture('kubeadm-show-labels.txt').split('\n');
    const header = lines.find((l) => l.startsWith('NAME')) ?? '';
    const rows = lines.filter((l) => /^(?:cp|gpu|cpu)-/.test(l));
    expect(table(readText([header, rows[0], header, rows[1]].join('\r\n'))).rows).toHaveLength(2);
    expect(table(readText(rows.join('\n'))).rows).toHaveLength(7);
  });

  test('-o wide columns with spaces (OS-IMAGE) before LABELS', () => {
    const wide = [
      'NAME     STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION   CONTAINER-RUNTIME     LABELS',
      'node-a   Ready    <none>   5d    v1.30.4   10.0.0.5      <none>        Ubuntu 22.04.4 LTS   6.5.0-1024-aws   containerd://1.7.12   kubernetes.io/os=linux,nvidia.com/gpu.product=NVIDIA-L4',
    ].join('\n');
    const [row] = table(readText(wide)).rows;
    expect(row).toEqual({ name: 'node-a', status: 'Ready', roles: '<none>', labels: 'kubernetes.io/os=linux,nvidia.com/gpu.product=NVIDIA-L4' });
  });

  test('non-breaking spaces from a chat client', () => {
    const [row] = table(readText('node-a\u00a0\u00a0Ready\u00a0<none>\u00a05d\u00a0v1.30\u00a0a=b')).rows;
    expect(row?.labels).toBe('a=b');
  });

  test('a table without LABELS: say how to get it', () => {
    const refused = refusal(readText('NAME     STATUS   ROLES    AGE   VERSION\nnode-a   Ready    <none>   5d    v1.30.4\n'));
    expect(refused.code).toBe('no_labels_column');
    expect(refused.message).toContain('--show-labels');
    expect(refusal(readText('node-a   Ready    <none>   5d    v1.30.4\n')).code).toBe('no_labels_column');
  });

  test('Pods, not Nodes', () => {
    expect(refusal(readText('NAME                   READY   STATUS    RESTARTS   AGE   LABELS\nweb-6d4cf56db6-x2k9p   1/1     Running   0          5d    app=web\n'))).toMatchObject({
      code: 'wrong_kind',
      message: expect.stringContaining('Pods, not Nodes'),
    });
    expect(refusal(readText('NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nweb    ClusterIP   10.0.0.1     <none>        80/TCP    5d\n')).code).toBe('wrong_kind');
  });

  test('lines that are not rows are counted, not read', () => {
    const read = table(readText('node-a Ready <none> 5d v1.30 a=b\nsomething else entirely\n'));
    expect(read.rows).toHaveLength(1);
    expect(read.unread).toBe(1);
    expect(read.firstUnread).toBe('something else entirely');
  });
});

describe('nothing to read', () => {
  test('empty, or blank', () => {
    expect(refusal(readText('')).code).toBe('empty');
    expect(refusal(readText(' \r\n\t ')).code).toBe('empty');
  });

  test('an error kubectl printed is quoted back', () => {
    const refused = refusal(readText('$ kubectl get nodes -o json\nerror: You must be logged in to the server (Unauthorized)\n'));
    expect(refused.code).toBe('unrecognised');
    expect(refused.message).toContain('You must be logged in to the server');
  });

  test('prose', () => {
    expect(refusal(readText('hello, here are my nodes, can you help?')).code).toBe('unrecognised');
  });
});

describe('hostile input: refused, quickly', () => {
  test('JSON nested 100 000 deep', () => {
    const { result, ms } = timed(() => readText(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    expect(refusal(result).code).toBe('too_deep');
    expect(ms).toBeLessThan(QUICK_MS);
    expect(refusal(readText(`{"a":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_001)}`)).code).toBe('too_deep');
  });

  test('JSON of millions of tiny values (memory, not depth)', () => {
    const { result, ms } = timed(() => readText(`[${'0,'.repeat(INPUT_LIMITS.jsonValues)}0]`));
    expect(refusal(result).code).toBe('too_complex');
    expect(ms).toBeLessThan(QUICK_MS);
  });

  test('a YAML alias bomb ("billion laughs")', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { result, ms } = timed(() => readText(lines.join('\n')));
    expect(refusal(result).code).toBe('too_complex');
    expect(ms).toBeLessThan(QUICK_MS);
  });

  test('YAML aliases under the count cap that still expand too far', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'];
    expect(refusal(readText(lines.join('\n'))).code).toBe('too_complex');
  });

  test.each([
    ['flow nesting', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['compact sequences', `${'- '.repeat(20_000)}x`],
    ['indentation', Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
  ])('deep YAML: %s', (_what, text) => {
    const { result, ms } = timed(() => readText(text));
    expect(refusal(result).code).toBe('too_deep');
    expect(ms).toBeLessThan(QUICK_MS);
  });

  test('YAML of many documents', () => {
    expect(refusal(readText('---\n'.repeat(100_000))).code).toBe('too_complex');
  });

  test('YAML over its cap is refused before it is parsed, and the cap is said', () => {
    const big = `apiVersion: v1\nkind: List\nitems:\n${'- {kind: Node}\n'.repeat(80_000)}`;
    const { result, ms } = timed(() => readText(big));
    const refused = refusal(result);
    expect(refused.code).toBe('too_large');
    expect(refused.message).toContain('1 MiB');
    expect(ms).toBeLessThan(QUICK_MS);
  });

  test('a megabyte of YAML-shaped garbage is answered within the bound', () => {
    let seed = 7;
    const noise = Array.from({ length: INPUT_LIMITS.yamlChars - 100 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 'ab:{[ -\n#&*!|>"\'x'[seed % 17];
    }).join('');
    const { result, ms } = timed(() => readText(`apiVersion: v1\n${noise}`));
    expect(result.ok === false || result.kind === 'yaml').toBe(true);
    expect(ms).toBeLessThan(QUICK_MS);
  });

  test('megabyte lines built to make a regex backtrack', () => {
    for (const line of [' '.repeat(8_000_000), '@'.repeat(2_000_000), `${' '.repeat(1_000_000)}x`, `${'a'.repeat(1_000_000)}: b`, `a${'\t '.repeat(1_000_000)}`]) {
      const { ms } = timed(() => readText(line));
      expect(ms).toBeLessThan(QUICK_MS);
    }
    const { ms } = timed(() => readText(`node-a Ready <none> 5d v1.30 a=b\n${'@'.repeat(1_000_000)}\n`));
    expect(ms).toBeLessThan(QUICK_MS);
  });

  test('a table of too many lines', () => {
    expect(refusal(readText('node-a Ready <none> 5d v1.30 a=b\n'.repeat(INPUT_LIMITS.tableLines + 1))).code).toBe('too_complex');
  });
});
