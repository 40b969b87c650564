// Builds and starts the bot: the Bolt App with the receiver for the configured mode (HTTP or Socket
// Mode) and its tokens (one workspace's, or each installed workspace's), the listeners, start-up
// recovery, and the HTTP server both modes share (/slack/events in HTTP mode; the install page and
// OAuth redirect when any workspace may install the app; /healthz, /readyz and /metrics always); and
// stops it cleanly.
import { App, ErrorCode as BoltErrorCode, SocketModeReceiver, type AppOptions } from '@slack/bolt';
import { BackgroundThread, RemoteBackground, remoteSweeper, type BackgroundThreadError } from './background/backgroundThread.js';
import type { Config } from './process/config.js';
import { ConfigError } from './errors.js';
import { healthRoutes } from './http/health.js';
import { installRoutes } from './http/install.js';
import { metricsRoutes } from './http/metrics.js';
import { DEFAULT_HTTP_LIMITS, startHttpServer, type HttpLimits, type HttpServer, type Route } from './http/server.js';
import { SlackEventsReceiver } from './http/slackEvents.js';
import { registerListeners } from './listeners/index.js';
import { boltLogger, rawWriter, type Logger, type SecretScrubber } from './process/logger.js';
import { measuredReceiver } from './metrics/measuredReceiver.js';
import { measuredStore } from './metrics/measuredStore.js';
import { Metrics } from './metrics/metrics.js';
import { SharedClock, systemClock, type Clock } from './services/clock.js';
import { processOwnerId } from './services/importRunner.js';
import type { JobSink } from './services/jobs.js';
import type { WorkspaceScope } from './domain/workspace.js';
import { createServices, type Services } from './services/index.js';
import { NotInstalledError } from './services/installations.js';
import { PolicyFile } from './services/policyFile.js';
import { respondVia } from './services/notifier.js';
import { TokenRefreshError } from './services/tokenRefresh.js';
import { boundBoltClients } from './slack/clientPool.js';
import { apiUrlOption, interactiveClientOptions } from './slack/clients.js';
import { checkAppCredentials, connectSocketMode, whoAmI } from './slack/startup.js';
import type { Store } from './store/store.js';
import { tokenRefreshFailedMessage } from './views/commandReplies.js';

export { EVENTS_PATH } from './http/slackEvents.js';

/** What a Workflow Builder step says when it runs in a workspace the app is not (or no longer) installed in. */
export const UNINSTALLED_STEP_ERROR =
  'Simplismart is not installed in this workspace (it was removed, or never installed here), so nothing was done. Ask a workspace admin to install the app again, then run the workflow again.';

export interface BotOptions {
  config: Readonly<Config>;
  logger: Logger;
  scrubber: SecretScrubber;
  store: Store;
  encryptionKey: Buffer;
  clock?: Clock;
  /** How often expiry and recovery run; every replica runs them, the compare-and-set decides. */
  sweepIntervalMs?: number;
  /** The HTTP server's timeouts and caps; tests shorten them. */
  httpLimits?: Partial<HttpLimits>;
  /** How long the App Home gathers changes before it is published again. */
  homeDebounceMs?: number;
  /** How long the policy file's folder is quiet before a reload (tests shorten it). */
  policyDebounceMs?: number;
  /** The background thread's entry (BACKGROUND_THREAD=worker): dist's background/worker.js beside this file by default; tests under ts-jest pass a build. */
  workerEntry?: URL;
  /** The background thread keeps dying (see BackgroundThread): the process should stop and exit non-zero. Logged only by default. */
  onFatal?: (error: BackgroundThreadError) => void;
}

export interface RunningBot {
  services: Services;
  /** This bot's series (its own registry), as GET /metrics serves them. */
  metrics: Metrics;
  /** The background thread (BACKGROUND_THREAD=worker), or undefined when post-ack work runs inline. */
  backgroundThread: BackgroundThread | undefined;
  /** The HTTP server, as a URL that reaches it: HTTP mode's `<url>/slack/events`; both modes' health routes. */
  url: string;
  /** Stops taking new work, lets in-flight work finish (bounded by SHUTDOWN_GRACE_MS), stops timers. */
  stop(): Promise<void>;
  /** Reads POLICY_FILE again (what SIGHUP does): true when its policy is in force; false when it has problems (the last good one stays) or no file is set. */
  reloadPolicy(trigger: string): boolean;
}

