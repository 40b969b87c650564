// The bot as a real process for tests that need one (exit codes, stderr, signals, pipes): compiled with
// the build config into a throwaway folder, started with `node dist/main.js` and exactly the given env.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const NODE = process.execPath;
/** Child processes run on the same Node as the tests. */
const PATH = `${dirname(NODE)}${delimiter}${process.env.PATH ?? ''}`;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface SpawnedBot {
  child: ChildProcess;
  /** What the bot wrote on stdout so far (empty when stdout was given to another reader). */
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
}

export interface BuiltBot {
  /** The folder holding `dist/` and `package.json`; its `node_modules` is the repository's. */
  dir: string;
  /**
   * `node dist/main.js` with exactly `env` (plus PATH and HOME); `stdout` may be another process's
   * stdin; `user` runs it as another user (tests running as root use it to meet a folder they cannot write).
   */
  spawn(env: Record<string, string>, options?: { stdout?: Writable; user?: { uid: number; gid: number } }): SpawnedBot;
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
  const children = new Set<ChildProcess>();
  let otherUserNode: string | undefined;
  return {
    dir,
    spawn(env, options = {}) {
      const stdio: StdioOptions = ['ignore', options.stdout ?? 'pipe', 'pipe'];
      if (options.user !== undefined) otherUserNode ??= shareWithOtherUsers(dir);
      const node = options.user === undefined ? NODE : otherUserNode ?? NODE;
      const child = spawn(node, [join(dir, 'dist/main.js')], { cwd: join(dir, 'work'), env: { PATH, HOME: dir, ...env }, stdio, ...options.user });
      children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<Exit>((r) =>
        child.on('exit', (code, signal) => {
          children.delete(child);
          r({ code, signal, at: Date.now() });
        }),
      );
      return { child, stdout: () => stdout, stderr: () => stderr, exited };
    },
    remove() {
      for (const child of children) child.kill('SIGKILL');
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

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

/** A TCP port nobody listens on at the moment of asking. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Polls `<url>/readyz` until it answers 200; fails at once if the process exits first. */
export async function waitUntilReady(url: string, exited: Promise<Exit>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() - started < timeoutMs) {
    if (gone) throw new Error('the bot exited before it was ready');
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(500) });
      if (response.status === 200) return;
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
