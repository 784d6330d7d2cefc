// `hookflow keys reseal`: re-seals every sealed value under the keyring's
// primary key, a page of rows per activity (keyset pagination by id), so an
// old key can then leave the ring. Bounded: a run handles BATCHES_PER_RUN
// pages and continues as new with the cursor and the counts. Resumable: the
// cursor lives in the workflow's history, and each page is idempotent (a
// value already under the primary is skipped), so a worker or Temporal
// restart only repeats at most one page. Progress: a query for the CLI, the
// memo and the current details for the Web UI.
import { continueAsNew, defineQuery, proxyActivities, setCurrentDetails, setHandler, upsertMemo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { addBatch, describeProgress, startProgress, type ResealProgress } from './reseal-progress.js';

/** One reseal at a time per namespace: starting it again attaches to the running one. */
export const RESEAL_WORKFLOW_ID = 'hookflow-keys-reseal';
export const DEFAULT_RESEAL_BATCH_SIZE = 200;
/** Pages per run: 50 activities keep a run's history a few hundred events long. */
export const DEFAULT_BATCHES_PER_RUN = 50;

export const resealProgressQuery = defineQuery<ResealProgress>('resealProgress');

export interface ResealInput {
  /**
   * The key everything ends up under, as the operator's keyring names it. A
   * worker whose primary is another (a rolling restart not finished) refuses
   * the page, and Temporal retries it, on another worker or later.
   */
  primaryKeyId: string;
  batchSize: number;
  batchesPerRun: number;
  /** Carried over from the previous run; absent on the first. */
  progress?: ResealProgress;
}

export async function resealWorkflow(input: ResealInput): Promise<ResealProgress> {
  const { resealBatch, countSealedRows } = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    // PostgreSQL away, a worker gone: keep trying, a page is safe to repeat.
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
  let progress = input.progress ?? startProgress(input.primaryKeyId, await countSealedRows());
  setHandler(resealProgressQuery, () => progress);
  const show = () => {
    upsertMemo({ resealProgress: describeProgress(progress) });
    setCurrentDetails(describeProgress(progress));
  };
  show();
  for (let page = 0; page < input.batchesPerRun && !progress.done; page++) {
    progress = addBatch(progress, await resealBatch({ primaryKeyId: input.primaryKeyId, afterId: progress.afterId, limit: input.batchSize }));
    show();
  }
  if (progress.done) return progress;
  return continueAsNew<typeof resealWorkflow>({ ...input, progress });
}
