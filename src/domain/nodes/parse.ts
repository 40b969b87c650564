// Recognises what was pasted or attached and reads it: JSON (one value, or several one after another,
// as two `kubectl get node X -o json` runs print), YAML (one or more documents), or the table
// `kubectl get nodes --show-labels` prints. What real terminals add is tolerated: CRLF, a byte-order
// mark, colour codes, Slack code fences, klog and `Warning:` lines and the command line before the
// output, and a prompt after it.
//
// Everything is bounded before it is parsed, because the input is anyone's: a size cap on all the
// text, a smaller one for YAML (the yaml package costs about half a second and 60 MB per MiB of
// hostile YAML, and kubectl's own YAML is larger than its JSON), a nesting depth and a value count
// checked by one linear scan before JSON.parse, and for YAML a line scan (indentation, flow nesting,
// documents, anchors) before the parser, which is given an alias budget. A cap that is reached refuses
// the input and says the cap; nothing here throws.
import { parseAllDocuments } from 'yaml';
import type { NodeInputRefusal, RefusalCode } from './model.js';

export const INPUT_LIMITS = {
  /** Inputs per proposal (a node dump and a few node-pool listings). */
  inputs: 10,
  /** All inputs together, in characters: 1000 nodes of `kubectl get nodes -o json` with their images. */
  totalChars: 32 * 1024 * 1024,
  /** YAML, in characters: about 50 nodes of `-o yaml`; node-pool listings are far smaller. */
  yamlChars: 1024 * 1024,
  /** JSON nesting (a Node is about 12 deep, managedFields included). */
  jsonDepth: 64,
  /** Objects, arrays and array elements in all JSON of one input (1000 real nodes: about 500 000). */
  jsonValues: 2_000_000,
  /** YAML: indentation columns, compact `- - -` or flow nesting, documents, anchors and aliases. */
  yamlIndent: 256,
  yamlNesting: 32,
  yamlDocuments: 200,
  yamlAliases: 100,
  /** Lines skipped before the output starts (warnings, the command, a prompt). */
  leadingLines: 50,
  /** Table lines read. */
  tableLines: 20_000,
} as const;

export interface TableRow {
  name: string;
  status: string;
  roles: string;
  /** The LABELS column as printed: `k=v,k=v` or `<none>`. */
  labels: string;
}

export type TextReading =
  | { ok: true; kind: 'json' | 'yaml'; documents: unknown[] }
  | { ok: true; kind: 'table'; rows: TableRow[]; unread: number; firstUnread: string | undefined };

type Refused = Omit<NodeInputRefusal, 'input'>;

function refuse(code: RefusalCode, message: string): Refused {
  return { ok: false, code, message };
}

export const MiB = 1024 * 1024;

/** A size for people: "32 MiB", "1 MiB". */
export function size(chars: number): string {
  return chars >= MiB ? `${Math.round((chars / MiB) * 10) / 10} MiB` : `${Math.round(chars / 1024)} KiB`;
}

/**
 * Text quoted back from a paste (an invalid label key, a line not read, a parser's message with its
 * snippet): one line of at most `max` characters, with the characters Slack's markup and shells give
 * meaning to (`< > & * ~ \` |`) replaced by `?`, so that quoted text only ever reads as text. The views
 * still escape everything they show; this keeps the domain's own answers harmless too.
 */
export function clip(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ').trim().replace(/[<>&*~`|]/g, '?');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** Line endings, a byte-order mark and terminal colour codes, which only get in the way. */
function clean(raw: string): string {
  let text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  if (text.includes('\x1b')) text = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''); // eslint-disable-line no-control-regex
  return text;
}

/**
 * A line's first characters: all the patterns below need, and what keeps a regex from backtracking
 * over a megabyte-long line.
 */
function head(line: string): string {
  return line.length <= 256 ? line : line.slice(0, 256);
}

/** The line that starts at `start`, without its newline, and where the next one starts. */
function lineAt(text: string, start: number): { line: string; next: number } {
  const end = text.indexOf('\n', start);
  return end < 0 ? { line: text.slice(start), next: text.length } : { line: text.slice(start, end), next: end + 1 };
}

