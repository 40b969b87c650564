// The policy file's dry run, for reviewing a change before it lands:
//   npm run policy -- check FILE                         every problem as FILE:LINE:COLUMN, exit 1 if any
//   npm run policy -- test FILE --request REQUEST.json   which rule each request hits, and why
// Exit codes: 0 done (a valid file; requests evaluated, whatever their outcome), 1 problems in the
// policy or a request file, 2 a command line or a file that cannot be read. Requests are "cases" from a
// source; the workspace's past requests are tried in Slack, where the bot has the store and the workspace
// (`/simplismart policy test`, src/listeners/commands/policyCommand.ts).
import { relative, resolve } from 'node:path';
import { describeExpiry } from '../domain/approvalPolicy.js';
import { explain, groupsToResolve } from '../domain/policyFile/evaluate.js';
import type { RequestFacts } from '../domain/policyFile/facts.js';
import type { Outcome, Policy } from '../domain/policyFile/policy.js';
import { readPolicy } from '../domain/policyFile/read.js';
import { describeEvaluation, deciderWords, outcomeWords } from '../domain/policyFile/words.js';
import type { Problem } from '../domain/policyFile/yamlPositions.js';
import { readRequest } from './requestFile.js';

export interface CliIo {
  /** Where relative paths start (the directory npm was run from). */
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** A file's text; throws when it cannot be read. */
  readFile(path: string): string;
}

export const USAGE = `Usage:
  npm run policy -- check FILE
      Validates the policy file: every problem with its line and column (exit 1 if any).
  npm run policy -- test FILE --request REQUEST.json [--request ANOTHER.json ...]
      Which rule each request hits, and why; the rules tried before it and why they did not match.

A request file (JSON or YAML):
  { "kind": "import" | "node_groups", "workspace": "T…", "channel": "C…" | null, "requester": "U…",
    "requester_groups": ["S…"], "cluster": { "name", "slug", "provider", "region" } (node_groups only),
    "body": { …the request's JSON, as the approval card's View JSON shows it… } }
`;

/** One request to evaluate: a request file (the store's past requests are `/simplismart policy test`'s). */
interface Case {
  label: string;
  facts: RequestFacts;
}

class UsageError extends Error {}

export async function runPolicyCli(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = args;
    if (command === 'help' || command === '--help' || command === '-h') {
      io.stdout(USAGE);
      return 0;
    }
    if (command === 'check') return check(single(rest, 'check'), io);
    if (command === 'test') return test(rest, io);
    throw new UsageError(command === undefined ? 'Say what to do: check or test.' : `Unknown command "${command}": check or test.`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`policy: ${error.message}\n\n${USAGE}`);
    return 2;
  }
}

function single(args: readonly string[], command: string): string {
  const [file, ...extra] = args;
  if (file === undefined || file.startsWith('--')) throw new UsageError(`${command} takes the policy file's path.`);
  if (extra.length > 0) throw new UsageError(`${command} takes one file; unexpected: ${extra.join(' ')}.`);
  return file;
}

