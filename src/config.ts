// The environment, validated once at start into one frozen Config; a bad variable stops the bot with
// one line that names it and says what it expects, never its value.
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { DEFAULT_CHANNEL_INTERVAL_MS } from './slackRateLimits.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Background tasks at once (BACKGROUND_CONCURRENCY) while the event loop has room; one while it is
 * saturated (BackgroundWork.stepAside). Slots matter where tasks wait on something that does not give
 * its slot back (Slack's answers, the store on PostgreSQL): more of them finish a burst sooner. Under
 * saturation fixed slots cost the acks: on 2 vCPUs at 100 submissions a second, single bench runs
 * measured submission ack p99 of 106, 128 and 341 ms with 2, 4 and 8 fixed slots (3.1 s before the
 * queue), 56–163 ms over five runs with 4 stepping down to one (median of the full run: 93 ms).
 */
export const DEFAULT_BACKGROUND_CONCURRENCY = 4;

/**
 * Where the work after an ack runs: `worker`, a background thread of its own (src/background/), so
 * that no ack waits behind it; `inline`, the thread that acks (the design before issue 17, for a
 * deployment that wants one thread, and for tests that reach into the services with fakes).
 */
export const BACKGROUND_THREADS = ['worker', 'inline'] as const;
export type BackgroundThread = (typeof BACKGROUND_THREADS)[number];

/** `.env` files often hold `NAME=` for "unset"; treat empty strings as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

/** How a value was pasted wrong around its edges — quotes, a space, a tab, a line break — or undefined. */
export function pastingMistake(value: string): string | undefined {
  if (value.length >= 2 && /^(["'`]).*\1$/s.test(value)) return 'is wrapped in quotes: remove them (the value is used exactly as written)';
  const lead = /^\s/.exec(value)?.[0];
  const trail = /\s$/.exec(value)?.[0];
  if (lead === undefined && trail === undefined) return undefined;
  const where = [
    ...(lead === undefined ? [] : [`${whitespaceName(lead)} at its start`]),
    ...(trail === undefined ? [] : [`${whitespaceName(trail)} at its end`]),
  ];
  return `has ${where.join(' and ')}: remove ${where.length > 1 ? 'them' : 'it'} (the value is used exactly as written)`;
}

function whitespaceName(char: string): string {
  if (char === ' ') return 'a space';
  if (char === '\t') return 'a tab';
  if (char === '\n' || char === '\r') return 'a line break';
  return 'invisible white space';
}

/**
 * A secret or identifier pasted from a web page or a file: a stray space, line break or pair of quotes
 * is told as such, before (and instead of) what its shape should be.
 */
const pasted = (schema: z.ZodType<string, string>, required?: string) =>
  z
    .string(required === undefined ? undefined : { error: required })
    .superRefine((value, ctx) => {
      const mistake = pastingMistake(value);
      if (mistake !== undefined) ctx.addIssue({ code: 'custom', message: mistake });
    })
    .pipe(schema);

// The message follows the variable's name (see loadConfig), so it does not repeat it.
const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const milliseconds = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int({ error: 'must be a whole number of milliseconds' })
    .min(min, { error: `must be at least ${min} ms` })
    .max(max, { error: `must be at most ${max} ms` });

const envSchema = z
  .object({
    SLACK_SIGNING_SECRET: pasted(
      z.string().min(1, { error: 'is required: the Signing Secret from your Slack app’s Basic Information page' }),
      'is required: the Signing Secret from your Slack app’s Basic Information page',
    ),
    SLACK_BOT_TOKEN: optional(
      pasted(z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, { error: 'must be a bot token starting with xoxb- (OAuth & Permissions)' })),
    ),
    SLACK_CLIENT_ID: optional(
      pasted(z.string().regex(/^\d+\.\d+$/, { error: 'must be the Client ID from Basic Information → App Credentials (digits, a dot, digits)' })),
    ),
    SLACK_CLIENT_SECRET: optional(
      pasted(z.string().regex(/^[A-Za-z0-9]{16,}$/, { error: 'must be the Client Secret from Basic Information → App Credentials (letters and digits)' })),
    ),
    SLACK_STATE_SECRET: optional(
      pasted(z.string().min(16, { error: 'must be at least 16 random characters (openssl rand -hex 16): it signs the install link’s state' })),
    ),
    SLACK_APP_TOKEN: optional(
      pasted(
        z.string().regex(/^xapp-[A-Za-z0-9-]+$/, {
          error: 'must be an app-level token starting with xapp- with the connections:write scope (Basic Information → App-Level Tokens)',
        }),
      ),
    ),
    SLACK_API_URL: optional(httpUrl()),
    PORT: optional(
      z.coerce
        .number({ error: 'must be a port number' })
        .int({ error: 'must be a whole number' })
        .min(0, { error: 'must be between 0 and 65535' })
        .max(65535, { error: 'must be between 0 and 65535' }),
    ),
    HOST: optional(z.string().min(1)),
    SIMPLISMART_API_URL: optional(httpUrl()),
    SIMPLISMART_TOKEN: optional(
      pasted(
        z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, {
          error: 'must be a Simplismart API token (a JWT: three dot-separated parts), without "Bearer"',
        }),
      ),
    ),
    SIMPLISMART_ORG: optional(pasted(z.guid({ error: 'must be your Simplismart organisation UUID' }))),
    SIMPLISMART_TIMEOUT_MS: optional(milliseconds(100, 300_000)),
    DATABASE_URL: optional(
      z.string().refine((v) => !/^(mysql|mariadb|mongodb|redis)/i.test(v), {
        error: 'must be postgres://… for PostgreSQL, or a file path (sqlite:./data/bot.db) for SQLite',
      }),
    ),
    ENCRYPTION_KEY: optional(
      z.string().refine((v) => decodeKey(v) !== undefined, {
        error: 'must be 32 random bytes, as 64 hex characters or base64 (openssl rand -base64 32)',
      }),
    ),
    DATA_DIR: optional(z.string().min(1)),
    LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
    SHUTDOWN_GRACE_MS: optional(milliseconds(0, 120_000)),
    BACKGROUND_CONCURRENCY: optional(
      z.coerce
        .number({ error: 'must be a number of tasks' })
        .int({ error: 'must be a whole number of tasks' })
        .min(1, { error: 'must be at least 1' })
        .max(256, { error: 'must be at most 256' }),
    ),
    BACKGROUND_THREAD: optional(z.enum(BACKGROUND_THREADS, { error: `must be one of ${BACKGROUND_THREADS.join(', ')}` })),
    SLACK_CHANNEL_INTERVAL_MS: optional(milliseconds(0, 60_000)),
    METRICS_TOKEN: optional(
      pasted(
        z.string().regex(/^[A-Za-z0-9._~+/-]{16,}=*$/, {
          error: 'must be at least 16 letters, digits or -._~+/ (openssl rand -hex 32): Prometheus sends it as "Authorization: Bearer <token>"',
        }),
      ),
    ),
  })
  .superRefine((env, ctx) => {
    installModeProblems(env, ctx);
    if ((env.SIMPLISMART_TOKEN === undefined) !== (env.SIMPLISMART_ORG === undefined)) {
      const missing = env.SIMPLISMART_TOKEN === undefined ? 'SIMPLISMART_TOKEN' : 'SIMPLISMART_ORG';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'is required together with its pair: the single-workspace fallback needs both SIMPLISMART_TOKEN and SIMPLISMART_ORG',
      });
    }
    const databaseUrl = typeof env.DATABASE_URL === 'string' ? env.DATABASE_URL : '';
    if (isPostgresUrl(databaseUrl) && env.ENCRYPTION_KEY === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ENCRYPTION_KEY'],
        message: 'is required with PostgreSQL: every replica must share the same key (openssl rand -base64 32)',
      });
    }
    // Also when another variable is missing: every problem is told in the one line, not one per start.
  }, { when: (payload) => typeof payload.value === 'object' && payload.value !== null });

