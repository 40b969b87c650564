// Logging never writes a secret: known secret values, token-shaped strings and the `kubeconfig` /
// `authorization` fields are removed from every line, whatever logged it and however deep it sits.
// The scrubber on its own: secretScrubber.test.ts.
import { boltLogger, createLogger, SecretScrubber, type Logger } from '../../src/process/logger.js';

const SIGNING_SECRET = 'signing-secret-4d9f1b2c7a';
const DECRYPTED_TOKEN = 'plain-api-token-Q7w8E9r0';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJvcmdfdXVpZCI6InRlc3QifQ.c2lnLXZhbHVlLWhlcmU';
const BOT_TOKEN = 'xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOp';
const APP_TOKEN = 'xapp-1-A0123456789-1234567890123-abcdef0123456789';
const KUBECONFIG = 'apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTi-KUBE-CA-9x8y\n';
const AUTH_VALUE = 'Basic dXNlcjpwYXNzLUFVVEgtN3o2';

const NEVER = [SIGNING_SECRET, DECRYPTED_TOKEN, JWT, 'c2lnLXZhbHVlLWhlcmU', BOT_TOKEN, APP_TOKEN, 'KUBE-CA-9x8y', 'certificate-authority-data', 'dXNlcjpwYXNzLUFVVEgtN3o2'];

function capture(level = 'trace'): { logger: Logger; lines: string[]; scrubber: SecretScrubber } {
  const lines: string[] = [];
  const scrubber = new SecretScrubber();
  scrubber.pin(SIGNING_SECRET);
  scrubber.add(DECRYPTED_TOKEN, undefined);
  const logger = createLogger({ level, scrubber, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, scrubber };
}

function expectClean(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  const output = lines.join('');
  for (const secret of NEVER) expect(output).not.toContain(secret);
}

describe('createLogger', () => {
  it('writes JSON lines at the level asked', () => {
    const { logger, lines } = capture('info');
    logger.debug('hidden');
    logger.info({ requestId: 'ir-1' }, 'shown');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'shown', requestId: 'ir-1', service: 'simplismart-slack' });
  });

  it('removes known secrets and token shapes from messages and fields', () => {
    const { logger, lines } = capture();
    logger.info(`message with ${SIGNING_SECRET} and ${JWT}`);
    logger.warn({ note: `token ${DECRYPTED_TOKEN}`, list: [BOT_TOKEN, { deeper: APP_TOKEN }] }, 'fields');
    logger.info({ header: `Bearer ${DECRYPTED_TOKEN}` }, 'bearer');
    expectClean(lines);
    expect(lines.join('')).toContain('[REDACTED]');
  });

  it('removes a secret with a quote or a backslash in it, which a JSON line holds escaped', () => {
    const { logger, lines, scrubber } = capture();
    const awkward = 'pa"ss\\word-9Zq8';
    scrubber.pin(awkward);
    logger.info({ note: `password ${awkward}` }, `and ${awkward}`);
    expectClean(lines);
    expect(lines[0]).not.toContain(JSON.stringify(awkward).slice(1, -1));
    expect(lines[0]).not.toContain('9Zq8');
    expect(JSON.parse(lines[0]!)).toMatchObject({ note: 'password [REDACTED]', msg: 'and [REDACTED]' });
  });

  it('removes secrets from errors: message, stack, cause and own properties', () => {
    const { logger, lines } = capture();
    const cause = new Error(`socket closed while sending ${BOT_TOKEN}`);
    const error = Object.assign(new Error(`request failed with ${JWT}`, { cause }), { config: { token: DECRYPTED_TOKEN } });
    logger.error({ err: error }, 'failed');
    expectClean(lines);
    expect(JSON.parse(lines[0]!).err.message).toContain('request failed');
  });

  it.each([
    ['top level', (v: unknown) => ({ kubeconfig: v })],
    ['one level down', (v: unknown) => ({ cluster: { kubeconfig: v } })],
    ['two levels down', (v: unknown) => ({ response: { data: { kubeconfig: v } } })],
    ['three levels down', (v: unknown) => ({ a: { b: { c: { kubeconfig: v } } } })],
    ['five levels down', (v: unknown) => ({ a: { b: { c: { d: { e: { kubeconfig: v } } } } } })],
    ['in an array', (v: unknown) => ({ clusters: [{ name: 'x', kubeconfig: v }] })],
    ['as an object', (v: unknown) => ({ answer: { body: { kubeconfig: { raw: v } } } })],
  ])('never writes a kubeconfig field (%s)', (_where, wrap) => {
    const { logger, lines } = capture();
    logger.info(wrap(KUBECONFIG) as object, 'answer');
    expectClean(lines);
    expect(lines[0]).toContain('answer');
  });

  it.each([
    ['top level', (v: unknown) => ({ authorization: v })],
    ['in headers', (v: unknown) => ({ headers: { authorization: v } })],
    ['in request headers', (v: unknown) => ({ req: { headers: { authorization: v } } })],
    ['deep in an error-like object', (v: unknown) => ({ failure: { options: { headers: { Authorization: v } } } })],
    ['capitalised at top level', (v: unknown) => ({ Authorization: v })],
  ])('never writes an authorization field (%s)', (_where, wrap) => {
    const { logger, lines } = capture();
    logger.info(wrap(AUTH_VALUE) as object, 'request');
    expectClean(lines);
  });

  it('keeps ordinary fields next to redacted ones', () => {
    const { logger, lines } = capture();
    logger.info({ a: { b: { c: { kubeconfig: KUBECONFIG, name: 'prod' } } }, requestId: 'ir-2' }, 'kept');
    const line = JSON.parse(lines[0]!);
    expect(line.requestId).toBe('ir-2');
    expect(line.a.b.c.name).toBe('prod');
  });

  it('does not change the object that was logged', () => {
    const { logger } = capture();
    const logged = { a: { b: { c: { kubeconfig: KUBECONFIG } } }, authorization: AUTH_VALUE };
    logger.info(logged, 'x');
    expect(logged.a.b.c.kubeconfig).toBe(KUBECONFIG);
    expect(logged.authorization).toBe(AUTH_VALUE);
  });

  it('copes with a circular object', () => {
    const { logger, lines } = capture();
    const loop: Record<string, unknown> = { kubeconfig: KUBECONFIG };
    loop['self'] = loop;
    expect(() => logger.info({ loop }, 'circular')).not.toThrow();
    expectClean(lines);
  });

  it('removes secrets from a child logger’s bindings', () => {
    const { logger, lines } = capture();
    logger.child({ token: DECRYPTED_TOKEN, teamId: 'T1', nested: { kubeconfig: KUBECONFIG } }).info('child');
    expectClean(lines);
    expect(lines[0]).toContain('T1');
  });
});

describe('boltLogger', () => {
  it('sends Bolt’s lines through the same scrubbing', () => {
    const { logger, lines } = capture();
    const bolt = boltLogger(logger);
    bolt.info('token', BOT_TOKEN, { authorization: `Bearer ${JWT}` });
    bolt.error(new Error(`failed with ${SIGNING_SECRET}`));
    bolt.debug({ kubeconfig: 'x' }, DECRYPTED_TOKEN);
    expectClean(lines);
    expect(lines).toHaveLength(3);
  });
});
