// The environment, validated into one Config: defaults, one clear line per bad variable, no secret
// ever in a message, and `.env.example` in step with the schema.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { configSecrets, decodeKey, ENV_VARIABLES, keyForms, loadConfig } from '../../src/process/config.js';
import { ConfigError } from '../../src/errors.js';

// Distinctive values: if any of them shows up in an error message, a secret leaked.
const SIGNING_VALUE = 'signing-Zqx7-8f2b9c1d7e';
const BOT_TOKEN = 'xoxb-111-222-Zqx7bot9z8y7x';
const APP_TOKEN = 'xapp-1-A111-222-Zqx7app6w5v';
const SIMPLISMART_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJvcmciOiJ4In0.Zqx7jwtSignature4u3t';
const ORG = '54360212-2263-44c6-afaf-1333544854f7';
const KEY_HEX = 'a1'.repeat(32);
const DB_PASSWORD = 'pgZqx7pass2s1r';
const CLIENT_ID = '1234567890.9876543210';
const CLIENT_SECRET = 'Zqx7c0ffee0123456789abcdef012345';
const STATE_SECRET = 'Zqx7-state-secret-0123456789';
const METRICS_TOKEN = 'Zqx7-metrics-token-0123456789';
const SECRETS = [SIGNING_VALUE, BOT_TOKEN, APP_TOKEN, SIMPLISMART_TOKEN, KEY_HEX, DB_PASSWORD, CLIENT_SECRET, STATE_SECRET, METRICS_TOKEN, 'Zqx7'];

const base = { SLACK_SIGNING_SECRET: SIGNING_VALUE, SLACK_BOT_TOKEN: BOT_TOKEN };

/** The ConfigError's message for this environment (fails the test if the environment is accepted). */
function problem(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect((error as ConfigError).code).toBe('config_invalid');
    expect(message).not.toContain('\n');
    for (const secret of SECRETS) expect(message).not.toContain(secret);
    return message;
  }
  throw new Error(`expected a configuration error for ${JSON.stringify(Object.keys(env))}`);
}

/** The problems of a message, one per variable. */
function problems(env: NodeJS.ProcessEnv): string[] {
  return problem(env).replace(/^Configuration error: /, '').split('; ');
}

describe('defaults', () => {
  it('needs only the two Slack values', () => {
    const config = loadConfig(base);
    expect(config).toEqual({
      slack: { signingSecret: SIGNING_VALUE, install: { mode: 'single', botToken: BOT_TOKEN }, appToken: undefined, apiUrl: undefined, channelIntervalMs: 1000 },
      http: { port: 3000, host: '0.0.0.0' },
      simplismart: { apiUrl: 'https://api.app.simplismart.ai', timeoutMs: 30_000, fallback: undefined },
      database: { url: 'sqlite:./data/simplismart-slack.db', engine: 'sqlite' },
      encryptionKey: undefined,
      dataDir: './data',
      logLevel: 'info',
      shutdownGraceMs: 15_000,
      backgroundConcurrency: 4,
      backgroundThread: 'worker',
      metrics: { token: undefined },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats empty values (NAME= in .env) as unset', () => {
    const empty = Object.fromEntries(ENV_VARIABLES.filter((k) => !(k in base)).map((k) => [k, '']));
    expect(loadConfig({ ...base, ...empty })).toEqual(loadConfig(base));
  });

  it('puts the SQLite file under DATA_DIR', () => {
    const config = loadConfig({ ...base, DATA_DIR: '/var/lib/bot/' });
    expect(config.database).toEqual({ url: 'sqlite:/var/lib/bot/simplismart-slack.db', engine: 'sqlite' });
    expect(config.dataDir).toBe('/var/lib/bot/');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...base,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      PORT: '8080',
      HOST: '127.0.0.1',
      SIMPLISMART_API_URL: 'http://127.0.0.1:9998/',
      SIMPLISMART_TOKEN,
      SIMPLISMART_ORG: ORG,
      SIMPLISMART_TIMEOUT_MS: '5000',
      DATABASE_URL: `postgres://bot:${DB_PASSWORD}@db:5432/bot`,
      ENCRYPTION_KEY: KEY_HEX,
      DATA_DIR: '/data',
      LOG_LEVEL: 'debug',
      SHUTDOWN_GRACE_MS: '0',
      BACKGROUND_CONCURRENCY: '3',
      SLACK_CHANNEL_INTERVAL_MS: '0',
    });
    expect(config.slack).toEqual({ signingSecret: SIGNING_VALUE, install: { mode: 'single', botToken: BOT_TOKEN }, appToken: APP_TOKEN, apiUrl: 'http://127.0.0.1:9999/api/', channelIntervalMs: 0 });
    expect(config.http).toEqual({ port: 8080, host: '127.0.0.1' });
    expect(config.simplismart).toEqual({ apiUrl: 'http://127.0.0.1:9998', timeoutMs: 5000, fallback: { token: SIMPLISMART_TOKEN, orgId: ORG } });
    expect(config.database).toEqual({ url: `postgres://bot:${DB_PASSWORD}@db:5432/bot`, engine: 'postgres' });
    expect(config.encryptionKey).toEqual(Buffer.from(KEY_HEX, 'hex'));
    expect(config.logLevel).toBe('debug');
    expect(config.shutdownGraceMs).toBe(0);
    expect(config.backgroundConcurrency).toBe(3);
  });

  it('PORT 0 (any free port, for tests) is allowed', () => {
    expect(loadConfig({ ...base, PORT: '0' }).http.port).toBe(0);
  });
});

