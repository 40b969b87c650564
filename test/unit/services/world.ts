// A small world for service and listener unit tests: the real services over a real SQLite file, with a
// recording stand-in for Slack's Web API (no HTTP), a local Simplismart that answers every import with
// 201, and a store that counts its calls and SQL statements — so a rule can be read off one test.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { WebClient } from '@slack/web-api';
import { loadConfig } from '../../../src/process/config.js';
import type { ImportClusterBody } from '../../../src/domain/clusterImport.js';
import { buildImportBody, emptyForm, emptyNodeGroup } from '../../../src/domain/importForm.js';
import type { ImportRequest } from '../../../src/domain/importRequest.js';
import { createLogger, SecretScrubber } from '../../../src/process/logger.js';
import { createServices, type Services } from '../../../src/services/index.js';
import { openSqlDriver } from '../../../src/store/openStore.js';
import type { SqlDriver, SqlExecutor } from '../../../src/store/sqlDriver.js';
import { SqlStore } from '../../../src/store/sqlStore.js';
import type { Store } from '../../../src/store/store.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Web API arguments and answers are free-form JSON. */
type Json = any;

export const TEAM = 'T0UNITTEAM';
export const OTHER_TEAM = 'T0OTHERTEAM';
export const CHANNEL = 'C0UNITCHAN';
export const REQUESTER = 'U0REQUESTR';
export const APPROVER = 'U0APPROVER';
export const OUTSIDER = 'U0OUTSIDER';
export const ORG = '54360212-2263-44c6-afaf-1333544854f7';

export interface SlackCall {
  method: string;
  args: Json;
}

/** Slack's Web API as the services use it, in memory: every call recorded; a method can be made to fail. */
export class RecordingSlack {
  readonly calls: SlackCall[] = [];
  private readonly failures = new Map<string, string>();
  private ts = 1000;
  groupMembers: Record<string, string[]> = {};
  admins = new Set<string>();

  /** The next calls of `method` answer ok: false with `error` (a Slack platform error). */
  fail(method: string, error: string): void {
    this.failures.set(method, error);
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  readonly client: WebClient = this.build();

  private build(): WebClient {
    const call = (method: string, answer: (args: Json) => Json) => async (args: Json) => {
      const parsed = { ...args, ...(typeof args?.blocks === 'string' ? { blocks: JSON.parse(args.blocks) } : {}), ...(typeof args?.view === 'string' ? { view: JSON.parse(args.view) } : {}) };
      this.calls.push({ method, args: parsed });
      const error = this.failures.get(method);
      if (error !== undefined) throw Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });
      return { ok: true, ...answer(parsed) };
    };
    const client = {
      chat: {
        postMessage: call('chat.postMessage', (a) => ({ channel: a.channel.startsWith('U') ? `D${a.channel.slice(1)}` : a.channel, ts: `${(this.ts += 1)}.000100` })),
        update: call('chat.update', () => ({})),
      },
      auth: {
        test: call('auth.test', () => ({ url: 'https://unit-team.slack.com/', team_id: TEAM })),
      },
      views: {
        open: call('views.open', () => ({ view: { id: 'V0OPENED' } })),
        update: call('views.update', () => ({})),
      },
      users: {
        info: call('users.info', (a) => ({ user: { id: a.user, is_admin: this.admins.has(a.user) } })),
      },
      usergroups: {
        list: call('usergroups.list', () => ({ usergroups: [] })),
        users: { list: call('usergroups.users.list', (a) => ({ users: this.groupMembers[a.usergroup] ?? [] })) },
      },
    };
    return client as unknown as WebClient;
  }
}

/** Counts what reaches the store: calls by method, and SQL statements underneath. */
export interface StoreCounts {
  calls: Record<string, number>;
  statements: number;
}

const READS = ['getRequest', 'getSnapshot', 'listEvents', 'listApprovals', 'listRequests', 'getConnection', 'getApprovalPolicy'];

export function readsIn(counts: StoreCounts): { calls: number; byMethod: Record<string, number> } {
  const byMethod = Object.fromEntries(Object.entries(counts.calls).filter(([m]) => READS.includes(m)));
  return { calls: Object.values(byMethod).reduce((a, b) => a + b, 0), byMethod };
}

function countingDriver(driver: SqlDriver, counts: StoreCounts): SqlDriver {
  const count = (executor: SqlExecutor): SqlExecutor => ({
    query: (sql, params) => {
      counts.statements += 1;
      return executor.query(sql, params);
    },
    run: (sql, params) => {
      counts.statements += 1;
      return executor.run(sql, params);
    },
    exec: (sql) => executor.exec(sql),
  });
  return {
    engine: driver.engine,
    ...count(driver),
    transaction: (fn) => driver.transaction((tx) => fn(count(tx))),
    withMigrationLock: (fn) => driver.withMigrationLock(fn),
    close: () => driver.close(),
    watch: (watcher) => driver.watch?.(watcher),
  };
}

