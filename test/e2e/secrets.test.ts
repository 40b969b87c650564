// The secrets audit, end to end. Every bot the tests start is audited when it stops (test/support/bot.ts):
// its logs, every call it made to Slack, every answer it gave to Slack's requests and every request it
// sent to Simplismart (its Authorization header aside) are searched for the signing secret, the bot and
// app tokens, ENCRYPTION_KEY, every Simplismart token it was given or a test typed, and the kubeconfig
// the API returns, and — installable in any workspace — the client and state secrets and every bot and
// refresh token the installs were issued — each also hex-, base64url- or percent-encoded, and a JWT's signature alone. This suite proves the audit catches a leak
// (each kind planted in a log line) and that each kind written through the bot's own logger comes out
// scrubbed, then walks the paths where secrets pass through the bot at the most verbose log level and
// also checks the database file itself: tokens encrypted at rest, no kubeconfig stored.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  BOT_TOKEN,
  ENCRYPTION_KEY,
  eventually,
  openImportModal,
  pause,
  runCommand,
  SIGNING_SECRET,
  startTestBot,
  submitModal,
  type TestBot,
} from '../support/bot.js';
import { FAKE_KUBECONFIG_SECRET, startFakeSimplismart, type FakeSimplismart } from '../support/fakeSimplismart.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { ADMIN, ALICE, fakeJwt, HOSTED_ZONE, ORG, SECRET_ID, TEAM, validImportValues } from '../support/fixtures.js';
import { CLIENT_SECRET, STATE_SECRET } from '../support/oauth.js';
import { useBot } from '../support/world.js';

const TOKEN = fakeJwt();

/** Every byte of a bot's SQLite database (main file, WAL and shared memory), as latin1 text to search. */
function databaseBytes(bot: TestBot): string {
  const file = bot.config.database.url.replace(/^sqlite:/, '');
  return readdirSync(dirname(file))
    .filter((name) => name.startsWith('bot.db'))
    .map((name) => readFileSync(join(dirname(file), name)).toString('latin1'))
    .join('\n');
}

/** ENCRYPTION_KEY as configured (base64) and in the other encodings it may be written in. */
const KEY_FORMS = [
  ENCRYPTION_KEY,
  ENCRYPTION_KEY.replace(/=+$/, ''),
  Buffer.from(ENCRYPTION_KEY, 'base64').toString('base64url'),
  Buffer.from(ENCRYPTION_KEY, 'base64').toString('hex'),
];

/**
 * Writes each secret through the bot's own logger, in the message and in a field, as a mistake anywhere
 * in the code would: the scrubber must take every one out before the audit reads the lines.
 */
function logThroughBot(bot: TestBot, secrets: string[]): void {
  const from = bot.logs.length;
  for (const secret of secrets) bot.services.logger.warn({ detail: `value ${secret}` }, `oops ${secret}`);
  const written = bot.logs.slice(from);
  expect(written).toHaveLength(secrets.length);
  for (const line of written) expect(JSON.parse(line)).toMatchObject({ msg: 'oops [REDACTED]', detail: 'value [REDACTED]' });
}

