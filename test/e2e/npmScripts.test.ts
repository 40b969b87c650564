// The README's npm scripts on a Node.js too old for the project (what a machine without the project's own
// Node 24 gets: a platform the registry has no Node 24 for, or `npm ci --omit=optional`): each one stops
// with one line naming the version it needs and the one it found, before any tool crashes on the old Node.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeNodeVersion, ownLines, Processes, ROOT } from '../support/builtBot.js';

const OLD = '22.18.0';
let work: string;
let preload: string;
const processes = new Processes();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ss-scripts-'));
  preload = fakeNodeVersion(work, OLD);
});
afterAll(() => {
  processes.killAll();
  rmSync(work, { recursive: true, force: true });
});

/** `npm args` in `cwd`; by default every node that npm starts reads OLD as its version (npm itself checks process.version, left alone). */
async function npm(args: string[], cwd = ROOT, old = true): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const started = processes.spawn('npm', args, { cwd, env: { HOME: process.env.HOME ?? work, ...(old ? { NODE_OPTIONS: `--import=${preload}` } : {}) } });
  await started.closed;
  return { code: (await started.exited).code, stdout: started.stdout(), stderr: started.stderr() };
}

// `npm test` gets --listTests, so that a check that let it through lists the tests instead of running them here.
test.each([
  ['lint', ['run', 'lint'], '`npm run lint`'],
  ['typecheck', ['run', 'typecheck'], '`npm run typecheck`'],
  ['build', ['run', 'build'], '`npm run build`'],
  ['test', ['test', '--', '--listTests'], '`npm test`'],
  ['start', ['start'], '`npm start`'],
  ['policy', ['run', 'policy', '--', 'check', 'policy.yaml'], '`npm run policy`'],
  ['docs', ['run', 'docs'], '`npm run docs`'],
  ['test:browser', ['run', 'test:browser', '--', '--listTests'], '`npm run test:browser`'],
  ['bench:plot', ['run', 'bench:plot', '--', 'results.json'], '`npm run bench:plot`'],
])('npm %s on Node 22.18.0: one line, exit 1, nothing run', async (_name, args, command) => {
  const { code, stdout, stderr } = await npm(args);
  expect(code).toBe(1);
  expect(ownLines(stderr)).toEqual([expect.stringContaining(`simplismart-slack needs Node.js 22.19 or later; ${command} is running on Node.js ${OLD} (`)]);
  expect(stdout).not.toMatch(/test\.ts|error TS|problems?\)|Building/);
}, 20_000);

(process.platform === 'win32' ? test.skip : test)('a node_modules/.bin/node that cannot run here (a glibc build on musl) is named as the reason', async () => {
  // The shell skips a node it cannot execute and runs the next one on PATH: here the (simulated) old one.
  const copy = join(work, 'broken-node');
  for (const file of ['package.json', 'scripts']) cpSync(join(ROOT, file), join(copy, file), { recursive: true });
  mkdirSync(join(copy, 'node_modules/.bin'), { recursive: true });
  writeFileSync(join(copy, 'node_modules/.bin/node'), '#!/nonexistent/ld-linux\n');
  chmodSync(join(copy, 'node_modules/.bin/node'), 0o755);
  const { code, stderr } = await npm(['run', 'lint'], copy);
  expect(code).toBe(1);
  expect(ownLines(stderr)).toEqual([expect.stringMatching(/needs Node\.js 22\.19 or later; .* node_modules\/\.bin\/node does not run on this machine \(ENOENT; /)]);
});

test('those are all the scripts, with bench (which starts with `npm run build`, checked above) and policy (which starts with the build check, as `npm start` does)', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  expect(Object.keys(scripts).sort()).toEqual(['bench', 'bench:plot', 'build', 'docs', 'lint', 'policy', 'prestart', 'start', 'test', 'test:browser', 'typecheck']);
  expect(scripts.bench).toMatch(/^npm run build && /);
  expect(scripts.policy).toBe('node scripts/build.js --if-stale && node dist/cli/policy.js');
  expect(scripts.docs).toBe('node scripts/build.js --if-stale && node dist/cli/docs.js');
  expect(scripts['bench:plot']).toMatch(/^node scripts\/checkNode\.js && /);
  expect(scripts['test:browser']).toMatch(/^node scripts\/checkNode\.js && .*--config jest\.browser\.config\.js$/);
});

describe('npm start with the compiler installed (a checkout after `npm ci`)', () => {
  // The project's scripts and package.json on a one-file source tree, with this checkout's compiler: the
  // real `npm start` → prestart → build check, without compiling the whole bot again.
  let mini: string;
  const mainTs = () => join(mini, 'src/main.ts');
  const mainJs = () => join(mini, 'dist/main.js');

  beforeAll(() => {
    mini = join(work, 'mini');
    for (const file of ['package.json', 'scripts']) cpSync(join(ROOT, file), join(mini, file), { recursive: true });
    mkdirSync(join(mini, 'src'));
    mkdirSync(join(mini, 'node_modules'));
    symlinkSync(join(ROOT, 'node_modules/typescript'), join(mini, 'node_modules/typescript'));
    const compilerOptions = { target: 'es2023', module: 'nodenext', strict: true, types: [], rootDir: 'src', outDir: 'dist' };
    writeFileSync(join(mini, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }));
    writeFileSync(join(mini, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json' }));
    writeFileSync(mainTs(), "console.log('started: first');\n"); // console from the default lib: no @types here
  });

  test('no build yet: it builds, then starts; unchanged: it starts without building; src/ changed: it rebuilds', async () => {
    const first = await npm(['start'], mini, false);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Building dist/: no build yet');
    expect(first.stdout).toContain('started: first');
    const builtAt = statSync(mainJs()).mtimeMs;

    const again = await npm(['start'], mini, false);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('Building');
    expect(again.stdout).toContain('started: first');
    expect(statSync(mainJs()).mtimeMs).toBe(builtAt);

    writeFileSync(mainTs(), "console.log('started: edited');\n");
    const edited = await npm(['start'], mini, false);
    expect(edited.code).toBe(0);
    expect(edited.stderr).toContain('Building dist/: src/ changed since the last build');
    expect(edited.stdout).toContain('started: edited');
  }, 30_000);

  test('a build that fails leaves nothing that looks fresh: the next start tries again', async () => {
    writeFileSync(mainTs(), 'const n: number = "not a number";\nexport default n;\n');
    const broken = await npm(['start'], mini, false);
    expect(broken.code).not.toBe(0);
    expect(broken.stdout).toContain('error TS2322');
    const retried = await npm(['start'], mini, false);
    expect(retried.stderr).toContain('Building dist/');
  }, 30_000);
});
