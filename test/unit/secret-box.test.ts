import { describe, expect, it } from 'vitest';
import { createSecretBox, generateEncryptionKey, SecretBoxError } from '../../src/crypto/secret-box.js';

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
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
  });

  it('refuses another key, another row, and any tampering', () => {
    const sealed = box.seal('whsec_secret', 'sub_1');
    expect(() => createSecretBox(generateEncryptionKey()).open(sealed, 'sub_1')).toThrow(SecretBoxError);
    expect(() => box.open(sealed, 'sub_2')).toThrow(SecretBoxError);
    const [version, iv, tag, ciphertext] = sealed.split('.') as [string, string, string, string];
    const flipped = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    for (const tampered of [
      [version, flipped(iv), tag, ciphertext],
      [version, iv, flipped(tag), ciphertext],
      [version, iv, tag, flipped(ciphertext)],
    ]) {
      expect(() => box.open(tampered.join('.'), 'sub_1')).toThrow('does not open');
    }
  });

  it('refuses what is not a sealed secret, without echoing it', () => {
    for (const junk of ['whsec_plain', 'v2.a.b.c', 'v1.a.b', 'v1.a.b.c.d', '']) {
      expect(() => box.open(junk, 'sub_1')).toThrow(new SecretBoxError('not a sealed secret'));
    }
  });

  it('wants a 32-byte key', () => {
    expect(() => createSecretBox(Buffer.alloc(16).toString('base64'))).toThrow('32 bytes');
    expect(() => createSecretBox('')).toThrow('32 bytes');
    expect(Buffer.from(generateEncryptionKey(), 'base64')).toHaveLength(32);
  });
});
