// The built bot's live heap, as a test measures it: the process runs under the image's V8 flags (those of
// `npm start`, which the Dockerfile's CMD repeats) plus --expose-gc and the heapProbe.js preload, and each
// reading is the heap still in use after a full collection.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, within } from './builtBot.js';

/** `npm start`'s flags for node (`--max-semi-space-size=8 --max-old-space-size=128`): the image's. */
export const IMAGE_NODE_FLAGS: readonly string[] = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));

/** What to give node before the script: the image's flags, the collector exposed, the probe preloaded (spawn with `ipc`). */
export const PROBED_NODE_ARGS: readonly string[] = [...IMAGE_NODE_FLAGS, '--expose-gc', '--import', join(ROOT, 'test/support/heapProbe.js')];

export interface HeapReading {
  /** Bytes still reachable after a full collection. */
  heapUsed: number;
  heapTotal: number;
  rss: number;
}

export const MB = 1024 * 1024;

/** Asks the probe in `child` for a reading; rejects if none comes within `ms` or the child is gone. */
export function liveHeap(child: ChildProcess, ms = 10_000): Promise<HeapReading> {
  const reading = new Promise<HeapReading>((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      const m = message as Partial<HeapReading> | null;
      if (typeof m?.heapUsed !== 'number') return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as HeapReading);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      child.off('message', onMessage);
      reject(new Error(`the bot exited (${code ?? signal}) before its heap was read`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
    else child.send('heap');
  });
  return within(reading, ms, 'the live heap');
}
