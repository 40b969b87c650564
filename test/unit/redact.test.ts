// Token-shaped strings removed from text that came from elsewhere before a person sees it.
import { redactTokens } from '../../src/domain/redact.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJvcmdfdXVpZCI6IngifQ.c2lnbmF0dXJl';

describe('redactTokens', () => {
  it.each([
    ['a JWT', `token ${JWT} was refused`, JWT],
    ['a bot token', 'xoxb-1234567890-abcdefghij', 'xoxb-1234567890'],
    ['a user token', 'use xoxp-1234-5678-abcd', 'xoxp-1234-5678'],
    ['an app token', 'xapp-1-A0123-4567-abcdef', 'xapp-1-A0123'],
    ['a bearer header', 'Authorization: Bearer abc.def-secret', 'abc.def-secret'],
    ['a lower-case bearer', 'authorization: bearer sk_live_1234', 'sk_live_1234'],
  ])('removes %s', (_what, text, secret) => {
    const out = redactTokens(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it.each([
    ['a rotating bot token', 'xoxe.xoxb-1-MS0yLTExMTEtMjIyMi0zMzMz'],
    ['a rotating user token', 'xoxe.xoxp-1-Mi0yLTExMTEtMjIyMi0zMzMz'],
    ['a refresh token', 'xoxe-1-My0xLTExMTEtMjIyMi0zMzMz'],
    ['a client token', 'xoxc-1111-2222-3333-abcdef'],
    ['a session cookie', 'xoxd-abc%2Fdef%2Bghi%3D'],
    ['a workflow token', 'xwfp-1-abcdef012345'],
  ])('removes %s whole (prefix included)', (_what, token) => {
    expect(redactTokens(`got ${token} back`)).toBe('got [redacted] back');
  });

  it('removes every occurrence, and works when called again (no regex state kept)', () => {
    const text = `${JWT} and ${JWT}`;
    expect(redactTokens(text)).toBe('[redacted] and [redacted]');
    expect(redactTokens(text)).toBe('[redacted] and [redacted]');
  });

  it('leaves ordinary text alone', () => {
    const text = 'Failed to import cluster: Region is required (eyJ is a prefix; xoxb- alone too)';
    expect(redactTokens(text)).toBe(text);
  });
});
