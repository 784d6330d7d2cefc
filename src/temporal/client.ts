import { Client, Connection, type ClientInterceptors } from '@temporalio/client';
import type { TemporalTarget } from './connection-options.js';

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';

export interface TemporalClient {
  client: Client;
  /** The concrete connection, for the operator API (search attributes). */
  connection: Connection;
}

/** `interceptors`: tracing's (src/telemetry/temporal-tracing.ts), when it is on. */
export async function connectTemporalClient(target: TemporalTarget, namespace: string, interceptors?: ClientInterceptors): Promise<TemporalClient> {
  const connection = await Connection.connect({ ...target, connectTimeout: '5 seconds' });
  return { client: new Client({ connection, namespace, interceptors }), connection };
}
