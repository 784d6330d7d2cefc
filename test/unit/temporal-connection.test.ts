import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { describeTemporalTarget, resolveTemporalTarget, type TemporalConnectionSettings } from '../../src/temporal/connection-options.js';

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(Object.keys(env))} to be refused`);
}

describe('Temporal connection settings from the environment', () => {
  it('is plain gRPC when nothing is set', () => {
    expect(loadConfig({}).temporalTls).toBeUndefined();
  });

  it('turns TLS on for any TLS setting, keeping what was given', () => {
    expect(loadConfig({ TEMPORAL_TLS_CA: '/etc/ca.pem' }).temporalTls).toEqual({
      clientCert: undefined,
      clientKey: undefined,
      serverCa: '/etc/ca.pem',
      serverName: undefined,
    });
    expect(loadConfig({ TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }).temporalTls?.serverName).toBe('temporal.internal');
    expect(loadConfig({ TEMPORAL_TLS: 'true' }).temporalTls).toEqual({
      clientCert: undefined,
      clientKey: undefined,
      serverCa: undefined,
      serverName: undefined,
    });
  });

  it('turns TLS on for an API key (Temporal Cloud takes keys over TLS only), unless TEMPORAL_TLS=false says otherwise', () => {
    const cloud = loadConfig({ TEMPORAL_API_KEY: 'key-123' });
    expect(cloud.temporalApiKey).toBe('key-123');
    expect(cloud.temporalTls).toBeDefined();
    expect(loadConfig({ TEMPORAL_API_KEY: 'key-123', TEMPORAL_TLS: 'false' }).temporalTls).toBeUndefined();
  });

  it('refuses a certificate without its key, and a key without its certificate, naming the missing one', () => {
    expect(configError({ TEMPORAL_TLS_CERT: PEM_CERT })).toMatch(/TEMPORAL_TLS_KEY: set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY together/);
    expect(configError({ TEMPORAL_TLS_KEY: PEM_KEY })).toMatch(/TEMPORAL_TLS_CERT: set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY together/);
  });

  it('refuses TEMPORAL_TLS=false beside TLS settings, and values other than true/false/1/0', () => {
    expect(configError({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: '/ca.pem' })).toMatch(/TEMPORAL_TLS: TEMPORAL_TLS=false contradicts/);
    expect(configError({ TEMPORAL_TLS: 'yes' })).toMatch(/TEMPORAL_TLS/);
  });
});

describe('resolveTemporalTarget', () => {
  const files: Record<string, string> = { '/certs/client.pem': 'file-cert', '/certs/client.key': 'file-key', '/certs/ca.pem': 'file-ca' };
  const read = (file: string): Buffer => {
    if (!(file in files)) throw Object.assign(new Error(`ENOENT ${file}`), { code: 'ENOENT' });
    return Buffer.from(files[file]!);
  };
  const settings = (overrides: Partial<TemporalConnectionSettings>): TemporalConnectionSettings => ({
    address: 'temporal:7233',
    tls: undefined,
    apiKey: undefined,
    ...overrides,
  });

  it('passes the address alone for plain gRPC', () => {
    expect(resolveTemporalTarget(settings({}), read)).toEqual({ address: 'temporal:7233' });
  });

  it('reads PEM settings that are paths from their files', () => {
    const target = resolveTemporalTarget(
      settings({ tls: { clientCert: '/certs/client.pem', clientKey: '/certs/client.key', serverCa: '/certs/ca.pem', serverName: 'temporal' } }),
      read,
    );
    expect(target.tls?.serverNameOverride).toBe('temporal');
    expect(Buffer.from(target.tls!.serverRootCACertificate!).toString()).toBe('file-ca');
    expect(Buffer.from(target.tls!.clientCertPair!.crt).toString()).toBe('file-cert');
    expect(Buffer.from(target.tls!.clientCertPair!.key).toString()).toBe('file-key');
  });

  it('takes PEM text as it is, without reading any file', () => {
    const target = resolveTemporalTarget(
      settings({ tls: { clientCert: PEM_CERT, clientKey: PEM_KEY, serverCa: undefined, serverName: undefined } }),
      () => {
        throw new Error('no file should be read');
      },
    );
    expect(Buffer.from(target.tls!.clientCertPair!.crt).toString()).toBe(PEM_CERT);
    expect(target.tls!.serverRootCACertificate).toBeUndefined();
  });

  it('names the setting and the path of a file it cannot read', () => {
    expect(() =>
      resolveTemporalTarget(
        settings({ tls: { clientCert: undefined, clientKey: undefined, serverCa: '/missing/ca.pem', serverName: undefined } }),
        read,
      ),
    ).toThrow('cannot read TEMPORAL_TLS_CA from /missing/ca.pem: ENOENT');
  });

  it('carries the API key, and describes the target without any secret', () => {
    const target = resolveTemporalTarget(
      settings({ apiKey: 'secret-key', tls: { clientCert: undefined, clientKey: undefined, serverCa: undefined, serverName: undefined } }),
      read,
    );
    expect(target.apiKey).toBe('secret-key');
    expect(describeTemporalTarget(target)).toBe('temporal:7233 (TLS, API key)');
    expect(describeTemporalTarget(resolveTemporalTarget(settings({}), read))).toBe('temporal:7233 (plain)');
  });
});
