// The retention workflow, started by the `hookflow-retention:<task queue>`
// Schedule: deletes expired attempts, deliveries and events (what "expired"
// means is in src/db/retention.ts) one bounded batch per activity, so no
// transaction is long and a crash loses at most one batch of work. It
// continues as new every BATCHES_PER_RUN batches to keep its history short,
// and returns how many rows of each table it deleted (shown in the Web UI).
import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RetentionTarget } from '../src/retention/policy.js';
import { RETENTION_TARGETS, type RetentionWorkflowInput } from './definitions.js';

/** About 6 history events per batch: 600 per run, far below Temporal's warning. */
export const BATCHES_PER_RUN = 100;

const { deleteExpiredBatch } = proxyActivities<Activities>({
  // A batch is one DELETE of at most batchSize rows; PostgreSQL being away is retried.
  startToCloseTimeout: '5 minutes',
  retry: { maximumInterval: '1 minute' },
});

export async function retentionWorkflow(input: RetentionWorkflowInput): Promise<Partial<Record<RetentionTarget, number>>> {
  const deleted = { ...input.deleted };
  let batches = 0;
  for (let index = input.targetIndex ?? 0; index < RETENTION_TARGETS.length; index++) {
    const target = RETENTION_TARGETS[index]!;
    for (;;) {
      if (batches >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof retentionWorkflow>({ policy: input.policy, targetIndex: index, deleted });
      }
      const count = await deleteExpiredBatch(target, input.policy);
      batches++;
      deleted[target] = (deleted[target] ?? 0) + count;
      if (count < input.policy.batchSize) break;
    }
  }
  log.info('retention done', { deleted });
  return deleted;
}
