// Wires the services together once per process; listeners receive this object and nothing else — no
// store: every read and write of data goes through a service.
import { WebClient } from '@slack/web-api';
import type { Config } from '../process/config.js';
import type { Workspace, WorkspaceScope } from '../domain/workspace.js';
import { boltLogger, type Logger, type SecretScrubber } from '../process/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { TokenCipher } from '../secrets/tokenCipher.js';
import { SimplismartClient } from '../simplismart/client.js';
import { apiUrlOption, BackgroundClients } from '../slack/clients.js';
import { RateLimits } from '../slack/rateLimits.js';
import type { Store } from '../store/store.js';
import { ApprovalPolicies } from './approvalPolicies.js';
import { Approvals } from './approvals.js';
import { BackgroundWork, type BackgroundQueue } from './backgroundWork.js';
import { botTokens, type BotTokens } from './botTokens.js';
import type { Clock } from './clock.js';
import { Clusters } from './clusters.js';
import { Connections } from './connections.js';
import { AppHome } from './home.js';
import { ImportRequests } from './importRequests.js';
import { ImportRunner, processOwnerId } from './importRunner.js';
import { ImportThread } from './importThread.js';
import { Installations } from './installations.js';
import { inlineJobs, type JobRunners, type JobSink } from './jobs.js';
import { Notifier } from './notifier.js';
import type { PolicyFile } from './policyFile.js';
import { References } from './references.js';
import { RequestPolicy } from './requestPolicy.js';
import { SlackLinks } from './slackLinks.js';
import { SlackPoster } from './slackPoster.js';
import { Sweeper, type SweeperControl } from './sweeper.js';
import { Uninstalls } from './uninstalls.js';
import { WorkspaceSettingsReader } from './workspaceSettings.js';
import { WorkflowSteps } from './workflowSteps.js';

export interface Services {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  connections: Connections;
  policies: ApprovalPolicies;
  requests: ImportRequests;
  approvals: Approvals;
  notifier: Notifier;
  /** This thread's queue of post-ack work (idle in the acking thread when a background thread runs it). */
  background: BackgroundQueue;
  /**
   * This thread's own queue, whatever BACKGROUND_THREAD says: for work that continues something already
   * running in this thread and cannot cross to another (a file being read for a form). The rest goes to
   * `jobs`.
   */
  nearby: BackgroundWork;
  /** Where post-ack work is handed: the background thread (BACKGROUND_THREAD=worker), or `background`. */
  jobs: JobSink;
  sweeper: SweeperControl;
  /** The bot token of each workspace (and, when any workspace may install the app, the installer). */
  tokens: BotTokens;
  uninstalls: Uninstalls;
  home: AppHome;
  clusters: Clusters;
  references: References;
  /** A workspace's connection, policy and references in one read, for the paths before an ack. */
  settings: WorkspaceSettingsReader;
  /** The policy file applied to requests (when POLICY_FILE is set; `decisions.file` undefined otherwise). */
  decisions: RequestPolicy;
  /** Workflow Builder steps: their execution tokens sealed, their completion once their request ends. */
  steps: WorkflowSteps;
}

