// Wires the services together once per process; listeners receive this object and nothing else — no
// store: every read and write of data goes through a service.
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger, SecretScrubber } from '../logger.js';
import { TokenCipher } from '../secrets/tokenCipher.js';
import { SimplismartClient } from '../simplismart/client.js';
import type { Store } from '../store/store.js';
import { ApprovalPolicies } from './approvalPolicies.js';
import { Approvals } from './approvals.js';
import { BackgroundWork } from './backgroundWork.js';
import type { Clock } from './clock.js';
import { Clusters } from './clusters.js';
import { Connections } from './connections.js';
import { ImportRequests } from './importRequests.js';
import { ImportRunner } from './importRunner.js';
import { ImportThread } from './importThread.js';
import { Notifier } from './notifier.js';
import { References } from './references.js';
import { SlackPoster } from './slackPoster.js';
import { Sweeper } from './sweeper.js';

export interface Services {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  connections: Connections;
  policies: ApprovalPolicies;
  requests: ImportRequests;
  approvals: Approvals;
  notifier: Notifier;
  background: BackgroundWork;
  sweeper: Sweeper;
  clusters: Clusters;
  references: References;
}

export function createServices(args: {
  config: Readonly<Config>;
  store: Store;
  logger: Logger;
  scrubber: SecretScrubber;
  clock: Clock;
  encryptionKey: Buffer;
  /** The Web API client for work nobody waits on (bounded retries, 429s waited out). */
  slack: WebClient;
  sweepIntervalMs: number;
}): Services {
  const { config, store, logger, clock } = args;
  const connections = new Connections(store, new TokenCipher(args.encryptionKey), config.simplismart.fallback, args.scrubber);
  const poster = new SlackPoster(args.slack, logger);
  const notifier = new Notifier({ posterFor: () => poster, logger });
  const thread = new ImportThread(store, poster, notifier, logger, { timeoutMs: config.simplismart.timeoutMs });
  const simplismart = new SimplismartClient({ baseUrl: config.simplismart.apiUrl, timeoutMs: config.simplismart.timeoutMs });
  const runner = new ImportRunner({ store, connections, simplismart, thread, clock, logger });
  const background = new BackgroundWork(logger);
  const policies = new ApprovalPolicies(store);
  const requests = new ImportRequests({ store, thread, runner, policies, clock, logger });
  const approvals = new Approvals({ store, requests, thread, runner, background, clock, logger });
  const sweeper = new Sweeper({ store, approvals, runner, thread, clock, logger, intervalMs: args.sweepIntervalMs });
  const clusters = new Clusters(store);
  const references = new References(store);
  store.watch({
    // Said once, with what to do; every call meanwhile fails with the same words (people are told
    // their action was not saved, /readyz answers 503).
    lost: (error) => logger.error({ code: 'store_lost' }, error.message),
    back: () => logger.info('the database file is back where it was: saving again'),
  });
  // The runner, the thread and the poster stay inside: people are told through the notifier, and
  // requests move through ImportRequests and Approvals.
  return { config, logger, clock, connections, policies, requests, approvals, notifier, background, sweeper, clusters, references };
}
