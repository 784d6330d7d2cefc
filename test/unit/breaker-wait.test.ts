import { describe, expect, it } from 'vitest';
import { waitOutcome } from '../../src/delivery/breaker.js';
import { INITIAL_STATE } from '../../src/delivery/endpoint-gate.js';

const until = new Date('2025-06-01T12:00:30.000Z');
const wait = (reason: 'circuit-open' | 'probe-in-flight' | 'rate-limited', waitMs = 10_000) =>
  waitOutcome({ kind: 'wait', waitMs, reason, until, next: INITIAL_STATE });

describe('waitOutcome: a breaker wait handed to Temporal', () => {
  it('an open circuit waits as CircuitOpen, saying until when', () => {
    expect(wait('circuit-open')).toMatchObject({
      kind: 'retry',
      failureType: 'CircuitOpen',
      message: 'circuit open until 2025-06-01T12:00:30.000Z; waiting without calling the endpoint',
    });
  });

  it('a probe under way waits as CircuitOpen too', () => {
    expect(wait('probe-in-flight')).toMatchObject({
      failureType: 'CircuitOpen',
      message: 'circuit half-open: another delivery is probing the endpoint; waiting without calling the endpoint',
    });
  });

  it('the rate limit waits as RateLimited', () => {
    expect(wait('rate-limited')).toMatchObject({ failureType: 'RateLimited', message: 'rate limit reached; waiting without calling the endpoint' });
  });

  it('waits at least as long as asked, and at most 10% longer', () => {
    for (let i = 0; i < 200; i++) {
      const outcome = wait('circuit-open', 5_000);
      expect(outcome.kind === 'retry' && outcome.delayMs).toBeGreaterThanOrEqual(5_000);
      expect(outcome.kind === 'retry' && outcome.delayMs).toBeLessThanOrEqual(5_500);
    }
  });
});