describe('the audit itself', () => {
  // Its own local servers per test: a bot that fails the audit closes them.
  let bot: TestBot;
  let ownSlack: FakeSlack;
  let ownSimplismart: FakeSimplismart;
  beforeEach(async () => {
    ownSlack = await startFakeSlack({ teamId: TEAM });
    ownSimplismart = await startFakeSimplismart({ tokens: { [TOKEN]: ORG } });
    bot = await startTestBot({ slack: ownSlack, simplismart: ownSimplismart });
  });
  afterEach(async () => {
    await ownSlack.close();
    await ownSimplismart.close();
  });

  test.each([
    ['a Simplismart token', () => TOKEN, /a Simplismart token in the logs/],
    ['a JWT’s signature alone', () => TOKEN.split('.')[2]!, /a Simplismart token \(JWT signature\) in the logs/],
    ['the signing secret', () => SIGNING_SECRET, /the signing secret in the logs/],
    ['the bot token', () => BOT_TOKEN, /the bot token in the logs/],
    ['ENCRYPTION_KEY in hex', () => Buffer.from(ENCRYPTION_KEY, 'base64').toString('hex'), /ENCRYPTION_KEY \(hex\) in the logs/],
    ['ENCRYPTION_KEY as configured', () => ENCRYPTION_KEY, /^ENCRYPTION_KEY in the logs/],
    // The same as base64url when the key has no + or /: which label comes first depends on the random key.
    ['ENCRYPTION_KEY unpadded', () => ENCRYPTION_KEY.replace(/=+$/, ''), /^ENCRYPTION_KEY \((base64url|unpadded)\) in the logs/],
    ['the kubeconfig token', () => FAKE_KUBECONFIG_SECRET, /the kubeconfig token in the logs/],
  ])('finds %s planted in a log line, and stopping the bot then fails', async (_what, secret, report) => {
    expect(bot.leaks()).toEqual([]);
    bot.logs.push(`{"level":30,"msg":"oops ${secret()}"}`);
    expect(bot.leaks()).toEqual([expect.stringMatching(report)]);
    // The report masks the secret it names.
    expect(bot.leaks().join('\n')).not.toContain(secret());
    await expect(bot.stop()).rejects.toThrow(/Secrets leaked/);
  });

  test('every secret it looks for, logged through the bot’s own logger, is scrubbed before it reads the line', async () => {
    logThroughBot(bot, [SIGNING_SECRET, BOT_TOKEN, ...KEY_FORMS, TOKEN]);
    expect(bot.leaks()).toEqual([]);
    await bot.stop();
  });

  test('finds the bot token in a request to Simplismart, and the key percent-encoded in a call to Slack', async () => {
    ownSimplismart.transcript.push(`POST /x {} {"note":"${BOT_TOKEN}"}`);
    ownSlack.transcript.push(`chat.postMessage text=${encodeURIComponent(ENCRYPTION_KEY)}`);
    try {
      expect(bot.leaks()).toEqual([
        // Which encoded form matches first depends on the (random) key's characters.
        expect.stringMatching(/^ENCRYPTION_KEY \((percent-encoded|base64url|unpadded)\) in a call to Slack/),
        expect.stringMatching(/^the bot token in a request to Simplismart/),
      ]);
    } finally {
      ownSimplismart.transcript.pop();
      ownSlack.transcript.pop();
    }
    await bot.stop();
  });

  test('finds a token in an answer to Slack and in a call to Slack', async () => {
    bot.answers.push(`200 {"text":"your token is ${TOKEN}"}`);
    ownSlack.transcript.push(`chat.postMessage {"text":"${TOKEN}"}`);
    try {
      expect(bot.leaks()).toEqual([expect.stringMatching(/in a call to Slack/), expect.stringMatching(/in an answer to Slack/)]);
    } finally {
      ownSlack.transcript.pop();
      bot.answers.length = 0;
    }
    await bot.stop();
  });
});

