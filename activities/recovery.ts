// The recovery workflow's one activity: a page of a subscription's dead
// deliveries, each redelivered (see redeliver in src/services/deliveries.ts).
import { listDeadDeliveryIdsPage } from '../src/db/deliveries.js';
import type { Pool } from '../src/db/pool.js';
import type { RedeliverOutcome } from '../src/services/deliveries.js';

export interface RecoveryDeps {
  pool: Pool;
  /** Re-drives one delivery: signals its workflow, or starts a fresh run (fifo: its stream). */
  redeliver: (deliveryId: string) => Promise<RedeliverOutcome>;
}

export interface RecoverBatchInput {
  subscriptionId: string;
  since: string;
  until: string;
  afterDeliveryId?: string;
  limit: number;
}

export interface RecoverBatchResult {
  found: number;
  redelivered: number;
  skipped: number;
  /** Where the next page starts; null when this one was empty. */
  lastDeliveryId: string | null;
}

/** Redeliveries requested at once: Temporal sees at most this many signals in flight from one batch. */
const REDELIVER_CONCURRENCY = 20;

export function createRecoveryActivities(deps: RecoveryDeps) {
  async function recoverBatch(input: RecoverBatchInput): Promise<RecoverBatchResult> {
    const ids = await listDeadDeliveryIdsPage(deps.pool, {
      subscriptionId: input.subscriptionId,
      since: new Date(input.since),
      until: new Date(input.until),
      afterId: input.afterDeliveryId,
      limit: input.limit,
    });
    let redelivered = 0;
    for (let i = 0; i < ids.length; i += REDELIVER_CONCURRENCY) {
      const outcomes = await Promise.all(ids.slice(i, i + REDELIVER_CONCURRENCY).map((id) => deps.redeliver(id)));
      redelivered += outcomes.filter((o) => o === 'requested').length;
    }
    return { found: ids.length, redelivered, skipped: ids.length - redelivered, lastDeliveryId: ids.at(-1) ?? null };
  }

  return { recoverBatch };
}
