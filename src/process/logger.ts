// Logging: pino with redaction of secret-bearing fields, plus a last-line scrubber (secretScrubber.ts)
// that removes any known secret or token-shaped string from every line before it is written, whatever
// logged it.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { pino, type DestinationStream, type Logger } from 'pino';
import { LogSink } from './logSink.js';
import type { SecretScrubber } from './secretScrubber.js';

export type { Logger } from 'pino';
// Where callers have always found it.
export { SecretScrubber } from './secretScrubber.js';

export interface LoggerOptions {
  level: string;
  scrubber: SecretScrubber;
  /** Where lines go; stdout (a LogSink) by default. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

const REDACT_PATHS = [
  'token',
  '*.token',
  'apiToken',
  '*.apiToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
  'kubeconfig',
  '*.kubeconfig',
  '*.*.kubeconfig',
  'encryptionKey',
  '*.encryptionKey',
  'signingSecret',
  '*.signingSecret',
];

/** Fields whose value is a secret wherever they sit (the paths above only reach a few levels down). */
const SECRET_FIELDS = new Set(['token', 'apitoken', 'authorization', 'kubeconfig', 'encryptionkey', 'signingsecret']);
const SECRET_FIELD_IN_LINE = /"(?:token|apiToken|authorization|kubeconfig|encryptionKey|signingSecret)"\s*:/i;

/** A JSON log line with every secret field replaced, at any depth (errors' own properties included). */
function redactSecretFields(line: string): string {
  if (!SECRET_FIELD_IN_LINE.test(line)) return line;
  try {
    return `${JSON.stringify(redactDeep(JSON.parse(line)))}\n`;
  } catch {
    return line;
  }
}

function redactDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDeep);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, SECRET_FIELDS.has(key.toLowerCase()) ? '[REDACTED]' : redactDeep(v)]),
  );
}

export function createLogger(options: LoggerOptions): Logger {
  const { scrubber } = options;
  return pino(
    {
      level: options.level,
      base: { service: 'simplismart-slack' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: { streamWrite: (line) => scrubber.scrub(redactSecretFields(line)) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    options.destination ?? new LogSink(),
  );
}

/**
 * Writes lines another logger made (the background thread's: already redacted and scrubbed) where
 * `logger` writes its own, in their order.
 */
export function rawWriter(logger: Logger): (line: string) => void {
  const stream = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  if (stream === undefined) throw new Error('rawWriter: the logger has no stream');
  return (line) => stream.write(line);
}

/** Bolt and the Slack SDK log through this, so their lines get the same redaction as ours. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const line = (parts: unknown[]) =>
    parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : safeJson(p))).join(' ');
  // Bolt and the Web API client log on every request; build the line only when it will be written.
  return {
    debug: (...msg: unknown[]) => {
      if (child.isLevelEnabled('debug')) child.debug(line(msg));
    },
    info: (...msg: unknown[]) => {
      if (child.isLevelEnabled('info')) child.info(line(msg));
    },
    warn: (...msg: unknown[]) => child.warn(line(msg)),
    error: (...msg: unknown[]) => {
      const err = msg.find((m): m is Error => m instanceof Error);
      child.error(err === undefined ? {} : { err }, line(msg));
    },
    setLevel: () => undefined,
    getLevel: () => {
      const level = child.level;
      if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
      if (level === 'warn') return LogLevel.WARN;
      if (level === 'error' || level === 'fatal' || level === 'silent') return LogLevel.ERROR;
      return LogLevel.INFO;
    },
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
