// Encrypts tokens at rest with AES-256-GCM (Simplismart tokens; Slack bot, user and refresh tokens); what
// a token belongs to — a workspace id, an installation's key and token kind — is bound in as associated
// data, so a ciphertext copied onto another row, or into another column, does not decrypt.
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

  /** `boundTo` names what the token belongs to; decrypting needs the same. */
  encrypt(plaintext: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${VERSION}:${Buffer.concat([iv, tag, ciphertext]).toString('base64')}`;
  }

  decrypt(sealed: string, boundTo: string): string {
    try {
      const [version, body] = sealed.split(':', 2);
      if (version !== VERSION || body === undefined) throw new Error(`unknown token format ${version ?? ''}`);
      const raw = Buffer.from(body, 'base64');
      const iv = raw.subarray(0, IV_BYTES);
      const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
      const ciphertext = raw.subarray(IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new TokenDecryptionError({ cause: error });
    }
  }
}
