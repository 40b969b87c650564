// The policy's content hash, recorded with each request so that the history can say which version of the
// file decided it. It is the sha256 of the file's data, not of its bytes: the YAML document as data
// (comments, blank lines, indentation, quoting styles, flow or block style, the order of keys in a
// mapping all dropped; list order — the order of rules — kept), written as JSON with keys sorted. So a
// reformatting or a comment edit keeps the hash, and any change to what the file says changes it. It does
// not equate different spellings of the same rule (`kind: import` and `kind: [import]`, 24h and 1d): that
// would tie the hash to this reader's code, and an upgrade could then change the hash of an untouched file.
import { createHash } from 'node:crypto';

/** JSON with every mapping's keys sorted; the data of a YAML document (strings, numbers, booleans, null, lists, mappings). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value)); // .inf, .nan: kept apart from null
  return JSON.stringify(value) ?? 'null';
}

/** `sha256:<hex>` of the data's canonical JSON. */
export function contentHash(data: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(data)).digest('hex')}`;
}
