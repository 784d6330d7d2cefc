// How api and worker reach Temporal: plain gRPC on loopback (the embedded dev
// server), mTLS to a self-hosted cluster, or an API key to Temporal Cloud.
// Settings come from config.ts; this module turns them into the SDK's
// options, reading certificate files once, at start-up.
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/** Each PEM setting holds the PEM text itself or the path of a file with it. */
export interface TemporalTlsSettings {
  clientCert: string | undefined;
  clientKey: string | undefined;
  serverCa: string | undefined;
  serverName: string | undefined;
}

export interface TemporalConnectionSettings {
  address: string;
  /** Undefined: plain gRPC. */
  tls: TemporalTlsSettings | undefined;
  apiKey: string | undefined;
}

/** What Connection.connect and NativeConnection.connect take: the same three options for both. */
export interface TemporalTarget {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

export function resolveTemporalTarget(settings: TemporalConnectionSettings, read: (file: string) => Buffer = readFileSync): TemporalTarget {
  return {
    address: settings.address,
    ...(settings.tls === undefined ? {} : { tls: tlsConfig(settings.tls, read) }),
    ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
  };
}

function tlsConfig(tls: TemporalTlsSettings, read: (file: string) => Buffer): TLSConfig {
  const pem = (value: string, what: string): Buffer => {
    if (value.trimStart().startsWith('-----BEGIN')) return Buffer.from(value);
    try {
      return read(value);
    } catch (error) {
      // The path is no secret; the file's contents would be, and are never shown.
      throw new Error(`cannot read ${what} from ${value}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
    }
  };
  return {
    ...(tls.serverName === undefined ? {} : { serverNameOverride: tls.serverName }),
    ...(tls.serverCa === undefined ? {} : { serverRootCACertificate: pem(tls.serverCa, 'TEMPORAL_TLS_CA') }),
    ...(tls.clientCert === undefined || tls.clientKey === undefined
      ? {}
      : { clientCertPair: { crt: pem(tls.clientCert, 'TEMPORAL_TLS_CERT'), key: pem(tls.clientKey, 'TEMPORAL_TLS_KEY') } }),
  };
}

/** For logs and start-up lines: how the connection is secured, never with what. */
export function describeTemporalTarget(target: TemporalTarget): string {
  const security = target.tls === undefined ? 'plain' : target.tls.clientCertPair ? 'mTLS' : 'TLS';
  return `${target.address} (${security}${target.apiKey === undefined ? '' : ', API key'})`;
}
