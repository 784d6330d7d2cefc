// What workflows, the API and clients must agree on: ids, signals, search
// attributes and inputs. Deterministic and Node-free, so workflow code may
// import it; everything else imports it from here too.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AcceptedEvent } from '../src/schemas/event.js';
import type { DeliveryWorkflowsMode } from '../src/schemas/delivery.js';
import type { FailedOutcome } from '../src/delivery/attempt-outcome.js';
import type { RetentionPolicy, RetentionTarget } from '../src/retention/policy.js';

/** `event:<eventId>`: one event workflow per event id, which is what makes publishing idempotent. */
export function eventWorkflowId(eventId: string): string {
  return `event:${eventId}`;
}

/** `delivery:<eventId>:<subscriptionId>`: one delivery workflow per event and subscription. */
export function deliveryWorkflowId(eventId: string, subscriptionId: string): string {
  return `delivery:${eventId}:${subscriptionId}`;
}

/** `ordered:<subscriptionId>`: the one ordered delivery workflow (the stream) of a fifo subscription. */
export function orderedStreamWorkflowId(subscriptionId: string): string {
  return `ordered:${subscriptionId}`;
}

/** A search attribute key (the shape of the SDK's SearchAttributeKey, without its runtime import). */
function attribute<T extends 'KEYWORD' | 'KEYWORD_LIST'>(name: string, type: T): { name: string; type: T } {
  return { name, type };
}

export const SEARCH_ATTRIBUTES = {
  eventType: attribute('HookflowEventType', 'KEYWORD'),
  eventId: attribute('HookflowEventId', 'KEYWORD'),
  subscriptionId: attribute('HookflowSubscriptionId', 'KEYWORD'),
  deliveryStatus: attribute('HookflowDeliveryStatus', 'KEYWORD'),
  /**
   * On an event workflow run: the subscriptions whose first attempt it made
   * and that succeeded (`HookflowDeliveredTo = 'sub_…'` finds them). A
   * delivery that needed more lives in its own delivery workflow.
   */
  deliveredTo: attribute('HookflowDeliveredTo', 'KEYWORD_LIST'),
  /** The event's tenant, on event and delivery workflows (absent on those started before tenants existed). */
  tenantId: attribute('HookflowTenantId', 'KEYWORD'),
} as const;

/**
 * Subscribers an event workflow run handles before it continues as new, so
 * each run's history stays short and its pending children far below
 * Temporal's 2,000 limit, however many subscribers an event has. A run that
 * makes first attempts itself takes fewer: their subscription ids must fit in
 * one `HookflowDeliveredTo` value (2 KiB by default; 50 ids of 26 characters
 * take about 1.5 KiB).
 */
export const FANOUT_BATCH_SIZE = 200;
export const INLINE_FANOUT_BATCH_SIZE = 50;

export function fanoutBatchSize(mode: DeliveryWorkflowsMode): number {
  return mode === 'always' ? FANOUT_BATCH_SIZE : INLINE_FANOUT_BATCH_SIZE;
}

/** Upper bound for one attempt: the longest allowed HTTP timeout plus Postgres work. */
export const ATTEMPT_TIMEOUT = '90 seconds';

/** The event's recording (or a later run's listing) with the batch's first attempts (made at once, side by side): one attempt's bound, plus the reading's. */
export const RECORD_AND_ATTEMPT_TIMEOUT = '120 seconds';

/** Operator's manual retry of a dead delivery; ignored while the delivery is not dead. */
export const redeliverSignal = defineSignal('redeliver');

/** New deliveries are waiting in a fifo stream (its queue is in PostgreSQL; the signal carries nothing). */
export const wakeStreamSignal = defineSignal('wake');

/** An operator's word to a fifo stream about one of its deliveries. */
export interface StreamRequest {
  /** redeliver: send it again (and, if the stream is blocked on it, unblock); skip: leave it dead and move on. */
  kind: 'redeliver' | 'skip';
  deliveryId: string;
}
export const streamRequestSignal = defineSignal<[StreamRequest]>('streamRequest');

/** What only the stream workflow knows: the dead delivery it is blocked on, if any. */
export interface StreamState {
  blockedOn: string | null;
}
export const streamStateQuery = defineQuery<StreamState>('streamState');

export interface OrderedDeliveryInput {
  subscriptionId: string;
  /** Set on continue-as-new: the dead delivery the stream is blocked on. */
  blockedOn?: string;
}

export interface EventWorkflowInput {
  event: AcceptedEvent;
  /** Set on continue-as-new: fan-out resumes after this subscription id. */
  afterSubscriptionId?: string;
  /** Set on continue-as-new: the mode the first run was told by the worker that recorded the event. */
  deliveryWorkflows?: DeliveryWorkflowsMode;
  /**
   * Set on continue-as-new in the on-failure mode: this run lists its batch
   * and makes the first attempts in one local activity. Runs continued by
   * code from before it lack it, and list and attempt as they did then.
   */
  attemptsWithBatch?: true;
}

export interface DeliveryWorkflowInput {
  deliveryId: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  /** Where it goes, without query string or credentials: for summaries in the Web UI. */
  target: string;
  /** A fresh run started by a redelivery request (the earlier run had closed). */
  redelivery?: boolean;
  /** The event workflow made the first attempt and it failed: wait as it says, or dead-letter at once. */
  firstAttempt?: FailedOutcome;
}

/** Where the retention workflow deletes, in this order (children before their parents; see src/db/retention.ts). */
export const RETENTION_TARGETS: readonly RetentionTarget[] = ['attempts', 'deliveries', 'events', 'audit_events'];

export interface RetentionWorkflowInput {
  policy: RetentionPolicy;
  /** Set on continue-as-new: where the previous run stopped, and what it deleted so far. */
  targetIndex?: number;
  deleted?: Partial<Record<RetentionTarget, number>>;
}

/**
 * `recovery:<subscriptionId>:<recoveryId>`: one dead-letter recovery per
 * subscription and window (the recovery id is derived from the window), so a
 * repeated request joins the one that runs instead of starting another.
 */
export function recoveryWorkflowId(subscriptionId: string, recoveryId: string): string {
  return `recovery:${subscriptionId}:${recoveryId}`;
}

/** What a recovery has done so far: dead deliveries found, redeliveries requested, and the rest (gone meanwhile, or no longer dead). */
export interface RecoveryProgress {
  found: number;
  redelivered: number;
  skipped: number;
}

export interface RecoveryWorkflowInput {
  subscriptionId: string;
  /** The window, ISO timestamps: dead deliveries created at or after `since` and before `until`. */
  since: string;
  until: string;
  /** Dead deliveries one activity re-drives. */
  batchSize: number;
  /** Set on continue-as-new: the page resumes after this delivery id, with the counts so far. */
  afterDeliveryId?: string;
  progress?: RecoveryProgress;
}

/** A running recovery's counts so far. */
export const recoveryProgressQuery = defineQuery<RecoveryProgress>('recoveryProgress');
