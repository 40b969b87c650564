// The process: read configuration, open and migrate the store, start the bot, and on SIGTERM stop
// taking work, let in-flight imports finish (bounded), close the store and exit 0. Loaded by main.ts
// once the Node.js version is known to be new enough.
import { config as loadDotenv } from 'dotenv';
import { startBot } from '../app.js';
import { configSecrets, keyForms, loadConfig, type Config } from './config.js';
import { ensureDataDirWritable } from './dataDir.js';
import { AppError, ConfigError } from '../errors.js';
import { createLogger, SecretScrubber, type Logger } from './logger.js';
import { LogSink } from './logSink.js';
import { resolveEncryptionKey } from '../secrets/encryptionKey.js';
import { openStore } from '../store/openStore.js';

/** How long the last log lines may take to leave before the process exits without them. */
const LOG_DRAIN_MS = 1000;

async function main(): Promise<void> {
  // stderr is where start-up problems are told; if it is a dead pipe too, nothing is left to tell.
  process.stderr.on('error', () => undefined);
  loadDotenv({ quiet: true });
  let config: Readonly<Config>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const scrubber = new SecretScrubber();
  scrubber.pin(...configSecrets(config));
  const logSink = new LogSink();
  const logger = createLogger({ level: config.logLevel, scrubber, destination: logSink });
  const exit = async (code: number): Promise<never> => {
    await logSink.drain(LOG_DRAIN_MS);
    process.exit(code);
  };
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  try {
    await ensureDataDirWritable(config);
    const { key, source } = await resolveEncryptionKey(config);
    scrubber.pin(...keyForms(key));
    if (source === 'generated') logger.warn({ dataDir: config.dataDir }, 'generated a new token encryption key in the data folder; back it up with the database');
    const store = await openStore(config.database.url, {
      onError: (error) => logger.warn({ err: error }, 'database connection error (it reconnects on the next query)'),
    });
    await store.migrate();
    const started: { bot?: { stop(): Promise<void> } } = {};
    // The background thread keeps dying: stop as on SIGTERM, but exit non-zero so that Kubernetes
    // restarts the pod (the sweeper settles what the thread had in hand).
    const onFatal = (error: Error): void => {
      logger.fatal({ err: error }, 'stopping: the background thread cannot be kept running');
      void (started.bot?.stop() ?? Promise.resolve())
        .then(() => store.close())
        .catch((failure: unknown) => logger.error({ err: failure }, 'could not stop cleanly'))
        .finally(() => exit(1));
    };
    const bot = await startBot({ config, logger, scrubber, store, encryptionKey: key, onFatal }).catch(async (error: unknown) => {
      await store.close().catch(() => undefined);
      throw error;
    });
    started.bot = bot;
    // SIGHUP: read POLICY_FILE again (a bad file is refused and logged; the last good policy stays).
    // Only with a file: without one SIGHUP keeps its default (the process ends), as before.
    if (config.policyFile !== undefined) process.on('SIGHUP', () => bot.reloadPolicy('SIGHUP'));
    onStopSignal(logger, exit, async () => {
      await bot.stop();
      await store.close();
    });
  } catch (error) {
    await fail(logger, scrubber, exit, error);
  }
}

function onStopSignal(logger: Logger, exit: (code: number) => Promise<never>, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stop requested');
    stop().then(
      () => {
        logger.info('stopped cleanly');
        return exit(0);
      },
      (error: unknown) => {
        logger.fatal({ err: error }, 'could not stop cleanly');
        return exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** One line on stderr saying what to fix (never a secret), the details in the log, exit 1. */
async function fail(logger: Logger, scrubber: SecretScrubber, exit: (code: number) => Promise<never>, error: unknown): Promise<never> {
  if (error instanceof AppError) {
    logger.fatal({ code: error.code, err: error.cause }, error.message);
    process.stderr.write(`${scrubber.scrub(error.message)}\n`);
  } else {
    logger.fatal({ err: error }, 'could not start');
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${scrubber.scrub(`Could not start: ${message.split('\n', 1)[0]} (details in the log)`)}\n`);
  }
  return exit(1);
}

void main();
