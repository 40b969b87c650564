// The HTTP endpoint cannot be held hostage: timestamps are checked both ways, a signed payload that is
// not an object is answered 400, oversized bodies are refused unread, slow headers and trickled bodies
// time out, idle keep-alive connections are closed, and a flood of idle connections neither exhausts
// file descriptors nor keeps Slack's own requests out.
import { connect, type Socket } from 'node:net';
import { DEFAULT_HTTP_LIMITS } from '../../src/http/server.js';
import { eventually, pause, SIGNING_SECRET, type TestBot } from '../support/bot.js';
import { ALICE, CHANNEL, TEAM } from '../support/fixtures.js';
import { postToBot, signSlackRequest, slashCommand } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

/** Timeouts short enough to wait for in a test; production's are 10 s (checked below). */
const FAST = { headersTimeoutMs: 400, requestTimeoutMs: 800, timeoutCheckMs: 100, keepAliveTimeoutMs: 300, maxRequestsPerSocket: 3 };

/** Production limits. */
const { bot, slack, startBot } = useBot({ slack: { users: { [ALICE]: {} } } });
/** The same bot with FAST timeouts. */
let fast: TestBot;

beforeAll(async () => {
  fast = await startBot({ httpLimits: FAST });
});

const nowS = () => Math.floor(Date.now() / 1000);

interface Raw {
  socket: Socket;
  /** Everything the bot sent back so far. */
  received: () => string;
  /** Resolves with the milliseconds from connecting to the bot closing (or resetting) the connection. */
  closed: Promise<number>;
}

/** A raw TCP connection to the bot, for what fetch will not do: trickle, stall, or send headers alone. */
async function raw(url: string): Promise<Raw> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const opened = Date.now();
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', () => undefined); // a reset is one way of being closed
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  return { socket, received: () => text, closed };
}