const OAUTH_VARIABLES = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;
/** The variables of each way to run (exactly one set is given): one workspace's bot token, or the app's OAuth credentials. */
export const INSTALL_MODE_VARIABLES: Readonly<Record<SlackInstallMode['mode'], readonly string[]>> = { single: ['SLACK_BOT_TOKEN'], distributed: OAUTH_VARIABLES };
/** The single-workspace fallback (both or neither), refused when any workspace may install the app. */
export const FALLBACK_VARIABLES = ['SIMPLISMART_TOKEN', 'SIMPLISMART_ORG'] as const;
const OAUTH_WHAT: Record<(typeof OAUTH_VARIABLES)[number], string> = {
  SLACK_CLIENT_ID: 'the Client ID from Basic Information → App Credentials',
  SLACK_CLIENT_SECRET: 'the Client Secret from Basic Information → App Credentials',
  SLACK_STATE_SECRET: 'any 16 or more random characters (openssl rand -hex 16)',
};

/**
 * The two ways to run, told apart here: SLACK_BOT_TOKEN alone (one workspace), or the three OAuth
 * variables without it (any workspace installs the app). Neither, a mix, or part of the three is told
 * as one problem per variable, naming what to set instead.
 */
function installModeProblems(env: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const given = OAUTH_VARIABLES.filter((name) => env[name] !== undefined);
  const hasBotToken = env['SLACK_BOT_TOKEN'] !== undefined;
  if (hasBotToken && given.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['SLACK_BOT_TOKEN'],
      message: `cannot be set together with ${given.join(', ')}: set SLACK_BOT_TOKEN alone to run in one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET without it to let any workspace install the app`,
    });
    return;
  }
  if (!hasBotToken && given.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['SLACK_BOT_TOKEN'],
      message:
        'is required: the Bot User OAuth Token (xoxb-…) from OAuth & Permissions, to run in one workspace — or, to let any workspace install the app, set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET instead',
    });
    return;
  }
  if (hasBotToken) return;
  for (const name of OAUTH_VARIABLES.filter((n) => env[n] === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: `is required with ${given.join(' and ')} (the app installed through OAuth in any workspace): ${OAUTH_WHAT[name]}`,
    });
  }
  // A fallback token would let anyone who installs the app import with the operator's own token.
  for (const name of FALLBACK_VARIABLES.filter((n) => env[n] !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message:
        'is a single-workspace fallback and cannot be used when any workspace may install the app (SLACK_CLIENT_ID): each workspace connects its own token with /simplismart connect, so unset SIMPLISMART_TOKEN and SIMPLISMART_ORG',
    });
  }
}

