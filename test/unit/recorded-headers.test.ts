import { describe, expect, it } from 'vitest';
import { REDACTED, isCredentialHeader, recordedRequestHeaders } from '../../src/delivery/recorded-headers.js';

const signatureSet = {
  'webhook-id': 'evt_1',
  'webhook-timestamp': '1700000000',
  'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1a,abc',
  'content-type': 'application/json',
  'user-agent': 'hookflow/1.0',
};

describe('isCredentialHeader', () => {
  it.each([
    'Authorization',
    'Proxy-Authorization',
    'X-Api-Key',
    'apikey',
    'X-Auth-Token',
    'X-Access-Token',
    'X-Secret',
    'X-Client-Secret',
    'Cookie',
    'X-Password',
    'X-Passphrase',
    'X-Session-Id',
    'X-Credentials',
    'X-Hub-Signature',
    'X-JWT',
    'X-Bearer',
    'X-Private-Id',
    'AUTHORIZATION',
  ])('redacts a header named %s whatever its value', (name) => {
    expect(isCredentialHeader(name, 'plain')).toBe(true);
  });

  it.each([
    'Bearer abc.def',
    'bearer abc',
    'Basic dXNlcjpwYXNz',
    'Digest username="a"',
    'Token 123',
    'ApiKey 123',
    'NTLM TlRMTVNT',
    'Negotiate YII',
    'AWS4-HMAC-SHA256 Credential=AKIA',
    '  Bearer padded',
    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    'whsk_abc',
    'hfk_0123456789',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig',
  ])('redacts a value shaped like a credential, %s, whatever the name', (value) => {
    expect(isCredentialHeader('X-Whatever', value)).toBe(true);
  });

  it.each([
    ['X-Tenant', 'acme'],
    ['X-Region', 'eu-west-1'],
    ['X-Request-Source', 'hookflow'],
    ['Accept-Language', 'en'],
    ['X-Note', 'Bearer'], // a scheme word alone carries no credential
    ['X-Note', 'a bearer of news'],
    ['X-Version', '2'],
  ])('keeps %s: %s', (name, value) => {
    expect(isCredentialHeader(name, value)).toBe(false);
  });
});

describe('recordedRequestHeaders', () => {
  it("keeps hookflow's own headers, signature included, as they were sent", () => {
    expect(recordedRequestHeaders(signatureSet, {})).toEqual(signatureSet);
  });

  it('redacts custom headers that carry credentials and keeps the others, names in lower case', () => {
    const custom = { Authorization: 'Bearer s3cr3t', 'X-Api-Key': 'k-123', 'X-Tenant': 'acme', 'X-Forward': 'Basic dXNlcjpwYXNz' };
    const recorded = recordedRequestHeaders({ ...custom, ...signatureSet }, custom);
    expect(recorded).toEqual({
      authorization: REDACTED,
      'x-api-key': REDACTED,
      'x-tenant': 'acme',
      'x-forward': REDACTED,
      ...signatureSet,
    });
    expect(JSON.stringify(recorded)).not.toMatch(/s3cr3t|k-123|dXNlcjpwYXNz/);
  });

  it('matches custom header names case-insensitively', () => {
    expect(recordedRequestHeaders({ 'x-api-key': 'k' }, { 'X-API-KEY': 'k' })).toEqual({ 'x-api-key': REDACTED });
    expect(recordedRequestHeaders({ 'X-Api-Key': 'k' }, { 'x-api-key': 'k' })).toEqual({ 'x-api-key': REDACTED });
  });

  it("never redacts hookflow's own signature headers, though their names would look like credentials", () => {
    const recorded = recordedRequestHeaders(signatureSet, { 'X-Tenant': 'acme' });
    expect(recorded['webhook-signature']).toBe(signatureSet['webhook-signature']);
  });

  it('lower-cases the names of headers that are not custom', () => {
    expect(recordedRequestHeaders({ 'Content-Type': 'application/json' }, {})).toEqual({ 'content-type': 'application/json' });
  });

  it('records nothing when nothing was sent', () => {
    expect(recordedRequestHeaders({}, { Authorization: 'Bearer x' })).toEqual({});
  });

  it('does not change its inputs', () => {
    const sent = { Authorization: 'Bearer x' };
    const custom = { Authorization: 'Bearer x' };
    recordedRequestHeaders(sent, custom);
    expect(sent).toEqual({ Authorization: 'Bearer x' });
    expect(custom).toEqual({ Authorization: 'Bearer x' });
  });
});
