// YAML read with its positions kept, so that every problem — YAML's own, the schema's (zod paths mapped
// back to the nodes they are about), the checks across rules — names its line and column. Used for the
// policy file and for the dry run's request files.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type ParsedNode } from 'yaml';
import type { z } from 'zod';

export interface Problem {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where in the document, as `rules[2].when.provider`; empty for the document as a whole. */
  path: string;
  message: string;
}

export interface YamlSource {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** A path into the document, as zod gives it. */
export type DocPath = ReadonlyArray<PropertyKey>;

/** Issues that are about a mapping's key (an unknown key), not its value, carry this in their params. */
export const AT_KEY = { at: 'key' } as const;

/** The biggest file read: far above any real policy, small enough that a wrong path (a log, a binary) is refused at once. */
export const MAX_SOURCE_BYTES = 256 * 1024;

/**
 * `text` as one YAML document with positions, or its problems: YAML's errors and warnings (a key given
 * twice, a second document), and anchors, aliases and tags — a reviewed file is read as written, with
 * nothing defined in one place and used in another.
 */
export function readYaml(text: string): { ok: true; source: YamlSource } | { ok: false; problems: Problem[] } {
  if (Buffer.byteLength(text, 'utf8') > MAX_SOURCE_BYTES) {
    return { ok: false, problems: [{ line: 1, column: 1, path: '', message: `The file is over ${MAX_SOURCE_BYTES / 1024} KB: is it the right file?` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // Tags are told below, each once: YAML's warning about an unknown one would say it twice.
  const told = [...doc.errors, ...doc.warnings].filter((e) => e.code !== 'TAG_RESOLVE_FAILED');
  const problems: Problem[] = told.map((e) => ({ ...at(e.pos[0]), path: '', message: yamlMessage(e.code, e.message) }));
  visit(doc, {
    Alias(_key, node) {
      if (node.source === '') return; // a lone *: YAML's own error says it
      const offset = node.range?.[0] ?? 0;
      problems.push({ ...at(offset), path: '', message: `*${node.source} reads as a YAML alias: a pattern that starts with * is written in quotes, "*${node.source}". (Aliases are not used in a policy file: each rule is read as written.)` });
    },
    Node(_key, node) {
      if (isAlias(node) || !node.range) return;
      // A node's range starts at its value: its anchor and tag are the tokens of the nearest "&" and "!" before it.
      const before = (mark: string) => {
        let start = Math.max(text.lastIndexOf(mark, node.range?.[0]), 0);
        while (start > 0 && !/[\s,[{]/.test(text.charAt(start - 1))) start -= 1;
        return start;
      };
      if (node.anchor !== undefined) {
        problems.push({ ...at(before('&')), path: '', message: `Anchors (&${node.anchor}) are not used in a policy file: write each value where it applies, so that each rule is read as written.` });
      }
      if (node.tag !== undefined) {
        problems.push({ ...at(before('!')), path: '', message: `Tags (${node.tag.replace('tag:yaml.org,2002:', '!!')}) are not used in a policy file: write the value plainly, in quotes to make it text.` });
      }
    },
  });
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, source: { doc, lineCounter } };
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'This key is already given above in the same mapping: keep one.';
  if (code === 'MULTIPLE_DOCS') return 'The file holds more than one YAML document (a `---` line): a policy file is one document.';
  if (code === 'BAD_ALIAS') return 'A lone * reads as a YAML alias: write the pattern in quotes, "*".';
  return `YAML: ${message}.`.replace(/\.\.$/, '.');
}

/** The node `path` leads to, or the deepest one on the way when the path goes further than the document. */
function nodeAt(source: YamlSource, path: DocPath, atKey: boolean): ParsedNode | null {
  let node: ParsedNode | null = source.doc.contents;
  for (let i = 0; i < path.length && node !== null; i += 1) {
    const segment = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) return node;
      const last = i === path.length - 1;
      if (last && atKey) return pair.key;
      // `key:` with nothing after it: the (empty) value's position is the end of the line, the key's reads better.
      const value = pair.value;
      node = value === null || (isScalar(value) && value.value === null && value.source === '') ? pair.key : value;
      if (node === pair.key) return node;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: ParsedNode | null | undefined = node.items[segment];
      if (item === undefined || item === null) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

/** The line and column `path` starts at (the key's, with `atKey`); 1:1 for a document with nothing in it. */
export function positionOf(source: YamlSource, path: DocPath, atKey = false): { line: number; column: number } {
  const node = nodeAt(source, path, atKey);
  const offset = node === null || isAlias(node) ? (node?.range?.[0] ?? 0) : node.range[0];
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/** `rules[2].when.provider`. */
export function formatPath(path: DocPath): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`)).join('');
}

export function problemAt(source: YamlSource, path: DocPath, message: string, atKey = false): Problem {
  return { ...positionOf(source, path, atKey), path: formatPath(path), message };
}

/** zod's issues as problems, each at the node it is about. */
export function problemsFromIssues(source: YamlSource, issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue) => {
    // zod's strict objects name every unknown key in one issue: each is its own problem, at the key.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => problemAt(source, [...issue.path, key], `"${key}" is not a key here.`, true));
    const params = issue.code === 'custom' ? (issue.params as { at?: string } | undefined) : undefined;
    return [problemAt(source, issue.path, issue.message, params?.at === AT_KEY.at)];
  });
}

/** In the file's order; ties by path then message, so that output is stable. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path) || a.message.localeCompare(b.message));
}
