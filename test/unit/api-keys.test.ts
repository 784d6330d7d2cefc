import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX, displayPrefix, generateApiKey, hashApiKey, sameKey } from '../../src/auth/api-keys.js';
import { requiredScope } from '../../src/api/middleware/auth.js';

describe('API keys', () => {
  it('are hfk_ and 256 random bits, unique', () => {
    const keys = Array.from({ length: 500 }, generateApiKey);
    for (const key of keys) expect(key).toMatch(/^hfk_[A-Za-z0-9_-]{43}$/);
    expect(new Set(keys).size).toBe(500);
    expect(API_KEY_PREFIX).toBe('hfk_');
  });

  it('are stored as their SHA-256 and shown by a short prefix', () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(displayPrefix(key)).toBe(key.slice(0, 10));
    expect(displayPrefix(key).length).toBeLessThan(key.length / 4);
  });

  it('compare exactly', () => {
    const key = generateApiKey();
    expect(sameKey(key, key)).toBe(true);
    expect(sameKey(key, `${key}x`)).toBe(false);
    expect(sameKey(key, key.slice(0, -1))).toBe(false);
    expect(sameKey(key, generateApiKey())).toBe(false);
  });
});

describe('required scope', () => {
  it('is publish only for publishing events', () => {
    expect(requiredScope('POST', '/v1/events')).toBe('publish');
    expect(requiredScope('POST', '/v1/events/')).toBe('publish');
  });

  it('is none for asking who the credential is, and only for reading that', () => {
    expect(requiredScope('GET', '/v1/whoami')).toBeUndefined();
    expect(requiredScope('GET', '/v1/whoami/')).toBeUndefined();
    expect(requiredScope('POST', '/v1/whoami')).toBe('admin');
    expect(requiredScope('GET', '/v1/whoami/x')).toBe('read');
  });

  it.each([
    ['GET', '/v1/events/evt_1'],
    ['GET', '/v1/events'],
    ['GET', '/v1/keys'],
    ['HEAD', '/v1/subscriptions'],
  ])('is read for %s %s', (method, path) => {
    expect(requiredScope(method, path)).toBe('read');
  });

  it.each([
    ['POST', '/v1/subscriptions'],
    ['POST', '/v1/events/evt_1'],
    ['POST', '/v1/deliveries/dlv_1/redeliver'],
    ['POST', '/v1/keys'],
    ['PATCH', '/v1/tenants/t_1'],
    ['DELETE', '/v1/subscriptions/sub_1'],
  ])('is admin for %s %s', (method, path) => {
    expect(requiredScope(method, path)).toBe('admin');
  });
});
