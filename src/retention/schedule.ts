// The Temporal Schedule that runs retention: created at worker start, or
// brought up to date when it exists (every worker does this, idempotently:
// the last to start wins, and all share one configuration). Visible in the
// Web UI under Schedules, with each run's counts as its result.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { msToNumber, tsToMs } from '@temporalio/common/lib/time.js';
import { DEAD_LETTER_RETENTION } from '../../workflows/delivery-workflow.js';
import type { RetentionWorkflowInput } from '../../workflows/definitions.js';
import { retentionPolicy, type RetentionPolicy } from './policy.js';

/** One Schedule per task queue: deployments (and test runs) sharing a namespace keep theirs apart. */
export function retentionScheduleId(taskQueue: string): string {
  return `hookflow-retention:${taskQueue}`;
}

export interface RetentionSettings {
  taskQueue: string;
  /** HOOKFLOW_RETENTION_DAYS: tenants without retentionDays of their own. */
  defaultRetentionDays: number;
  /** HOOKFLOW_RETENTION_INTERVAL_SECONDS: how often the Schedule runs the workflow. */
  intervalSeconds: number;
  /** Rows per activity. */
  batchSize: number;
  /** HOOKFLOW_AUDIT_RETENTION_DAYS (default 365). */
  auditRetentionDays?: number;
}

const DEFAULT_AUDIT_RETENTION_DAYS = 365;

/** Creates or updates the Schedule; returns the policy its runs are given. */
export async function ensureRetentionSchedule(client: Client, settings: RetentionSettings): Promise<RetentionPolicy> {
  const policy = retentionPolicy({
    defaultRetentionDays: settings.defaultRetentionDays,
    deadLetterRetentionSeconds: msToNumber(DEAD_LETTER_RETENTION) / 1000,
    namespaceRetentionSeconds: await namespaceRetentionSeconds(client),
    batchSize: settings.batchSize,
    auditRetentionDays: settings.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS,
  });
  const spec = { intervals: [{ every: settings.intervalSeconds * 1000 }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'retentionWorkflow',
    // The Schedule appends the scheduled time: one id per run.
    workflowId: `${retentionScheduleId(settings.taskQueue)}:run`,
    taskQueue: settings.taskQueue,
    args: [{ policy } satisfies RetentionWorkflowInput],
  };
  // A run still going when the next is due (a large backlog) is not doubled.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP };
  const scheduleId = retentionScheduleId(settings.taskQueue);
  try {
    await client.schedule.create({ scheduleId, spec, action, policies, memo: { purpose: 'hookflow retention (README "Retention")' } });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies }));
  }
  return policy;
}

/** How long Temporal keeps closed workflows in this namespace (0 when it does not say). */
async function namespaceRetentionSeconds(client: Client): Promise<number> {
  const described = await client.workflowService.describeNamespace({ namespace: client.options.namespace });
  const ttl = described.config?.workflowExecutionRetentionTtl;
  return ttl ? tsToMs(ttl) / 1000 : 0;
}
