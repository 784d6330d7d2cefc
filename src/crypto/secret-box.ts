// Signing secrets at rest: AES-256-GCM, a fresh 12-byte IV per seal, and the
// owning row's id as additional data, so a sealed secret copied onto another
// subscription does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';
export const ENCRYPTION_KEY_BYTES = 32;

export interface SecretBox {
  seal(plaintext: string, boundTo: string): string;
  open(sealed: string, boundTo: string): string;
}

export class SecretBoxError extends Error {}

export function generateEncryptionKey(): string {
  return randomBytes(ENCRYPTION_KEY_BYTES).toString('base64');
}

/** `key` is 32 bytes, base64-encoded (as HOOKFLOW_ENCRYPTION_KEY holds it). */
export function createSecretBox(key: string): SecretBox {
  const keyBytes = Buffer.from(key, 'base64');
  if (keyBytes.length !== ENCRYPTION_KEY_BYTES) {
    throw new SecretBoxError(`the encryption key must be ${ENCRYPTION_KEY_BYTES} bytes, base64-encoded`);
  }
  return {
    seal(plaintext, boundTo) {
      const iv = randomBytes(12);
      const cipher = createCipheriv(ALGORITHM, keyBytes, iv);
      cipher.setAAD(Buffer.from(boundTo, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    open(sealed, boundTo) {
      const [version, iv, tag, ciphertext, extra] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || ciphertext === undefined || extra !== undefined) {
        throw new SecretBoxError('not a sealed secret');
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, keyBytes, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(boundTo, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // Wrong key, tampered data, or bound to another row: never say which, never echo the input.
        throw new SecretBoxError('the sealed secret does not open with this key');
      }
    },
  };
}
