// Logging: pino with redaction of secret-bearing fields, plus a last-line scrubber that removes any
// known secret or token-shaped string from every line before it is written, whatever logged it.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { pino, type DestinationStream, type Logger } from 'pino';
import { TOKEN_SHAPES } from './domain/redact.js';
import { LogSink } from './logSink.js';

export type { Logger } from 'pino';

/**
 * Workspaces' secrets the scrubber holds at once: about three per workspace (bot token, refresh
 * token, Simplismart token), so the last thousand or so workspaces at work — as many as the token
 * cache holds (src/services/botTokens.ts) — for half a megabyte at most.
 */
const RECENT_SECRETS_MAX = 4096;

/** Short strings would censor ordinary words; real secrets here are all long. */
function isSecretLike(secret: string | undefined): secret is string {
  return secret !== undefined && secret.length >= 8;
}

/**
 * Known secret values are replaced wherever they appear: the process's own (signing secret, encryption
 * key…, `keep`) for its life, and the workspaces' (Slack and Simplismart tokens, `add`ed as they are
 * decrypted or received) while they are recent — with token rotation each refresh brings two new ones.
 */
export class SecretScrubber {
  /** The process's own secrets: a handful, from the configuration; kept for the life of the process. */
  private readonly kept = new Set<string>();
  /**
   * Workspaces' secrets; bound: `maxRecent`; eviction: the least recently added first (adding one again
   * moves it last: a token in use is added at each decryption). One dropped is a token not decrypted
   * lately; Slack tokens and JWTs are still caught by their shapes below.
   */
  private readonly recent = new Set<string>();

  constructor(private readonly maxRecent = RECENT_SECRETS_MAX) {}

  /** The process's own secrets, replaced for as long as it runs. */
  keep(...secrets: Array<string | undefined>): void {
    for (const secret of secrets) if (isSecretLike(secret)) this.kept.add(secret);
  }

  /** A workspace's secret, now in memory in clear: replaced while it is among the most recently added. */
  add(...secrets: Array<string | undefined>): void {
    for (const secret of secrets) {
      if (!isSecretLike(secret) || this.kept.has(secret)) continue;
      this.recent.delete(secret);
      this.recent.add(secret);
      if (this.recent.size > this.maxRecent) this.recent.delete(this.recent.values().next().value!);
    }
  }

  scrub(text: string): string {
    let out = text;
    for (const secrets of [this.kept, this.recent]) {
      for (const secret of secrets) {
        if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
      }
    }
    for (const pattern of TOKEN_SHAPES) {
      pattern.lastIndex = 0;
      if (pattern.test(out)) {
        pattern.lastIndex = 0;
        out = out.replace(pattern, '[REDACTED]');
      }
    }
    return out;
  }
}

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