describe('where secrets pass through the bot, logged at trace level', () => {
  // Stopping it (after the tests) throws if anything below leaked.
  const { bot, slack, simplismart } = useBot({
    slack: { users: { [ADMIN]: { is_admin: true }, [ALICE]: {} } },
    token: TOKEN,
    connect: [],
    env: { LOG_LEVEL: 'trace' },
  });


  test('connect through the form, status, imports (created, an error echoing the token, 401), disconnect: nothing leaks', async () => {
    // An admin pastes a token that has expired, then the good one.
    await runCommand(bot, 'connect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    const opened = await slack.waitFor('views.open');
    const form = slack.view(opened.response.view.id);
    const notAJwt = 'sk-live-0123456789abcdefNOTAJWT';
    const garbled = await submitModal(bot, form, { connect_token: notAJwt, connect_org: ORG }, { userId: ADMIN });
    expect(garbled.json.response_action).toBe('errors');
    expect(bot.tokens).toContain(notAJwt);
    const expiredToken = fakeJwt({ exp: 1_000_000 });
    const refused = await submitModal(bot, form, { connect_token: expiredToken, connect_org: ORG }, { userId: ADMIN });
    expect(refused.json.response_action).toBe('errors');
    const accepted = await submitModal(bot, form, { connect_token: TOKEN, connect_org: ORG, connect_hosted_zone: HOSTED_ZONE, connect_secret_id: SECRET_ID }, { userId: ADMIN });
    expect(accepted.json.response_action).toBe('update');
    expect(bot.tokens).toContain(expiredToken);
    await runCommand(bot, 'status', { responseUrl: slack.responseUrl() });

    // Created: the API's answer carries a kubeconfig with a live token.
    const created = await submitModal(bot, await openImportModal(bot, slack, { text: 'provider=aws' }), validImportValues({ cluster_region: 'us-west-2' }));
    expect(created.json.response_action).toBe('update');
    await eventually(() => expect(simplismart.importCount()).toBe(1));
    expect(simplismart.importRequests()[0]!.responseBody).toContain(FAKE_KUBECONFIG_SECRET);

    // Refused with a message that echoes the Authorization header.
    simplismart.nextResponse({ kind: 'respond', status: 400, body: { error: `bad header Authorization: Bearer ${TOKEN}` } });
    await submitModal(bot, await openImportModal(bot, slack, { text: 'provider=aws' }), validImportValues({ cluster_name: 'Echo', cluster_region: 'us-west-2' }));
    // The token revoked in Simplismart: 401.
    simplismart.removeToken(TOKEN);
    await submitModal(bot, await openImportModal(bot, slack, { text: 'provider=aws' }), validImportValues({ cluster_name: 'Revoked', cluster_region: 'us-west-2' }));
    await eventually(async () => {
      const states = (await bot.store.listRequests(TEAM, 10)).map((r) => r.state).sort();
      expect(states).toEqual(['failed', 'failed', 'succeeded']);
    });
    await eventually(() => expect(bot.services.background.size).toBe(0));

    // At rest, while connected: the token is in no byte of the database (it is stored encrypted), nor
    // the key; the kubeconfig was never stored.
    const bytes = databaseBytes(bot);
    expect(bytes).toContain(ORG);
    for (const secret of [TOKEN, TOKEN.split('.')[2]!, FAKE_KUBECONFIG_SECRET, ENCRYPTION_KEY]) expect(bytes).not.toContain(secret);

    await runCommand(bot, 'disconnect', { userId: ADMIN, responseUrl: slack.responseUrl() });
    await eventually(async () => expect(await bot.store.getConnection(TEAM)).toBeUndefined());

    // Every Simplismart token the bot was given, logged by mistake after it was used: scrubbed.
    logThroughBot(bot, [TOKEN, expiredToken]);

    // Trace level really logged the traffic (so the audit had something to read).
    expect(bot.logs.length).toBeGreaterThan(50);
    expect(bot.logs.some((line) => /"level":(10|20),/.test(line))).toBe(true);
    expect(bot.leaks()).toEqual([]);
    simplismart.addToken(TOKEN, ORG);
  });
});

describe('installable in any workspace, logged at trace level', () => {
  // A token due for a refresh a second after it is issued: installing, refreshing and using it all pass here.
  const { bot, slack } = useBot({
    slack: { users: { [ADMIN]: { is_admin: true }, [ALICE]: {} } },
    oauth: { installs: [{ teamId: TEAM, userId: ADMIN }], tokenLifetimeSeconds: 2 * 60 * 60 + 1 },
    connect: [],
    env: { LOG_LEVEL: 'trace' },
  });

  /** Plants each secret in a log line on its own: the audit must report it with the words given. */
  function expectAuditFinds(planted: Array<readonly [string, RegExp]>): void {
    for (const [secret, report] of planted) {
      bot.logs.push(`{"level":30,"msg":"oops ${secret}"}`);
      try {
        expect(bot.leaks()).toEqual([expect.stringMatching(report)]);
      } finally {
        bot.logs.pop();
      }
    }
  }

  test('the audit knows every token an install was issued, and the client and state secrets', () => {
    const issued = slack.issuedTokens();
    expect(issued).toEqual([expect.stringMatching(/^xoxe\.xoxb-/), expect.stringMatching(/^xoxe-/)]); // a rotating bot token and its refresh token
    expectAuditFinds([
      ...issued.map((token) => [token, /a Slack token an install was issued in the logs/] as const),
      [CLIENT_SECRET, /a configured secret in the logs/],
      [STATE_SECRET, /a configured secret in the logs/],
    ]);
  });

  test('installing, a refresh and the tokens’ use leave none of them in a log line, a call, an answer or the database', async () => {
    await pause(1200);
    await runCommand(bot, 'help', { responseUrl: slack.responseUrl() });
    await runCommand(bot, 'import', { responseUrl: slack.responseUrl() });
    await eventually(() => expect(slack.callsTo('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token')).toHaveLength(1));
    await eventually(() => expect(slack.callsTo('views.open').length + slack.callsTo('response_url').length).toBeGreaterThan(0));
    const issued = slack.issuedTokens();
    expect(issued.length).toBeGreaterThanOrEqual(4); // two bot tokens, two refresh tokens
    const bytes = databaseBytes(bot);
    for (const secret of [...issued, CLIENT_SECRET, STATE_SECRET]) expect(bytes).not.toContain(secret);
    expect(bot.logs.some((line) => /oauth\.v2\.access/.test(line))).toBe(true);
    expect(bot.leaks()).toEqual([]);
    // The refresh's tokens (the rotated bot token, the new refresh token) are known to the audit too,
    // and every token and secret, logged through the bot's own logger, is scrubbed.
    expectAuditFinds(issued.map((token) => [token, /a Slack token an install was issued in the logs/] as const));
    logThroughBot(bot, [...issued, CLIENT_SECRET, STATE_SECRET, SIGNING_SECRET, ...KEY_FORMS]);
    expect(bot.leaks()).toEqual([]);
  });
});