describe('one line per missing or malformed variable, naming it and what it expects', () => {
  it.each([
    ['SLACK_SIGNING_SECRET', { SLACK_SIGNING_SECRET: undefined }, /Signing Secret/],
    ['SLACK_SIGNING_SECRET', { SLACK_SIGNING_SECRET: '' }, /Signing Secret/],
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: undefined }, /xoxb-/],
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: 'xoxp-Zqx7-user-token' }, /starting with xoxb-/],
    ['SLACK_APP_TOKEN', { SLACK_APP_TOKEN: 'xoxb-Zqx7-not-app' }, /starting with xapp-/],
    ['SLACK_API_URL', { SLACK_API_URL: 'slack.com/api' }, /http\(s\) URL/],
    ['PORT', { PORT: 'eighty' }, /port number/],
    ['PORT', { PORT: '70000' }, /between 0 and 65535/],
    ['PORT', { PORT: '80.5' }, /whole number/],
    ['SIMPLISMART_API_URL', { SIMPLISMART_API_URL: 'ftp://api.app.simplismart.ai' }, /http\(s\) URL/],
    ['SIMPLISMART_TOKEN', { SIMPLISMART_TOKEN: 'Bearer Zqx7abc', SIMPLISMART_ORG: ORG }, /JWT/],
    ['SIMPLISMART_ORG', { SIMPLISMART_TOKEN, SIMPLISMART_ORG: 'my-org' }, /organisation UUID/],
    ['SIMPLISMART_TIMEOUT_MS', { SIMPLISMART_TIMEOUT_MS: '10' }, /at least 100 ms/],
    ['SIMPLISMART_TIMEOUT_MS', { SIMPLISMART_TIMEOUT_MS: 'soon' }, /number of milliseconds/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root:Zqx7@db/bot' }, /postgres:\/\//],
    ['ENCRYPTION_KEY', { ENCRYPTION_KEY: 'Zqx7-too-short' }, /32 random bytes/],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }, /one of fatal, error, warn, info, debug, trace, silent/],
    ['SHUTDOWN_GRACE_MS', { SHUTDOWN_GRACE_MS: '-1' }, /at least 0 ms/],
    ['BACKGROUND_CONCURRENCY', { BACKGROUND_CONCURRENCY: '0' }, /at least 1/],
    ['BACKGROUND_CONCURRENCY', { BACKGROUND_CONCURRENCY: 'many' }, /number of tasks/],
    ['BACKGROUND_CONCURRENCY', { BACKGROUND_CONCURRENCY: '2.5' }, /whole number of tasks/],
    ['BACKGROUND_THREAD', { BACKGROUND_THREAD: 'pool' }, /must be one of worker, inline/],
    ['SLACK_CHANNEL_INTERVAL_MS', { SLACK_CHANNEL_INTERVAL_MS: '-1' }, /at least 0 ms/],
    ['SLACK_CHANNEL_INTERVAL_MS', { SLACK_CHANNEL_INTERVAL_MS: '1s' }, /number of milliseconds/],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'Zqx7-short' }, /at least 16 letters, digits or -\._~\+\/ \(openssl rand -hex 32\)/],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'Zqx7 metrics token with spaces' }, /at least 16/],
    ['METRICS_TOKEN', { METRICS_TOKEN: `Bearer ${METRICS_TOKEN}` }, /at least 16/],
    ['METRICS_TOKEN', { METRICS_TOKEN: `${METRICS_TOKEN}\n` }, /a line break at its end/],
  ])('%s (%j)', (name, env, expects) => {
    const lines = problems({ ...base, ...env });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`${name} `)).toBe(true);
    expect(lines[0]).toMatch(expects);
  });

  it('with no environment at all, names both Slack values', () => {
    const lines = problems({});
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']);
  });

  it('every problem at once, each variable once, in one line', () => {
    const lines = problems({ SLACK_BOT_TOKEN: 'nope-Zqx7', PORT: 'x', LOG_LEVEL: 'loud', SIMPLISMART_TOKEN });
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT', 'SIMPLISMART_ORG', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  });

  it('the PostgreSQL key rule is reported next to a missing Slack value', () => {
    const lines = problems({ SLACK_BOT_TOKEN: BOT_TOKEN, DATABASE_URL: `postgres://u:${DB_PASSWORD}@h/db` });
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['ENCRYPTION_KEY', 'SLACK_SIGNING_SECRET']);
  });
});

