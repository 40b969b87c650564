// The entry point (`node dist/main.js`): a Node.js too old for the bot gets one line saying which
// version it needs and exit code 1, instead of a crash deep inside a module it cannot load.
import { nodeTooOld } from './process/nodeVersion.js';

const tooOld = nodeTooOld(process.versions.node);
if (tooOld !== undefined) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(1);
}
// Loaded only now: static imports would be evaluated before the check above.
await import('./process/start.js');
