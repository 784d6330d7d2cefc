// Receivers that misbehave the way real endpoints do, changing mood every few
// seconds: errors, answers slower than the delivery timeout, dropped
// connections, slow but in-time answers, 429 with Retry-After. Every request
// a receiver processes (answers 2xx, even too late) becomes a receipt.
import { Webhook } from 'standardwebhooks';
import type { Answer, Receiver, ReceivedRequest } from '../support/receiver.js';
import type { Receipt } from './report.js';

export const MOODS = ['ok', 'error', 'too-slow', 'reset', 'slow', 'throttled'] as const;
export type Mood = (typeof MOODS)[number];

/** How often each mood is picked while flapping: healthy more often than not. */
const WEIGHTS: Record<Mood, number> = { ok: 40, error: 15, 'too-slow': 10, reset: 10, slow: 15, throttled: 10 };

export function answerFor(mood: Mood, deliveryTimeoutMs: number): Answer {
  switch (mood) {
    case 'ok':
      return { status: 204 };
    case 'error':
      return { status: 500, body: 'flapping: internal error' };
    case 'too-slow':
      // Processed, but answered after the sender has given up: it will retry.
      return { status: 200, delayMs: deliveryTimeoutMs + 1_000 };
    case 'reset':
      return { status: 0, reset: true };
    case 'slow':
      return { status: 200, delayMs: Math.round(deliveryTimeoutMs / 2) };
    case 'throttled':
      return { status: 429, headers: { 'retry-after': '1' } };
  }
}

/** Seeded, so a run's sequence of moods can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pickMood(random: () => number): Mood {
  const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
  let roll = random() * total;
  for (const mood of MOODS) {
    roll -= WEIGHTS[mood];
    if (roll < 0) return mood;
  }
  return 'ok';
}

export interface FlappingReceiver {
  name: string;
  receiver: Receiver;
  receipts: Receipt[];
  moodChanges: number;
  startFlapping(): void;
  /** Back to healthy for good. */
  calm(): void;
}

export function makeFlapping(options: {
  name: string;
  receiver: Receiver;
  secret: string;
  deliveryTimeoutMs: number;
  seed: number;
}): FlappingReceiver {
  const random = seededRandom(options.seed);
  const verifier = new Webhook(options.secret);
  let mood: Mood = 'ok';
  let timer: NodeJS.Timeout | undefined;
  const self: FlappingReceiver = {
    name: options.name,
    receiver: options.receiver,
    receipts: [],
    moodChanges: 0,
    startFlapping() {
      const next = () => {
        mood = pickMood(random);
        self.moodChanges++;
        timer = setTimeout(next, 1_500 + random() * 2_500);
      };
      next();
    },
    calm() {
      clearTimeout(timer);
      mood = 'ok';
    },
  };
  options.receiver.setBehaviour((_n, request) => {
    const answer = answerFor(mood, options.deliveryTimeoutMs);
    if (answer.status >= 200 && answer.status < 300) self.receipts.push(toReceipt(options.name, request, verifier));
    return answer;
  });
  return self;
}

function toReceipt(receiver: string, request: ReceivedRequest, verifier: Webhook): Receipt {
  const header = (name: string) => String(request.headers[name] ?? '');
  let signatureValid = true;
  try {
    verifier.verify(request.body, {
      'webhook-id': header('webhook-id'),
      'webhook-timestamp': header('webhook-timestamp'),
      'webhook-signature': header('webhook-signature'),
    });
  } catch {
    signatureValid = false;
  }
  const body = JSON.parse(request.body) as { data: { seq: number } };
  return { receiver, seq: body.data.seq, webhookId: header('webhook-id'), signatureValid };
}