function countingStore(store: Store, counts: StoreCounts): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        counts.calls[property] = (counts.calls[property] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** One local HTTP server: Simplismart (every import answered 201) and Slack's response_urls (recorded; some refused). */
export class LocalServer {
  imports = 0;
  /** What was posted to each response_url, by its id. */
  readonly responses: Array<{ id: string; body: Json }> = [];
  /** response_url ids that answer 404 (expired, used up). */
  readonly refused = new Set<string>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(text || '{}');
        const response = /^\/response\/(.+)$/.exec(req.url ?? '');
        if (response !== null) {
          const id = decodeURIComponent(response[1]!);
          if (this.refused.has(id)) {
            res.writeHead(404).end('expired_url');
            return;
          }
          this.responses.push({ id, body });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          return;
        }
        this.imports += 1;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ uuid: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', name: body.name, status: 'ACTIVE', cluster_hosted_on: body.cluster_hosted_on, region: body.region }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A response_url served here. */
  responseUrl(id: string): string {
    return `${this.url}/response/${encodeURIComponent(id)}`;
  }

  /** What was posted to the response_url `id`. */
  responsesTo(id: string): Json[] {
    return this.responses.filter((r) => r.id === id).map((r) => r.body);
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.server === undefined) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export interface World {
  services: Services;
  store: Store;
  slack: RecordingSlack;
  counts: StoreCounts;
  logs: string[];
  /** The local Simplismart and response_urls. */
  local: LocalServer;
  now: { value: number };
  resetCounts(): void;
  close(): Promise<void>;
}

/** The services as the bot wires them, with the workspace connected through the bot's own token. */
export async function startWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'ss-unit-'));
  const local = new LocalServer();
  await local.start();
  const config = loadConfig({
    SLACK_SIGNING_SECRET: 'unit-signing-secret-0123456789',
    SLACK_BOT_TOKEN: 'xoxb-1-2-unitbottokenvalue',
    SIMPLISMART_API_URL: local.url,
    SIMPLISMART_TOKEN: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1bml0In0.c2lnbmF0dXJl',
    SIMPLISMART_ORG: ORG,
    DATABASE_URL: `sqlite:${join(dir, 'unit.db')}`,
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    DATA_DIR: dir,
    LOG_LEVEL: 'debug',
  });
  const counts: StoreCounts = { calls: {}, statements: 0 };
  const driver = countingDriver(await openSqlDriver(config.database.url), counts);
  const real = new SqlStore(driver);
  await real.migrate();
  const store = countingStore(real, counts);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', scrubber: new SecretScrubber(), destination });
  const slack = new RecordingSlack();
  const now = { value: Date.UTC(2026, 0, 5, 9) };
  const services = createServices({
    config,
    store,
    logger,
    scrubber: new SecretScrubber(),
    clock: { now: () => now.value },
    encryptionKey: Buffer.alloc(32, 7),
    slackFor: async () => slack.client,
    sweepIntervalMs: 60_000,
  });
  return {
    services,
    store,
    slack,
    counts,
    logs,
    local,
    now,
    resetCounts: () => {
      counts.calls = {};
      counts.statements = 0;
    },
    close: async () => {
      await services.background.drain(5000);
      await real.close();
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid API body, built the way the form builds it (not retyped). */
export function validBody(name = 'Production Cluster'): ImportClusterBody {
  const built = buildImportBody({
    ...emptyForm(),
    name,
    provider: 'kubernetes',
    org: ORG,
    hostedZone: 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f',
    secretId: '9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1',
    nodeGroups: [{ ...emptyNodeGroup(0), name: 'gpu-pool' }],
  });
  if (!built.ok) throw new Error(`the unit-test body does not build: ${JSON.stringify(built.errors)}`);
  return built.body;
}

let views = 0;

/** Submits an import the way the form's listener does; `replacesId` edits an earlier request. */
export async function submitImport(world: World, options: { userId?: string; teamId?: string; replacesId?: string; responseUrl?: string } = {}): Promise<ImportRequest> {
  const { request } = await world.services.requests.submit({
    kind: 'import_cluster',
    teamId: options.teamId ?? TEAM,
    enterpriseId: null,
    userId: options.userId ?? REQUESTER,
    channelId: CHANNEL,
    sourceKey: `V0VIEW${(views += 1)}`,
    body: validBody(),
    replacesId: options.replacesId ?? null,
    responseUrl: options.responseUrl ?? null,
  });
  return request;
}

/** Approval required: one approval from APPROVER, cards in the request's thread. */
export async function requireApproval(world: World, teamId = TEAM): Promise<void> {
  await world.store.saveApprovalPolicy(
    teamId,
    { required: true, approverUserIds: [APPROVER], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' },
    'U0ADMIN',
    world.now.value,
  );
}

/**
 * A fresh world for each test of the file, closed after it: the returned object is filled in before each
 * test. `approval` requires approval (one approval from APPROVER) from the start.
 */
export function useWorld(options: { approval?: boolean } = {}): World {
  const world = {} as World;
  beforeEach(async () => {
    Object.assign(world, await startWorld());
    if (options.approval === true) await requireApproval(world);
  });
  afterEach(async () => {
    await world.close();
  });
  return world;
}
