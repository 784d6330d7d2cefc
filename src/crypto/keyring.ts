// The encryption keyring: several keys, each with an id, the first one the
// primary. New seals use the primary; a sealed value names the key it was
// sealed under, so any key still in the ring opens it. Rotating is: put a new
// key first, run `hookflow keys reseal`, then drop the old one.
// Pure: parsing and lookup only, no I/O, no process.env.
import { createHash } from 'node:crypto';

export const ENCRYPTION_KEY_BYTES = 32;

export interface EncryptionKey {
  /** Safe to log and to store next to ciphertext: a name, never derived reversibly from the key. */
  id: string;
  bytes: Buffer;
}

export interface Keyring {
  /** What new seals and new portal tokens use. */
  primary: EncryptionKey;
  /** Every key, primary first, in the order given. */
  keys: readonly EncryptionKey[];
}

export class KeyringError extends Error {}

/** Ids go between dots in a sealed value and into error messages: keep them short and plain. */
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A key given without an id (HOOKFLOW_ENCRYPTION_KEY, or a bare entry in the
 * ring) is named by a fingerprint: stable across restarts and processes, and
 * a one-way hash of 32 random bytes, so it tells nothing about the key.
 */
export function keyFingerprint(bytes: Buffer): string {
  return `fp-${createHash('sha256').update('hookflow encryption key id\0').update(bytes).digest('hex').slice(0, 16)}`;
}

function decodeKey(base64: string, where: string): Buffer {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== ENCRYPTION_KEY_BYTES) {
    throw new KeyringError(`${where}: the encryption key must be ${ENCRYPTION_KEY_BYTES} bytes, base64-encoded`);
  }
  return bytes;
}

/** One key, as HOOKFLOW_ENCRYPTION_KEY holds it: its id is its fingerprint, so values sealed under it keep opening. */
export function singleKeyring(base64: string): Keyring {
  const bytes = decodeKey(base64.trim(), 'the encryption key');
  const key = { id: keyFingerprint(bytes), bytes };
  return { primary: key, keys: [key] };
}

/**
 * `k2:<base64>,k1:<base64>` (HOOKFLOW_ENCRYPTION_KEYS), or the same one entry
 * per line (a keyring file; `#` starts a comment). The first key is the
 * primary. An entry without `id:` is named by its fingerprint. Errors name the
 * entry by position or id, never by its key.
 */
export function parseKeyring(spec: string): Keyring {
  const entries = spec
    .split('\n')
    .flatMap((line) => line.replace(/#.*$/, '').split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new KeyringError('the keyring holds no key');
  const keys: EncryptionKey[] = [];
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const where = `keyring entry ${index + 1}`;
    const bytes = decodeKey(
      colon === -1 ? entry : entry.slice(colon + 1).trim(),
      colon === -1 ? where : `${where} ("${safeId(entry.slice(0, colon))}")`,
    );
    const id = colon === -1 ? keyFingerprint(bytes) : entry.slice(0, colon).trim();
    if (!KEY_ID.test(id)) throw new KeyringError(`${where}: a key id is 1 to 64 letters, digits, "_" or "-"`);
    if (keys.some((key) => key.id === id)) throw new KeyringError(`${where}: the key id "${id}" is used twice`);
    if (keys.some((key) => key.bytes.equals(bytes))) throw new KeyringError(`${where} ("${id}"): the same key is in the ring twice`);
    keys.push({ id, bytes });
  });
  return { primary: keys[0]!, keys };
}

/** An id as typed, for an error message: only if it looks like an id (it could be a pasted key). */
function safeId(id: string): string {
  return KEY_ID.test(id.trim()) ? id.trim() : '?';
}

export function findKey(keyring: Keyring, id: string): EncryptionKey | undefined {
  return keyring.keys.find((key) => key.id === id);
}
