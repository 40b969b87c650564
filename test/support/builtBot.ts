// The bot as a real process, for tests that need one (exit codes, stderr, signals, pipes): compiled with
// the build config into a throwaway folder and started with `node dist/main.js` and exactly the given
// env; and the few steps every such test takes (start a process, wait for it, build, a too-old Node).
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BOT_TOKEN, SIGNING_SECRET } from './bot.js';
import type { FakeSimplismart } from './fakeSimplismart.js';
import type { FakeSlack } from './fakeSlack.js';

/** The repository's root folder. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The Node that runs the tests; child processes run on it too. */
export const NODE = process.execPath;
/** PATH for child processes: this Node first. */
export const PATH = `${dirname(NODE)}${delimiter}${process.env.PATH ?? ''}`;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface Spawned {
  child: ChildProcess;
  /** What it wrote on stdout so far (empty when stdout was given to another reader). */
  stdout: () => string;
  stderr: () => string;
  /** The process itself ended. */
  exited: Promise<Exit>;
  /** Its output ended too: for `npm start`, the bot that npm started has ended as well. */
  closed: Promise<void>;
}

export interface SpawnOptions {
  cwd: string;
  /** The whole environment, with PATH (this Node first) unless it gives its own. */
  env: Record<string, string>;
  /** Another process's stdin, to write stdout to. */
  stdout?: Writable;
  /** Run as another user (tests running as root use it to meet a folder they cannot write). */
  user?: { uid: number; gid: number };
  /** In a process group of its own, so that `npm start` and the bot it starts are signalled (and killed) together. */
  group?: boolean;
  /** An IPC channel to the child (`child.send`, its `process.send`). */
  ipc?: boolean;
}

/** Child processes of one test file: each started with its output recorded, all killed at once at the end. */
export class Processes {
  /** Each running child, and whether it leads a process group of its own. */
  private readonly running = new Map<ChildProcess, boolean>();

  spawn(command: string, args: string[], options: SpawnOptions): Spawned {
    const stdio: StdioOptions = ['ignore', options.stdout ?? 'pipe', 'pipe', ...(options.ipc === true ? ['ipc' as const] : [])];
    const child = spawn(command, args, { cwd: options.cwd, env: { PATH, ...options.env }, stdio, detached: options.group === true, ...options.user });
    this.running.set(child, options.group === true);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    // A process that could not start at all ends with its error on stderr and no exit code.
    const failed = new Promise<Error>((r) => child.on('error', r));
    void failed.then((error) => (stderr += `${String(error)}\n`));
    const exited = Promise.race([
      new Promise<Exit>((r) => child.on('exit', (code, signal) => r({ code, signal, at: Date.now() }))),
      failed.then((): Exit => ({ code: null, signal: null, at: Date.now() })),
    ]);
    const closed = Promise.race([new Promise<void>((r) => child.on('close', () => r())), failed.then(() => undefined)]).then(() => {
      this.running.delete(child);
    });
    return { child, stdout: () => stdout, stderr: () => stderr, exited, closed };
  }

  /** Kills every process still running (the whole group of one started with `group`). */
  killAll(): void {
    for (const [child, group] of this.running) {
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL'); // npm, its shell and the bot
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export interface BuiltBot {
  /** The folder holding `dist/` and `package.json`; its `node_modules` is the repository's. */
  dir: string;
  /**
   * `node dist/main.js` with exactly `env` (plus PATH and HOME); `stdout` may be another process's
   * stdin; `user` runs it as another user (tests running as root use it to meet a folder they cannot write);
   * `nodeArgs` go before the script (V8 flags, a preload), `ipc` opens a channel to it.
   */
  spawn(env: Record<string, string>, options?: { stdout?: Writable; user?: { uid: number; gid: number }; nodeArgs?: string[]; ipc?: boolean }): Spawned;
  /** Kills what is still running and removes the folder. */
  remove(): void;
}

/** Compiles the sources (tsconfig.build.json) into a fresh folder. */
export async function buildBot(): Promise<BuiltBot> {
  const dir = mkdtempSync(join(tmpdir(), 'ss-built-'));
  await run(NODE, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], ROOT);
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'work'));
  chmodSync(dir, 0o755); // readable by another user too (see `user`)
  const processes = new Processes();
  let otherUserNode: string | undefined;
  return {
    dir,
    spawn(env, options = {}) {
      if (options.user !== undefined) otherUserNode ??= shareWithOtherUsers(dir);
      const node = options.user === undefined ? NODE : otherUserNode ?? NODE;
      const { nodeArgs = [], ...rest } = options;
      return processes.spawn(node, [...nodeArgs, join(dir, 'dist/main.js')], { cwd: join(dir, 'work'), env: { HOME: dir, ...env }, ...rest });
    },
    remove() {
      processes.killAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Another user cannot reach the checkout when it sits in a private folder (CI clones into a 0700
 * temporary folder): the Node binary and node_modules are copied into the built folder, node_modules as
 * hard links (the same file system in every case seen; a plain copy otherwise).
 */
function shareWithOtherUsers(dir: string): string {
  const node = join(dir, 'node');
  copyFileSync(NODE, node);
  chmodSync(node, 0o755);
  const modules = join(dir, 'node_modules');
  rmSync(modules, { force: true });
  const linked = spawnSync('cp', ['-al', join(ROOT, 'node_modules'), modules]);
  if (linked.status !== 0) {
    rmSync(modules, { recursive: true, force: true });
    cpSync(join(ROOT, 'node_modules'), modules, { recursive: true });
  }
  return node;
}

/**
 * The environment a deployment gives the bot: the test bot's signing secret and token, the local Slack
 * (and Simplismart), this port and data folder, info logs; `more` on top.
 */
export function processEnv(
  where: { slack: FakeSlack; simplismart?: FakeSimplismart; port: number; dataDir: string },
  more: Record<string, string> = {},
): Record<string, string> {
  return {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: where.slack.apiUrl,
    ...(where.simplismart === undefined ? {} : { SIMPLISMART_API_URL: where.simplismart.url }),
    PORT: String(where.port),
    HOST: '127.0.0.1',
    DATA_DIR: where.dataDir,
    LOG_LEVEL: 'info',
    ...more,
  };
}

/** Runs `command args` in `cwd` to its end; rejects with everything it printed if it fails. */
export function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

/** A preload (`node --import <file>`) that makes `process.versions.node` read `version`: a too-old Node on any machine. */
export function fakeNodeVersion(dir: string, version: string): string {
  const file = join(dir, `node-${version}.mjs`);
  writeFileSync(file, `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '${version}' } });\n`);
  return file;
}

/** What a script printed on stderr itself, without npm's own `npm error …` lines. */
export function ownLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm '));
}

/** Polls `<url>/readyz` until it answers 200 and resolves with the milliseconds that took; fails at once if the process exits first. */
export async function waitUntilReady(url: string, exited: Promise<Exit>, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() - started < timeoutMs) {
    if (gone) throw new Error('the bot exited before it was ready');
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(500) });
      if (response.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`/readyz did not answer 200 within ${timeoutMs} ms`);
}

/** `promise`, or a rejection naming `what` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
