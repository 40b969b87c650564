// The background thread (BACKGROUND_THREAD=worker): everything that runs after an ack — launching
// requests, the import's POST, thread messages, card and Home updates, the sweeper's recovery — runs
// here, so that the thread that parses and acks Slack's requests never waits behind it.
//
// It builds services of its own with createServices, as another replica would: its own store connection
// (SQLite: a second connection on the same file, WAL and the driver's busy retries; PostgreSQL: its own
// pool), its own Slack and Simplismart clients, and the BackgroundWork queue (fair per workspace) inside
// it. It holds import leases under the process's owner id, so recovery sees one process, as before.
// Jobs arrive as plain descriptors (services/jobs.ts); its log lines and metrics go back to the acking
// thread, which writes and serves them. The store is migrated by the acking thread before this starts.
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, threadName, workerData } from 'node:worker_threads';
import { configSecrets, keyForms } from '../process/config.js';
import { createLogger, SecretScrubber } from '../process/logger.js';
import { measuredStore } from '../metrics/measuredStore.js';
import { Metrics } from '../metrics/metrics.js';
import { PUBLISHED } from '../services/backgroundWork.js';
import { SharedClock, systemClock } from '../services/clock.js';
import { createServices } from '../services/index.js';
import { openStore } from '../store/openStore.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('src/background/worker.js runs as a worker thread (see backgroundThread.ts), not on its own');
const send = (message: FromWorker): void => port.postMessage(message);

const setup = workerData as WorkerSetup;
const encryptionKey = Buffer.from(setup.encryptionKey);
const config = { ...setup.config, encryptionKey: setup.config.encryptionKey === undefined ? undefined : Buffer.from(setup.config.encryptionKey) };
const scrubber = new SecretScrubber();
scrubber.pin(...configSecrets(config), ...keyForms(encryptionKey));
// Lines are written (redacted, scrubbed) here and handed to the acking thread's sink, in order with the
// other messages: a `drained` answer comes after every line logged before it.
const logger = createLogger({ level: config.logLevel, scrubber, destination: { write: (line: string) => send({ type: 'log', line }) } }).child({ thread: 'background' });
// Messages that arrive while the services are being built wait here (after a restart, jobs come at once).
const early: ToWorker[] = [];
let handle = (message: ToWorker): void => void early.push(message);
port.on('message', (message: ToWorker) => handle(message));
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection in the background thread'));

/**
 * The nice value the background thread runs at (Linux), against the acking thread's 0: when both want
 * the CPU, the acks get it (about 10:1), and the backlog grows instead of their latency — what stepping
 * the queue down to one slot does when both share one thread (BACKGROUND_THREAD=inline). Idle CPU is
 * still the background thread's.
 */
export const BACKGROUND_NICE = 10;

/** Lowers this thread's scheduling priority (Linux: setpriority on its thread id, found by its name). */
function yieldToAcks(): void {
  if (process.platform !== 'linux') return;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === threadName) {
        setPriority(Number(tid), BACKGROUND_NICE);
        return;
      }
    }
    logger.info({ threadName }, 'background thread: its thread id was not found; it keeps the acking thread’s priority');
  } catch (error) {
    logger.info({ err: error }, 'background thread: could not lower its priority; it keeps the acking thread’s');
  }
}

async function main(): Promise<void> {
  yieldToAcks();
  // Process metrics (CPU, memory, event loop) are the acking thread's registry's: one process.
  const metrics = new Metrics({ processMetrics: false });
  const raw = await openStore(config.database.url, {
    onError: (error) => logger.warn({ err: error }, 'database connection error (it reconnects on the next query)'),
  });
  const store = measuredStore(raw, metrics);
  const services = createServices({
    config,
    store,
    logger,
    scrubber,
    clock: setup.clock === undefined ? systemClock : new SharedClock(setup.clock),
    encryptionKey,
    sweepIntervalMs: setup.sweepIntervalMs,
    metrics,
    owner: setup.owner,
    refreshOwner: `${setup.owner}/background`,
    // This thread acks nothing: its queue keeps its slots whatever its own event loop does.
    stepAsideWhenBusy: false,
    published: setup.published,
    ...(setup.homeDebounceMs === undefined ? {} : { homeDebounceMs: setup.homeDebounceMs }),
  });
  const { background, sweeper, home } = services;
  const received = new Int32Array(setup.published);
  // Counted once, here; the acking thread reports zero for both and the scrape sums them.
  metrics.readFrom({ backlog: () => background.size, slots: () => background.concurrency, pendingApprovals: async () => ({}) }, logger);

  let draining = false;
  handle = (message: ToWorker) => {
    switch (message.type) {
      case 'job':
        services.jobs.submit(message.job);
        // Counted once it is in the queue: the acking thread's view of the backlog includes jobs on their way.
        Atomics.add(received, PUBLISHED.received, 1);
        return;
      case 'metrics':
        void metrics.registry.getMetricsAsJSON().then(
          (json) => send({ type: 'metrics', id: message.id, metrics: json }),
          (error: unknown) => {
            logger.warn({ err: error }, 'metrics: could not read the background thread’s series');
            send({ type: 'metrics', id: message.id, metrics: [] });
          },
        );
        return;
      case 'forget':
        services.tokens.forget(message.scope);
        return;
      case 'sweep':
        void sweeper.sweep().then(() => send({ type: 'swept', id: message.id }));
        return;
      case 'drain':
        if (draining) return;
        draining = true;
        void (async () => {
          home.stop();
          const drained = await background.drain(message.graceMs);
          if (!drained) logger.warn({ running: background.running, queued: background.queued }, 'shutdown grace ran out with work in flight; recovery settles it at next start');
          // Nothing waiting starts any more: the store closes next. Each request's work resumes from its row.
          background.stop();
          await sweeper.stop();
          await raw.close().catch((error: unknown) => logger.warn({ err: error }, 'the background thread’s store did not close cleanly'));
          send({ type: 'drained', drained });
        })();
        return;
    }
  };
  for (const message of early.splice(0)) handle(message);

  // Imports cut off by the last shutdown or crash are settled before new work arrives (the acking
  // thread waits for `ready` before it takes requests).
  await sweeper.recoverAtStart();
  sweeper.start();
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'the background thread could not start');
  send({ type: 'failed', message: scrubber.scrub(error instanceof Error ? error.message : String(error)) });
});
