// The last-line scrubber: tokens of a known shape removed without being remembered, the process's own
// secrets pinned, other secrets kept in a bounded set of the most recent. Its cost is kept bounded by
// what it retains (size), checked here; how fast a line is scrubbed is measured by bench/scrubber.ts.
import { randomBytes } from 'node:crypto';
import { RECENT_SECRETS_LIMIT, SecretScrubber } from '../../src/process/secretScrubber.js';
import { fakeJwt } from '../support/fixtures.js';

const SIGNING_SECRET = 'signing-secret-4d9f1b2c7a';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJvcmdfdXVpZCI6InRlc3QifQ.c2lnLXZhbHVlLWhlcmU';
const BOT_TOKEN = 'xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOp';
const APP_TOKEN = 'xapp-1-A0123456789-1234567890123-abcdef0123456789';
const KEY = randomBytes(32);

/** What the process pins at start: the configuration's secrets and the encryption key as it may be written. */
const CONFIGURED = [
  SIGNING_SECRET,
  'client-secret-0f1e2d3c4b5a69788796',
  'state-secret-7a6b5c4d3e2f1a0b',
  'metrics-token-11223344556677',
  KEY.toString('hex'),
  KEY.toString('base64'),
  KEY.toString('base64url'),
  APP_TOKEN,
];

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** A secret with no shape the scrubber knows (an opaque API key, a password). */
const opaque = (i: number) => `opaque-${i}-${hex(12)}`;

/** Every word of the line scrubbed, or the words that were not. */
function unscrubbed(scrubber: SecretScrubber, secrets: string[]): string[] {
  return scrubber
    .scrub(secrets.join(' '))
    .split(' ')
    .filter((word) => word !== '[REDACTED]');
}

describe('SecretScrubber', () => {
  it('replaces every occurrence of a known secret', () => {
    const scrubber = new SecretScrubber();
    scrubber.add(SIGNING_SECRET);
    expect(scrubber.scrub(`a ${SIGNING_SECRET} b ${SIGNING_SECRET}`)).toBe('a [REDACTED] b [REDACTED]');
  });

  it.each([
    ['a JWT (a Simplismart token)', JWT],
    ['a bot token', BOT_TOKEN],
    ['a user token', 'xoxp-1111111111-2222222222-3333333333-0123456789abcdef'],
    ['an app token', APP_TOKEN],
    ['a rotating bot token', `xoxe.xoxb-1-${hex(40)}`],
    ['a rotating user token', `xoxe.xoxp-1-${hex(40)}`],
    ['a refresh token', `xoxe-1-${hex(40)}`],
    ['a client token', `xoxc-1111111111-2222222222-${hex(20)}`],
    ['a session cookie, URL-encoded', 'xoxd-Ab3%2Bc9%2FdE1fG%3D%3D'],
    ['a legacy workspace token', 'xoxa-2-1111111111-2222222222-abcdef0123'],
    ['a legacy refresh token', 'xoxr-1111111111-abcdef0123456789'],
    ['a legacy session token', 'xoxs-1111111111-2222222222-abcdef0123'],
    ['a workflow token', `xwfp-1-${hex(20)}`],
    ['a bearer header', 'Bearer plain-api-token-Q7w8E9r0'],
  ])('replaces %s whole, without being told about it', (_what, secret) => {
    expect(new SecretScrubber().scrub(`x ${secret} y`)).toBe('x [REDACTED] y');
  });

  it('works on every call (no global-regex state left behind)', () => {
    const scrubber = new SecretScrubber();
    scrubber.add(SIGNING_SECRET);
    for (let i = 0; i < 3; i += 1) expect(scrubber.scrub(`${JWT} ${SIGNING_SECRET} ${JWT}`)).toBe('[REDACTED] [REDACTED] [REDACTED]');
  });

  it('ignores values too short to be secrets (they would censor ordinary words)', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('info', '', undefined);
    scrubber.pin('level');
    expect(scrubber.scrub('level info')).toBe('level info');
    expect(scrubber.size).toBe(0);
  });

  it('gives a line without a secret back as it was', () => {
    const scrubber = new SecretScrubber();
    scrubber.pin(...CONFIGURED);
    scrubber.add(opaque(1));
    const line = '{"level":30,"msg":"imported prod-cluster (aws, us-west-2): eyJ and xoxb- alone are no tokens"}\n';
    expect(scrubber.scrub(line)).toBe(line);
  });

  it('keeps none of 100,000 rotating Slack tokens, refresh tokens and Simplismart JWTs it is told about, and still removes each one', () => {
    const scrubber = new SecretScrubber();
    scrubber.pin(...CONFIGURED);
    const pinned = scrubber.size;
    const tokens = Array.from({ length: 100_000 }, (_, i) => {
      const body = `${1 + (i % 7)}-${hex(24)}`;
      return [`xoxe.xoxb-${body}`, `xoxe.xoxp-${body}`, `xoxe-${body}`, fakeJwt({ sub: `key-${i}` })][i % 4]!;
    });
    for (const token of tokens) scrubber.add(token);
    // Bounded by what it was configured with, not by how many tokens it has seen.
    expect(scrubber.size).toBe(pinned);
    for (let i = 0; i < tokens.length; i += 500) expect(unscrubbed(scrubber, tokens.slice(i, i + 500))).toEqual([]);
  });

  it(`keeps the ${RECENT_SECRETS_LIMIT} most recently added secrets without a shape and removes those; older ones are dropped`, () => {
    const scrubber = new SecretScrubber();
    const secrets = Array.from({ length: 100_000 }, (_, i) => opaque(i));
    for (const secret of secrets) scrubber.add(secret);
    expect(scrubber.size).toBe(RECENT_SECRETS_LIMIT);
    const recent = secrets.slice(-RECENT_SECRETS_LIMIT);
    expect(unscrubbed(scrubber, recent)).toEqual([]);
    // Documented behaviour: a secret without a shape that fell out of the recent set is no longer
    // known by value (a field named token or authorization is still redacted by the logger).
    expect(unscrubbed(scrubber, [secrets[0]!, secrets[secrets.length - RECENT_SECRETS_LIMIT - 1]!])).toHaveLength(2);
    // Told about again, it is the most recent again.
    scrubber.add(secrets[0]);
    expect(scrubber.scrub(secrets[0]!)).toBe('[REDACTED]');
    expect(scrubber.size).toBe(RECENT_SECRETS_LIMIT);
  });

  it('adding a kept secret again makes it the most recent: the least recently added one is dropped', () => {
    const scrubber = new SecretScrubber(3);
    const [a, b, c, d] = [opaque(1), opaque(2), opaque(3), opaque(4)];
    scrubber.add(a, b, c);
    scrubber.add(a); // in use again
    scrubber.add(d); // drops b, the least recently added
    expect(unscrubbed(scrubber, [a, b, c, d])).toEqual([b]);
    expect(scrubber.size).toBe(3);
  });

  it('never drops a pinned secret, however many others come and go', () => {
    const scrubber = new SecretScrubber(16);
    scrubber.pin(...CONFIGURED);
    scrubber.add(SIGNING_SECRET); // added again by a caller: still pinned, not counted twice
    for (let i = 0; i < 10_000; i += 1) scrubber.add(opaque(i));
    expect(scrubber.size).toBe(CONFIGURED.length + 16);
    expect(unscrubbed(scrubber, CONFIGURED)).toEqual([]);
  });

  it('refuses a negative bound', () => {
    expect(() => new SecretScrubber(-1)).toThrow(RangeError);
  });
});
