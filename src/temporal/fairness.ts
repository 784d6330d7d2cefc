// Fairness between tenants (issue #13): Temporal's task-queue fairness keys.
//
// Every event workflow is started with the publishing tenant's id as its
// fairness key. When the task queue has a backlog (the workers are busy),
// matching hands out tasks round-robin across fairness keys (stride
// scheduling: each key's tasks get a "pass" that grows with how many that key
// already queued) instead of first-in first-out, so one tenant's flood does
// not sit in front of another tenant's trickle. The event workflow's first
// task is where every subscriber's first attempt happens (local activities),
// so fair dispatch of that one workflow task is what bounds a quiet tenant's
// publish-to-receipt time. (`npm start` starts event workflows eagerly, which
// bypasses matching, but only while its worker has a free workflow task slot,
// the SDK reserving one first (temporalio/sdk-rust#606); a busy worker gets
// its tasks through the fair task queue like any other.)
//
// What the server (v1.29.1) needs, read in its source
// (go.temporal.io/server@v1.29.1):
// - common/dynamicconfig/constants.go: `matching.enableFairness` (default
//   false, "Enable fairness for task dispatching. Implies
//   matching.useNewMatcher"). It is a task-queue setting, so it may be scoped
//   by namespace, task queue and task type with constraints; hookflow turns it
//   on for everything. Without it the fairness key is carried but ignored
//   (FIFO). `matching.useNewMatcher` alone gives priority levels, not fairness.
// - service/matching/physical_task_queue_manager.go: a partition reads the
//   setting when it loads (a change unloads and reloads it); with it, the
//   partition uses the fair backlog manager and the priority matcher. Sticky
//   queues never use fairness ("so that we can still use TTLs"): only the
//   normal task queue is fair, which is where an event workflow's first task
//   goes.
// - common/persistence/sql/task_store.go and schema/*/versioned (postgresql
//   v1.18, sqlite v0.10 "Adds tasks_v2 table for fairness tasks"): the fair
//   backlog lives in other tables (tasks_v2, task_queues_v2). The dev server
//   creates them itself; `npm run cluster` and the Helm chart's schema job
//   apply every versioned step, v1.18 included.
// - No migration in 1.29.1: the fair backlog manager reads only tasks_v2, so
//   tasks already queued in the classic table when fairness is switched on
//   for an existing task queue wait there until it is switched off again
//   (draining between the two tables came later, temporalio/temporal#8500).
//   Switch it on with the task queue drained (no backlog), as a new install is.
// - Fairness holds within one task-queue partition (priorities/fairness are
//   per partition; tasks spread over partitions at random). The dev server
//   runs one partition; the cluster keeps Temporal's default of 4, where
//   fairness holds per partition and, the tasks being spread at random,
//   approximately across them.
// - Keys: at most 64 bytes (common/priorities: fairnessKeyMaxLength), else the
//   start is rejected. Children and activities inherit the workflow's
//   priority (service/history/transfer_queue_active_task_executor.go merges
//   the parent's execution priority into a child's start and an activity's
//   task; workflow tasks carry the execution's own), and continue-as-new
//   keeps it (service/history/workflow/mutable_state_impl.go).
import { createHash } from 'node:crypto';
import type { Priority } from '@temporalio/common';

/** The dynamic config setting that makes fairness keys take effect (a task-queue setting; hookflow sets it true everywhere). */
export const ENABLE_FAIRNESS_SETTING = 'matching.enableFairness';

/** The server's limit on a fairness key (common/priorities, fairnessKeyMaxLength): longer keys fail the start. */
export const FAIRNESS_KEY_MAX_BYTES = 64;

/**
 * A tenant's fairness key: its id, or for an id longer than the server takes
 * (tenant ids may have 128 characters) a digest of it: `~` and the SHA-256 in
 * base64url, 44 characters. `~` is not allowed in tenant ids, so a digest
 * never equals another tenant's own id.
 */
export function fairnessKey(tenantId: string): string {
  if (Buffer.byteLength(tenantId, 'utf8') <= FAIRNESS_KEY_MAX_BYTES) return tenantId;
  return `~${createHash('sha256').update(tenantId, 'utf8').digest('base64url')}`;
}

/** The priority an event workflow of this tenant starts with: the tenant's fairness key, every tenant weighing the same. */
export function tenantPriority(tenantId: string): Priority {
  return { fairnessKey: fairnessKey(tenantId) };
}
