// Builds dist/ from src/ with the TypeScript compiler (`npm run build`). With --if-stale (`npm start`'s
// prestart) it builds only when dist/ is missing or was built from other sources, so a start does not pay
// for tsc, and a built checkout installed with production dependencies only (no compiler) still starts.
// Whether dist/ matches src/ is a hash of the inputs written beside the output, not file times, which
// clones and copies do not keep. Plain JavaScript: it runs (and checks the Node version) before any build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireSupportedNode } from './checkNode.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Everything the build's output depends on that the project holds (the compiler's version aside). */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json'];
/** Beside the output: the hash of the inputs it was built from. */
const STAMP = '.sources.sha256';

function filesUnder(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return [];
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/** One hash over the inputs' paths and contents. */
function sourcesHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(join(ROOT, input)))) {
    hash.update(`${relative(ROOT, file).split(sep).join('/')}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function fail(line) {
  process.stderr.write(`simplismart-slack: ${line}\n`);
  process.exit(1);
}

function main(args) {
  const ifStale = args.includes('--if-stale');
  const outAt = args.indexOf('--out-dir'); // tests build into a folder of their own
  const outDir = outAt >= 0 && args[outAt + 1] !== undefined ? resolve(args[outAt + 1]) : join(ROOT, 'dist');
  const shownOut = relative(ROOT, outDir) === 'dist' ? 'dist/' : outDir;
  const built = existsSync(join(outDir, 'main.js'));
  const stampFile = join(outDir, STAMP);

  if (!existsSync(join(ROOT, 'src'))) {
    if (ifStale && built) return; // a deployed build without its sources: nothing to compare or build
    fail(`there is no src/ to build ${shownOut} from.`);
  }
  const sources = sourcesHash();
  const matches = built && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === sources;
  if (ifStale && matches) return;

  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    const noCompiler = 'the TypeScript compiler is not installed (production dependencies only)';
    if (!ifStale) fail(`${noCompiler}: run \`npm ci\` (with dev dependencies) to build.`);
    if (built) {
      process.stderr.write(
        `simplismart-slack: ${shownOut} does not match src/ (changed since the last \`npm run build\`) and ${noCompiler}: starting the existing build. To start the current sources, build them first: \`npm ci && npm run build\`.\n`,
      );
      return;
    }
    fail(`${shownOut} is not built and ${noCompiler}. Build it first with \`npm ci && npm run build\` (\`npm ci --omit=dev\` afterwards keeps dist/), or start with \`npm ci && npm start\`.`);
  }

  if (ifStale) process.stderr.write(`Building ${shownOut}: ${built ? 'src/ changed since the last build' : 'no build yet'}…\n`);
  rmSync(stampFile, { force: true }); // a failed build must not look fresh next time
  const run = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  writeFileSync(stampFile, `${sources}\n`);
}

requireSupportedNode();
main(process.argv.slice(2));