describe('a secret or identifier pasted with something around it is told so, not that its shape is wrong', () => {
  const pasted: Array<[string, NodeJS.ProcessEnv, string]> = [
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: `${BOT_TOKEN} ` }, 'a space at its end'],
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: ` ${BOT_TOKEN}` }, 'a space at its start'],
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: `${BOT_TOKEN}\r` }, 'a line break at its end'], // a .env saved on Windows
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: `"${BOT_TOKEN}"` }, 'wrapped in quotes'], // docker --env-file keeps quotes
    ['SLACK_SIGNING_SECRET', { SLACK_SIGNING_SECRET: `${SIGNING_VALUE} ` }, 'a space at its end'],
    ['SLACK_SIGNING_SECRET', { SLACK_SIGNING_SECRET: `\t${SIGNING_VALUE}\n` }, 'a tab at its start and a line break at its end'],
    ['SLACK_APP_TOKEN', { SLACK_APP_TOKEN: `${APP_TOKEN} ` }, 'a space at its end'],
    ['SLACK_APP_TOKEN', { SLACK_APP_TOKEN: `'${APP_TOKEN}'` }, 'wrapped in quotes'],
    ['SIMPLISMART_TOKEN', { SIMPLISMART_TOKEN: `${SIMPLISMART_TOKEN}\n`, SIMPLISMART_ORG: ORG }, 'a line break at its end'],
    ['SIMPLISMART_ORG', { SIMPLISMART_TOKEN, SIMPLISMART_ORG: `${ORG} ` }, 'a space at its end'],
  ];

  it.each(pasted)('%s (%j)', (name, env, mistake) => {
    const lines = problems({ ...base, ...env });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`${name} `)).toBe(true);
    expect(lines[0]).toContain(mistake);
    expect(lines[0]).toMatch(/remove (it|them)/);
    // Not the shape message that would send someone looking for the wrong problem.
    expect(lines[0]).not.toMatch(/starting with|JWT|UUID|required/);
  });

  it('a signing secret with a trailing space would fail every signature silently: refused at start instead', () => {
    expect(() => loadConfig({ ...base, SLACK_SIGNING_SECRET: `${SIGNING_VALUE} ` })).toThrow(ConfigError);
  });

  it('ENCRYPTION_KEY keeps accepting surrounding white space: the key it decodes to is the same', () => {
    expect(loadConfig({ ...base, ENCRYPTION_KEY: ` ${KEY_HEX}\n` }).encryptionKey).toEqual(Buffer.from(KEY_HEX, 'hex'));
  });
});

