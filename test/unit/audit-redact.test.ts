import { describe, expect, it } from 'vitest';
import { REDACTED, changedFields, redact } from '../../src/audit/redact.js';
import { auditRetentionCutoff } from '../../src/audit/retention.js';

describe('redact', () => {
  it.each([
    ['secret', 'whsec_abc'],
    ['previousSecret', 'anything'],
    ['secrets', ['a', 'b']],
    ['key', 'hfk_abc'],
    ['apiKey', 'x'],
    ['keyHash', 'x'],
    ['key_hash', 'x'],
    ['privateKey', 'x'],
    ['private_key', 'x'],
    ['token', 'x'],
    ['accessToken', 'x'],
    ['password', 'x'],
    ['signingSecretSealed', 'x'],
    ['sealed', 'x'],
    ['Authorization', 'Bearer x'],
  ])('replaces the value of a field named %s', (field, value) => {
    expect(redact({ [field]: value, kept: 1 })).toEqual({ [field]: REDACTED, kept: 1 });
  });

  it.each(['publicKey', 'tokenId', 'tokensNotBefore', 'keyId', 'signatureScheme', 'name', 'url'])('keeps a field named %s', (field) => {
    expect(redact({ [field]: 'plain' })).toEqual({ [field]: 'plain' });
  });

  it.each(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'hfk_0123456789abcdef', 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ0bnQifQ.c2ln'])(
    'replaces a credential by its shape wherever it is: %s',
    (value) => {
      expect(redact({ note: value, nested: [{ deep: value }] })).toEqual({ note: REDACTED, nested: [{ deep: REDACTED }] });
    },
  );

  it('keeps custom header names and hides their values', () => {
    expect(redact({ headers: { 'x-api-key': 'hunter2', 'x-tenant': 'acme' } })).toEqual({
      headers: { 'x-api-key': REDACTED, 'x-tenant': REDACTED },
    });
  });

  it('redacts inside nested objects and arrays, and drops undefined fields', () => {
    expect(redact({ a: { b: [{ secret: 's', c: 1 }] }, gone: undefined, n: null, t: true })).toEqual({
      a: { b: [{ secret: REDACTED, c: 1 }] },
      n: null,
      t: true,
    });
  });

  it('maps undefined and non-JSON values to null', () => {
    expect(redact(undefined)).toBeNull();
    expect(redact(() => 1)).toBeNull();
  });
});

describe('changedFields', () => {
  it('keeps only the fields that differ, updatedAt aside', () => {
    expect(
      changedFields(
        { id: 's', url: 'https://a', status: 'active', updatedAt: '1', metadata: { k: 1 } },
        { id: 's', url: 'https://b', status: 'active', updatedAt: '2', metadata: { k: 2 } },
      ),
    ).toEqual({ before: { url: 'https://a', metadata: { k: 1 } }, after: { url: 'https://b', metadata: { k: 2 } } });
  });

  it('names a field that appears or disappears with null on the other side', () => {
    expect(changedFields({ a: 1 }, { b: 2 })).toEqual({ before: { a: 1, b: null }, after: { a: null, b: 2 } });
  });

  it('a creation has no before, a deletion no after; both whole and redacted', () => {
    expect(changedFields(null, { id: 'k', key: 'hfk_x' })).toEqual({ before: null, after: { id: 'k', key: REDACTED } });
    expect(changedFields({ id: 's', secret: 'whsec_x' }, undefined)).toEqual({ before: { id: 's', secret: REDACTED }, after: null });
    expect(changedFields(undefined, undefined)).toEqual({ before: null, after: null });
  });

  it('compares redacted values: a changed secret shows no value on either side', () => {
    expect(changedFields({ secret: 'whsec_a', headers: { h: 'a' } }, { secret: 'whsec_b', headers: { h: 'b' } })).toEqual({ before: {}, after: {} });
  });
});

describe('auditRetentionCutoff', () => {
  it('is that many days before now', () => {
    expect(auditRetentionCutoff(365, new Date('2026-12-02T00:00:00Z')).toISOString()).toBe('2025-12-02T00:00:00.000Z');
    expect(auditRetentionCutoff(1, new Date('2026-03-01T12:00:00Z')).toISOString()).toBe('2026-02-28T12:00:00.000Z');
  });
});
