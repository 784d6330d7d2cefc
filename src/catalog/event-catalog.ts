// The event catalog as each process holds it: every type with its current
// schema (compiled on the type's first publish), so publishing checks a
// payload without asking PostgreSQL.
//
// Publishing must keep working while PostgreSQL is down (it needs only
// Temporal; see src/services/events.ts), so the copy is refreshed on a short
// TTL and, when PostgreSQL is unreachable, the last loaded copy stays in use.
//
// Staleness bound: a change made through this process applies at once (the
// route reloads the copy before answering). A change made through another API
// process is seen here within REFRESH_AFTER_MS, plus the time of one query,
// while PostgreSQL answers within REFRESH_WAIT_MS; when it does not, publishing
// goes on with the last copy rather than waiting, and the refresh lands when
// PostgreSQL answers (while it hangs, one publish per REFRESH_AFTER_MS waits
// REFRESH_WAIT_MS for it). A process that has never loaded the catalog cannot check
// payloads: it answers 503 until PostgreSQL answers once.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FieldError } from '../api/problem.js';
import { allEventTypes } from '../db/event-types.js';
import type { Queryable } from '../db/pool.js';
import type { Logger } from '../logger.js';
import type { EventType } from '../schemas/event-type.js';
import type { JsonValue } from '../json.js';
import { unavailableStore } from '../unavailable.js';
import { compilePayloadSchema, forgetPayloadSchema, validationErrors, type JsonSchema, type PayloadValidator } from './payload-schema.js';

/** How old the copy may get before a publish refreshes it. */
export const REFRESH_AFTER_MS = 5_000;
/** How long a publish waits for a refresh before going on with the copy it has. */
export const REFRESH_WAIT_MS = 1_000;

/** An event the catalog refuses: the fields at fault, for a 422. */
export class EventRejectedError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}

export interface Admission {
  /** When the event's type was deprecated; it is still accepted. */
  deprecatedAt?: string;
}

export interface EventCatalog {
  /** Accepts an event about to be published, or throws EventRejectedError naming each failure. */
  admit(type: string, payload: unknown): Promise<Admission>;
  /** Every type, as this process knows it (for the AsyncAPI document): the same array until the copy changes. */
  types(): Promise<readonly EventType[]>;
  /** The type's first example: what a test send carries when given no payload. */
  firstExample(type: string): Promise<JsonValue | undefined>;
  /** Loads the catalog now; after a change, so this process applies it at once. */
  reload(): Promise<void>;
}

export interface EventCatalogOptions {
  pool: Queryable;
  logger: Logger;
  /** HOOKFLOW_REQUIRE_EVENT_TYPES: refuse events whose type is not in the catalog. */
  requireEventTypes: boolean;
  refreshAfterMs?: number;
  refreshWaitMs?: number;
  now?: () => number;
}

interface Snapshot {
  byName: Map<string, EventType>;
  types: readonly EventType[];
  loadedAt: number;
}

