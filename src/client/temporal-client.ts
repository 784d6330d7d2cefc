// The typed client for producers that already talk to hookflow's Temporal
// deployment: it publishes by starting the event workflow itself (the same
// single durable write the API makes) and re-drives dead letters by signal.
import type { Client } from '@temporalio/client';
import type { PublishEvent } from '../schemas/event.js';
import { getEvent, publishEvent } from '../services/events.js';
import { deliveryWorkflowId, redeliverSignal } from '../../workflows/definitions.js';
import type { PublishResult } from './http-client.js';

export interface HookflowTemporalClientOptions {
  /** A client connected to the namespace hookflow's workers run in. */
  client: Client;
  /** hookflow's task queue (HOOKFLOW_TASK_QUEUE; `hookflow` by default). */
  taskQueue?: string;
}

export function createHookflowTemporalClient(options: HookflowTemporalClientOptions) {
  const deps = { temporal: options.client, taskQueue: options.taskQueue ?? 'hookflow' };
  return {
    /** Publishes an event; the same `idempotencyKey` (or `id`) always yields the same event. */
    async publish(event: PublishEvent, publishOptions: { idempotencyKey?: string } = {}): Promise<PublishResult> {
      const { event: accepted, duplicate } = await publishEvent(deps, event, publishOptions.idempotencyKey);
      return { ...accepted, replayed: duplicate };
    },
    /** The event as hookflow accepted it, read from its workflow (no database needed). */
    getAcceptedEvent: (eventId: string) => getEvent(deps, eventId),
    /**
     * Re-drives a dead delivery by signalling its workflow. A delivery whose
     * workflow has closed (succeeded, or dead past retention) needs the HTTP
     * client's redeliver(), which starts a fresh run from the database; so
     * does a fifo delivery, which has no workflow of its own (its
     * subscription's stream sends it).
     */
    async redeliver(delivery: { eventId: string; subscriptionId: string }): Promise<void> {
      await options.client.workflow.getHandle(deliveryWorkflowId(delivery.eventId, delivery.subscriptionId)).signal(redeliverSignal);
    },
  };
}

export type HookflowTemporalClient = ReturnType<typeof createHookflowTemporalClient>;