describe('rules between variables', () => {
  it.each(['postgres://u:p@h/db', 'postgresql://u:p@h/db', 'POSTGRES://u:p@h/db'])('ENCRYPTION_KEY is required with %s', (url) => {
    expect(problems({ ...base, DATABASE_URL: url })).toEqual([expect.stringMatching(/^ENCRYPTION_KEY is required with PostgreSQL/)]);
    expect(loadConfig({ ...base, DATABASE_URL: url, ENCRYPTION_KEY: KEY_HEX }).database.engine).toBe('postgres');
  });

  it('ENCRYPTION_KEY is optional on SQLite', () => {
    expect(loadConfig({ ...base, DATABASE_URL: 'sqlite:./x.db' }).database).toEqual({ url: 'sqlite:./x.db', engine: 'sqlite' });
  });

  it('SIMPLISMART_TOKEN and SIMPLISMART_ORG only together', () => {
    expect(problems({ ...base, SIMPLISMART_TOKEN })).toEqual([expect.stringMatching(/^SIMPLISMART_ORG is required together with its pair/)]);
    expect(problems({ ...base, SIMPLISMART_ORG: ORG })).toEqual([expect.stringMatching(/^SIMPLISMART_TOKEN is required together with its pair/)]);
    expect(loadConfig({ ...base }).simplismart.fallback).toBeUndefined();
  });
});

describe('two ways to run: one workspace (SLACK_BOT_TOKEN) or any workspace (OAuth)', () => {
  const oauth = { SLACK_CLIENT_ID: CLIENT_ID, SLACK_CLIENT_SECRET: CLIENT_SECRET, SLACK_STATE_SECRET: STATE_SECRET };
  const signing = { SLACK_SIGNING_SECRET: SIGNING_VALUE };

  it('SLACK_BOT_TOKEN alone: one workspace', () => {
    expect(loadConfig(base).slack.install).toEqual({ mode: 'single', botToken: BOT_TOKEN });
  });

  it('the three OAuth variables without a bot token: any workspace installs the app', () => {
    expect(loadConfig({ ...signing, ...oauth }).slack.install).toEqual({ mode: 'distributed', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stateSecret: STATE_SECRET });
  });

  it('neither: one line names both ways', () => {
    const lines = problems(signing);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^SLACK_BOT_TOKEN is required: .*xoxb-.* — or, to let any workspace install the app, set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET instead/);
  });

  it('both: refused, naming what was mixed and the two ways', () => {
    const lines = problems({ ...base, SLACK_CLIENT_ID: CLIENT_ID });
    expect(lines).toEqual([expect.stringMatching(/^SLACK_BOT_TOKEN cannot be set together with SLACK_CLIENT_ID: set SLACK_BOT_TOKEN alone .* or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET without it/)]);
    expect(problems({ ...base, ...oauth })[0]).toMatch(/together with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET/);
  });

  it.each([
    ['SLACK_CLIENT_SECRET', { SLACK_CLIENT_ID: CLIENT_ID, SLACK_STATE_SECRET: STATE_SECRET }, /Client Secret/],
    ['SLACK_STATE_SECRET', { SLACK_CLIENT_ID: CLIENT_ID, SLACK_CLIENT_SECRET: CLIENT_SECRET }, /16 or more random characters/],
    ['SLACK_CLIENT_ID', { SLACK_CLIENT_SECRET: CLIENT_SECRET, SLACK_STATE_SECRET: STATE_SECRET }, /Client ID/],
  ])('part of the three: %s is named as missing, with what it is', (name, env, what) => {
    const lines = problems({ ...signing, ...env });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`${name} is required with `)).toBe(true);
    expect(lines[0]).toMatch(what);
  });

  it('two of the three missing: both named', () => {
    expect(problems({ ...signing, SLACK_CLIENT_ID: CLIENT_ID }).map((l) => l.split(' ')[0])).toEqual(['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET']);
  });

  it.each([
    ['SLACK_CLIENT_ID', { SLACK_CLIENT_ID: 'Zqx7-not-an-id' }, /Client ID/],
    ['SLACK_CLIENT_SECRET', { SLACK_CLIENT_SECRET: 'Zqx7 with spaces inside' }, /Client Secret/],
    ['SLACK_STATE_SECRET', { SLACK_STATE_SECRET: 'Zqx7short' }, /at least 16/],
    ['SLACK_CLIENT_SECRET', { SLACK_CLIENT_SECRET: `${CLIENT_SECRET} ` }, /a space at its end/],
  ])('a malformed %s is told as such', (name, env, expects) => {
    const lines = problems({ ...signing, ...oauth, ...env });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`${name} `)).toBe(true);
    expect(lines[0]).toMatch(expects);
  });

  it('the single-workspace Simplismart fallback is refused when any workspace may install the app', () => {
    const lines = problems({ ...signing, ...oauth, SIMPLISMART_TOKEN, SIMPLISMART_ORG: ORG });
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['SIMPLISMART_TOKEN', 'SIMPLISMART_ORG']);
    expect(lines[0]).toMatch(/single-workspace fallback .* each workspace connects its own token/);
  });

  it('the client and state secrets are secrets (scrubbed from logs); the client id is not', () => {
    const secrets = configSecrets(loadConfig({ ...signing, ...oauth }));
    expect(secrets).toEqual(expect.arrayContaining([SIGNING_VALUE, CLIENT_SECRET, STATE_SECRET]));
    expect(secrets).not.toContain(CLIENT_ID);
  });
});

