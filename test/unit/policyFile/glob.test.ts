// The policy file's globs: `*` and `?`, the whole value, any case; regex syntax refused with what to write.
import fc from 'fast-check';
import { globMatches, globProblem } from '../../../src/domain/policyFile/glob.js';

describe('globMatches', () => {
  test.each<[string, string, boolean]>([
    ['prod-*', 'prod-east', true],
    ['prod-*', 'prod-', true],
    ['prod-*', 'nonprod-east', false], // the whole value: no anchoring to forget
    ['*-prod', 'payments-prod', true],
    ['*-prod', 'payments-prod-2', false],
    ['*prod*', 'my-prod-cluster', true],
    ['prod', 'prod', true],
    ['prod', 'production', false],
    ['PROD-*', 'prod-east', true], // any case
    ['prod-*', 'Prod East', false],
    ['prod *', 'Prod East', true],
    ['us-east-?', 'us-east-1', true],
    ['us-east-?', 'us-east-12', false],
    ['us-east-?', 'us-east-', false],
    ['*', '', true],
    ['*', 'anything', true],
    ['?', '', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['nvidia-a100.80gb', 'nvidia-a100.80gb', true], // a dot is a dot
    ['nvidia-a100.80gb', 'nvidia-a100x80gb', false],
    ['*a*a*a*a*a*a*a*a*b', 'a'.repeat(200), false], // no blow-up
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });

  test('agrees with a regular expression built from the glob, on random patterns and values', () => {
    const char = fc.constantFrom('a', 'b', '-', '.', '*', '?');
    const text = fc.constantFrom('a', 'b', '-', '.');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 8 }), fc.array(text, { maxLength: 10 }), (p, v) => {
        const pattern = p.join('');
        const value = v.join('');
        const regex = new RegExp(`^${p.map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace('.', '\\.'))).join('')}$`, 'is');
        expect(globMatches(pattern, value)).toBe(regex.test(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('globProblem', () => {
  test.each<[string, RegExp | undefined]>([
    ['prod-*', undefined],
    ['gpu-?', undefined],
    ['Prod cluster', undefined],
    ['nvidia-a100.80gb', undefined],
    ['prod-.*', /"\.\*" is not glob syntax \(in a glob `\*` alone matches any characters\)/],
    ['^prod', /"\^" is not glob syntax/],
    ['prod$', /"\$" is not glob syntax/],
    ['us-[ew]*', /character classes/],
    ['{a,b}', /write a list of patterns/],
    ['(a|b)', /write a list of patterns/],
    ['a+', /exactly one/],
    ['a\\*', /no escapes/],
    ['', /An empty pattern matches nothing/],
    ['  ', /An empty pattern matches nothing/],
    [' prod', /spaces at its ends/],
    ['x'.repeat(101), /100 characters/],
  ])('%j: %s', (pattern, expected) => {
    const problem = globProblem(pattern);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});
