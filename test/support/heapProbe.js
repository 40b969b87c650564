// Test-only preload for the built bot (`node --expose-gc --import test/support/heapProbe.js dist/main.js`,
// with an IPC channel): asked `'heap'`, it collects garbage fully and answers with the live heap — what
// stays reachable, which is what a leak grows; heapUsed without a collection mostly measures garbage.
import process from 'node:process';
import { setImmediate } from 'node:timers/promises';

/** @type {() => void} */
const gc = Reflect.get(globalThis, 'gc');
if (typeof gc !== 'function') throw new Error('heapProbe.js needs node --expose-gc');

process.on('message', (message) => {
  if (message !== 'heap') return;
  void (async () => {
    // Twice, with a turn of the loop between: what the first collection freed may release more (weak callbacks).
    gc();
    await setImmediate();
    gc();
    const { heapUsed, heapTotal, rss } = process.memoryUsage();
    process.send?.({ heapUsed, heapTotal, rss });
  })();
});
// The channel must not keep the bot alive once everything else has ended (SIGTERM still ends it as always).
process.channel?.unref();