describe('decodeKey', () => {
  const key = Buffer.alloc(32, 7);
  it('accepts 64 hex characters, base64 and base64url of 32 bytes', () => {
    expect(decodeKey(key.toString('hex'))).toEqual(key);
    expect(decodeKey(key.toString('base64'))).toEqual(key);
    expect(decodeKey(Buffer.alloc(32, 251).toString('base64url'))).toEqual(Buffer.alloc(32, 251));
    expect(decodeKey(`  ${key.toString('base64')}\n`)).toEqual(key);
  });

  it('keyForms gives the key in every encoding decodeKey accepts, so the log scrubber knows it however it was set', () => {
    const random = randomBytes(32);
    const forms = keyForms(random);
    expect(forms).toEqual(
      expect.arrayContaining([
        random.toString('hex'),
        random.toString('hex').toUpperCase(),
        random.toString('base64'),
        random.toString('base64').replace(/=+$/, ''),
        random.toString('base64url'),
      ]),
    );
    for (const form of forms) expect(decodeKey(form)).toEqual(random);
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'abc', 'a1'.repeat(31), 'a1'.repeat(33), Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64'), 'z'.repeat(64)]) {
      expect(decodeKey(bad)).toBeUndefined();
    }
  });
});

describe('configSecrets', () => {
  it('lists every secret the config holds, the database password included', () => {
    const config = loadConfig({
      ...base,
      SLACK_APP_TOKEN: APP_TOKEN,
      SIMPLISMART_TOKEN,
      SIMPLISMART_ORG: ORG,
      DATABASE_URL: `postgres://bot:${DB_PASSWORD}@db:5432/bot`,
      ENCRYPTION_KEY: KEY_HEX,
      METRICS_TOKEN,
    });
    expect(config.metrics.token).toBe(METRICS_TOKEN);
    expect(configSecrets(config)).toEqual(
      expect.arrayContaining([SIGNING_VALUE, BOT_TOKEN, APP_TOKEN, SIMPLISMART_TOKEN, KEY_HEX, Buffer.from(KEY_HEX, 'hex').toString('base64'), DB_PASSWORD, METRICS_TOKEN]),
    );
  });

  it('decodes a URL-encoded password', () => {
    const config = loadConfig({ ...base, DATABASE_URL: 'postgres://bot:p%40ss%2Fword@db/bot', ENCRYPTION_KEY: KEY_HEX });
    expect(configSecrets(config)).toContain('p@ss/word');
  });
});

describe('.env.example', () => {
  const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  const lines = example.split('\n');
  const listed = lines.map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1]).filter((v): v is string => v !== undefined);

  it('lists every variable the schema reads, and nothing else', () => {
    expect([...listed].sort()).toEqual([...ENV_VARIABLES].sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('comments every variable (a comment line right above it, or above its pair)', () => {
    listed.forEach((name) => {
      let i = lines.findIndex((l) => l.startsWith(`${name}=`)) - 1;
      while (i >= 0 && /^[A-Z][A-Z0-9_]*=/.test(lines[i]!)) i -= 1;
      expect([name, lines[i]?.startsWith('# ')]).toEqual([name, true]);
    });
  });

  it('holds no secret value, and its non-empty values are accepted', () => {
    const values = Object.fromEntries(
      lines.map((l) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null).map((m) => [m[1]!, m[2]!]),
    );
    for (const name of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SIMPLISMART_TOKEN', 'ENCRYPTION_KEY']) expect(values[name]).toBe('');
    expect(() => loadConfig({ ...values, ...base })).not.toThrow();
  });
});
