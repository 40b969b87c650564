// Stops an npm script with one line when the Node.js running it is older than package.json's `engines`,
// instead of a crash deep inside a tool (node:sqlite missing, an undici TypeError). Plain JavaScript that
// old Nodes parse, and only built-in modules, since it must run on the old Node to say so.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The oldest Node.js the project supports, from package.json's `"engines": { "node": ">=MAJOR.MINOR" }`. */
export function minimumNode() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const range = pkg.engines && pkg.engines.node;
  const match = /^>=\s*(\d+)\.(\d+)(?:\.0)?$/.exec(range || '');
  if (!match) throw new Error(`package.json: engines.node must read ">=MAJOR.MINOR", not ${JSON.stringify(range)}`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** How the person typed the script that is running (`npm start` for its prestart). */
function npmCommand(event) {
  if (!event) return 'this script';
  const name = event === 'prestart' ? 'start' : event;
  return name === 'start' || name === 'test' ? `\`npm ${name}\`` : `\`npm run ${name}\``;
}

/** What to do about it: why the project's own Node (node_modules/.bin/node, from `npm ci`) did not run this. */
function advice(command) {
  const own = join(ROOT, 'node_modules', '.bin', 'node');
  if (!existsSync(own)) {
    return "The project's own Node 24 is not installed: `npm ci` puts it in node_modules/.bin for the npm scripts (Linux x64 and arm64, macOS, Windows x64) unless dev or optional dependencies are omitted. Run `npm ci`, or install Node.js 24.";
  }
  if (realpathSync(own) === realpathSync(process.execPath)) return 'Install Node.js 24.';
  if (process.platform !== 'win32') {
    const probe = spawnSync(own, ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      const why = probe.error ? probe.error.code : `exit ${probe.status}`;
      return `node_modules/.bin/node does not run on this machine (${why}; the registry's binaries need glibc): install Node.js 24.`;
    }
  }
  return `Run it as ${command === 'this script' ? 'an npm script' : command}: npm puts the project's own Node 24 (node_modules/.bin) first on PATH. Or install Node.js 24.`;
}

/** Returns when the running Node is new enough; otherwise prints one line on stderr and exits 1. */
export function requireSupportedNode(event = process.env.npm_lifecycle_event) {
  const min = minimumNode();
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > min.major || (major === min.major && minor >= min.minor)) return;
  const command = npmCommand(event);
  process.stderr.write(
    `simplismart-slack needs Node.js ${min.major}.${min.minor} or later; ${command} is running on Node.js ${process.versions.node} (${process.execPath}). ${advice(command)}\n`,
  );
  process.exit(1);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) requireSupportedNode();
