// Which workspace a payload acts for, for every payload kind, with the team fields of the body
// disagreeing: real Bolt (processEvent, as its receivers call it) authorizes through the bot's own
// authorize over installations in a real SQLite store, and the listener sees tenantOf(context). The
// answer is what Slack's rules and the installation say, never `team.id`, `user.team_id` or
// `view.team_id` taken on their own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type AnyMiddlewareArgs, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Workspace } from '../../src/domain/workspace.js';
import { loadConfig } from '../../src/process/config.js';
import { createLogger, SecretScrubber } from '../../src/process/logger.js';
import { NoWorkspaceError, tenantOf } from '../../src/listeners/tenant.js';
import { TokenCipher } from '../../src/secrets/tokenCipher.js';
import { botTokens } from '../../src/services/botTokens.js';
import { systemClock } from '../../src/services/clock.js';
import { Installations } from '../../src/services/installations.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/store.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads are free-form JSON. */
type Json = any;

const A = 'T0WORKSPA1';
const B = 'T0WORKSPB2';
const ORG = 'E0ORGWIDE1';
const GA = 'T0GRIDAAA1';
const GB = 'T0GRIDBBB2';
const USER = 'U0PERSON01';

let dir: string;
let store: Store;
let app: App;
let seen: Workspace | Error | undefined;

/** Bolt with no transport: events are handed to processEvent, as its receivers do. */
const noReceiver: Receiver = { init: () => undefined, start: () => Promise.resolve(), stop: () => Promise.resolve() };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ss-tenant-'));
  const config = loadConfig({
    SLACK_SIGNING_SECRET: 'unit-signing-secret-0123456789',
    SLACK_CLIENT_ID: '1111.2222',
    SLACK_CLIENT_SECRET: 'unitclientsecret0123456789abcdef',
    SLACK_STATE_SECRET: 'unitstatesecret0123456789abcdefgh',
    SIMPLISMART_API_URL: 'http://127.0.0.1:9',
    DATABASE_URL: `sqlite:${join(dir, 'tenant.db')}`,
    ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    DATA_DIR: dir,
  });
  store = await openStore(config.database.url);
  await store.migrate();
  const scrubber = new SecretScrubber();
  const logger = createLogger({ level: 'silent', scrubber });
  const installations = new Installations(store, new TokenCipher(Buffer.alloc(32, 3)), scrubber, systemClock);
  const bot = (id: string) => ({ id: `B${id}`, userId: `U${id}`, token: `xoxb-${id}-token`, scopes: ['commands'] });
  const user = { id: USER, token: undefined, scopes: undefined };
  await installations.storeInstallation({ team: { id: A }, enterprise: undefined, bot: bot(A), user, isEnterpriseInstall: false });
  await installations.storeInstallation({ team: { id: B }, enterprise: undefined, bot: bot(B), user, isEnterpriseInstall: false });
  await installations.storeInstallation({ team: undefined, enterprise: { id: ORG }, bot: bot(ORG), user, isEnterpriseInstall: true });
  const tokens = botTokens({ config, store, installations, logger, owner: 'tenant-test' });
  app = new App({ receiver: noReceiver, authorize: (source) => tokens.authorize(source) });
  // A refused authorization ends there (the bot's own handler logs it); the test looks at `seen`.
  app.error(async () => undefined);
  app.use(async (args: AnyMiddlewareArgs & { context: Json }) => {
    try {
      seen = tenantOf(args);
    } catch (error) {
      seen = error as Error;
    }
  });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tenantFor(body: Json): Promise<Workspace | Error | undefined> {
  seen = undefined;
  const event: ReceiverEvent = { body, ack: async () => undefined };
  await app.processEvent(event);
  return seen;
}

const user = (teamId: string) => ({ id: USER, team_id: teamId });
const view = (teamId: string | undefined, installedIn: string | undefined) => ({
  id: 'V1',
  callback_id: 'x',
  team_id: teamId,
  ...(installedIn === undefined ? {} : { app_installed_team_id: installedIn }),
  state: { values: {} },
  private_metadata: '',
});

describe.each<[string, Json, Workspace]>([
  ['a command', { command: '/simplismart', team_id: A, user_id: USER, channel_id: 'C1', text: '', trigger_id: 't', response_url: 'http://x' }, { teamId: A, enterpriseId: null }],
  [
    'a command in a workspace of an org-wide install',
    { command: '/simplismart', team_id: GA, enterprise_id: ORG, is_enterprise_install: 'true', user_id: USER, channel_id: 'C1', text: '', trigger_id: 't' },
    { teamId: GA, enterpriseId: ORG },
  ],
  ['a view submission from a Slack Connect channel (team B, installed in A)', { type: 'view_submission', team: { id: B }, user: user(B), view: view(B, A) }, { teamId: A, enterpriseId: null }],
  ['a view closed from a Slack Connect channel', { type: 'view_closed', team: { id: B }, user: user(B), view: view(B, A) }, { teamId: A, enterpriseId: null }],
  [
    'an org-wide view submission with team: null (person from GB, form opened in GA)',
    { type: 'view_submission', team: null, enterprise: { id: ORG }, is_enterprise_install: true, user: user(GB), view: view(GA, GA) },
    { teamId: GA, enterpriseId: ORG },
  ],
  [
    'an org-wide block action with team: null (the person’s workspace, as Bolt authorizes it)',
    { type: 'block_actions', team: null, enterprise: { id: ORG }, is_enterprise_install: true, user: user(GB), actions: [{ action_id: 'a', type: 'button' }], trigger_id: 't' },
    { teamId: GB, enterpriseId: ORG },
  ],
  ['a block action', { type: 'block_actions', team: { id: B }, user: user(A), actions: [{ action_id: 'a', type: 'button' }], trigger_id: 't' }, { teamId: B, enterpriseId: null }],
  ['an options request', { type: 'block_suggestion', team: { id: A }, user: user(B), action_id: 'a', value: 'x', view: view(B, undefined) }, { teamId: A, enterpriseId: null }],
  ['a global shortcut', { type: 'shortcut', team: { id: B }, user: user(A), callback_id: 's', trigger_id: 't' }, { teamId: B, enterpriseId: null }],
  [
    'an event, by its authorization (not the outer team_id)',
    { type: 'event_callback', team_id: B, authorizations: [{ team_id: A, enterprise_id: null, is_enterprise_install: false }], event: { type: 'app_home_opened', user: USER, tab: 'home' } },
    { teamId: A, enterpriseId: null },
  ],
  [
    'an org-wide event in one of the org’s workspaces',
    {
      type: 'event_callback',
      team_id: GB,
      enterprise_id: ORG,
      authorizations: [{ team_id: null, enterprise_id: ORG, is_enterprise_install: true }],
      event: { type: 'app_home_opened', user: USER, tab: 'home' },
    },
    { teamId: GB, enterpriseId: ORG },
  ],
])('%s', (_name, body, expected) => {
  test('acts for the workspace Bolt authorized', async () => {
    expect(await tenantFor(body)).toEqual(expected);
  });
});

test('a payload of a workspace with no installation is not authorized at all: no listener runs', async () => {
  const body = { type: 'view_submission', team: { id: A }, user: user(A), view: view(A, 'T0NOTINSTD') };
  expect(await tenantFor(body)).toBeUndefined();
});

test('a payload authorized without any workspace is refused, not filed under an empty one', () => {
  expect(() => tenantOf({ context: { isEnterpriseInstall: true, enterpriseId: ORG } })).toThrow(NoWorkspaceError);
});
