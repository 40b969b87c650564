// The content hash: sha256 of the file's data as canonical JSON. Formatting, comments and the order of
// keys in a mapping do not change it; anything the file says (the order of rules included) does. Two
// spellings of the same rule are not equated (the data is hashed, not the reader's model of it).
import { canonicalJson, contentHash } from '../../../src/domain/policyFile/hash.js';
import { policyOf } from './support.js';

const BLOCK = `version: 1
rules:
  - name: more than 16 GPUs
    when:
      total_gpus: { more_than: 16 }
    require:
      approvals: 2
      from:
        groups: [S0GPULEADS]
  - name: rest
    allow: true
`;

const hashOf = (text: string) => policyOf(text).hash;

describe('the same data, the same hash', () => {
  test.each<[string, string]>([
    ['comments and blank lines', `# guardrails\n${BLOCK.replace('rules:\n', 'rules:\n\n  # the big ones\n')}   # end\n`],
    [
      'flow style, other quoting, other indentation',
      `version: 1\nrules: [{name: "more than 16 GPUs", when: {total_gpus: {more_than: 16}}, require: {approvals: 2, from: {groups: ['S0GPULEADS']}}}, {name: 'rest', allow: true}]\n`,
    ],
    [
      'keys in another order',
      `rules:\n    - require:\n          from:\n              groups: [S0GPULEADS]\n          approvals: 2\n      when:\n          total_gpus: { more_than: 16 }\n      name: more than 16 GPUs\n    - allow: true\n      name: rest\nversion: 1\n`,
    ],
    ['Windows line ends', BLOCK.replace(/\n/g, '\r\n')],
  ])('%s', (_name, text) => {
    expect(hashOf(text)).toBe(hashOf(BLOCK));
  });
});

describe('a change to what the file says changes the hash', () => {
  test.each<[string, string]>([
    ['a number', BLOCK.replace('more_than: 16', 'more_than: 17')],
    ['a name', BLOCK.replace('name: rest', 'name: the rest')],
    ['another spelling of the same rule (not equated: see hash.ts)', BLOCK.replace('groups: [S0GPULEADS]', 'groups: S0GPULEADS')],
  ])('%s', (_name, text) => {
    expect(hashOf(text)).not.toBe(hashOf(BLOCK));
  });
});

test('the order of rules is part of what the file says', () => {
  const first = '  - name: imports\n    when: { kind: import }\n    deny: no\n';
  const second = '  - name: node groups\n    when: { kind: node_groups }\n    allow: true\n';
  expect(hashOf(`version: 1\nrules:\n${first}${second}`)).not.toBe(hashOf(`version: 1\nrules:\n${second}${first}`));
});

test('canonical JSON: keys sorted at every depth, list order kept, no spaces', () => {
  expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x', e: undefined })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}');
  expect(canonicalJson(Number.POSITIVE_INFINITY)).not.toBe(canonicalJson(null));
});

test('the hash is sha256 of that JSON, spelled sha256:<hex>', () => {
  expect(contentHash({})).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  expect(hashOf(BLOCK)).toMatch(/^sha256:[0-9a-f]{64}$/);
});
