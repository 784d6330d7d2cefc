// Producers that publish a numbered stream of events at a steady rate and
// keep trying each one for minutes: on a 503 they wait as Retry-After says,
// when the API is down they try again, always with the same Idempotency-Key, so a retry
// of an event the API had accepted before it died is not a second event.
// What each answer looked like is counted: a retryable error is fine, a
// hang or a 500 is a defect.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AcceptedEvent } from './report.js';

/** Longer than the API's own bounded wait for Temporal (5 s): a request this slow is a hang. */
const HANG_MS = 15_000;
/** A producer that cannot publish one event within this long reports it as not accepted. */
const GIVE_UP_MS = 5 * 60_000;

export interface ProducerOutcomes {
  accepted: AcceptedEvent[];
  /** Answers that were already-accepted repeats (Idempotent-Replayed). */
  replayed: number;
  /** Every answer other than a first 202, by kind: e.g. "503 PostgreSQL is unreachable…", "connection refused". */
  retryable: Record<string, number>;
  /** Answers a producer must never get: 500s, hangs, a 503 without Retry-After, 4xx for a valid request. */
  defects: Record<string, number>;
  gaveUp: number[];
}

export async function produce(options: {
  apiUrl: () => string;
  key: string;
  runId: string;
  type: string;
  count: number;
  ratePerSecond: number;
  concurrency: number;
  onAccepted: (accepted: number) => void;
}): Promise<ProducerOutcomes> {
  const outcomes: ProducerOutcomes = { accepted: [], replayed: 0, retryable: {}, defects: {}, gaveUp: [] };
  const count = (bucket: Record<string, number>, kind: string) => (bucket[kind] = (bucket[kind] ?? 0) + 1);
  const started = Date.now();
  let next = 0;

  const publishOne = async (seq: number): Promise<void> => {
    const firstTry = Date.now();
    while (Date.now() - firstTry < GIVE_UP_MS) {
      const answer = await postEvent(options, seq);
      if (answer.accepted) {
        outcomes.accepted.push({ seq, eventId: answer.eventId });
        if (answer.replayed) outcomes.replayed++;
        options.onAccepted(outcomes.accepted.length);
        return;
      }
      count(answer.defect ? outcomes.defects : outcomes.retryable, answer.kind);
      await sleep(answer.waitMs);
    }
    outcomes.gaveUp.push(seq);
  };

  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (;;) {
        const seq = next++;
        if (seq >= options.count) return;
        // A steady stream: event n is not sent before its slot.
        const due = started + (seq * 1000) / options.ratePerSecond;
        if (due > Date.now()) await sleep(due - Date.now());
        await publishOne(seq);
      }
    }),
  );
  return outcomes;
}

type Answer = { accepted: true; eventId: string; replayed: boolean } | { accepted: false; kind: string; defect: boolean; waitMs: number };

async function postEvent(options: { apiUrl: () => string; key: string; runId: string; type: string }, seq: number): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(`${options.apiUrl()}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.key}`,
        'content-type': 'application/json',
        'idempotency-key': `${options.runId}-${seq}`,
      },
      body: JSON.stringify({ type: options.type, payload: { seq, publishedAt: new Date().toISOString() } }),
      signal: AbortSignal.timeout(HANG_MS),
    });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { accepted: false, kind: `no answer within ${HANG_MS / 1000} s`, defect: true, waitMs: 0 };
    // The API process is down or died mid-request.
    const code = (error as { cause?: { code?: string } }).cause?.code ?? 'network error';
    return { accepted: false, kind: `connection failed (${code})`, defect: false, waitMs: 500 };
  }
  const text = await response.text().catch(() => '');
  if (response.status === 202) {
    const body = JSON.parse(text) as { id: string };
    return { accepted: true, eventId: body.id, replayed: response.headers.get('idempotent-replayed') === 'true' };
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  const problem =
    response.headers.get('content-type') === 'application/problem+json' ? (safeJson(text) as { detail?: string } | undefined) : undefined;
  // 502: the balancer's answer when an API died mid-request with no other to resend to (deploy/haproxy/haproxy.cfg).
  if ((response.status === 503 || response.status === 429 || response.status === 502) && retryAfter > 0 && problem?.detail) {
    return { accepted: false, kind: `${response.status} ${problem.detail}`, defect: false, waitMs: retryAfter * 1000 };
  }
  return { accepted: false, kind: `${response.status}: ${text.slice(0, 160)}`, defect: true, waitMs: 1_000 };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