export function createEventCatalog(options: EventCatalogOptions): EventCatalog {
  const { pool, logger, requireEventTypes } = options;
  const refreshAfterMs = options.refreshAfterMs ?? REFRESH_AFTER_MS;
  const refreshWaitMs = options.refreshWaitMs ?? REFRESH_WAIT_MS;
  const now = options.now ?? Date.now;
  /**
   * Compiled once per schema version, on the first publish of the type (a
   * compile takes milliseconds: a catalog of hundreds compiled at once would
   * stall the process), and kept while that version is current.
   */
  const compiled = new Map<string, { schema: JsonSchema; validate: PayloadValidator }>();
  let snapshot: Snapshot | undefined;
  let loading: Promise<void> | undefined;

  function validatorFor(type: EventType): PayloadValidator | undefined {
    if (type.schema === null) return undefined;
    const key = `${type.name}@${type.schemaVersion}`;
    const known = compiled.get(key);
    if (known) return known.validate;
    const validate = compileStored(type);
    compiled.set(key, { schema: type.schema, validate });
    return validate;
  }

  /** A stored schema was checked when it was stored; one that no longer compiles (an Ajv upgrade) refuses everything, loudly. */
  function compileStored(type: EventType): PayloadValidator {
    try {
      return compilePayloadSchema(type.schema!);
    } catch (error) {
      logger.error({ err: error, eventType: type.name, schemaVersion: type.schemaVersion }, 'stored event schema does not compile');
      const refuse = (() => false) as unknown as PayloadValidator;
      refuse.errors = [
        {
          instancePath: '',
          schemaPath: '#',
          keyword: 'schema',
          params: {},
          message: `the catalog's schema version ${type.schemaVersion} of this type does not compile; fix it with PATCH /v1/event-types/${type.name}`,
        },
      ];
      return refuse;
    }
  }

  async function loadOnce(): Promise<void> {
    const types = await allEventTypes(pool);
    // Versions no longer current are let go, from our map and from Ajv's cache.
    const current = new Set(types.map((type) => `${type.name}@${type.schemaVersion}`));
    for (const [key, { schema }] of compiled) {
      if (!current.has(key)) {
        compiled.delete(key);
        forgetPayloadSchema(schema);
      }
    }
    snapshot = { byName: new Map(types.map((type) => [type.name, type])), types, loadedAt: now() };
  }

  /** A load that starts after any load in flight: it sees every change committed before this call. */
  function reload(): Promise<void> {
    const next = (loading ?? Promise.resolve()).catch(() => {}).then(loadOnce);
    loading = next;
    const settle = () => {
      if (loading === next) loading = undefined;
    };
    next.then(settle, settle);
    return next;
  }

  async function current(): Promise<Snapshot> {
    if (snapshot && now() - snapshot.loadedAt < refreshAfterMs) return snapshot;
    const refresh = loading ?? reload();
    if (!snapshot) {
      await refresh;
      return snapshot!;
    }
    const kept = snapshot;
    const outcome = await Promise.race([
      refresh.then(
        () => 'refreshed' as const,
        (error: unknown) => error,
      ),
      sleep(refreshWaitMs, 'waited' as const, { ref: false }),
    ]);
    if (outcome === 'refreshed') return snapshot;
    if (outcome === 'waited') {
      // Still loading: go on with the copy; the refresh lands when it
      // finishes. Publishes meanwhile do not wait again before another
      // REFRESH_AFTER_MS: a PostgreSQL that hangs costs one publish in each
      // such period a wait of REFRESH_WAIT_MS, not every publish.
      refresh.catch((error: unknown) => logger.warn({ err: error }, 'event catalog refresh failed; keeping the last copy'));
      kept.loadedAt = now();
      return kept;
    }
    if (unavailableStore(outcome) !== 'postgres') throw outcome;
    // PostgreSQL is unreachable: keep the copy, and try again after another
    // REFRESH_AFTER_MS rather than on every publish.
    logger.warn({ err: outcome, loadedAt: new Date(kept.loadedAt).toISOString() }, 'PostgreSQL unreachable; using the last event catalog');
    kept.loadedAt = now();
    return kept;
  }

  return {
    async admit(type, payload) {
      const entry = (await current()).byName.get(type);
      if (!entry) {
        if (!requireEventTypes) return {};
        throw new EventRejectedError([
          {
            path: 'type',
            message: `"${type}" is not in the event catalog, and HOOKFLOW_REQUIRE_EVENT_TYPES is on: add it with POST /v1/event-types`,
          },
        ]);
      }
      const validate = validatorFor(entry);
      if (validate) {
        const errors = validationErrors(validate, payload, 'payload');
        if (errors.length > 0) throw new EventRejectedError(errors);
      }
      return entry.deprecatedAt === null ? {} : { deprecatedAt: entry.deprecatedAt };
    },
    async types() {
      return (await current()).types;
    },
    async firstExample(type) {
      return (await current()).byName.get(type)?.examples[0];
    },
    reload,
  };
}