/** A file's text, or a usage error saying why it cannot be read. */
function read(io: CliIo, path: string): string {
  try {
    return io.readFile(resolve(io.cwd, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : String((error as Error).message);
    throw new UsageError(`cannot read ${path}: ${why}.`);
  }
}

/** The path as people typed it, relative to where they are when it is inside. */
function shown(io: CliIo, path: string): string {
  const rel = relative(io.cwd, resolve(io.cwd, path));
  return rel.startsWith('..') || rel === '' ? path : rel;
}

function printProblems(io: CliIo, file: string, problems: readonly Problem[]): void {
  for (const p of problems) io.stdout(`${file}:${p.line}:${p.column}: ${p.path === '' ? '' : `${p.path}: `}${p.message}\n`);
  io.stdout(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
}

function loadPolicy(io: CliIo, path: string): Policy | undefined {
  const result = readPolicy(read(io, path));
  if (result.ok) return result.policy;
  printProblems(io, shown(io, path), result.problems);
  return undefined;
}

function outcomeLine(outcome: Outcome): string {
  const words = outcomeWords(outcome);
  if (outcome.kind === 'deny') return `${words}: "${outcome.message}"`;
  if (outcome.kind === 'require') return `${words}, within ${describeExpiry(outcome.expirySeconds)}${outcome.approvalsChannel === null ? '' : `, cards in ${outcome.approvalsChannel}`}`;
  return words;
}

function check(path: string, io: CliIo): number {
  const policy = loadPolicy(io, path);
  if (policy === undefined) return 1;
  const file = shown(io, path);
  io.stdout(`${file}: ok, ${policy.rules.length} rule${policy.rules.length === 1 ? '' : 's'} (${policy.hash})\n`);
  for (const rule of policy.rules) io.stdout(`  ${rule.index + 1}. '${rule.name}' (line ${rule.line}): ${outcomeLine(rule.outcome)}\n`);
  const where = policy.fallback.line === null ? 'built in: the file sets no default' : `line ${policy.fallback.line}`;
  io.stdout(`  default (${where}): ${outcomeLine(policy.fallback.outcome)}\n`);
  return 0;
}

function requestPaths(args: readonly string[]): string[] {
  const paths: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg !== '--request') throw new UsageError(`unexpected "${arg ?? ''}": give each request file after --request.`);
    const path = args[i + 1];
    if (path === undefined || path.startsWith('--')) throw new UsageError('--request takes a request file’s path.');
    paths.push(path);
    i += 1;
  }
  if (paths.length === 0) throw new UsageError('test needs at least one --request REQUEST.json.');
  return paths;
}

function test(args: readonly string[], io: CliIo): number {
  const [policyPath, ...rest] = args;
  if (policyPath === undefined || policyPath.startsWith('--')) throw new UsageError('test takes the policy file’s path, then --request REQUEST.json.');
  const paths = requestPaths(rest);
  const policy = loadPolicy(io, policyPath);
  if (policy === undefined) return 1;
  const cases = casesFromFiles(io, paths, groupsToResolve(policy));
  if (cases === undefined) return 1;
  report(io, policy, shown(io, policyPath), cases);
  return 0;
}

/** The requests of `paths`, each with the membership of `groups` read from it; undefined (problems printed) when one has problems. */
function casesFromFiles(io: CliIo, paths: readonly string[], groups: readonly string[]): Case[] | undefined {
  const cases: Case[] = [];
  let failed = false;
  for (const path of paths) {
    const request = readRequest(read(io, path), groups);
    if (request.ok) cases.push({ label: shown(io, path), facts: request.facts });
    else {
      printProblems(io, shown(io, path), request.problems);
      failed = true;
    }
  }
  return failed ? undefined : cases;
}

/** Each case: the rule it hits and where, the words people see, why, the rules tried before; a tally when there are several. */
function report(io: CliIo, policy: Policy, policyFile: string, cases: readonly Case[]): void {
  const tally = new Map<string, number>();
  for (const { label, facts } of cases) {
    const { evaluation, skipped } = explain(policy, facts);
    const decider = evaluation.rule;
    const where = decider.line === null ? 'built in' : `${policyFile}:${decider.line}`;
    io.stdout(`${label}: ${deciderWords(decider)} (${where})\n`);
    io.stdout(`  ${describeEvaluation(evaluation)}\n`);
    if (evaluation.outcome.kind === 'require') io.stdout(`  waits ${describeExpiry(evaluation.outcome.expirySeconds)} for approval at most\n`);
    io.stdout(`  why:\n${evaluation.why.map((w) => `    - ${w}\n`).join('')}`);
    if (skipped.length > 0) io.stdout(`  rules before it:\n${skipped.map((s) => `    - '${s.rule.name}' (line ${s.rule.line}): ${s.because}\n`).join('')}`);
    const key = deciderWords(decider);
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  if (cases.length > 1) io.stdout(`${cases.length} requests: ${[...tally].map(([rule, n]) => `${n} × ${rule}`).join(', ')}\n`);
}