export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { config, logger } = options;
  // Every series of this bot, on its own registry; the store as the services see it is measured.
  const metrics = new Metrics();
  const store = measuredStore(options.store, metrics);
  const clock = options.clock ?? systemClock;
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.httpLimits };
  const { install } = config.slack;
  // One workspace: its bot token is checked (and says who the bot is). Any workspace: the app's own
  // credentials are checked; each workspace's bot is known from its installation.
  const oneToken: Pick<AppOptions, 'token' | 'botId' | 'botUserId' | 'tokenVerificationEnabled'> =
    install.mode === 'single'
      ? { token: install.botToken, ...(await whoAmI(config, install.botToken, logger)), tokenVerificationEnabled: false }
      : await checkAppCredentials(config, logger).then(() => ({}));
  // A policy file with any problem stops the start here (PolicyFileError lists each with its line and column).
  const policyFile = config.policyFile === undefined ? undefined : PolicyFile.open(config.policyFile, { logger, clock, metrics });
  // BACKGROUND_THREAD=worker: what runs after an ack is handed to the background thread (started below,
  // before any request is taken); this thread keeps the ack path: verify, parse, validate, store, enqueue, ack.
  const inWorker = config.backgroundThread === 'worker';
  if (inWorker && clock !== systemClock && !(clock instanceof SharedClock)) {
    throw new ConfigError('BACKGROUND_THREAD=worker: the background thread cannot read this clock (only the system clock or a SharedClock); use BACKGROUND_THREAD=inline');
  }
  const owner = processOwnerId();
  let thread: BackgroundThread | undefined;
  const toThread: JobSink = { submit: (job) => thread?.submit(job) ?? false };
  const remote = new RemoteBackground(() => thread?.posted ?? 0);
  const ownServices = createServices({
    config,
    store,
    logger,
    scrubber: options.scrubber,
    clock,
    encryptionKey: options.encryptionKey,
    sweepIntervalMs: options.sweepIntervalMs ?? 15_000,
    metrics,
    owner,
    ...(options.homeDebounceMs === undefined ? {} : { homeDebounceMs: options.homeDebounceMs }),
    ...(policyFile === undefined ? {} : { policyFile }),
    ...(inWorker ? { jobs: toThread, stepAsideWhenBusy: false, tokensForgotten: (scope: WorkspaceScope) => thread?.forget(scope) } : {}),
  });
  // The queue and the sweeper the process is seen to have are the background thread's.
  const services: Services = inWorker ? { ...ownServices, background: remote, sweeper: remoteSweeper(() => thread) } : ownServices;
  const installer = services.tokens.installer;
  // With a background thread, its queue's series are its own (merged into each scrape, summed): zero here.
  metrics.readFrom(
    {
      backlog: () => (inWorker ? 0 : services.background.size),
      slots: () => (inWorker ? 0 : services.background.concurrency),
      pendingApprovals: () => store.countPending(),
    },
    logger,
  );

  const socketMode = config.slack.appToken !== undefined;
  // HTTP mode: Bolt's receiver behind our server. Socket Mode: payloads arrive over the WebSocket, and
  // the server carries only our own routes.
  const slackEvents = socketMode
    ? undefined
    : new SlackEventsReceiver({ signingSecret: config.slack.signingSecret, logger: boltLogger(logger), maxBodyBytes: limits.maxBodyBytes });
  const receiver = measuredReceiver(
    slackEvents ??
      new SocketModeReceiver({
        appToken: config.slack.appToken ?? '',
        logger: boltLogger(logger),
        installerOptions: { clientOptions: apiUrlOption(config) },
      }),
    metrics,
  );

  const app = new App({
    receiver,
    // Single workspace: known from auth.test above, no per-request auth.test on the hot path. Any
    // workspace: each payload's workspace is looked up in the installations (briefly cached).
    ...(installer === undefined ? oneToken : { authorize: (source) => services.tokens.authorize(source) }),
    logger: boltLogger(logger),
    clientOptions: interactiveClientOptions(config, logger, metrics),
    extendedErrorHandler: true,
  });
  // One client per workspace for Bolt's payloads, its latest token's, a bounded number in all: Bolt's own
  // pool keeps a client per token forever, and with token rotation every refresh made one.
  boundBoltClients(app);
  registerListeners(app, services);
  app.error(async ({ error, body }: { error: Error; body?: unknown }) => {
    const b = body as { type?: string; command?: string; team_id?: string; team?: { id?: string } | null; response_url?: string } | undefined;
    const { code, original } = error as { code?: unknown; original?: unknown };
    if (code === BoltErrorCode.AuthorizationError && original instanceof NotInstalledError) {
      // A payload from a workspace with no installation (uninstalled, or never installed): nothing to do for it.
      // The team is the one the payload claims (nothing was authorized): for the log only.
      logger.warn({ err: error, kind: b?.type ?? b?.command, teamId: b?.team_id ?? b?.team?.id }, 'ignored a request from a workspace where the app is not installed');
      // A Workflow Builder step would otherwise stay "in progress" until Slack gives up on it: fail it now, saying why.
      const step = (body as { event?: { type?: string; function_execution_id?: string; bot_access_token?: string } } | undefined)?.event;
      if (step?.type === 'function_executed' && typeof step.function_execution_id === 'string' && typeof step.bot_access_token === 'string') {
        await services.steps.failUnserved(step.function_execution_id, step.bot_access_token, UNINSTALLED_STEP_ERROR);
      }
      return;
    }
    if (code === BoltErrorCode.AuthorizationError && original instanceof TokenRefreshError) {
      // No token to answer with: the payload's response_url (commands, buttons) needs none.
      logger.error({ err: original, kind: b?.type ?? b?.command }, 'a payload could not be answered: the workspace’s bot token could not be renewed');
      if (typeof b?.response_url === 'string') {
        await respondVia(b.response_url, tokenRefreshFailedMessage()).catch((failure: unknown) => logger.warn({ err: failure }, 'could not tell the person the token could not be renewed'));
      }
      return;
    }
    logger.error({ err: error, kind: b?.type ?? b?.command }, 'unhandled error in Slack request handling');
  });

  // Imports cut off by the last shutdown or crash are settled before new work arrives (by the background
  // thread when there is one: it resolves once it did).
  if (inWorker) {
    thread = await BackgroundThread.start({
      entry: options.workerEntry ?? new URL('./background/worker.js', import.meta.url),
      setup: {
        config,
        encryptionKey: options.encryptionKey,
        owner,
        published: remote.buffer,
        sweepIntervalMs: options.sweepIntervalMs ?? 15_000,
        homeDebounceMs: options.homeDebounceMs,
        clock: clock instanceof SharedClock ? clock.buffer : undefined,
      },
      logger,
      scrubber: options.scrubber,
      writeLine: rawWriter(logger),
      metrics,
      onFatal: options.onFatal ?? ((error) => logger.fatal({ err: error }, error.message)),
    });
    const running = thread;
    metrics.mergeFrom(() => running.metricsJson());
  } else {
    await services.sweeper.recoverAtStart();
  }

  let stopping = false;
  const routes: Route[] = [
    ...healthRoutes({ store, logger, stopping: () => stopping, ...(policyFile === undefined ? {} : { detail: () => ({ policy: policyFile.status() }) }) }),
    ...metricsRoutes({ metrics, token: config.metrics.token }),
    ...(slackEvents === undefined ? [] : [slackEvents.route]),
    ...(installer === undefined ? [] : installRoutes(installer, logger)),
  ];
  const http: HttpServer = await startHttpServer({ host: config.http.host, port: config.http.port, routes, limits, logger });
  if (socketMode) {
    await connectSocketMode(app, config).catch(async (error: unknown) => {
      await Promise.allSettled([app.stop(), http.close(), thread?.drain(0)]);
      throw error;
    });
  }
  if (thread === undefined) services.sweeper.start();
  policyFile?.watch(options.policyDebounceMs);
  logger.info(
    { mode: socketMode ? 'socket' : 'http', install: install.mode, url: http.url, host: config.http.host, botUserId: oneToken.botUserId },
    'simplismart-slack is running',
  );

  return {
    services,
    metrics,
    backgroundThread: thread,
    url: http.url,
    reloadPolicy: (trigger) => policyFile?.reload(trigger) ?? false,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      logger.info('stopping: no new work; waiting for in-flight imports');
      // No new connections; idle keep-alive ones closed; requests in progress still finish.
      http.stopAccepting();
      services.home.stop();
      policyFile?.stop();
      const closing = app.stop();
      // The background thread logs what it left itself, closes its store, and ends.
      // This thread's own queue runs what cannot cross threads even so (a Home opened, a form being
      // filled from a file it is reading, a Workflow Builder step's completion after a Cancel): drained too.
      const drained =
        thread === undefined
          ? await services.background.drain(config.shutdownGraceMs)
          : (await Promise.all([thread.drain(config.shutdownGraceMs), ownServices.background.drain(config.shutdownGraceMs)]))[1];
      if (!drained) logger.warn({ running: services.background.running, queued: services.background.queued }, 'shutdown grace ran out with work in flight; recovery settles it at next start');
      // Nothing waiting starts any more: the store closes next. Each request's work resumes from its row.
      services.background.stop();
      await services.sweeper.stop();
      if (inWorker) {
        // This thread's own queue (drained above); its sweeper never started.
        ownServices.background.stop();
        await ownServices.sweeper.stop();
      }
      await Promise.all([
        http.close(),
        closing.catch((error: unknown) => logger.warn({ err: error }, 'receiver did not stop cleanly')),
      ]);
    },
  };
}
