// `npm run bench:plot -- RESULTS.json…`: draws the plots of existing results files (plots.ts), beside
// each one. npm runs scripts from the project's folder; paths are read from the folder it was run in.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { writePlots } from './plots.js';

const cwd = process.env['INIT_CWD'] ?? process.cwd();
const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: npm run bench:plot -- bench/results/<run>.json [more.json…]\n');
  process.exitCode = 2;
}
for (const file of files) {
  const path = resolve(cwd, file);
  let results: unknown;
  try {
    results = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    process.stderr.write(`${file}: cannot read it as JSON (${(error as Error).message})\n`);
    process.exitCode = 1;
    continue;
  }
  const written = writePlots(path, results);
  process.stdout.write(written.length === 0 ? `${file}: nothing to plot (no commands or submissions phase in it)\n` : `${written.map((w) => relative(cwd, w)).join('\n')}\n`);
}
