// Tokens at rest: AES-256-GCM bound to the workspace id; a moved, tampered or re-keyed ciphertext
// does not decrypt, and the ciphertext does not contain the token.
import { randomBytes } from 'node:crypto';
import { TokenCipher, TokenDecryptionError } from '../../src/secrets/tokenCipher.js';

const KEY = randomBytes(32);
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJvcmdfdXVpZCI6InRlc3QifQ.c2lnbmF0dXJl';

describe('TokenCipher', () => {
  const cipher = new TokenCipher(KEY);

  it('round-trips a token for its workspace', () => {
    const sealed = cipher.encrypt(TOKEN, 'T1');
    expect(cipher.decrypt(sealed, 'T1')).toBe(TOKEN);
    expect(cipher.decrypt(cipher.encrypt('ünïcødé ✓', 'T1'), 'T1')).toBe('ünïcødé ✓');
  });

  it('the ciphertext contains neither the token nor any of its parts, and is versioned', () => {
    const sealed = cipher.encrypt(TOKEN, 'T1');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(sealed).not.toContain(TOKEN);
    for (const part of TOKEN.split('.')) expect(sealed).not.toContain(part);
    expect(Buffer.from(sealed.slice(3), 'base64').includes(Buffer.from(TOKEN))).toBe(false);
  });

  it('encrypts the same token differently each time (random IV)', () => {
    expect(cipher.encrypt(TOKEN, 'T1')).not.toBe(cipher.encrypt(TOKEN, 'T1'));
  });

  it('a ciphertext moved to another workspace does not decrypt', () => {
    const sealed = cipher.encrypt(TOKEN, 'T1');
    expect(() => cipher.decrypt(sealed, 'T2')).toThrow(TokenDecryptionError);
    expect(() => cipher.decrypt(sealed, '')).toThrow(TokenDecryptionError);
  });

  it('detects tampering with any byte', () => {
    const sealed = cipher.encrypt(TOKEN, 'T1');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    for (const index of [0, 12, 20, 28, raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[index] = copy[index]! ^ 0x01;
      expect(() => cipher.decrypt(`v1:${copy.toString('base64')}`, 'T1')).toThrow(TokenDecryptionError);
    }
    expect(() => cipher.decrypt(`v1:${raw.subarray(0, raw.length - 1).toString('base64')}`, 'T1')).toThrow(TokenDecryptionError);
  });

  it('another key cannot decrypt', () => {
    const sealed = cipher.encrypt(TOKEN, 'T1');
    expect(() => new TokenCipher(randomBytes(32)).decrypt(sealed, 'T1')).toThrow(TokenDecryptionError);
  });

  it.each(['', 'garbage', 'v2:AAAA', 'v1:', 'v1:not-base64!!', TOKEN])('refuses %j', (sealed) => {
    expect(() => cipher.decrypt(sealed, 'T1')).toThrow(TokenDecryptionError);
  });

  it('its error has a code, a cause, and tells the admin what to do without the token', () => {
    try {
      cipher.decrypt(cipher.encrypt(TOKEN, 'T1'), 'T2');
      throw new Error('expected a TokenDecryptionError');
    } catch (error) {
      expect(error).toBeInstanceOf(TokenDecryptionError);
      const e = error as TokenDecryptionError;
      expect(e.code).toBe('token_undecryptable');
      expect(e.cause).toBeDefined();
      expect(e.message).toContain('/simplismart connect');
      expect(e.message).not.toContain(TOKEN);
    }
  });

  it('needs a 32-byte key', () => {
    expect(() => new TokenCipher(randomBytes(16))).toThrow();
    expect(() => new TokenCipher(Buffer.alloc(0))).toThrow();
  });
});
