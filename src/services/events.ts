// Publishing and reading events. Publishing is one durable write: the start
// of the event workflow. Postgres is written by that workflow, not here.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, isGrpcServiceError, type Client } from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { defaultPayloadConverter } from '@temporalio/common';
import { unavailableStore } from '../unavailable.js';
import { createAcceptanceClock } from './acceptance-clock.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { findEvent, tenantOf } from '../db/events.js';
import { DEFAULT_TENANT_ID } from '../schemas/tenant.js';
import { withinDeadline } from '../temporal/deadline.js';
import { tenantPriority } from '../temporal/fairness.js';
import type { Queryable } from '../db/pool.js';
import { eventIdForIdempotencyKey, newId } from '../ids.js';
import { acceptedEventSchema, type AcceptedEvent, type Event, type PublishEvent } from '../schemas/event.js';
import { SEARCH_ATTRIBUTES, eventWorkflowId, type EventWorkflowInput } from '../../workflows/definitions.js';
import type { eventWorkflow } from '../../workflows/event-workflow.js';

export interface PublishResult {
  event: { id: string; tenantId: string; type: string; createdAt: string };
  /** True when this id (or Idempotency-Key) had been published before: nothing new was started. */
  duplicate: boolean;
  /** The server handed the event workflow's first task straight to a worker in this process (eager start). */
  eagerlyStarted?: boolean;
  /** The event's type is deprecated in the catalog, since then (it is accepted all the same). */
  typeDeprecatedAt?: string;
}

/** This process's acceptance times: strictly increasing, so accepted order is kept (docs/ordered-delivery.md). */
const acceptedAt = createAcceptanceClock();

export class IdempotencyConflictError extends Error {}

/** How long publishing waits for Temporal to accept an event before answering 503. */
export const START_TIMEOUT_MS = 5_000;

export async function publishEvent(
  /** Without `pool` (a producer with no access to hookflow's database), a repeat is read from Temporal alone. */
  deps: {
    pool?: Queryable;
    temporal: Client;
    taskQueue: string;
    /**
     * Ask for eager workflow start: the server returns the event workflow's
     * first task with the start, to the worker sharing this client's
     * connection, with no task-queue dispatch. Only where a worker runs in the
     * same process on the same NativeConnection (the embedded `npm start`).
     */
    eagerStart?: boolean;
    /**
     * The event catalog: the payload must match its type's schema (or the
     * type must be known, with HOOKFLOW_REQUIRE_EVENT_TYPES). The API and the
     * announcer always pass it; the Temporal client, which has no database,
     * publishes unchecked, for producers trusted with hookflow's Temporal.
     */
    catalog?: EventCatalog;
  },
  /** `tenantId`: resolved and checked by the caller (src/api/tenant-scope.ts); the default tenant when left out. */
  input: PublishEvent,
  idempotencyKey: string | undefined,
): Promise<PublishResult> {
  // Before anything durable: a refused event leaves no trace. (From the
  // in-memory catalog: this needs no PostgreSQL; see event-catalog.ts.)
  const { deprecatedAt } = deps.catalog ? await deps.catalog.admit(input.type, input.payload) : {};
  const typeDeprecation = deprecatedAt === undefined ? {} : { typeDeprecatedAt: deprecatedAt };
  const tenantId = input.tenantId ?? DEFAULT_TENANT_ID;
  const id = input.id ?? (idempotencyKey === undefined ? newId('evt') : eventIdForIdempotencyKey(idempotencyKey, tenantId));
  const event: AcceptedEvent = {
    id,
    type: input.type,
    payload: input.payload,
    idempotencyKey: idempotencyKey ?? null,
    createdAt: acceptedAt().toISOString(),
    tenantId,
  };
  const start = () =>
    deps.temporal.workflow.start<typeof eventWorkflow>('eventWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: eventWorkflowId(id),
      args: [{ event } satisfies EventWorkflowInput],
      // A repeat of the id, running or closed, is the same event: never a second fan-out.
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `event ${input.type}`,
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.eventType, value: input.type },
        { key: SEARCH_ATTRIBUTES.eventId, value: id },
        { key: SEARCH_ATTRIBUTES.tenantId, value: tenantId },
      ],
      // Task-queue fairness per tenant: a tenant's flood queues behind its own
      // events, not in front of every other tenant's (docs/tenants.md). The
      // delivery workflows of failed first attempts inherit it (src/temporal/fairness.ts).
      priority: tenantPriority(tenantId),
      ...(deps.eagerStart ? { requestEagerStart: true } : {}),
    });
  try {
    // Bounded: when Temporal does not answer, the producer gets a 503 to retry
    // (same id or Idempotency-Key) instead of a request that hangs.
    const { eagerlyStarted } = await withinDeadline(deps.temporal, START_TIMEOUT_MS, start);
    return { event: { id, tenantId, type: event.type, createdAt: event.createdAt }, duplicate: false, eagerlyStarted, ...typeDeprecation };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  // A repeat only needs the original's type and time, which Temporal holds
  // too: answering it must not depend on PostgreSQL being up.
  const existing = await getEvent(deps, id).catch((error: unknown) => {
    if (unavailableStore(error) !== 'postgres') throw error;
    return withinDeadline(deps.temporal, START_TIMEOUT_MS, () => getEvent({ temporal: deps.temporal }, id));
  });
  // Another tenant's event of that id is a conflict told in words that say nothing of it.
  if (existing && existing.tenantId !== tenantId) throw new IdempotencyConflictError(`event id ${id} is already in use`);
  if (existing && existing.type !== input.type) {
    throw new IdempotencyConflictError(`event ${id} was already published with type "${existing.type}", not "${input.type}"`);
  }
  const published = existing ?? event;
  return { event: { id, tenantId, type: published.type, createdAt: published.createdAt }, duplicate: true, ...typeDeprecation };
}

/**
 * The event from Postgres once its workflow has recorded it; before that,
 * from the event workflow's own input (state `accepted`, no deliveries yet).
 */
export async function getEvent(deps: { pool?: Queryable; temporal: Client }, id: string): Promise<Event | undefined> {
  const recorded = deps.pool ? await findEvent(deps.pool, id) : undefined;
  if (recorded) return recorded;
  try {
    const history = await deps.temporal.workflow.getHandle(eventWorkflowId(id)).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload) return undefined;
    const input = defaultPayloadConverter.fromPayload<EventWorkflowInput>(payload);
    const event = acceptedEventSchema.parse(input.event);
    return {
      id: event.id,
      tenantId: tenantOf(event),
      type: event.type,
      payload: event.payload,
      createdAt: event.createdAt,
      state: 'accepted',
      deliveries: [],
    };
  } catch (error) {
    // fetchHistory reports an unknown workflow as a raw gRPC NOT_FOUND.
    if (error instanceof WorkflowNotFoundError) return undefined;
    if (isGrpcServiceError(error) && error.code === grpcStatus.NOT_FOUND) return undefined;
    throw error;
  }
}

/** Operational events (such as `subscription.disabled`) go out through hookflow like any other event. */
export function createAnnouncer(deps: { pool: Queryable; temporal: Client; taskQueue: string; catalog: EventCatalog }) {
  return async (event: { type: string; idempotencyKey: string; payload: AcceptedEvent['payload'] }): Promise<void> => {
    await publishEvent(deps, { type: event.type, payload: event.payload }, event.idempotencyKey);
  };
}
