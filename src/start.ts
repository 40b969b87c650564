// The process: read configuration, open and migrate the store, start the bot, and on SIGTERM stop
// taking work, let in-flight imports finish (bounded), close the store and exit 0. Loaded by main.ts
// once the Node.js version is known to be new enough.
import { config as loadDotenv } from 'dotenv';
import { startBot } from './app.js';
import { configSecrets, loadConfig, type Config } from './config.js';
import { AppError, ConfigError } from './errors.js';
import { createLogger, SecretScrubber, type Logger } from './logger.js';
import { resolveEncryptionKey } from './secrets/encryptionKey.js';
import { openStore } from './store/openStore.js';

async function main(): Promise<void> {
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
  scrubber.add(...configSecrets(config));
  const logger = createLogger({ level: config.logLevel, scrubber });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  try {
    const { key, source } = await resolveEncryptionKey(config);
    scrubber.add(key.toString('hex'), key.toString('base64'), key.toString('base64url'));
    if (source === 'generated') logger.warn({ dataDir: config.dataDir }, 'generated a new token encryption key in the data folder; back it up with the database');
    const store = await openStore(config.database.url, {
      onError: (error) => logger.warn({ err: error }, 'database connection error (it reconnects on the next query)'),
    });
    await store.migrate();
    const bot = await startBot({ config, logger, scrubber, store, encryptionKey: key });
    onStopSignal(logger, async () => {
      await bot.stop();
      await store.close();
    });
  } catch (error) {
    fail(logger, error);
  }
}

function onStopSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stop requested');
    stop().then(
      () => {
        logger.info('stopped cleanly');
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => fail(logger, error),
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

function fail(logger: Logger, error: unknown): never {
  if (error instanceof AppError) {
    logger.fatal({ code: error.code, err: error.cause }, error.message);
    process.stderr.write(`${error.message}\n`);
  } else {
    logger.fatal({ err: error }, 'could not start');
  }
  logger.flush();
  process.exit(1);
}

void main();
