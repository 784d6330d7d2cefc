// Signing secrets at rest: AES-256-GCM, a fresh 12-byte IV per seal, and the
// owning row's id as additional data, so a sealed secret copied onto another
// subscription does not open.
//
// Formats:
//   v2.<keyId>.<iv>.<tag>.<ciphertext>  sealed under the ring's key <keyId> (what seal writes)
//   v1.<iv>.<tag>.<ciphertext>          from before the keyring: one key, not named; any key in the ring may open it
// The key id is in the clear (and so is covered by nothing): a wrong id only
// makes GCM refuse, it cannot make a value open under another key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ENCRYPTION_KEY_BYTES, findKey, singleKeyring, type EncryptionKey, type Keyring } from './keyring.js';

export { ENCRYPTION_KEY_BYTES } from './keyring.js';

const ALGORITHM = 'aes-256-gcm';

export interface SecretBox {
  seal(plaintext: string, boundTo: string): string;
  open(sealed: string, boundTo: string): string;
  /** Whether the value is sealed under anything but the primary key (a v1 value always is): what `keys reseal` rewrites. */
  needsReseal(sealed: string): boolean;
  primaryKeyId: string;
}

export class SecretBoxError extends Error {}

/** The value names a key the ring no longer holds: says which, so the operator knows what to restore. */
export class KeyNotInRingError extends SecretBoxError {
  constructor(readonly keyId: string) {
    super(`the sealed secret is under encryption key "${keyId}", which is not in the keyring (HOOKFLOW_ENCRYPTION_KEYS)`);
  }
}

export function generateEncryptionKey(): string {
  return randomBytes(ENCRYPTION_KEY_BYTES).toString('base64');
}

interface SealedParts {
  /** undefined: a v1 value, sealed before keys had ids. */
  keyId: string | undefined;
  iv: string;
  tag: string;
  ciphertext: string;
}

function parseSealed(sealed: string): SealedParts {
  const parts = sealed.split('.');
  const [version] = parts;
  if (version === 'v1' && parts.length === 4) {
    const [, iv, tag, ciphertext] = parts as [string, string, string, string];
    if (iv && tag) return { keyId: undefined, iv, tag, ciphertext };
  }
  if (version === 'v2' && parts.length === 5) {
    const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    if (keyId && iv && tag) return { keyId, iv, tag, ciphertext };
  }
  throw new SecretBoxError('not a sealed secret');
}

function decrypt(key: EncryptionKey, parts: SealedParts, boundTo: string): string | undefined {
  try {
    const decipher = createDecipheriv(ALGORITHM, key.bytes, Buffer.from(parts.iv, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(Buffer.from(parts.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** `keys`: a keyring, or one key, 32 bytes base64-encoded (as HOOKFLOW_ENCRYPTION_KEY holds it). */
export function createSecretBox(keys: string | Keyring): SecretBox {
  const keyring = typeof keys === 'string' ? singleKeyringOrError(keys) : keys;
  const { primary } = keyring;
  return {
    primaryKeyId: primary.id,
    seal(plaintext, boundTo) {
      const iv = randomBytes(12);
      const cipher = createCipheriv(ALGORITHM, primary.bytes, iv);
      cipher.setAAD(Buffer.from(boundTo, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v2', primary.id, ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.');
    },
    open(sealed, boundTo) {
      const parts = parseSealed(sealed);
      let candidates: readonly EncryptionKey[] = keyring.keys;
      if (parts.keyId !== undefined) {
        const key = findKey(keyring, parts.keyId);
        if (key === undefined) throw new KeyNotInRingError(parts.keyId);
        candidates = [key];
      }
      for (const key of candidates) {
        const plaintext = decrypt(key, parts, boundTo);
        if (plaintext !== undefined) return plaintext;
      }
      // Wrong key, tampered data, or bound to another row: never say which, never echo the input.
      throw new SecretBoxError('the sealed secret does not open with this key');
    },
    needsReseal(sealed) {
      return parseSealed(sealed).keyId !== primary.id;
    },
  };
}

function singleKeyringOrError(key: string): Keyring {
  try {
    return singleKeyring(key);
  } catch (error) {
    throw new SecretBoxError((error as Error).message);
  }
}