// A JSON value starts a line; `[root@host ~]#` (a prompt) does not count.
const JSON_START = /^(\s*(?:```[A-Za-z]*)?\s*)[{[]\s*(?:$|["'{[\]}0-9-]|true\b|false\b|null\b)/;
const TABLE_HEADER = /^NAME\s+\S/;
const NODE_STATUS = /^(?:Ready|NotReady|Unknown)(?:,SchedulingDisabled)?$/;
const TABLE_ROW = /^\S+\s+(?:Ready|NotReady|Unknown)(?:,SchedulingDisabled)?\s+\S/;
const YAML_START = /^(?:---|[A-Za-z_][A-Za-z0-9_.-]*:(?:\s|$)|- )/;
const NOT_YAML_KEY = /^(?:warning|error|note|info|hint|deprecated):/i;
const NOISE = /^(?:[IWEF]\d{4} \d\d:\d\d|Warning: |warning: )/;
const ERROR_LINE = /^(?:error:|Error from server|E\d{4} |Unable to connect|The connection to the server)/;

type Start = { kind: 'json' | 'yaml' | 'table'; at: number } | { kind: 'none'; errorLine: string | undefined };

/** Where the output begins: after warnings, the command that was typed, or a code fence. */
function findStart(text: string): Start {
  let at = 0;
  let errorLine: string | undefined;
  for (let n = 0; n < INPUT_LIMITS.leadingLines && at < text.length; n++) {
    const { line: whole, next } = lineAt(text, at);
    const line = head(whole);
    const json = JSON_START.exec(line);
    if (json !== null) return { kind: 'json', at: at + (json[1] ?? '').length };
    if (TABLE_HEADER.test(line) || TABLE_ROW.test(line)) return { kind: 'table', at };
    if (YAML_START.test(line) && !NOT_YAML_KEY.test(line)) return { kind: 'yaml', at };
    if (errorLine === undefined && ERROR_LINE.test(line.trim())) errorLine = clip(line.trim(), 200);
    at = next;
  }
  return { kind: 'none', errorLine };
}

/** Reads one input's text: its documents, or its table rows; or why it cannot be read. */
export function readText(raw: string): TextReading | Refused {
  const text = clean(raw);
  if (text.trim() === '') return refuse('empty', 'There is nothing to read: paste what `kubectl get nodes -o json` prints, or attach it as a file.');
  const start = findStart(text);
  switch (start.kind) {
    case 'json':
      return readJson(text, start.at);
    case 'yaml':
      return readYaml(text.slice(start.at));
    case 'table':
      return readTable(text, start.at);
    case 'none':
      return refuse(
        'unrecognised',
        start.errorLine !== undefined
          ? `This is an error kubectl printed, not its output: “${start.errorLine}”. Run the command again once it works, and paste what it prints.`
          : 'This is not something the bot can read. Paste what `kubectl get nodes -o json` (or `-o yaml`, or `--show-labels`) prints, or a node-pool listing: `aws eks describe-nodegroup`, `eksctl get nodegroup -o json`, `gcloud container node-pools list --format=json`, `az aks nodepool list -o json`, or Karpenter NodePools as YAML.',
      );
  }
}

// ---------------------------------------------------------------- JSON

type Scan = { ok: true; end: number } | Refused;

/**
 * The end of the JSON value starting at `start` (a `{` or `[`), found by one pass that tracks strings
 * and nesting, and refuses as soon as the nesting or the number of values passes its cap — so 100 000
 * nested brackets cost 65 characters of scanning, not a parse.
 */
function scanJsonValue(text: string, start: number, budget: { values: number }): Scan {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > INPUT_LIMITS.jsonDepth) {
        return refuse('too_deep', `This JSON nests deeper than ${INPUT_LIMITS.jsonDepth} levels; kubectl's output never does, so it was not read.`);
      }
      if (++budget.values > INPUT_LIMITS.jsonValues) return tooManyValues();
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return { ok: true, end: i + 1 };
    } else if (c === 0x2c) {
      if (++budget.values > INPUT_LIMITS.jsonValues) return tooManyValues();
    }
  }
  return refuse(
    'cut_off',
    `The JSON stops before it ends (after ${text.length - start} characters): it was cut off. A Slack text box holds 3000 characters, so attach a whole dump as a file instead.`,
  );
}

function tooManyValues(): Refused {
  return refuse('too_complex', `This JSON holds more than ${INPUT_LIMITS.jsonValues.toLocaleString('en-US')} values, far more than the nodes of a large cluster; it was not read.`);
}

function readJson(text: string, first: number): TextReading | Refused {
  const documents: unknown[] = [];
  const budget = { values: 0 };
  let at: number | undefined = first;
  while (at !== undefined) {
    const scan = scanJsonValue(text, at, budget);
    if (!scan.ok) return scan;
    try {
      documents.push(JSON.parse(text.slice(at, scan.end)));
    } catch (error) {
      return refuse('not_json', `This is not valid JSON (${clip(error instanceof Error ? error.message : String(error), 160)}). Paste kubectl's output as it printed it.`);
    }
    at = nextJsonStart(text, scan.end);
  }
  return { ok: true, kind: 'json', documents };
}

