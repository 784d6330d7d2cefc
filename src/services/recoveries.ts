// Dead-letter recovery as a background operation: the API starts a recovery
// workflow (workflows/recovery-workflow.ts) and reports on it. One per
// subscription and window: the recovery id is derived from them, so a
// repeated request while one runs joins it instead of re-driving twice.
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Recover } from '../schemas/subscription.js';
import type { RecoveryStarted, RecoveryView } from '../schemas/recovery.js';
import { tenantPriority } from '../temporal/fairness.js';
import {
  SEARCH_ATTRIBUTES,
  recoveryProgressQuery,
  recoveryWorkflowId,
  type RecoveryProgress,
  type RecoveryWorkflowInput,
} from '../../workflows/definitions.js';
import type { recoveryWorkflow } from '../../workflows/recovery-workflow.js';

/** Dead deliveries one activity of the workflow re-drives. */
export const RECOVERY_BATCH_SIZE = 100;

interface RecoveryDeps {
  temporal: Client;
  taskQueue: string;
}

/** The window as the workflow's memo, so a report needs neither the input nor a worker for it. */
interface RecoveryMemo {
  since: string;
  until: string;
}

/** `rcv_…`: the same subscription and window (as asked: an open end stays open) always give the same id. */
export function recoveryIdFor(subscriptionId: string, window: Recover): string {
  const key = [subscriptionId, new Date(window.since).toISOString(), window.until === undefined ? 'now' : new Date(window.until).toISOString()].join(
    '\n',
  );
  return `rcv_${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
}

export async function startRecovery(
  deps: RecoveryDeps,
  subscription: { id: string; tenantId: string },
  window: Recover,
  options: { batchSize?: number; now?: Date } = {},
): Promise<RecoveryStarted> {
  const id = recoveryIdFor(subscription.id, window);
  const memo: RecoveryMemo = {
    since: new Date(window.since).toISOString(),
    // An open window ends when it is asked for: the work is bounded from the start.
    until: new Date(window.until ?? options.now ?? new Date()).toISOString(),
  };
  const input: RecoveryWorkflowInput = { subscriptionId: subscription.id, ...memo, batchSize: options.batchSize ?? RECOVERY_BATCH_SIZE };
  await deps.temporal.workflow.start<typeof recoveryWorkflow>('recoveryWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId: recoveryWorkflowId(subscription.id, id),
    args: [input],
    // A repeat while it runs joins it; once it has finished, a repeat looks again (only what is still dead).
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    memo: { ...memo },
    staticSummary: `recover dead deliveries of ${subscription.id} from ${memo.since} to ${memo.until}`,
    typedSearchAttributes: [
      { key: SEARCH_ATTRIBUTES.subscriptionId, value: subscription.id },
      { key: SEARCH_ATTRIBUTES.tenantId, value: subscription.tenantId },
    ],
    // One tenant's bulk recovery queues behind its own work only.
    priority: tenantPriority(subscription.tenantId),
  });
  return { id, subscriptionId: subscription.id, status: 'running' };
}

/** The recovery's window, state and counts (a query while it runs, its result once done); undefined when there is none. */
export async function describeRecovery(deps: RecoveryDeps, subscriptionId: string, id: string): Promise<RecoveryView | undefined> {
  const handle = deps.temporal.workflow.getHandle<typeof recoveryWorkflow>(recoveryWorkflowId(subscriptionId, id));
  const description = await handle.describe().catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  });
  if (!description) return undefined;
  const { since, until } = description.memo as unknown as RecoveryMemo;
  const base = { id, subscriptionId, since, until };
  const status = description.status.name;
  if (status === 'RUNNING') return { ...base, status: 'running', ...(await handle.query(recoveryProgressQuery)) };
  if (status === 'COMPLETED') return { ...base, status: 'done', ...(await handle.result()) };
  const unknown: Record<keyof RecoveryProgress, null> = { found: null, redelivered: null, skipped: null };
  return { ...base, status: 'stopped', ...unknown };
}
