// Dead-letter recovery (POST /v1/subscriptions/:id/recover) as a background
// operation: pages through the subscription's dead deliveries in the window,
// one bounded batch per activity (which requests each redelivery), so a crash
// loses at most one batch of work and a retried batch finds the deliveries it
// already re-drove no longer dead. It continues as new every BATCHES_PER_RUN
// batches to keep its history short, answers the recoveryProgress query while
// it runs, and returns its counts.
import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { recoveryProgressQuery, type RecoveryProgress, type RecoveryWorkflowInput } from './definitions.js';

/** About 6 history events per batch: 60 per run. */
export const RECOVERY_BATCHES_PER_RUN = 10;

const { recoverBatch } = proxyActivities<Activities>({
  // One page read and at most `batchSize` signals; PostgreSQL or Temporal being away is retried.
  startToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '1 minute' },
});

export async function recoveryWorkflow(input: RecoveryWorkflowInput): Promise<RecoveryProgress> {
  const progress: RecoveryProgress = { found: 0, redelivered: 0, skipped: 0, ...input.progress };
  setHandler(recoveryProgressQuery, () => progress);
  let after = input.afterDeliveryId;
  for (let batches = 0; ; batches++) {
    if (batches >= RECOVERY_BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof recoveryWorkflow>({ ...input, ...(after === undefined ? {} : { afterDeliveryId: after }), progress });
    }
    const batch = await recoverBatch({
      subscriptionId: input.subscriptionId,
      since: input.since,
      until: input.until,
      ...(after === undefined ? {} : { afterDeliveryId: after }),
      limit: input.batchSize,
    });
    progress.found += batch.found;
    progress.redelivered += batch.redelivered;
    progress.skipped += batch.skipped;
    if (batch.lastDeliveryId === null || batch.found < input.batchSize) return progress;
    after = batch.lastDeliveryId;
  }
}
