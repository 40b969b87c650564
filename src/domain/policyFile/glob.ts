// The policy file's patterns (cluster names and slugs, regions, accelerator types): globs with two
// wildcards, `*` (any characters, none included) and `?` (exactly one), matched against the whole value,
// ignoring case. Not regular expressions: a reviewer reads `prod-*` at a glance, there is no anchoring to
// forget (an unanchored regex `prod` also matches `nonprod-east`), no `.` to escape, and matching is a
// loop over characters with no backtracking blow-up, whatever the file says. Alternatives are a list of
// patterns. Characters that only mean something in a regex are refused, so a regex typed by habit is told
// instead of silently matching nothing.

/** The longest pattern the file may hold (cluster names are at most 100 characters). */
export const GLOB_MAX_LENGTH = 100;

/** Regex syntax a glob does not have, each with what to write instead. */
const REGEX_ONLY: ReadonlyArray<readonly [string, string]> = [
  ['.*', 'in a glob `*` alone matches any characters'],
  ['^', 'a glob always matches the whole value, from its start'],
  ['$', 'a glob always matches the whole value, to its end'],
  ['[', 'globs have no character classes: list the patterns instead'],
  [']', 'globs have no character classes: list the patterns instead'],
  ['{', 'for alternatives, write a list of patterns'],
  ['}', 'for alternatives, write a list of patterns'],
  ['(', 'for alternatives, write a list of patterns'],
  [')', 'for alternatives, write a list of patterns'],
  ['|', 'for alternatives, write a list of patterns'],
  ['+', '`*` matches any characters, `?` exactly one'],
  ['\\', 'globs have no escapes'],
];

/** Why `pattern` is not a glob this file accepts, or undefined when it is one. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'An empty pattern matches nothing: write one, e.g. prod-*.';
  if (pattern !== pattern.trim()) return `"${pattern}" has spaces at its ends: the values it is matched against never do.`;
  if (pattern.length > GLOB_MAX_LENGTH) return `Keep a pattern to ${GLOB_MAX_LENGTH} characters.`;
  for (const [syntax, instead] of REGEX_ONLY) {
    if (pattern.includes(syntax)) {
      return `"${pattern}" is a glob, not a regular expression: "${syntax}" is not glob syntax (${instead}).`;
    }
  }
  return undefined;
}

/**
 * Whether `value` matches `pattern` as a whole, ignoring case. The classic two-pointer walk: on a
 * mismatch it resumes after the last `*`, so it never costs more than pattern length × value length.
 */
export function globMatches(pattern: string, value: string): boolean {
  const p = [...pattern.toLowerCase()];
  const v = [...value.toLowerCase()];
  let pi = 0;
  let vi = 0;
  let star = -1; // the last `*` seen in the pattern
  let resume = 0; // where in the value that `*` resumes matching
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === v[vi]))) {
      pi += 1;
      vi += 1;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi;
      resume = vi;
      pi += 1;
    } else if (star >= 0) {
      pi = star + 1;
      resume += 1;
      vi = resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi += 1;
  return pi === p.length;
}
