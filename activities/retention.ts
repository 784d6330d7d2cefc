// The retention workflow's one activity: a bounded batch of expired rows of
// one table deleted, counted in the log and in Prometheus (no tenant label:
// the metric set stays bounded).
import { DELETE_EXPIRED } from '../src/db/retention.js';
import type { Pool } from '../src/db/pool.js';
import type { Logger } from '../src/logger.js';
import type { HookflowMetrics } from '../src/metrics/metrics.js';
import type { RetentionPolicy, RetentionTarget } from '../src/retention/policy.js';

export interface RetentionDeps {
  pool: Pool;
  logger: Logger;
  metrics: HookflowMetrics;
}

export function createRetentionActivities(deps: RetentionDeps) {
  return {
    async deleteExpiredBatch(target: RetentionTarget, policy: RetentionPolicy): Promise<number> {
      const deleted = await DELETE_EXPIRED[target](deps.pool, policy);
      deps.metrics.retentionDeleted.inc({ table: target }, deleted);
      if (deleted > 0) deps.logger.info({ table: target, deleted }, 'retention deleted expired rows');
      return deleted;
    },
  };
}