/** Every variable the bot reads (`.env.example` lists each of them). */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/**
 * How the bot gets its Slack tokens: one workspace's bot token from the environment, or one per
 * workspace from Slack's OAuth install flow (GET /slack/install → /slack/oauth_redirect).
 */
export type SlackInstallMode =
  | { mode: 'single'; botToken: string }
  | { mode: 'distributed'; clientId: string; clientSecret: string; stateSecret: string };

export interface Config {
  slack: {
    signingSecret: string;
    install: SlackInstallMode;
    /** Set: Socket Mode. Unset: HTTP mode on `http.port`. */
    appToken: string | undefined;
    /** Base URL of Slack's Web API, ending in `/` (GovSlack, tests). */
    apiUrl: string | undefined;
    /** Least time between two messages the bot posts to one channel (Slack takes about one a second); 0: not paced. */
    channelIntervalMs: number;
  };
  http: { port: number; host: string };
  simplismart: {
    apiUrl: string;
    timeoutMs: number;
    /** Single-workspace fallback for workspaces without their own connection. */
    fallback: { token: string; orgId: string } | undefined;
  };
  database: { url: string; engine: 'sqlite' | 'postgres' };
  /** 32-byte AES key; undefined on SQLite means "generate or read one in dataDir". */
  encryptionKey: Buffer | undefined;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  shutdownGraceMs: number;
  /** How many background tasks (imports, thread posts, Home refreshes) run at once; the rest wait in order. */
  backgroundConcurrency: number;
  /** Where the work after an ack runs (see BACKGROUND_THREADS). */
  backgroundThread: BackgroundThread;
  /** GET /metrics: the bearer token it requires, or undefined to answer anyone who reaches PORT. */
  metrics: { token: string | undefined };
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Accepts 64 hex characters or base64/base64url of exactly 32 bytes. */
export function decodeKey(value: string): Buffer | undefined {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const key = Buffer.from(v, v.includes('-') || v.includes('_') ? 'base64url' : 'base64');
    if (key.length === 32) return key;
  }
  return undefined;
}

