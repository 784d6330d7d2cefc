import { describe, expect, it } from 'vitest';
import { keyFingerprint, KeyringError, parseKeyring, singleKeyring } from '../../src/crypto/keyring.js';
import { generateEncryptionKey } from '../../src/crypto/secret-box.js';

const a = generateEncryptionKey();
const b = generateEncryptionKey();

describe('parseKeyring', () => {
  it('reads id:key pairs, the first one primary', () => {
    const ring = parseKeyring(`k2:${a},k1:${b}`);
    expect(ring.primary.id).toBe('k2');
    expect(ring.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(ring.primary.bytes).toEqual(Buffer.from(a, 'base64'));
    expect(ring.keys[1]!.bytes).toEqual(Buffer.from(b, 'base64'));
  });

  it('reads a file: one entry a line, blank lines, comments and spaces ignored', () => {
    const ring = parseKeyring(`# rotated 2026-12\n  k2 : ${a}  \n\n# the old one, until the reseal is done\nk1:${b}\n`);
    expect(ring.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it('names a key given without an id by its fingerprint, the same one HOOKFLOW_ENCRYPTION_KEY gets', () => {
    const ring = parseKeyring(`k2:${a},${b}`);
    expect(ring.keys[1]!.id).toBe(singleKeyring(b).primary.id);
    expect(ring.keys[1]!.id).toMatch(/^fp-[0-9a-f]{16}$/);
    expect(keyFingerprint(Buffer.from(b, 'base64'))).toBe(ring.keys[1]!.id);
    expect(keyFingerprint(Buffer.from(a, 'base64'))).not.toBe(ring.keys[1]!.id);
    // Nothing of the key shows in its id.
    expect(ring.keys[1]!.id).not.toContain(Buffer.from(b, 'base64').toString('hex').slice(0, 8));
  });

  it.each([
    ['', 'holds no key'],
    [' ,\n# only a comment\n', 'holds no key'],
    [`k1:${Buffer.alloc(16).toString('base64')}`, 'keyring entry 1 ("k1"): the encryption key must be 32 bytes'],
    [`k1:${a},k1:${b}`, 'keyring entry 2: the key id "k1" is used twice'],
    [`k1:${a},k2:${a}`, 'keyring entry 2 ("k2"): the same key is in the ring twice'],
    [`k.1:${a}`, 'keyring entry 1: a key id is 1 to 64 letters'],
    [`:${a}`, 'keyring entry 1: a key id is 1 to 64 letters'],
    [`${'x'.repeat(65)}:${a}`, 'keyring entry 1: a key id is 1 to 64 letters'],
    ['k1:short', 'keyring entry 1 ("k1"): the encryption key must be 32 bytes'],
  ])('refuses %j: %s', (spec, message) => {
    expect(() => parseKeyring(spec)).toThrow(KeyringError);
    expect(() => parseKeyring(spec)).toThrow(message);
  });

  it('never echoes a key in an error, even one pasted where the id goes', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    for (const spec of [`${short}`, `${short}:${short}`, `k1:${short}`, `k1:${a},k2:${a}`]) {
      let message = '';
      try {
        parseKeyring(spec);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(short);
      expect(message).not.toContain(a);
    }
  });
});

describe('singleKeyring', () => {
  it('holds one key, primary, named by its stable fingerprint', () => {
    const ring = singleKeyring(a);
    expect(ring.keys).toEqual([ring.primary]);
    expect(singleKeyring(a).primary.id).toBe(ring.primary.id);
    expect(singleKeyring(b).primary.id).not.toBe(ring.primary.id);
  });

  it('wants 32 bytes', () => {
    expect(() => singleKeyring(Buffer.alloc(31).toString('base64'))).toThrow('32 bytes');
  });
});
