// One bot of a test world (world.ts starts them): the real bot in-process (HTTP mode, real Bolt, real
// store) on the local Slack and Simplismart, every log line captured, audited for secrets when it
// stops; and the steps most tests take (run a command, open and submit the import form, wait).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startBot, type RunningBot } from '../../src/app.js';
import { configSecrets, loadConfig, type Config } from '../../src/process/config.js';
import type { HttpLimits } from '../../src/http/server.js';
import { createLogger, SecretScrubber } from '../../src/process/logger.js';
import { SharedClock } from '../../src/services/clock.js';
import type { Services } from '../../src/services/index.js';
import { openSqlDriver, openStore } from '../../src/store/openStore.js';
import type { SqlParams } from '../../src/store/sqlDriver.js';
import type { Store } from '../../src/store/store.js';
import { FAKE_KUBECONFIG_SECRET, type FakeSimplismart } from './fakeSimplismart.js';
import type { FakeSlack } from './fakeSlack.js';
import type { ImportRequest } from '../../src/domain/importRequest.js';
import { ADMIN, ALICE, CHANNEL, HOSTED_ZONE, SECRET_ID, T0, TEAM, validImportValues } from './fixtures.js';
import { fillModal, type FillValue } from './modalState.js';
import { executionTokenSecrets, findLeaks, secretForms, type Secret } from './secretsAudit.js';
import { blockActions, newViewHash, newViewId, postToBot, slashCommand, viewSubmission, type BotResponse, type SlackRequest } from './slackRequests.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON as the local Slack holds it. */
type Json = any;

export const SIGNING_SECRET = 'test-signing-secret-4f9a1c7e2b8d';
export const BOT_TOKEN = 'xoxb-1111111111-2222222222-testbottokenvalue';
/** Random per test file: a key of one repeated byte would hide a leak of part of it, or match by chance. */
export const ENCRYPTION_KEY = randomBytes(32).toString('base64');

/** Time that tests move by hand; shared with the bot's background thread (SharedClock). */
export class ManualClock extends SharedClock {
  constructor(current = T0) {
    super();
    this.set(current, false);
  }
  advance(ms: number): void {
    this.set(this.offset + ms, false);
  }
}

/** Real time, for tests where leases must lapse as they do in production; `advance` moves it ahead. */
export class WallClock extends ManualClock {
  constructor() {
    super(0);
    this.set(0, true);
  }
  override advance(ms: number): void {
    this.set(this.offset + ms, true);
  }
}

/** The background thread as jest's globalSetup built it (test/support/buildWorker.js): a worker thread runs plain Node, not ts-jest. */
export const WORKER_ENTRY = new URL('../../.jest-build/dist/background/worker.js', import.meta.url);

export interface TestBot {
  url: string;
  services: Services;
  /** The bot's background thread, or undefined when its post-ack work runs inline (BACKGROUND_THREAD). */
  backgroundThread: RunningBot['backgroundThread'];
  store: Store;
  config: Readonly<Config>;
  clock: ManualClock;
  /** Every log line written, as emitted (after redaction). */
  logs: string[];
  /** Every answer the bot gave to a request sent through `send` (status and body). */
  answers: string[];
  /**
   * Stops the bot (the store too unless it was passed in), then audits everything it logged, sent to
   * the local Slack, answered to Slack's requests and sent to the local Simplismart: any secret in them
   * fails the test that stops it. Once stopped, stop() answers as it did the first time.
   */
  stop(): Promise<void>;
  /** Log lines from line `from` on at error level or above (pino: 50 error, 60 fatal). */
  failures(from?: number): string[];
  /** The secrets audit so far: one line per secret found in the logs, the calls to Slack or the answers. */
  leaks(): string[];
  /** Simplismart tokens this bot was given (connectWorkspace, or any JWT sent through `send`), for the audit. */
  readonly tokens: Set<string>;
  send(request: SlackRequest | string, options?: { signature?: string; timestamp?: number }): Promise<BotResponse>;
  /** Reads POLICY_FILE again, as SIGHUP does (RunningBot.reloadPolicy). */
  reloadPolicy(trigger?: string): boolean;
  /** A browser's GET of one of the bot's pages (the install page, the OAuth redirect): not followed, answer audited. */
  browse(pathOrUrl: string, options?: { cookie?: string }): Promise<{ status: number; text: string; headers: Headers }>;
}

export interface TestBotOptions {
  slack: FakeSlack;
  simplismart: FakeSimplismart;
  /** Default: a fresh SQLite file. */
  databaseUrl?: string;
  /** A store shared with another bot (several replicas on one database). */
  store?: Store;
  env?: Record<string, string>;
  clock?: ManualClock;
  sweepIntervalMs?: number;
  /** The HTTP server's timeouts and caps (shortened by tests that wait for them). */
  httpLimits?: Partial<HttpLimits>;
}

