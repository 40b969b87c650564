// The policy file in force (POLICY_FILE): read at start — a file with any problem stops the start, every
// problem told with its line and column — and read again by path on SIGHUP and when its folder changes.
// Kubernetes updates a mounted ConfigMap by swapping the folder's `..data` symlink, never the file in
// place, so the folder is watched (not the file, whose watch would follow the old inode) and events are
// gathered for a moment before one reload. A reload with problems never replaces a good policy: the last
// good one stays in force, and the log, /readyz's detail and a metric say so.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Policy } from '../domain/policyFile/policy.js';
import { readPolicy } from '../domain/policyFile/read.js';
import { shortHash } from '../domain/policyFile/record.js';
import type { Problem } from '../domain/policyFile/yamlPositions.js';
import { AppError } from '../errors.js';
import type { Logger } from '../process/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Clock } from './clock.js';

/** The file read at start has problems (or cannot be read): the message lists each as PATH:LINE:COLUMN. */
export class PolicyFileError extends AppError {
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super('policy_file_invalid', `POLICY_FILE ${path} cannot be used (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}`);
  }
}

export interface PolicyInForce {
  policy: Policy;
  /** The path as configured. */
  path: string;
  /** When it was read (ms since the epoch). */
  loadedAt: number;
}

/** The last reload that was refused, while the file on disk still has problems. */
export interface ReloadFailure {
  at: number;
  problems: string[];
}

/** Events of a folder gathered this long before one reload: a ConfigMap swap is several renames. */
export const RELOAD_DEBOUNCE_MS = 200;

/** The file's policy, or its problems as `PATH:LINE:COLUMN: path: message` lines. */
export function readPolicyFile(path: string): { ok: true; policy: Policy } | { ok: false; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    return { ok: false, problems: [`${path}: cannot be read: ${why}`] };
  }
  const read = readPolicy(text);
  if (read.ok) return read;
  return { ok: false, problems: read.problems.map((p) => problemLine(path, p)) };
}

function problemLine(path: string, p: Problem): string {
  return `${path}:${p.line}:${p.column}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
}

export class PolicyFile {
  #inForce: PolicyInForce;
  #failure: ReloadFailure | null = null;
  #watcher: FSWatcher | undefined;
  #fileWatcher: FSWatcher | undefined;
  #debounceMs = RELOAD_DEBOUNCE_MS;
  #timer: NodeJS.Timeout | undefined;
  readonly #listeners: Array<(inForce: PolicyInForce) => void> = [];

  private constructor(
    readonly path: string,
    policy: Policy,
    private readonly deps: { logger: Logger; clock: Clock; metrics?: Metrics | undefined },
  ) {
    this.#inForce = { policy, path, loadedAt: deps.clock.now() };
    deps.metrics?.policyLoaded(true, this.#inForce.loadedAt);
  }

  /** The file at `path` read once, or PolicyFileError with every problem. */
  static open(path: string, deps: { logger: Logger; clock: Clock; metrics?: Metrics | undefined }): PolicyFile {
    const read = readPolicyFile(path);
    if (!read.ok) throw new PolicyFileError(path, read.problems);
    deps.logger.info({ path, hash: read.policy.hash, rules: read.policy.rules.length }, 'approval policy file loaded');
    return new PolicyFile(path, read.policy, deps);
  }

  /** The policy that decides requests now: the last good read of the file. */
  get inForce(): PolicyInForce {
    return this.#inForce;
  }

  /** The last refused reload while the file still has problems; null once a good one is read. */
  get failure(): ReloadFailure | null {
    return this.#failure;
  }

  /** Called after each reload that put a new policy in force. */
  onChange(listener: (inForce: PolicyInForce) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Reads the file again (`trigger`: why, for the log). True when its policy is in force now (the same
   * one or a new one); false when it has problems, and the last good policy stays.
   */
  reload(trigger: string): boolean {
    const { logger, clock, metrics } = this.deps;
    const read = readPolicyFile(this.path);
    const at = clock.now();
    if (!read.ok) {
      this.#failure = { at, problems: read.problems };
      metrics?.policyLoaded(false, at);
      logger.error(
        { code: 'policy_reload_refused', path: this.path, trigger, problems: read.problems, kept: this.#inForce.policy.hash },
        `the policy file has problems: the last good policy (${shortHash(this.#inForce.policy.hash)}) stays in force. ${read.problems.join('; ')}`,
      );
      return false;
    }
    const before = this.#inForce.policy.hash;
    this.#inForce = { policy: read.policy, path: this.path, loadedAt: at };
    this.#failure = null;
    metrics?.policyLoaded(true, at);
    if (read.policy.hash === before) {
      logger.debug({ path: this.path, trigger, hash: before }, 'policy file read again: unchanged');
    } else {
      logger.info({ path: this.path, trigger, hash: read.policy.hash, previous: before, rules: read.policy.rules.length }, 'approval policy file reloaded');
    }
    for (const listener of this.#listeners) listener(this.#inForce);
    return true;
  }

  /**
   * Watches the file's folder and reloads once its events settle (see the top of this file); and the
   * file itself, where the path leads now (an edit in place, through a symlink into a subfolder the
   * folder's watch does not see), watched again after each reload.
   */
  watch(debounceMs = RELOAD_DEBOUNCE_MS): void {
    if (this.#watcher !== undefined) return;
    this.#debounceMs = debounceMs;
    this.#watchFile();
    const folder = dirname(this.path);
    try {
      this.#watcher = watch(folder, { persistent: false }, () => this.#soon(debounceMs));
      this.#watcher.on('error', (error) => this.deps.logger.warn({ err: error, folder }, 'cannot watch the policy file’s folder any more: reload with SIGHUP'));
    } catch (error) {
      this.deps.logger.warn({ err: error, folder }, 'cannot watch the policy file’s folder: reload with SIGHUP');
    }
  }

  #watchFile(): void {
    this.#fileWatcher?.close();
    this.#fileWatcher = undefined;
    try {
      this.#fileWatcher = watch(this.path, { persistent: false }, () => this.#soon(this.#debounceMs));
      this.#fileWatcher.on('error', () => undefined); // the file went away: the folder's watch sees what comes next
    } catch {
      // No file there now (mid-swap): the folder's watch sees it arrive.
    }
  }

  #soon(debounceMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.reload('file changed');
      if (this.#watcher !== undefined) this.#watchFile();
    }, debounceMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#fileWatcher?.close();
    this.#fileWatcher = undefined;
  }

  /** What /readyz's detail says of the policy: where, which, since when, and a refused reload. */
  status(): Record<string, unknown> {
    const { policy, loadedAt } = this.#inForce;
    return {
      path: this.path,
      hash: policy.hash,
      loadedAt: new Date(loadedAt).toISOString(),
      ...(this.#failure === null ? {} : { reloadFailed: { at: new Date(this.#failure.at).toISOString(), problems: this.#failure.problems, kept: policy.hash } }),
    };
  }
}
