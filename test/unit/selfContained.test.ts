// The project's code, tests, scripts and CI read nothing outside the repository: a fresh clone with
// nothing beside it runs everything (the reference material some checkouts have beside them is not a
// dependency).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DIRS = ['src', 'test', 'bench', '.ci', 'scripts'];
const FILES = ['package.json', 'jest.config.js', 'eslint.config.js', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.bench.json', 'Dockerfile'];
// Spelled in pieces so that this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\./', 'shared\\b|/work/', 'shared\\b'].join(''));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

test('no source, test, script, CI or config file refers to a folder beside the repository', () => {
  const files = [...DIRS.filter((d) => statSync(join(ROOT, d), { throwIfNoEntry: false })?.isDirectory()).flatMap((d) => filesUnder(join(ROOT, d))), ...FILES.map((f) => join(ROOT, f))];
  expect(files.length).toBeGreaterThan(100);
  const offenders = files.filter((f) => OUTSIDE.test(readFileSync(f, 'utf8'))).map((f) => f.slice(ROOT.length + 1));
  expect(offenders).toEqual([]);
});

test('the pattern catches what it is meant to', () => {
  expect(OUTSIDE.test(`resolve(ROOT, '..${'/'}shared/slack-manifest-schema')`)).toBe(true);
  expect(OUTSIDE.test(`'/work${'/'}shared/design'`)).toBe(true);
  expect(OUTSIDE.test('a store shared with another bot')).toBe(false);
});