function headersOf(path: string, headers: Record<string, string>): string {
  return `POST ${path} HTTP/1.1\r\nHost: bot\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}


test('production limits are sane: everything received within Slack-scale seconds, timeouts noticed within a second, caps well inside the resources', () => {
  const limits = DEFAULT_HTTP_LIMITS;
  expect(limits.headersTimeoutMs).toBeLessThanOrEqual(limits.requestTimeoutMs);
  expect(limits.requestTimeoutMs).toBeLessThanOrEqual(10_000); // was 300 s: a trickled body held a connection 330 s
  expect(limits.timeoutCheckMs).toBeLessThanOrEqual(1_000); // Node's default, 30 s, let timeouts fire that late
  expect(limits.keepAliveTimeoutMs).toBeLessThanOrEqual(5_000);
  expect(limits.maxRequestsPerSocket).toBeGreaterThan(0);
  expect(limits.maxConnections).toBeLessThanOrEqual(1024); // far below common descriptor limits (ulimit -n)
  expect(limits.maxBodyBytes).toBeGreaterThanOrEqual(256 * 1024); // Slack's largest payloads fit
  expect(limits.maxBodyBytes).toBeLessThan(4 * 1024 * 1024); // Bolt's own default buffered 3.9 MB unsigned
});

describe('timestamps: within five minutes of now, both ways', () => {
  const importCommand = () => slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'import' });

  test.each([
    ['10 minutes in the future', 10 * 60],
    ['a year in the future', 365 * 24 * 3600],
    ['10 minutes in the past', -10 * 60],
  ])('correctly signed, dated %s → 401, nothing happens', async (_when, offset) => {
    const before = slack.callsTo('views.open').length;
    const response = await bot.send(importCommand(), { timestamp: nowS() + offset });
    expect(response.status).toBe(401);
    await pause(150);
    expect(slack.callsTo('views.open')).toHaveLength(before);
  });

  test('four minutes ahead (a clock a little off) is still accepted', async () => {
    const before = slack.callsTo('views.open').length;
    const response = await bot.send(importCommand(), { timestamp: nowS() + 4 * 60 });
    expect(response.status).toBe(200);
    await slack.waitFor('views.open', (c) => slack.callsTo('views.open').indexOf(c) >= before);
  });

  test('a refused timestamp says which way it is off and points at the clock', async () => {
    await bot.send(importCommand(), { timestamp: nowS() + 600 });
    expect(bot.logs.some((l) => /timestamp is 600 s in the future.*check this machine’s clock/.test(l))).toBe(true);
  });
});

describe('a signed payload that is not a JSON object → 400 at once, nothing unhandled', () => {
  let unhandled: unknown[];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(() => {
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
  });

  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  test.each([
    ['payload=null', 'application/x-www-form-urlencoded'],
    ['payload=1', 'application/x-www-form-urlencoded'],
    ['payload=%22text%22', 'application/x-www-form-urlencoded'],
    ['payload=%5B%5D', 'application/x-www-form-urlencoded'],
    ['payload=true', 'application/x-www-form-urlencoded'],
    // The form is not decoded whole: the field is found by its decoded name, after other fields,
    // and whitespace before the value (encoded either way, or longer than the part first decoded) is skipped.
    ['payloa%64=null', 'application/x-www-form-urlencoded'],
    ['team=T1&payload=+%20%0A7', 'application/x-www-form-urlencoded'],
    [`payload=${'+'.repeat(300)}%5B%5D`, 'application/x-www-form-urlencoded'],
    ['null', 'application/json'],
    ['[{"type":"block_actions"}]', 'application/json'],
  ])('%s (%s)', async (body, contentType) => {
    const response = await postToBot(bot.url, body, { signingSecret: SIGNING_SECRET, headers: { 'content-type': contentType }, timeoutMs: 2000 });
    expect(response.status).toBe(400);
    await pause(50);
    expect(unhandled).toEqual([]);
  });

  test('the same, badly signed → 401 (the signature is checked first)', async () => {
    const response = await postToBot(bot.url, 'payload=null', { signingSecret: 'not-the-secret', timeoutMs: 2000 });
    expect(response.status).toBe(401);
  });

  test("Slack's unsigned ssl_check is still answered 200; an unsigned payload is not", async () => {
    const check = await fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ssl_check=1&token=legacy-verification-token',
    });
    expect(check.status).toBe(200);
    const unsigned = await fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'help' }).body,
    });
    expect(unsigned.status).toBe(401);
  });
});

describe('bodies over the limit are refused before they are read', () => {
  test('a signed request declaring 5 MB → 413 as soon as its headers arrive, no byte of body sent', async () => {
    const connection = await raw(bot.url);
    const headers = signSlackRequest('x', SIGNING_SECRET);
    connection.socket.write(headersOf('/slack/events', { ...headers, 'content-length': String(5 * 1024 * 1024) }));
    await eventually(() => expect(connection.received()).toMatch(/^HTTP\/1\.1 413 /), 3000);
    await connection.closed;
  });

  test('an unsigned request declaring 100 KB → 413 (only Slack’s tiny ssl_check comes unsigned)', async () => {
    const connection = await raw(bot.url);
    connection.socket.write(headersOf('/slack/events', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '102400' }));
    await eventually(() => expect(connection.received()).toMatch(/^HTTP\/1\.1 413 /), 3000);
    await connection.closed;
  });

  test('a chunked body growing past the limit: the connection is cut near the limit, not after the whole body', async () => {
    const connection = await raw(bot.url);
    const headers = signSlackRequest('x', SIGNING_SECRET);
    connection.socket.write(headersOf('/slack/events', { ...headers, 'transfer-encoding': 'chunked' }));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    let ended = false;
    void connection.closed.then(() => (ended = true));
    while (!ended && sent < 8 * DEFAULT_HTTP_LIMITS.maxBodyBytes) {
      connection.socket.write(`${chunk.length.toString(16)}\r\n`);
      connection.socket.write(chunk);
      const flushed = connection.socket.write('\r\n');
      sent += chunk.length;
      if (!flushed) await Promise.race([new Promise((r) => connection.socket.once('drain', r)), connection.closed]);
    }
    await connection.closed;
    // Cut at our limit (1 MiB); what was sent beyond it sat in socket buffers, unread.
    expect(sent).toBeLessThan(8 * DEFAULT_HTTP_LIMITS.maxBodyBytes);
    expect(bot.logs.some((l) => l.includes('Refused a request body over 1048576 bytes'))).toBe(true);
    // The answer, unless the reset of the unread rest overtook it.
    if (connection.received() !== '') expect(connection.received()).toMatch(/^HTTP\/1\.1 413 [^]*body over 1048576 bytes/);
  });
});

describe('slow clients time out (timeouts shortened for the test)', () => {
  test('a connection that sends nothing is closed', async () => {
    const connection = await raw(fast.url);
    expect(await connection.closed).toBeLessThan(5000);
  });

  /** Sends `start`, then `drip` every 100 ms until the bot closes the connection; resolves with what it answered. */
  async function trickle(start: string, drip: string): Promise<{ ms: number; answer: string }> {
    const connection = await raw(fast.url);
    connection.socket.write(start);
    const timer = setInterval(() => connection.socket.writable && connection.socket.write(drip), 100);
    const ms = await connection.closed.finally(() => clearInterval(timer));
    return { ms, answer: connection.received() };
  }

  test('headers trickled a line at a time are cut at the headers timeout: 408', async () => {
    const { ms, answer } = await trickle('POST /slack/events HTTP/1.1\r\nHost: bot\r\n', 'X-Slow: y\r\n');
    expect(ms).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('a body trickled a byte at a time is cut at the request timeout: 408, nothing handled', async () => {
    const headers = signSlackRequest('payload=x', SIGNING_SECRET);
    const { ms, answer } = await trickle(headersOf('/slack/events', { ...headers, 'content-length': '100' }), 'p');
    expect(ms).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const connection = await raw(fast.url);
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n');
    const ms = await connection.closed;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(ms).toBeLessThan(5000);
  });

  test('a keep-alive connection carries a bounded number of requests', async () => {
    const connection = await raw(fast.url);
    for (let i = 0; i < FAST.maxRequestsPerSocket; i += 1) connection.socket.write('GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n');
    await connection.closed;
    const answers = connection.received().match(/HTTP\/1\.1 200 /g) ?? [];
    expect(answers).toHaveLength(FAST.maxRequestsPerSocket);
    expect(connection.received()).toMatch(/connection: close/i);
  });
});

test('2,000 idle connections: at most the cap stay open, and Slack’s requests and /healthz are still answered', async () => {
  const cap = DEFAULT_HTTP_LIMITS.maxConnections;
  const idle: Raw[] = [];
  try {
    for (let batch = 0; batch < 20; batch += 1) {
      idle.push(...(await Promise.all(Array.from({ length: 100 }, () => raw(bot.url)))));
    }
    const open = () => idle.filter((c) => !c.socket.destroyed && c.socket.readyState === 'open').length;
    await eventually(() => expect(open()).toBeLessThanOrEqual(cap), 5000);
    expect(open()).toBeGreaterThan(cap / 2); // the newest idle ones were let be: nothing closes more than it must

    const help = slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, text: 'help' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => postToBot(bot.url, help, { signingSecret: SIGNING_SECRET, timeoutMs: 5000 })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect((await fetch(`${bot.url}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    expect(open()).toBeLessThanOrEqual(cap);
    expect(bot.logs.some((l) => l.includes('too many open HTTP connections'))).toBe(true);
  } finally {
    for (const connection of idle) connection.socket.destroy();
  }
}, 30_000);

test('unknown paths → 404, a known path with the wrong method → 405 with Allow', async () => {
  expect((await fetch(`${bot.url}/nope`)).status).toBe(404);
  const wrongMethod = await fetch(`${bot.url}/slack/events`);
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.get('allow')).toBe('POST');
  expect((await fetch(`${bot.url}/healthz`, { method: 'POST' })).status).toBe(405);
});
