// The load generator: publishes events through hookflow's API, either at a
// fixed concurrency or at a steady rate, and notes when each was accepted.
import { Pool as HttpPool } from 'undici';
import { summarise, type LatencySummary } from './stats.js';

export type Call = (method: 'GET' | 'POST', route: string, body?: unknown) => Promise<Record<string, unknown>>;

export function apiClient(apiUrl: string, apiKey: string, connections: number): { call: Call; close: () => Promise<void> } {
  const http = new HttpPool(apiUrl, { connections, pipelining: 1 });
  const call: Call = async (method, route, body) => {
    const response = await http.request({
      method,
      path: route,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`${method} ${route}: ${response.statusCode} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  return { call, close: () => http.close() };
}

export interface Published {
  /** Event id → when its POST was sent (ms since the epoch). */
  sentAt: Map<string, number>;
  firstAt: number;
  wallMs: number;
  acceptMs: LatencySummary;
  /** POSTs that failed (no event id came back). */
  errors: number;
  firstError?: string;
}

/** `count` events, `concurrency` publishers each publishing the next one as soon as its last was accepted. */
export async function publishConcurrently(call: Call, type: string, count: number, concurrency: number): Promise<Published> {
  const recorder = recordPublishes(call, type);
  await runConcurrently(count, concurrency, (i) => recorder.publish(i));
  return recorder.result();
}

/** More of an event's body than its type and payload (a `tenantId`, say), by the event's number. */
export type ExtraFields = (i: number) => Record<string, unknown>;

/** `count` events at `perSecond`, each sent on schedule whether or not earlier ones were answered. */
export async function publishAtRate(
  call: Call,
  type: string,
  count: number,
  perSecond: number,
  fields: ExtraFields = () => ({}),
): Promise<Published> {
  const recorder = recordPublishes(call, type, fields);
  await runAtRate(count, perSecond, (i) => recorder.publish(i));
  return recorder.result();
}

function recordPublishes(call: Call, type: string, fields: ExtraFields = () => ({})) {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const firstAt = Date.now();
  let errors = 0;
  let firstError: string | undefined;
  return {
    async publish(i: number): Promise<void> {
      const t0 = Date.now();
      try {
        const { id } = (await call('POST', '/v1/events', { ...fields(i), type, payload: { i, at: t0 } })) as { id: string };
        latencies.push(Date.now() - t0);
        sentAt.set(id, t0);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    },
    result: (): Published => ({
      sentAt,
      firstAt,
      wallMs: Date.now() - firstAt,
      acceptMs: summarise(latencies),
      errors,
      ...(firstError ? { firstError } : {}),
    }),
  };
}

export async function runConcurrently(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** `task(0)` … `task(count - 1)` at `perSecond`, each on schedule whether or not earlier ones have finished. */
export async function runAtRate(count: number, perSecond: number, task: (i: number) => Promise<unknown>): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  const start = Date.now();
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / perSecond - Date.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(task(i));
  }
  await Promise.all(inFlight);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 120_000, onTick?: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastTick = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (onTick && Date.now() - lastTick > 5_000) {
      onTick();
      lastTick = Date.now();
    }
    await sleep(100);
  }
}