/** After one JSON value: the next line that starts another (prompts and commands in between skipped). */
function nextJsonStart(text: string, from: number): number | undefined {
  let at = from;
  // The rest of the line the value ended on is not read (a prompt printed right after it).
  at = lineAt(text, at).next;
  while (at < text.length) {
    const { line, next } = lineAt(text, at);
    const json = JSON_START.exec(head(line));
    if (json !== null) return at + (json[1] ?? '').length;
    at = next;
  }
  return undefined;
}

// ---------------------------------------------------------------- YAML

const PROMPT = /^(?:\S*@\S*|\[[^\]]*\]|PS [^>]*|[~\w/.:-]*)\s?[$#%>❯](?:\s.*)?$/;
const FENCE = /^```\s*$/;

/** A cheap structural scan: YAML that kubectl or a person writes stays far inside these bounds. */
function scanYaml(text: string): Refused | undefined {
  let flow = 0;
  let documents = 0;
  let aliases = 0;
  let at = 0;
  while (at < text.length) {
    const { line, next } = lineAt(text, at);
    at = next;
    let indent = 0;
    while (indent < line.length && line.charCodeAt(indent) === 0x20) indent++;
    if (indent > INPUT_LIMITS.yamlIndent) return tooDeepYaml();
    if (line.startsWith('---') && ++documents > INPUT_LIMITS.yamlDocuments) {
      return refuse('too_complex', `This YAML holds more than ${INPUT_LIMITS.yamlDocuments} documents; it was not read.`);
    }
    let dashes = 0;
    let quote = 0;
    for (let i = indent; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
        continue;
      }
      if (c === 0x23 && (i === 0 || line.charCodeAt(i - 1) === 0x20)) break; // a comment
      if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x5b || c === 0x7b) {
        if (++flow > INPUT_LIMITS.yamlNesting) return tooDeepYaml();
      } else if (c === 0x5d || c === 0x7d) flow = Math.max(0, flow - 1);
      else if (c === 0x2d && i === indent + dashes * 2 && line.charCodeAt(i + 1) === 0x20) {
        if (++dashes > INPUT_LIMITS.yamlNesting) return tooDeepYaml();
      } else if ((c === 0x26 || c === 0x2a) && (i === 0 || ' [{,:'.includes(line[i - 1] ?? '')) && /[A-Za-z0-9]/.test(line[i + 1] ?? '')) {
        if (++aliases > INPUT_LIMITS.yamlAliases) {
          return refuse('too_complex', `This YAML uses more than ${INPUT_LIMITS.yamlAliases} anchors and aliases; kubectl never writes them, so it was not read.`);
        }
      }
    }
  }
  return undefined;
}

function tooDeepYaml(): Refused {
  return refuse('too_deep', `This YAML nests deeper than the bot reads (${INPUT_LIMITS.yamlNesting} levels, ${INPUT_LIMITS.yamlIndent} columns of indentation); kubectl's output never does.`);
}

/** Drops what a terminal prints after the output: a prompt, a closing code fence, blank lines. */
function withoutTrailer(text: string): string {
  let trimmed = text.trimEnd();
  for (let n = 0; n < INPUT_LIMITS.leadingLines; n++) {
    const lineStart = trimmed.lastIndexOf('\n') + 1;
    const last = trimmed.slice(lineStart);
    if (last.length > 200 || /^\s/.test(last) || last.includes(': ') || !(FENCE.test(last) || PROMPT.test(last))) break;
    trimmed = trimmed.slice(0, lineStart).trimEnd();
  }
  return trimmed;
}