export function createServices(args: {
  config: Readonly<Config>;
  store: Store;
  logger: Logger;
  scrubber: SecretScrubber;
  clock: Clock;
  encryptionKey: Buffer;
  sweepIntervalMs: number;
  /**
   * The Web API client for a workspace's work nobody waits on (Slack's rate limits kept, waiting outside
   * the background slots; bounded retries). By default made from the workspace's own bot token; unit
   * tests pass a recording one.
   */
  slackFor?: (workspace: Workspace) => Promise<WebClient>;
  /** How long the App Home gathers changes before it is published again (default 300 ms). */
  homeDebounceMs?: number;
  /** Where Slack and Simplismart calls are counted (none in unit tests that do not look). */
  metrics?: Metrics;
  /** Who this process is among replicas, for the leases it holds (import and token refresh); unique by default. */
  owner?: string;
  /** The policy file read at start (POLICY_FILE); none: the policy set in Slack decides. */
  policyFile?: PolicyFile;
  /**
   * Who this thread is when it renews a workspace's bot token (the installation row's refresh lease);
   * `owner` by default. The background thread has a token cache of its own, so it claims that lease
   * under a name of its own: with the process's name the lease would let both threads refresh at once.
   */
  refreshOwner?: string;
  /** Told when an uninstall made this thread forget workspaces' cached tokens (the background thread forgets them too). */
  tokensForgotten?: (scope: WorkspaceScope) => void;
  /** Where post-ack work goes; this thread's own queue (`background`) by default. */
  jobs?: JobSink;
  /** Whether the queue steps down to one slot while this thread's event loop is saturated (the acking thread's). */
  stepAsideWhenBusy?: boolean;
  /** Where the queue's counts are published for another thread (the background thread's queue: see BackgroundWork). */
  published?: SharedArrayBuffer;
}): Services {
  const { config, store, logger, clock } = args;
  const cipher = new TokenCipher(args.encryptionKey);
  const connections = new Connections(store, cipher, config.simplismart.fallback, args.scrubber);
  const installations = new Installations(store, cipher, args.scrubber, clock);
  const owner = args.owner ?? processOwnerId();
  const tokens = botTokens({ config, store, installations, logger, owner: args.refreshOwner ?? owner, metrics: args.metrics });
  const background = new BackgroundWork(logger, { concurrency: config.backgroundConcurrency, stepAsideWhenBusy: args.stepAsideWhenBusy ?? true, ...(args.published === undefined ? {} : { published: args.published }) });
  // Bound late: the services a job runs with are made below, and some of them hand jobs on.
  const bound: { runners?: JobRunners } = {};
  const jobs = args.jobs ?? inlineJobs(background, () => bound.runners!);
  const pacing = { limits: new RateLimits(config.slack.channelIntervalMs), waits: background, logger, metrics: args.metrics };
  const clients = new BackgroundClients(config, logger, pacing);
  const slackFor = args.slackFor ?? (async (workspace: Workspace) => clients.for(workspace, await tokens.tokenFor(workspace)));
  const posterFor = (workspace: Workspace) => new SlackPoster(() => slackFor(workspace), logger);
  const clusters = new Clusters(store);
  const home = new AppHome({ store, connections, clusters, slackFor, background, jobs: () => jobs, clock, logger, debounceMs: args.homeDebounceMs ?? 300 });
  const notifier = new Notifier({ posterFor, logger });
  const links = new SlackLinks(slackFor, logger);
  const steps = new WorkflowSteps({
    store,
    cipher,
    // One short-lived client per completion, with the execution's token (never pooled, as Bolt does):
    // no retries here, the sweeper retries what did not reach Slack.
    functionsClient: (token) => new WebClient(token, { ...apiUrlOption(config), logger: boltLogger(logger), rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }),
    clock,
    logger,
  });
  const thread = new ImportThread({
    store,
    posters: posterFor,
    links,
    notifier,
    logger,
    outcomeContext: { timeoutMs: config.simplismart.timeoutMs },
    clock,
    waits: background,
    changed: (request) => home.requestChanged(request),
    // Only ids cross: the completion reads the request and its execution again (any process can run it).
    ended: (request) => {
      background.run('complete workflow step', () => steps.complete(request.id), { requestId: request.id, teamId: request.teamId });
    },
  });
  const simplismart = new SimplismartClient({ baseUrl: config.simplismart.apiUrl, timeoutMs: config.simplismart.timeoutMs, metrics: args.metrics });
  const runner = new ImportRunner({ store, connections, simplismart, thread, clock, logger, waits: background, owner });
  const policies = new ApprovalPolicies(store, args.policyFile);
  const decisions = new RequestPolicy({ file: args.policyFile, clusters, slackFor, clock, logger, metrics: args.metrics });
  const requests = new ImportRequests({ store, thread, runner, policies, decisions, clock, logger });
  const approvals = new Approvals({ store, requests, thread, runner, jobs: () => jobs, clock, logger });
  bound.runners = { requests, approvals, runner, notifier, home, slackFor };
  const sweeper = new Sweeper({ store, approvals, runner, launch: (request) => requests.launch(request), background, thread, steps, clock, logger, intervalMs: args.sweepIntervalMs });
  const forgetting = {
    forget: (scope: WorkspaceScope) => {
      tokens.forget(scope);
      args.tokensForgotten?.(scope);
    },
  };
  const uninstalls = new Uninstalls({ store, installations, tokens: forgetting, clock, logger });
  const references = new References(store);
  const settings = new WorkspaceSettingsReader(store);
  store.watch({
    // Said once, with what to do; every call meanwhile fails with the same words (people are told
    // their action was not saved, /readyz answers 503).
    lost: (error) => logger.error({ code: 'store_lost' }, error.message),
    back: () => logger.info('the database file is back where it was: saving again'),
  });
  // The runner, the thread and the posters stay inside: people are told through the notifier, and
  // requests move through ImportRequests and Approvals.
  return { config, logger, clock, connections, policies, requests, approvals, notifier, background, nearby: background, jobs, sweeper, tokens, uninstalls, home, clusters, references, settings, steps, decisions };
}