export async function startTestBot(options: TestBotOptions): Promise<TestBot> {
  let tempDir: string | undefined;
  let databaseUrl = options.databaseUrl;
  if (databaseUrl === undefined && options.store === undefined) {
    tempDir = mkdtempSync(join(tmpdir(), 'ss-bot-'));
    databaseUrl = `sqlite:${join(tempDir, 'bot.db')}`;
  }
  const config = loadConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: options.slack.apiUrl,
    SIMPLISMART_API_URL: options.simplismart.url,
    SIMPLISMART_TIMEOUT_MS: '1500',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl ?? 'postgres://shared-store-unused',
    ENCRYPTION_KEY,
    DATA_DIR: tempDir ?? tmpdir(),
    LOG_LEVEL: 'debug',
    SHUTDOWN_GRACE_MS: '5000',
    // The local Slack takes any number of messages a second: tests do not wait for a channel's turn
    // unless they say so (test/e2e/slackRateLimits.test.ts keeps Slack's one a second).
    SLACK_CHANNEL_INTERVAL_MS: '0',
    // Post-ack work in the background thread, as in production, whenever it can open the database
    // itself; a bot given only another's store object runs it inline. BACKGROUND_THREAD in the tests'
    // environment overrides (BACKGROUND_THREAD=inline npm test runs every test the old way).
    BACKGROUND_THREAD: process.env.BACKGROUND_THREAD ?? (databaseUrl === undefined ? 'inline' : 'worker'),
    ...options.env,
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      callback();
    },
  });
  const scrubber = new SecretScrubber();
  scrubber.pin(...configSecrets(config));
  const logger = createLogger({ level: config.logLevel, scrubber, destination });
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore(config.database.url));
  if (ownsStore) await store.migrate();
  const clock = options.clock ?? new ManualClock();
  let bot: RunningBot;
  try {
    bot = await startBot({
      config,
      logger,
      scrubber,
      store,
      encryptionKey: Buffer.from(ENCRYPTION_KEY, 'base64'),
      clock,
      sweepIntervalMs: options.sweepIntervalMs ?? 60_000,
      workerEntry: WORKER_ENTRY,
      ...(options.httpLimits === undefined ? {} : { httpLimits: options.httpLimits }),
      policyDebounceMs: 50,
    });
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }
  const answers: string[] = [];
  const tokens = new Set<string>();
  let stopping: Promise<void> | undefined;
  const leaks = (): string[] => {
    const secrets: Secret[] = [
      ...secretForms('the signing secret', SIGNING_SECRET),
      ...secretForms('the bot token', BOT_TOKEN),
      ...secretForms('ENCRYPTION_KEY', ENCRYPTION_KEY),
      ...secretForms('the kubeconfig token', FAKE_KUBECONFIG_SECRET),
      ...[...configSecrets(config)].flatMap((value) => secretForms('a configured secret', value)),
      ...[...tokens, ...options.simplismart.everyToken()].flatMap((value) => secretForms('a Simplismart token', value)),
      ...options.slack.issuedTokens().flatMap((value) => secretForms('a Slack token an install was issued', value)),
      ...executionTokenSecrets(options.slack.executionTokens()),
    ];
    return findLeaks(
      [
        { where: 'the logs', texts: logs },
        { where: 'a call to Slack', texts: options.slack.transcript },
        { where: 'an answer to Slack', texts: answers },
        { where: 'a request to Simplismart', texts: options.simplismart.transcript },
      ],
      secrets,
    );
  };
  return {
    url: bot.url,
    services: bot.services,
    backgroundThread: bot.backgroundThread,
    store,
    config,
    clock,
    logs,
    answers,
    tokens,
    stop: () =>
      (stopping ??= (async () => {
        await bot.stop();
        if (ownsStore) await store.close();
        if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
        const found = leaks();
        if (found.length > 0) throw new Error(`Secrets leaked:\n${found.slice(0, 10).join('\n')}`);
      })()),
    leaks,
    reloadPolicy: (trigger = 'test') => bot.reloadPolicy(trigger),
    failures: (from = 0) => logs.slice(from).filter((line) => /"level":(5\d|6\d)/.test(line)),
    browse: async (pathOrUrl, o = {}) => {
      const response = await fetch(new URL(pathOrUrl, bot.url), {
        redirect: 'manual',
        headers: o.cookie === undefined ? {} : { cookie: o.cookie },
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      answers.push(`${response.status} ${text}`);
      return { status: response.status, text, headers: response.headers };
    },
    send: async (request, o = {}) => {
      // Any JWT a test types into Slack, and whatever is pasted into the connect form's token field
      // (valid or not, JWT or not), joins the audit.
      const typed = typeof request === 'string' ? request : JSON.stringify(request.payload);
      for (const jwt of typed.match(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g) ?? []) tokens.add(jwt);
      if (typeof request !== 'string') {
        const field = (request.payload as { view?: { state?: { values?: Record<string, Record<string, { value?: unknown }>> } } }).view?.state?.values?.['connect_token'];
        for (const input of Object.values(field ?? {})) if (typeof input.value === 'string' && input.value.trim().length >= 8) tokens.add(input.value.trim());
      }
      const response = await postToBot(bot.url, request, { signingSecret: SIGNING_SECRET, ...o });
      answers.push(`${response.status} ${response.text}`);
      return response;
    },
  };
}

/** Connects a workspace the way an admin would, minus the form: straight through the service. */
export async function connectWorkspace(bot: TestBot, teamId: string, token: string, orgId: string, enterpriseId: string | null = null): Promise<void> {
  bot.tokens.add(token);
  await bot.services.connections.connect(
    { teamId, enterpriseId },
    { token, orgId, defaultHostedZone: HOSTED_ZONE, defaultSecretId: SECRET_ID },
    ADMIN,
    bot.clock.now(),
  );
}

/** A modal as Slack holds it once opened (views.open/update answers, `view` in payloads): with its id and hash. */
export interface View {
  id: string;
  hash: string;
  blocks: Json[];
  private_metadata: string;
  [key: string]: unknown;
}

/** A modal the bot rendered, as Slack would hold it once opened (a new id and hash). */
export function asView(rendered: object): View {
  return { blocks: [], private_metadata: '', ...rendered, id: newViewId(), hash: newViewHash() };
}

/**
 * Runs `/simplismart import` and returns the modal the bot opened (as the local Slack holds it, with
 * its id and hash).
 */
export async function openImportModal(
  bot: TestBot,
  slack: FakeSlack,
  who: { teamId?: string; userId?: string; channelId?: string; text?: string } = {},
): Promise<View> {
  return openModalByCommand(bot, slack, `import ${who.text ?? ''}`.trim(), who);
}

/** Runs `/simplismart <text>` and returns the modal it opened, as the local Slack holds it. */
export async function openModalByCommand(bot: TestBot, slack: FakeSlack, text: string, who: { teamId?: string; userId?: string; channelId?: string } = {}): Promise<View> {
  const before = slack.callsTo('views.open').length;
  expect((await runCommand(bot, text, who)).status).toBe(200);
  const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= before);
  return slack.view(call.response.view.id) as View;
}

