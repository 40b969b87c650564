// The oldest Node.js the bot accepts: nodeTooOld's answer, and that package.json's `engines`, the entry
// point and the dependencies' own `engines` all tell the same truth. Also the Node 24 that `npm ci`
// installs for the npm scripts: dev-only, pinned, on the common platforms.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MINIMUM_NODE, nodeTooOld } from '../../src/process/nodeVersion.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- package.json and the lockfile are free-form JSON. */
type Json = any;

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const readJson = (file: string): Json => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
type Version = [number, number, number];
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

describe('nodeTooOld', () => {
  test.each(['20.20.2', 'v20.20.2', '18.20.4', '22.13.1', '22.18.0', '21.7.3'])('%s is refused in one line naming 22.19 and the version', (version) => {
    const line = nodeTooOld(version);
    expect(line).toBeDefined();
    expect(line).not.toContain('\n');
    expect(line).toContain('needs Node.js 22.19 or later');
    expect(line).toContain(`this is Node.js ${version.replace(/^v/, '')}.`);
  });

  test.each(['22.19.0', '22.20.1', 'v23.0.0', '24.0.0', '24.21.0', '26.1.0'])('%s is accepted', (version) => {
    expect(nodeTooOld(version)).toBeUndefined();
  });
});

/** The lowest Node.js version an `engines.node` range allows, for the shapes the lockfile holds. */
function lowestAllowed(range: string): Version {
  const lows = range.split('||').map((alternative): Version => {
    const match = /^(?:>=?|\^|~)?\s*v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(alternative.trim());
    if (!match) throw new Error(`cannot read the engines range ${JSON.stringify(range)}`);
    const part = (p: string | undefined) => (p === undefined || p === 'x' || p === '*' ? 0 : Number(p));
    return [Number(match[1]), part(match[2]), part(match[3])];
  });
  return lows.sort(compare)[0]!;
}

describe('engines tells the truth', () => {
  test('lowestAllowed reads the range shapes', () => {
    expect(lowestAllowed('>=22.19.0')).toEqual([22, 19, 0]);
    expect(lowestAllowed('>= 10.x')).toEqual([10, 0, 0]);
    expect(lowestAllowed('^20.19.0 || ^22.13.0 || >=24')).toEqual([20, 19, 0]);
    expect(lowestAllowed('>=16 || 14 >=14.17')).toEqual([14, 0, 0]);
    expect(() => lowestAllowed('latest')).toThrow(/cannot read/);
  });

  test('package.json engines is the entry point’s minimum', () => {
    expect(readJson('package.json').engines.node).toBe(`>=${MINIMUM_NODE.major}.${MINIMUM_NODE.minor}`);
    expect(readJson('package-lock.json').packages[''].engines.node).toBe(`>=${MINIMUM_NODE.major}.${MINIMUM_NODE.minor}`);
  });

  test('the minimum is the highest floor of the production dependencies and of node:sqlite (22.13)', () => {
    let highest: { version: Version; who: string } = { version: [22, 13, 0], who: 'node:sqlite, unflagged' };
    const packages = Object.entries(readJson('package-lock.json').packages as Record<string, Json>);
    for (const [path, entry] of packages) {
      if (path === '' || entry.dev === true || typeof entry.engines?.node !== 'string') continue;
      const version = lowestAllowed(entry.engines.node);
      if (compare(version, highest.version) > 0) highest = { version, who: `${path.replace(/^.*node_modules\//, '')}@${entry.version}` };
    }
    expect(highest.who).toMatch(/^undici@/); // today's highest floor; a new one fails here until engines moves
    expect(highest.version).toEqual([MINIMUM_NODE.major, MINIMUM_NODE.minor, 0]);
  });
});

describe('the Node 24 that npm ci installs for the npm scripts', () => {
  const lock = readJson('package-lock.json');
  const binaries = Object.entries(lock.packages as Record<string, Json>).filter(([, entry]) => entry.bin?.node !== undefined);

  test('one pinned official binary per common platform, dev and optional only, so production installs leave it out', () => {
    const platforms = binaries.map(([, entry]) => `${entry.os}-${entry.cpu}`).sort();
    expect(platforms).toEqual(['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64']);
    for (const [path, entry] of binaries) {
      expect(path).toMatch(/^node_modules\/node-(bin-)?(linux|darwin|win)-(x64|arm64)$/);
      expect(entry).toMatchObject({ dev: true, optional: true });
      expect(entry.integrity).toMatch(/^sha512-/);
      expect(entry.hasInstallScript).toBeUndefined();
      expect(entry.version).toMatch(/^24\.\d+\.\d+$/);
    }
    const toolchain = readJson('scripts/node-toolchain/package.json');
    expect(Object.keys(toolchain.optionalDependencies).sort()).toEqual(binaries.map(([path]) => path.replace('node_modules/', '')).sort());
    expect(toolchain.dependencies).toBeUndefined();
    expect(readJson('package.json').devDependencies['simplismart-slack-node']).toBe('file:scripts/node-toolchain');
  });
});
