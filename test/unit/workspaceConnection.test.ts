// What can be read from a token without trusting it: shape, expiry, org; its mask; its freshness.
import { EXPIRY_WARNING_MS, inspectToken, maskToken, tokenFreshness } from '../../src/domain/workspaceConnection.js';

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>, header: unknown = { alg: 'HS256', typ: 'JWT' }) =>
  `${segment(header)}.${segment(claims)}.c2lnbmF0dXJlLXZhbHVl`;

describe('inspectToken', () => {
  it('reads exp (seconds → ms) and org_uuid', () => {
    expect(inspectToken(jwt({ exp: 1_900_000_000, org_uuid: '54360212-2263-44c6-afaf-1333544854f7' }))).toEqual({
      ok: true,
      expiresAt: 1_900_000_000_000,
      orgUuid: '54360212-2263-44c6-afaf-1333544854f7',
    });
  });

  it('a token without exp or org has neither', () => {
    expect(inspectToken(jwt({ sub: 'u1' }))).toEqual({ ok: true, expiresAt: null, orgUuid: null });
  });

  it('ignores claims of the wrong type', () => {
    expect(inspectToken(jwt({ exp: '1900000000', org_uuid: 42 }))).toEqual({ ok: true, expiresAt: null, orgUuid: null });
  });

  it('trims surrounding whitespace', () => {
    expect(inspectToken(`  ${jwt({ exp: 1 })}\n`)).toMatchObject({ ok: true, expiresAt: 1000 });
  });

  it('accepts an unsigned JWT (empty third part)', () => {
    expect(inspectToken(`${segment({ alg: 'none' })}.${segment({})}.`)).toMatchObject({ ok: true });
  });

  it.each([
    ['', 'Paste the API token.'],
    ['   ', 'Paste the API token.'],
    [`Bearer ${jwt({})}`, 'without the word "Bearer"'],
    ['not-a-token', 'three dot-separated parts'],
    ['a.b', 'three dot-separated parts'],
    ['a.b.c.d', 'three dot-separated parts'],
    ['xoxb-1234-5678-abcdef', 'three dot-separated parts'],
    ['abc def.ghi.jkl', 'three dot-separated parts'],
    [`${'a'.repeat(4000)}.${'b'.repeat(100)}.c`, 'too long'],
    ['aaaa.bbbb.cccc', 'damaged'],
    [`${segment([1, 2])}.${segment({})}.x`, 'damaged'],
    [`${segment({ alg: 'HS256' })}.${segment('a string')}.x`, 'damaged'],
  ])('refuses %j', (token, problem) => {
    const result = inspectToken(token);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(problem);
  });

  it('never puts the token into its problem', () => {
    const token = `${segment({ alg: 'HS256' })}.not-json-at-all.sig`;
    const result = inspectToken(token);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).not.toContain('not-json-at-all');
  });
});

describe('maskToken', () => {
  it('shows the first and last four characters only', () => {
    const token = jwt({ exp: 1 });
    const masked = maskToken(token);
    expect(masked).toBe(`${token.slice(0, 4)}…${token.slice(-4)}`);
    expect(masked).not.toContain(token.slice(4, -4));
  });

  it('trims before masking', () => {
    expect(maskToken('  abcdefghijklmnop  ')).toBe('abcd…mnop');
  });

  it('shows nothing of a short string (four and four would be most of it)', () => {
    expect(maskToken('abcdefghijkl')).toBe('…');
    expect(maskToken('abcdefghijklm')).toBe('abcd…jklm');
  });
});

describe('tokenFreshness', () => {
  const now = Date.UTC(2025, 0, 1);
  it('no expiry', () => expect(tokenFreshness(null, now)).toBe('no_expiry'));
  it('expired at or before now', () => {
    expect(tokenFreshness(now, now)).toBe('expired');
    expect(tokenFreshness(now - 1, now)).toBe('expired');
  });
  it('expiring soon within 7 days (inclusive)', () => {
    expect(EXPIRY_WARNING_MS).toBe(7 * 24 * 3600 * 1000);
    expect(tokenFreshness(now + 1, now)).toBe('expiring_soon');
    expect(tokenFreshness(now + EXPIRY_WARNING_MS, now)).toBe('expiring_soon');
  });
  it('valid beyond 7 days', () => {
    expect(tokenFreshness(now + EXPIRY_WARNING_MS + 1, now)).toBe('valid');
  });
});