/**
 * `userId` runs `/simplismart import` in TEAM and submits a valid form for cluster `name`, in a workspace
 * that requires approval; resolves with the request once its approval card is posted (the clock a second on).
 */
export async function submitAndWaitForCard(bot: TestBot, slack: FakeSlack, o: { userId: string; name: string }): Promise<ImportRequest> {
  const view = await openImportModal(bot, slack, { userId: o.userId, text: 'provider=aws' });
  const response = await submitModal(bot, view, validImportValues({ cluster_region: 'us-west-2', cluster_name: o.name }), { userId: o.userId });
  expect(response.json).toMatchObject({ response_action: 'update' });
  bot.clock.advance(1000);
  let request: ImportRequest | undefined;
  await eventually(async () => {
    request = (await bot.store.listRequests(TEAM, 100)).find((r) => r.sourceKey === view.id);
    expect(request?.cards).toHaveLength(1);
  });
  return request!;
}

/** Clicks button `actionId` of a message the bot posted (as the local Slack holds it) and returns the modal it opened. */
export async function clickToOpen(bot: TestBot, slack: FakeSlack, message: Json, actionId: string, who: { teamId?: string; userId?: string } = {}): Promise<View> {
  const before = slack.callsTo('views.open').length;
  const { blockId } = findButton(message.blocks, actionId);
  const response = await bot.send(
    blockActions({ teamId: who.teamId ?? TEAM, userId: who.userId ?? ALICE, actionId, blockId, message, channelId: message.channel, responseUrl: slack.responseUrl() }),
  );
  expect(response.status).toBe(200);
  const call = await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= before);
  expect(call.response.ok).toBe(true);
  return slack.view(call.response.view.id) as View;
}

/** Changes the open modal with a `block_actions` of `actionId` in `blockId` (a button, or a menu given `value`) and returns it as updated. */
export async function changeModal(bot: TestBot, slack: FakeSlack, view: View, blockId: string, actionId: string, values: Record<string, FillValue> = {}, value?: FillValue): Promise<View> {
  const before = slack.callsTo('views.update').length;
  const response = await bot.send(blockActions({ teamId: TEAM, userId: ALICE, actionId, blockId, view, stateValues: fillModal(view, values), ...(value === undefined ? {} : { value }) }));
  expect(response.status).toBe(200);
  const call = await slack.waitFor('views.update', (c) => slack.callsTo('views.update').indexOf(c) >= before);
  expect(call.response.ok).toBe(true);
  return slack.view(view.id) as View;
}

