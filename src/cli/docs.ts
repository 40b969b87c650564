// `npm run docs`: writes the reference pages generated from the code (docsPages.ts) into docs/. npm runs
// scripts from the project's folder, so the paths are the repository's.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generatedPages } from './docsPages.js';

for (const page of generatedPages()) {
  const before = (() => {
    try {
      return readFileSync(page.path, 'utf8');
    } catch {
      return undefined;
    }
  })();
  mkdirSync(dirname(page.path), { recursive: true });
  writeFileSync(page.path, page.text);
  process.stdout.write(`${page.path}: ${before === page.text ? 'unchanged' : 'written'}\n`);
}
