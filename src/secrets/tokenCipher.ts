// Encrypts Simplismart tokens at rest with AES-256-GCM; the workspace id is bound in as associated
// data, so a ciphertext copied onto another workspace's row does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenDecryptionError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super(
      'token_undecryptable',
      'The stored Simplismart token cannot be decrypted: ENCRYPTION_KEY changed since it was saved. An admin must run /simplismart connect again.',
      options,
    );
  }
}

export class TokenCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('TokenCipher needs a 32-byte key');
  }

  encrypt(plaintext: string, teamId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(teamId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${VERSION}:${Buffer.concat([iv, tag, ciphertext]).toString('base64')}`;
  }

  decrypt(sealed: string, teamId: string): string {
    try {
      const [version, body] = sealed.split(':', 2);
      if (version !== VERSION || body === undefined) throw new Error(`unknown token format ${version ?? ''}`);
      const raw = Buffer.from(body, 'base64');
      const iv = raw.subarray(0, IV_BYTES);
      const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
      const ciphertext = raw.subarray(IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(teamId, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new TokenDecryptionError({ cause: error });
    }
  }
}
