// Registers a namespace on a Temporal server that has none (a new cluster;
// the dev server makes its own), and waits until the server serves it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import { status as grpcStatus } from '@grpc/grpc-js';

/** `retention`: how long closed workflows (and their attempts' history) stay inspectable in the Web UI, e.g. "168h". */
export async function ensureNamespace(connection: Connection, namespace: string, retention: Duration): Promise<boolean> {
  let registered = false;
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(retention),
      description: 'hookflow',
    });
    registered = true;
  } catch (error) {
    if ((error as { code?: number }).code !== grpcStatus.ALREADY_EXISTS) throw error;
  }
  // The frontend learns of a new namespace when its namespace cache refreshes (every few seconds).
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace });
      return registered;
    } catch (error) {
      if ((error as { code?: number }).code !== grpcStatus.NOT_FOUND || Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}
