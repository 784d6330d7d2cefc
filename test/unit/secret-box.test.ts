import { describe, expect, it } from 'vitest';
import { createCipheriv, randomBytes } from 'node:crypto';
import { createSecretBox, generateEncryptionKey, KeyNotInRingError, SecretBoxError } from '../../src/crypto/secret-box.js';
import { parseKeyring, singleKeyring } from '../../src/crypto/keyring.js';

/** A value as hookflow sealed it before the keyring (format v1: no key id). */
function sealV1(key: string, plaintext: string, boundTo: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(generateEncryptionKey());

  it('opens what it sealed, for the same row', () => {
    for (const plaintext of ['whsec_abc', '', 'ünïcødé ☕', 'x'.repeat(10_000)]) {
      expect(box.open(box.seal(plaintext, 'sub_1'), 'sub_1')).toBe(plaintext);
    }
  });

  it('never seals the same way twice and never shows the plaintext', () => {
    const a = box.seal('whsec_same', 'sub_1');
    const b = box.seal('whsec_same', 'sub_1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_same');
    expect(a).toMatch(/^v2\.fp-[0-9a-f]{16}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
  });

  it('refuses another key, another row, and any tampering', () => {
    const sealed = box.seal('whsec_secret', 'sub_1');
    expect(() => createSecretBox(generateEncryptionKey()).open(sealed, 'sub_1')).toThrow(SecretBoxError);
    expect(() => box.open(sealed, 'sub_2')).toThrow(SecretBoxError);
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.') as [string, string, string, string, string];
    const flipped = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    for (const tampered of [
      [version, keyId, flipped(iv), tag, ciphertext],
      [version, keyId, iv, flipped(tag), ciphertext],
      [version, keyId, iv, tag, flipped(ciphertext)],
    ]) {
      expect(() => box.open(tampered.join('.'), 'sub_1')).toThrow('does not open');
    }
  });

  it('refuses what is not a sealed secret, without echoing it', () => {
    for (const junk of ['whsec_plain', 'v2.a.b.c', 'v2.k.a.b.c.d', 'v2..a.b.c', 'v3.k.a.b.c', 'v1.a.b', 'v1.a.b.c.d', '']) {
      expect(() => box.open(junk, 'sub_1')).toThrow(new SecretBoxError('not a sealed secret'));
    }
  });

  it('wants a 32-byte key', () => {
    expect(() => createSecretBox(Buffer.alloc(16).toString('base64'))).toThrow('32 bytes');
    expect(() => createSecretBox('')).toThrow('32 bytes');
    expect(Buffer.from(generateEncryptionKey(), 'base64')).toHaveLength(32);
  });
});

describe('secret box with a keyring', () => {
  const k1 = generateEncryptionKey();
  const k2 = generateEncryptionKey();
  const before = createSecretBox(parseKeyring(`k1:${k1}`));
  const during = createSecretBox(parseKeyring(`k2:${k2},k1:${k1}`));
  const after = createSecretBox(parseKeyring(`k2:${k2}`));

  it('seals under the primary and names it', () => {
    expect(during.primaryKeyId).toBe('k2');
    expect(during.seal('whsec_x', 'sub_1')).toMatch(/^v2\.k2\./);
  });

  it('opens values under any key of the ring, and says which need re-sealing', () => {
    const old = before.seal('whsec_old', 'sub_1');
    const fresh = during.seal('whsec_new', 'sub_1');
    expect(during.open(old, 'sub_1')).toBe('whsec_old');
    expect(during.open(fresh, 'sub_1')).toBe('whsec_new');
    expect(during.needsReseal(old)).toBe(true);
    expect(during.needsReseal(fresh)).toBe(false);
    expect(after.open(fresh, 'sub_1')).toBe('whsec_new');
  });

  it('refuses a value under a key no longer in the ring, naming the key id and nothing else', () => {
    const old = before.seal('whsec_old', 'sub_1');
    expect(() => after.open(old, 'sub_1')).toThrow(KeyNotInRingError);
    expect(() => after.open(old, 'sub_1')).toThrow('the sealed secret is under encryption key "k1", which is not in the keyring');
    try {
      after.open(old, 'sub_1');
    } catch (error) {
      expect(error).toBeInstanceOf(SecretBoxError);
      expect((error as KeyNotInRingError).keyId).toBe('k1');
      for (const secret of [k1, k2, old, 'whsec_old']) expect((error as Error).message).not.toContain(secret);
    }
  });

  it('does not open a value whose key id was rewritten to another key of the ring', () => {
    const old = before.seal('whsec_old', 'sub_1');
    expect(() => during.open(old.replace('.k1.', '.k2.'), 'sub_1')).toThrow('does not open');
  });

  it('opens v1 values (sealed before the keyring) with whichever key of the ring sealed them, and re-seals them', () => {
    const legacy = sealV1(k1, 'whsec_legacy', 'sub_1');
    expect(createSecretBox(k1).open(legacy, 'sub_1')).toBe('whsec_legacy');
    expect(during.open(legacy, 'sub_1')).toBe('whsec_legacy');
    expect(during.needsReseal(legacy)).toBe(true);
    expect(() => after.open(legacy, 'sub_1')).toThrow('does not open');
    expect(() => during.open(legacy, 'sub_2')).toThrow('does not open');
  });

  it('keeps HOOKFLOW_ENCRYPTION_KEY values opening once that key joins a ring without an id', () => {
    const single = createSecretBox(k1);
    const sealed = single.seal('whsec_single', 'sub_1');
    expect(single.primaryKeyId).toBe(singleKeyring(k1).primary.id);
    expect(createSecretBox(parseKeyring(`k2:${k2},${k1}`)).open(sealed, 'sub_1')).toBe('whsec_single');
  });
});
