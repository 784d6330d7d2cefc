// What workflows, the API and clients must agree on: ids, signals, search
// attributes and inputs. Deterministic and Node-free, so workflow code may
// import it; everything else imports it from here too.
import { defineSignal } from '@temporalio/workflow';
import type { AcceptedEvent } from '../src/schemas/event.js';

/** `event:<eventId>`: one event workflow per event id, which is what makes publishing idempotent. */
export function eventWorkflowId(eventId: string): string {
  return `event:${eventId}`;
}

/** `delivery:<eventId>:<subscriptionId>`: one delivery workflow per event and subscription. */
export function deliveryWorkflowId(eventId: string, subscriptionId: string): string {
  return `delivery:${eventId}:${subscriptionId}`;
}

/** A keyword search attribute key (the shape of the SDK's SearchAttributeKey<'KEYWORD'>, without its runtime import). */
function keyword(name: string): { name: string; type: 'KEYWORD' } {
  return { name, type: 'KEYWORD' };
}

export const SEARCH_ATTRIBUTES = {
  eventType: keyword('HookflowEventType'),
  eventId: keyword('HookflowEventId'),
  subscriptionId: keyword('HookflowSubscriptionId'),
  deliveryStatus: keyword('HookflowDeliveryStatus'),
} as const;

/**
 * Children an event workflow starts per run. Continue-as-new between batches
 * keeps each run's history short and its pending children far below
 * Temporal's 2,000 limit, however many subscribers an event has.
 */
export const FANOUT_BATCH_SIZE = 200;

/** Operator's manual retry of a dead delivery; ignored while the delivery is not dead. */
export const redeliverSignal = defineSignal('redeliver');

export interface EventWorkflowInput {
  event: AcceptedEvent;
  /** Set on continue-as-new: fan-out resumes after this subscription id. */
  afterSubscriptionId?: string;
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
}
