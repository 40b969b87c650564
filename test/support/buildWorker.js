// jest's globalSetup: the background thread (src/background/worker.ts) runs in a worker thread, which
// plain Node starts, not jest — so tests run it from a build of the sources, made here when they
// changed since the last one (scripts/build.js --if-stale: a hash of src/, not file times). The bot
// itself runs from the sources under ts-jest as before; test/support/bot.ts points it at this build.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the tests' build goes (ignored by git and lint). */
export const TEST_BUILD = join(ROOT, '.jest-build', 'dist');

export default function buildWorker() {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js'), '--if-stale', '--out-dir', TEST_BUILD], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`building the background thread for the tests failed (exit ${run.status ?? run.signal})`);
}