function readYaml(raw: string): TextReading | Refused {
  if (raw.length > INPUT_LIMITS.yamlChars) {
    return refuse(
      'too_large',
      `YAML is read up to ${size(INPUT_LIMITS.yamlChars)} and this is ${size(raw.length)}. For a whole cluster use \`kubectl get nodes -o json\` (read up to ${size(INPUT_LIMITS.totalChars)}).`,
    );
  }
  const text = withoutTrailer(raw);
  const scanned = scanYaml(text);
  if (scanned !== undefined) return scanned;
  try {
    const parsed = parseAllDocuments(text, { prettyErrors: false });
    const docs = Array.isArray(parsed) ? parsed : [];
    const documents: unknown[] = [];
    for (const doc of docs) {
      const error = doc.errors[0];
      if (error !== undefined) return refuse('not_yaml', `This is not valid YAML (${clip(error.message, 160)}). Paste kubectl's output as it printed it.`);
      const value: unknown = doc.toJS({ maxAliasCount: INPUT_LIMITS.yamlAliases });
      if (value !== null && value !== undefined) documents.push(value);
    }
    return { ok: true, kind: 'yaml', documents };
  } catch (error) {
    // The alias budget (a "billion laughs" document) and any other limit of the parser end here.
    if (error instanceof ReferenceError) return refuse('too_complex', 'This YAML expands its aliases beyond what the bot reads (a document built to grow when read); it was not read.');
    if (error instanceof RangeError) return tooDeepYaml();
    return refuse('not_yaml', `This YAML could not be read (${clip(error instanceof Error ? error.message : String(error), 160)}).`);
  }
}

// ---------------------------------------------------------------- --show-labels table

/**
 * The table `kubectl get nodes --show-labels` prints (`-o wide` columns and `-L` columns included):
 * NAME is the first column, STATUS the second, ROLES the third, LABELS the last — label values hold no
 * spaces, so the last whitespace-separated token is the whole LABELS column even when OS-IMAGE has
 * spaces. A header copied again, blank lines and a trailing prompt are skipped and counted.
 */
function readTable(text: string, first: number): TextReading | Refused {
  const rows: TableRow[] = [];
  let unread = 0;
  let firstUnread: string | undefined;
  let podLike = 0;
  let at = first;
  for (let n = 0; at < text.length; n++) {
    if (n >= INPUT_LIMITS.tableLines) {
      return refuse('too_complex', `This table has more than ${INPUT_LIMITS.tableLines.toLocaleString('en-US')} lines; attach \`kubectl get nodes -o json\` instead.`);
    }
    const { line: rawLine, next } = lineAt(text, at);
    at = next;
    const line = rawLine.replace(/\u00a0/g, ' ').trim();
    if (line === '') continue;
    const tokens = line.split(/\s+/);
    if (tokens[0] === 'NAME') {
      const header = headerProblem(tokens);
      if (header !== undefined) return header;
      continue;
    }
    const [name = '', status = '', roles = ''] = tokens;
    const labels = tokens[tokens.length - 1] ?? '';
    if (tokens.length >= 4 && NODE_STATUS.test(status)) {
      if (labels !== '<none>' && !labels.includes('=')) {
        return refuse('no_labels_column', 'This table has no LABELS column. Run `kubectl get nodes --show-labels`, or better `kubectl get nodes -o json`, which also gives GPU counts, vCPUs and memory.');
      }
      rows.push({ name, status, roles, labels });
      continue;
    }
    // Terminal noise between or after the rows: fences, klog and warning lines, a prompt.
    if (FENCE.test(head(line)) || ERROR_LINE.test(head(line)) || NOISE.test(head(line)) || (line.length <= 200 && PROMPT.test(line))) continue;
    if (/^\d+\/\d+$/.test(status)) podLike++;
    unread++;
    firstUnread ??= clip(line);
  }
  if (rows.length === 0) {
    return podLike > 0
      ? refuse('wrong_kind', 'This is a list of Pods, not Nodes: run `kubectl get nodes --show-labels` (or `-o json`).')
      : refuse('unrecognised', 'No node lines were found in this table: paste what `kubectl get nodes --show-labels` prints.');
  }
  return { ok: true, kind: 'table', rows, unread, firstUnread };
}

function headerProblem(tokens: readonly string[]): Refused | undefined {
  if (tokens.includes('READY') && tokens.includes('RESTARTS')) {
    return refuse('wrong_kind', 'This is a list of Pods, not Nodes: run `kubectl get nodes --show-labels` (or `-o json`).');
  }
  if (tokens[1] !== 'STATUS' || tokens[2] !== 'ROLES') {
    return refuse('wrong_kind', `This table is not a list of nodes (its columns are ${clip(tokens.join(' '), 80)}): run \`kubectl get nodes --show-labels\` (or \`-o json\`).`);
  }
  if (tokens[tokens.length - 1] !== 'LABELS') {
    return refuse('no_labels_column', 'This table has no LABELS column. Run `kubectl get nodes --show-labels`, or better `kubectl get nodes -o json`, which also gives GPU counts, vCPUs and memory.');
  }
  return undefined;
}
