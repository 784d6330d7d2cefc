import { describe, expect, it } from 'vitest';
import { eventIdForIdempotencyKey, newId, type IdPrefix } from '../../src/ids.js';
import { idSchema } from '../../src/schemas/common.js';

const PREFIXES: IdPrefix[] = ['sub', 'evt', 'dlv'];

describe('newId', () => {
  it.each(PREFIXES)('starts with "%s_" followed by 22 base64url characters (16 random bytes)', (prefix) => {
    const id = newId(prefix);
    expect(id).toMatch(new RegExp(`^${prefix}_[A-Za-z0-9_-]{22}$`));
    expect(Buffer.from(id.slice(prefix.length + 1), 'base64url')).toHaveLength(16);
  });

  it.each(PREFIXES)('"%s" ids use only [A-Za-z0-9_-], never ":" and satisfy idSchema', (prefix) => {
    for (let n = 0; n < 500; n++) {
      const id = newId(prefix);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(id).not.toContain(':');
      expect(idSchema.safeParse(id).success).toBe(true);
    }
  });

  it('is unique across many calls and prefixes', () => {
    const ids = new Set<string>();
    for (let n = 0; n < 3_000; n++) ids.add(newId(PREFIXES[n % 3]!));
    expect(ids.size).toBe(3_000);
  });

  it('the random part differs between calls with the same prefix', () => {
    expect(newId('evt')).not.toBe(newId('evt'));
  });
});

describe('eventIdForIdempotencyKey', () => {
  it('is deterministic', () => {
    expect(eventIdForIdempotencyKey('order-42')).toBe(eventIdForIdempotencyKey('order-42'));
  });

  it('is evt_ followed by 32 base64url characters', () => {
    expect(eventIdForIdempotencyKey('order-42')).toMatch(/^evt_[A-Za-z0-9_-]{32}$/);
  });

  it('is the first 32 base64url characters of the SHA-256 of the key (fixed vector)', () => {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    const expected = Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64url').slice(0, 32);
    expect(eventIdForIdempotencyKey('abc')).toBe(`evt_${expected}`);
    expect(eventIdForIdempotencyKey('abc')).toBe('evt_ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qc');
  });

  it('gives different ids for different keys, including near-identical ones', () => {
    const keys = ['a', 'b', 'A', 'a ', ' a', 'order-42', 'order-43', 'order-420', 'x'.repeat(255), 'x'.repeat(254)];
    const ids = keys.map((key) => eventIdForIdempotencyKey(key));
    expect(new Set(ids).size).toBe(keys.length);
  });

  it('gives distinct ids for many keys', () => {
    const ids = new Set(Array.from({ length: 2_000 }, (_, n) => eventIdForIdempotencyKey(`key-${n}`)));
    expect(ids.size).toBe(2_000);
  });

  it.each(['k', 'order-42', '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', 'x'.repeat(255), 'ünïcödé 🎉'])(
    'matches idSchema (URL-safe, no ":") for key %j',
    (key) => {
      const id = eventIdForIdempotencyKey(key);
      expect(idSchema.safeParse(id).success).toBe(true);
      expect(id).not.toContain(':');
      expect(id).toHaveLength(36);
    },
  );

  it('never collides with the shape of newId("evt") ids (32 vs 22 random characters)', () => {
    expect(eventIdForIdempotencyKey('k').length).not.toBe(newId('evt').length);
  });

  it('keeps tenants apart: the same key in two tenants names two events', () => {
    expect(eventIdForIdempotencyKey('order-42', 'tnt_a')).not.toBe(eventIdForIdempotencyKey('order-42', 'tnt_b'));
    expect(eventIdForIdempotencyKey('order-42', 'tnt_a')).toBe(eventIdForIdempotencyKey('order-42', 'tnt_a'));
  });

  it("derives the default tenant's ids as before tenants existed (a retry across the upgrade is recognised)", () => {
    expect(eventIdForIdempotencyKey('abc', 'default')).toBe('evt_ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qc');
  });
});
