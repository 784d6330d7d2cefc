// One Temporal connection for an API and a worker in the same process (the
// embedded `npm start`). Sharing a NativeConnection is what lets the server
// start an event workflow eagerly: it returns the first workflow task with
// the start, to this process's worker, with no task-queue dispatch.
import { Client, type ClientInterceptors } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from '../logger.js';
import type { TemporalTarget } from '../temporal/connection-options.js';
import { installSdkRuntimeOnce } from './sdk-runtime.js';

export interface SharedTemporal {
  client: Client;
  connection: NativeConnection;
}

export async function connectSharedTemporal(
  target: TemporalTarget,
  namespace: string,
  logger: Logger,
  interceptors?: ClientInterceptors,
): Promise<SharedTemporal> {
  // A NativeConnection brings up the SDK's runtime: ours (logger, metrics) must be installed first.
  await installSdkRuntimeOnce(logger);
  const connection = await NativeConnection.connect(target);
  return { client: new Client({ connection, namespace, interceptors }), connection };
}
