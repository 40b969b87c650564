// `npm run policy` as people run it: in a copy of the checkout (its own dist/, this checkout's
// node_modules), from the folder that holds the files, so that npm's script builds dist/ when it is
// stale, then runs the dry run with paths read from where npm was run. What each command prints is
// test/unit/policyCli.test.ts; here, that the script, the build and the exit codes hold together.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownLines, Processes, ROOT } from '../support/builtBot.js';

const processes = new Processes();
let checkout: string;
let fixtures: string;

beforeAll(() => {
  checkout = mkdtempSync(join(tmpdir(), 'ss-policy-cli-'));
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts']) cpSync(join(ROOT, file), join(checkout, file), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  fixtures = join(checkout, 'policies');
  mkdirSync(fixtures);
  for (const file of ['example.yaml', 'broken.yaml', 'spot-prod.json']) cpSync(join(ROOT, 'test/fixtures/policy', file), join(fixtures, file));
});

afterAll(() => {
  processes.killAll();
  rmSync(checkout, { recursive: true, force: true });
});

async function npmPolicy(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const started = processes.spawn('npm', ['run', '--silent', 'policy', '--', ...args], { cwd: fixtures, env: { HOME: process.env.HOME ?? checkout } });
  await started.closed;
  return { code: (await started.exited).code, stdout: started.stdout(), stderr: started.stderr() };
}

test('check: the first run builds dist/ and says so; a broken file exits 1 with FILE:LINE:COLUMN lines; a good one 0', async () => {
  const broken = await npmPolicy(['check', 'broken.yaml']);
  expect(ownLines(broken.stderr)).toEqual(['Building dist/: no build yet…']);
  expect(broken.code).toBe(1);
  const lines = broken.stdout.trimEnd().split('\n');
  expect(lines.pop()).toBe('broken.yaml: 9 problems');
  for (const line of lines) expect(line).toMatch(/^broken\.yaml:\d+:\d+: /);

  const good = await npmPolicy(['check', 'example.yaml']);
  expect(good.stderr).toBe(''); // built already: no build
  expect(good.code).toBe(0);
  expect(good.stdout).toMatch(/^example\.yaml: ok, 6 rules \(sha256:[0-9a-f]{64}\)\n/);
}, 90_000);

test('test: the rule a request hits, exit 0; a usage mistake exits 2 with the usage', async () => {
  const hit = await npmPolicy(['test', 'example.yaml', '--request', 'spot-prod.json']);
  expect(hit.code).toBe(0);
  expect(hit.stdout.split('\n')[0]).toBe("spot-prod.json: rule 'no GPU pools on spot in production' (example.yaml:13)");

  const usage = await npmPolicy(['test', 'example.yaml']);
  expect(usage.code).toBe(2);
  expect(ownLines(usage.stderr)[0]).toBe('policy: test needs at least one --request REQUEST.json.');
}, 60_000);
