// The README and docs/ link to each other and into the repository: every relative link must reach a file
// that exists, and every #anchor a heading of the page it names (as GitHub makes anchors of headings).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Lines outside fenced code blocks. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && !line.startsWith('```');
  });
}

function anchorsOf(page: string): Set<string> {
  const headings = prose(readFileSync(join(ROOT, page), 'utf8')).flatMap((line) => {
    const match = /^#{1,6} (.*)$/.exec(line);
    return match === null ? [] : [anchorOf(match[1]!)];
  });
  return new Set(headings);
}

describe.each(PAGES)('%s', (page) => {
  it('links only to files that exist and headings they have', () => {
    const broken: string[] = [];
    for (const line of prose(readFileSync(join(ROOT, page), 'utf8'))) {
      // Inline code may hold brackets (`[x](y)` in a regex, say): only links outside it count.
      const outsideCode = line.replace(/`[^`]*`/g, '');
      for (const [, target = ''] of outsideCode.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? page : normalize(join(dirname(page), path));
        if (!existsSync(join(ROOT, file))) {
          broken.push(`${target}: no file ${relative('.', file)}`);
          continue;
        }
        if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor)) broken.push(`${target}: ${file} has no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
