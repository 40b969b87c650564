// The environment, validated once at start into one frozen Config; a bad variable stops the bot with
// one line that names it and says what it expects, never its value.
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { DEFAULT_CHANNEL_INTERVAL_MS } from '../slack/rateLimits.js';

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
const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsUnset, schema.optional());
/** Unset (or blank): `value`. In the schema, so that the configuration reference (`npm run docs`) shows it. */
const withDefault = <T extends z.ZodType>(schema: T, value: z.util.NoUndefined<z.output<T>>) => z.preprocess(blankAsUnset, schema.default(value));

/**
 * What the configuration reference (docs/configuration.md, `npm run docs`) says of a variable: what it is
 * for, and what leaving it unset means when that is more than a default value.
 */
const doc = (description: string, unset?: string) => ({ description, ...(unset === undefined ? {} : { unset }) });

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
    ).meta(doc('Verifies every request from Slack: the Signing Secret from the app’s Basic Information page.')),
    SLACK_BOT_TOKEN: optional(
      pasted(z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, { error: 'must be a bot token starting with xoxb- (OAuth & Permissions)' })),
    ).meta(
      doc(
        'The Bot User OAuth Token (`xoxb-…`) to run in one workspace; checked with `auth.test` at start (given up after 10 s). Set this, or `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET` and `SLACK_STATE_SECRET` without it.',
        'the app is installed through OAuth instead',
      ),
    ),
    SLACK_CLIENT_ID: optional(
      pasted(z.string().regex(/^\d+\.\d+$/, { error: 'must be the Client ID from Basic Information → App Credentials (digits, a dot, digits)' })),
    ).meta(
      doc(
        'Instead of `SLACK_BOT_TOKEN`, with `SLACK_CLIENT_SECRET` and `SLACK_STATE_SECRET`: any workspace installs the app through `/slack/install`. The Client ID from Basic Information → App Credentials (checked at start).',
        'one workspace, on `SLACK_BOT_TOKEN`',
      ),
    ),
    SLACK_CLIENT_SECRET: optional(
      pasted(z.string().regex(/^[A-Za-z0-9]{16,}$/, { error: 'must be the Client Secret from Basic Information → App Credentials (letters and digits)' })),
    ).meta(doc('With `SLACK_CLIENT_ID`: the Client Secret from Basic Information → App Credentials (checked at start).', 'one workspace, on `SLACK_BOT_TOKEN`')),
    SLACK_STATE_SECRET: optional(
      pasted(z.string().min(16, { error: 'must be at least 16 random characters (openssl rand -hex 16): it signs the install link’s state' })),
    ).meta(doc('With `SLACK_CLIENT_ID`: 16 or more random characters (`openssl rand -hex 16`) that sign the install links’ state.', 'one workspace, on `SLACK_BOT_TOKEN`')),
    SLACK_APP_TOKEN: optional(
      pasted(
        z.string().regex(/^xapp-[A-Za-z0-9-]+$/, {
          error: 'must be an app-level token starting with xapp- with the connections:write scope (Basic Information → App-Level Tokens)',
        }),
      ),
    ).meta(doc('An app-level token (`xapp-…`, scope `connections:write`): set, the bot runs in Socket Mode.', 'HTTP mode: Slack sends requests to `/slack/events`')),
    SLACK_API_URL: optional(httpUrl()).meta(doc('Base URL of Slack’s Web API (GovSlack; the tests point it at a local server).', 'Slack’s own')),
    PORT: withDefault(
      z.coerce
        .number({ error: 'must be a port number' })
        .int({ error: 'must be a whole number' })
        .min(0, { error: 'must be between 0 and 65535' })
        .max(65535, { error: 'must be between 0 and 65535' }),
      3000,
    ).meta(
      doc(
        'Where the HTTP server listens, in both modes: `/healthz`, `/readyz`, `/metrics`; HTTP mode also `/slack/events`; with `SLACK_CLIENT_ID`, `/slack/install` and `/slack/oauth_redirect`.',
      ),
    ),
    HOST: withDefault(z.string().min(1), '0.0.0.0').meta(doc('The address the HTTP server listens on.')),
    SIMPLISMART_API_URL: withDefault(httpUrl(), 'https://api.app.simplismart.ai').meta(doc('Simplismart’s API.')),
    SIMPLISMART_TOKEN: optional(
      pasted(
        z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, {
          error: 'must be a Simplismart API token (a JWT: three dot-separated parts), without "Bearer"',
        }),
      ),
    ).meta(
      doc(
        'Single-workspace fallback token, for workspaces that have not run `/simplismart connect`. Set together with `SIMPLISMART_ORG` (both or neither); refused with `SLACK_CLIENT_ID`.',
        'each workspace connects its own token',
      ),
    ),
    SIMPLISMART_ORG: optional(pasted(z.guid({ error: 'must be your Simplismart organisation UUID' }))).meta(
      doc('The organisation UUID of the fallback token (`SIMPLISMART_TOKEN`).', 'no fallback'),
    ),
    SIMPLISMART_TIMEOUT_MS: withDefault(milliseconds(100, 300_000), 30_000).meta(
      doc('How long Simplismart may take to start answering a request, and then to finish its answer, before the outcome is "unknown".'),
    ),
    DATABASE_URL: optional(
      z.string().refine((v) => !/^(mysql|mariadb|mongodb|redis)/i.test(v), {
        error: 'must be postgres://… for PostgreSQL, or a file path (sqlite:./data/bot.db) for SQLite',
      }),
    ).meta(doc('`postgres://…` for PostgreSQL; `sqlite:<path>`, `file:<path>` or a path for SQLite.', '`sqlite:<DATA_DIR>/simplismart-slack.db`')),
    ENCRYPTION_KEY: optional(
      z.string().refine((v) => decodeKey(v) !== undefined, {
        error: 'must be 32 random bytes, as 64 hex characters or base64 (openssl rand -base64 32)',
      }),
    ).meta(
      doc(
        '32 bytes, base64 or hex (`openssl rand -base64 32`), encrypting stored tokens (AES-256-GCM). **Required with PostgreSQL** (every replica must share it).',
        'on SQLite, generated once into `DATA_DIR/encryption.key` (mode 0600): back it up with the database',
      ),
    ),
    DATA_DIR: withDefault(z.string().min(1), './data').meta(doc('The SQLite file and the generated key; created (owner-only) and checked writable at start.')),
    LOG_LEVEL: withDefault(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }), 'info').meta(
      doc('How much is logged, as JSON lines on stdout. If stdout’s reader goes away, lines are dropped (one note on stderr) and the bot carries on.'),
    ),
    SHUTDOWN_GRACE_MS: withDefault(milliseconds(0, 120_000), 15_000).meta(
      doc('On SIGTERM: stop taking work, let in-flight imports (and the queued work behind them) finish this long, close the store, exit 0. Work still queued then is resumed from the database at the next start.'),
    ),
    BACKGROUND_CONCURRENCY: withDefault(
      z.coerce
        .number({ error: 'must be a number of tasks' })
        .int({ error: 'must be a whole number of tasks' })
        .min(1, { error: 'must be at least 1' })
        .max(256, { error: 'must be at most 256' }),
      DEFAULT_BACKGROUND_CONCURRENCY,
    ).meta(
      doc(
        'How many tasks after an ack — imports, thread messages, card updates, Home refreshes — run at once while the process has CPU to spare; the rest wait in a queue. With `BACKGROUND_THREAD=inline`, while the event loop is saturated the bot uses one, whatever this says.',
      ),
    ),
    SLACK_CHANNEL_INTERVAL_MS: withDefault(milliseconds(0, 60_000), DEFAULT_CHANNEL_INTERVAL_MS).meta(
      doc(
        'Least time between two messages the bot posts to one channel: Slack takes about one a second per channel. `0` turns pacing off — only for a Slack that does not limit, as the tests’ and the bench’s local one.',
      ),
    ),
    BACKGROUND_THREAD: withDefault(z.enum(BACKGROUND_THREADS, { error: `must be one of ${BACKGROUND_THREADS.join(', ')}` }), 'worker').meta(
      doc(
        'Where the work after an ack runs: `worker`, a background thread of its own, so that no ack waits behind an import (docs/background-thread.md); `inline`, the thread that acks, as before (one thread; a saturated event loop steps the queue down to one slot).',
      ),
    ),
    METRICS_TOKEN: optional(
      pasted(
        z.string().regex(/^[A-Za-z0-9._~+/-]{16,}=*$/, {
          error: 'must be at least 16 letters, digits or -._~+/ (openssl rand -hex 32): Prometheus sends it as "Authorization: Bearer <token>"',
        }),
      ),
    ).meta(
      doc('The bearer token `GET /metrics` requires (16+ characters of letters, digits, `-._~+/`; `openssl rand -hex 32`). Never logged.', '`/metrics` answers anyone who reaches `PORT`'),
    ),
    POLICY_FILE: optional(z.string().min(1)).meta(
      doc(
        'The approval policy file (YAML, see [policy-file.md](policy-file.md)), which then decides approvals instead of the policy set in Slack. A file with problems stops the start; reloaded on SIGHUP and when it changes (a bad reload keeps the last good policy).',
        'the policy set in Slack (`/simplismart approvals`) decides',
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

/** Each variable's schema, for the configuration reference (`npm run docs`, src/cli/docsPages.ts). */
export const ENV_SCHEMA: Readonly<Record<string, z.ZodType>> = envSchema.shape;

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
  /**
   * The approval policy file (docs/policy-file.md): read at start (a file with problems stops the start),
   * reloaded on SIGHUP and when it changes. Undefined: the policy set in Slack decides, as before.
   */
  policyFile: string | undefined;
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
  const dataDir = e.DATA_DIR;
  const databaseUrl = e.DATABASE_URL ?? `sqlite:${dataDir.replace(/\/$/, '')}/simplismart-slack.db`;
  const apiUrl = e.SLACK_API_URL === undefined ? undefined : e.SLACK_API_URL.replace(/\/?$/, '/');
  const config: Config = {
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      install: installMode(e),
      appToken: e.SLACK_APP_TOKEN,
      apiUrl,
      channelIntervalMs: e.SLACK_CHANNEL_INTERVAL_MS,
    },
    http: { port: e.PORT, host: e.HOST },
    simplismart: {
      apiUrl: e.SIMPLISMART_API_URL.replace(/\/+$/, ''),
      timeoutMs: e.SIMPLISMART_TIMEOUT_MS,
      fallback:
        e.SIMPLISMART_TOKEN !== undefined && e.SIMPLISMART_ORG !== undefined
          ? { token: e.SIMPLISMART_TOKEN, orgId: e.SIMPLISMART_ORG }
          : undefined,
    },
    database: { url: databaseUrl, engine: isPostgresUrl(databaseUrl) ? 'postgres' : 'sqlite' },
    encryptionKey: e.ENCRYPTION_KEY === undefined ? undefined : decodeKey(e.ENCRYPTION_KEY),
    dataDir,
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    backgroundConcurrency: e.BACKGROUND_CONCURRENCY,
    backgroundThread: e.BACKGROUND_THREAD,
    metrics: { token: e.METRICS_TOKEN },
    policyFile: e.POLICY_FILE,
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