/** Submits a modal filled with `values` (on top of what it holds) and returns the bot's answer. */
export async function submitModal(
  bot: TestBot,
  view: Record<string, unknown>,
  values: Record<string, FillValue>,
  who: { teamId?: string; userId?: string; enterpriseId?: string; orgWide?: boolean } = {},
): Promise<BotResponse> {
  return bot.send(
    viewSubmission({
      teamId: who.teamId ?? TEAM,
      userId: who.userId ?? ALICE,
      ...(who.enterpriseId === undefined ? {} : { enterpriseId: who.enterpriseId }),
      ...(who.orgWide === undefined ? {} : { orgWide: who.orgWide }),
      view,
      stateValues: fillModal(view, values),
    }),
  );
}

export function findButton(blocks: unknown[], actionId: string): { blockId: string; value: string | undefined } {
  for (const block of blocks as Array<{ block_id?: string; elements?: Array<{ action_id?: string; value?: string }>; accessory?: { action_id?: string; value?: string } }>) {
    for (const element of [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])]) {
      if (element.action_id === actionId) return { blockId: block.block_id ?? '', value: element.value };
    }
  }
  throw new Error(`no button ${actionId} in ${JSON.stringify(blocks).slice(0, 400)}`);
}

/** A message's text and blocks, as one string to search. */
export function textOf(message: Json): string {
  return `${String(message?.text ?? '')}\n${JSON.stringify(message?.blocks ?? [])}`;
}

/** Gives work launched after an ack a moment to show itself, before asserting that it did not happen. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `check` passes (polling), for async effects after an ack. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await check();
      return;
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw last;
}

/** Runs `/simplismart <text>` (or `command`) as Slack would, by default as ALICE in CHANNEL of TEAM. */
export async function runCommand(
  bot: TestBot,
  text: string,
  who: { teamId?: string; userId?: string; channelId?: string; responseUrl?: string; triggerId?: string; command?: string; enterpriseId?: string; orgWide?: boolean } = {},
): Promise<BotResponse> {
  return bot.send(
    slashCommand({
      teamId: who.teamId ?? TEAM,
      userId: who.userId ?? ALICE,
      ...(who.enterpriseId === undefined ? {} : { enterpriseId: who.enterpriseId }),
      ...(who.orgWide === undefined ? {} : { orgWide: who.orgWide }),
      channelId: who.channelId ?? CHANNEL,
      text,
      ...(who.command === undefined ? {} : { command: who.command }),
      ...(who.responseUrl === undefined ? {} : { responseUrl: who.responseUrl }),
      ...(who.triggerId === undefined ? {} : { triggerId: who.triggerId }),
    }),
  );
}

/**
 * Runs `/simplismart <text>` (as runCommand) with a response_url of its own: once the bot acked it
 * (HTTP 200), resolves with what the bot posted there.
 */
export async function commandReply(
  bot: TestBot,
  slack: FakeSlack,
  text: string,
  who: Omit<Parameters<typeof runCommand>[2] & object, 'responseUrl'> = {},
  options: { timeoutMs?: number } = {},
): Promise<Awaited<ReturnType<typeof responseTo>>> {
  const responseUrl = slack.responseUrl();
  expect((await runCommand(bot, text, { ...who, responseUrl })).status).toBe(200);
  return responseTo(slack, responseUrl, options);
}

/** Waits for the bot to answer through `responseUrl` (one of `slack.responseUrl()`) and returns what it posted. */
export async function responseTo(
  slack: FakeSlack,
  responseUrl: string,
  options: { timeoutMs?: number } = {},
): Promise<{ text: string; blocks: unknown[]; response_type?: string; [key: string]: unknown }> {
  const id = decodeURIComponent(responseUrl.slice(responseUrl.lastIndexOf('/') + 1));
  const call = await slack.waitFor('response_url', (c) => c.responseUrlId === id, { timeoutMs: options.timeoutMs ?? 3000 });
  return call.args as { text: string; blocks: unknown[] };
}

/** The id of the request a view_submission created, from the bot's answer (which must accept the form). */
export function requestIdIn(response: BotResponse): string {
  expect(response.status).toBe(200);
  expect(response.json?.response_action).toBe('update');
  const id = /ir-[a-z2-9]{8}/.exec(JSON.stringify(response.json.view))?.[0];
  expect(id).toBeDefined();
  return id!;
}

/** Raw rows of the bot's SQLite database, read over a second connection (what is really stored). */
export async function rawRows(bot: TestBot, sql: string, params: SqlParams = []): Promise<Array<Record<string, unknown>>> {
  const driver = await openSqlDriver(bot.config.database.url);
  try {
    return await driver.query<Record<string, unknown>>(sql, params);
  } finally {
    await driver.close();
  }
}