/**
 * The key as it could be written: every encoding decodeKey accepts (hex in either case, base64 with or
 * without its padding, base64url), so the log scrubber knows it however it was configured.
 */
export function keyForms(key: Buffer): string[] {
  const hex = key.toString('hex');
  const base64 = key.toString('base64');
  return [...new Set([hex, hex.toUpperCase(), base64, base64.replace(/=+$/, ''), key.toString('base64url')])];
}

/** Validates `env` (process.env by default) into a Config, or throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      // zod's own message for a missing string says "expected string"; ours says what to set.
      return `${name} ${issue.message}`;
    });
    throw new ConfigError(`Configuration error: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const dataDir = e.DATA_DIR ?? './data';
  const databaseUrl = e.DATABASE_URL ?? `sqlite:${dataDir.replace(/\/$/, '')}/simplismart-slack.db`;
  const apiUrl = e.SLACK_API_URL === undefined ? undefined : e.SLACK_API_URL.replace(/\/?$/, '/');
  const config: Config = {
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      install: installMode(e),
      appToken: e.SLACK_APP_TOKEN,
      apiUrl,
      channelIntervalMs: e.SLACK_CHANNEL_INTERVAL_MS ?? DEFAULT_CHANNEL_INTERVAL_MS,
    },
    http: { port: e.PORT ?? 3000, host: e.HOST ?? '0.0.0.0' },
    simplismart: {
      apiUrl: (e.SIMPLISMART_API_URL ?? 'https://api.app.simplismart.ai').replace(/\/+$/, ''),
      timeoutMs: e.SIMPLISMART_TIMEOUT_MS ?? 30_000,
      fallback:
        e.SIMPLISMART_TOKEN !== undefined && e.SIMPLISMART_ORG !== undefined
          ? { token: e.SIMPLISMART_TOKEN, orgId: e.SIMPLISMART_ORG }
          : undefined,
    },
    database: { url: databaseUrl, engine: isPostgresUrl(databaseUrl) ? 'postgres' : 'sqlite' },
    encryptionKey: e.ENCRYPTION_KEY === undefined ? undefined : decodeKey(e.ENCRYPTION_KEY),
    dataDir,
    logLevel: e.LOG_LEVEL ?? 'info',
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS ?? 15_000,
    backgroundConcurrency: e.BACKGROUND_CONCURRENCY ?? DEFAULT_BACKGROUND_CONCURRENCY,
    backgroundThread: e.BACKGROUND_THREAD ?? 'worker',
    metrics: { token: e.METRICS_TOKEN },
  };
  return Object.freeze(config);
}

/** The install mode the (already checked) variables describe. */
function installMode(e: { SLACK_BOT_TOKEN?: string | undefined; SLACK_CLIENT_ID?: string | undefined; SLACK_CLIENT_SECRET?: string | undefined; SLACK_STATE_SECRET?: string | undefined }): SlackInstallMode {
  if (e.SLACK_BOT_TOKEN !== undefined) return { mode: 'single', botToken: e.SLACK_BOT_TOKEN };
  if (e.SLACK_CLIENT_ID === undefined || e.SLACK_CLIENT_SECRET === undefined || e.SLACK_STATE_SECRET === undefined) {
    throw new Error('installMode: the schema lets no other combination through');
  }
  return { mode: 'distributed', clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET };
}

/** Every secret the config holds, for the log scrubber. */
export function configSecrets(config: Config): string[] {
  const { install } = config.slack;
  const secrets = [config.slack.signingSecret, ...(install.mode === 'single' ? [install.botToken] : [install.clientSecret, install.stateSecret])];
  if (config.slack.appToken !== undefined) secrets.push(config.slack.appToken);
  if (config.simplismart.fallback !== undefined) secrets.push(config.simplismart.fallback.token);
  if (config.metrics.token !== undefined) secrets.push(config.metrics.token);
  if (config.encryptionKey !== undefined) secrets.push(...keyForms(config.encryptionKey));
  const password = passwordOf(config.database.url);
  if (password !== undefined) secrets.push(password);
  return secrets;
}

function passwordOf(url: string): string | undefined {
  if (!isPostgresUrl(url)) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}
