// `npm run policy -- check FILE` and `npm run policy -- test FILE --request REQUEST.json`: the policy
// file's dry run (see policyCli.ts). npm runs scripts from the project's folder; paths are read from the
// folder it was run in (INIT_CWD), as people typed them.
import { readFileSync } from 'node:fs';
import { runPolicyCli } from './policyCli.js';

const cwd = process.env.npm_lifecycle_event === 'policy' && process.env.INIT_CWD !== undefined ? process.env.INIT_CWD : process.cwd();

process.exitCode = await runPolicyCli(process.argv.slice(2), {
  cwd,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path, 'utf8'),
});
