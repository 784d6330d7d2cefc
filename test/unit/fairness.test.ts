import { describe, expect, it } from 'vitest';
import { FAIRNESS_KEY_MAX_BYTES, fairnessKey, tenantPriority } from '../../src/temporal/fairness.js';

describe('fairnessKey', () => {
  it('is the tenant id itself up to the server limit of 64 bytes', () => {
    for (const id of ['default', 'a', 'tnt_01HZX', 'x'.repeat(FAIRNESS_KEY_MAX_BYTES)]) expect(fairnessKey(id)).toBe(id);
  });

  it('is a 44-character digest for a longer id, within the limit, stable, and one per id', () => {
    const long = 'x'.repeat(FAIRNESS_KEY_MAX_BYTES + 1);
    const longest = 'y'.repeat(128);
    const key = fairnessKey(long);
    expect(key).toMatch(/^~[A-Za-z0-9_-]{43}$/);
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(FAIRNESS_KEY_MAX_BYTES);
    expect(fairnessKey(long)).toBe(key);
    expect(fairnessKey(longest)).not.toBe(key);
    expect(fairnessKey(`${long}z`)).not.toBe(key);
  });

  it('counts bytes, not characters', () => {
    const wide = 'é'.repeat(33); // 33 characters, 66 bytes
    expect(fairnessKey(wide)).toMatch(/^~/);
    expect(fairnessKey('é'.repeat(32))).toBe('é'.repeat(32));
  });

  it('never equals a tenant id, which may not contain "~"', () => {
    expect(fairnessKey('t'.repeat(100))).toContain('~');
  });
});

describe('tenantPriority', () => {
  it('sets only the fairness key: priority level and weight stay the server defaults', () => {
    expect(tenantPriority('acme')).toEqual({ fairnessKey: 'acme' });
    expect(tenantPriority('z'.repeat(100))).toEqual({ fairnessKey: fairnessKey('z'.repeat(100)) });
  });
});
