import { describe, expect, it } from 'vitest';
import { decideAfterFailedAttempt, type FailedAttemptFacts, type FailedAttemptRules } from '../../src/delivery/attempt-decision.js';
import { FailureType } from '../../src/delivery/failure-types.js';

const now = new Date('2025-06-01T12:00:00.000Z');
const half = () => 0.5; // jitter factor exactly 1.0
const HOUR = 3_600_000;
const rules: FailedAttemptRules = { retryScheduleSeconds: [1, 10], permanentStatusCodes: [422], autoDisableAfterMs: 24 * HOUR };
const healthy = { failingSince: now };
const failingFor = (ms: number) => ({ failingSince: new Date(now.getTime() - ms) });

function facts(overrides: Partial<FailedAttemptFacts>): FailedAttemptFacts {
  return { attemptInRound: 1, statusCode: 500, retryAfter: undefined, networkError: undefined, where: 'https://hooks.example.com', ...overrides };
}

describe('decideAfterFailedAttempt', () => {
  it('410 Gone gives up and disables the subscription, on any attempt and whatever Retry-After says', () => {
    for (const attemptInRound of [1, 2, 3]) {
      expect(decideAfterFailedAttempt(facts({ statusCode: 410, attemptInRound, retryAfter: '5' }), healthy, rules, now, half)).toEqual({
        outcome: {
          kind: 'give-up',
          failureType: FailureType.PermanentFailure,
          message: 'HTTP 410 from https://hooks.example.com; subscription disabled',
        },
        disableBecause: 'the receiver answered 410 Gone',
      });
    }
  });

  it("410 wins over the auto-disable clock, so the reason given is the receiver's", () => {
    expect(decideAfterFailedAttempt(facts({ statusCode: 410 }), failingFor(48 * HOUR), rules, now, half).disableBecause).toBe(
      'the receiver answered 410 Gone',
    );
  });

  it('a subscription failing for the auto-disable period is disabled, from the moment it is due', () => {
    const failingSince = new Date(now.getTime() - 24 * HOUR);
    expect(decideAfterFailedAttempt(facts({}), { failingSince }, rules, now, half)).toEqual({
      outcome: {
        kind: 'give-up',
        failureType: FailureType.SubscriptionInactive,
        message: `no successful delivery since ${failingSince.toISOString()}; subscription disabled`,
      },
      disableBecause: `no successful delivery since ${failingSince.toISOString()}`,
    });
    expect(decideAfterFailedAttempt(facts({}), failingFor(24 * HOUR - 1), rules, now, half).disableBecause).toBeUndefined();
  });

  it('auto-disable applies to a network error and to a listed permanent status too', () => {
    for (const f of [facts({ statusCode: undefined, networkError: 'ECONNREFUSED' }), facts({ statusCode: 422 })]) {
      expect(decideAfterFailedAttempt(f, failingFor(25 * HOUR), rules, now, half).outcome.failureType).toBe(FailureType.SubscriptionInactive);
    }
  });

  it("an HTTP failure on schedule retries after the schedule's wait, without disabling", () => {
    expect(decideAfterFailedAttempt(facts({ statusCode: 503 }), healthy, rules, now, half)).toEqual({
      outcome: { kind: 'retry', failureType: FailureType.HttpStatus, message: 'HTTP 503 from https://hooks.example.com', delayMs: 1_000 },
    });
  });

  it('a network error retries as NetworkError, naming the error and the target', () => {
    expect(
      decideAfterFailedAttempt(facts({ statusCode: undefined, networkError: 'timeout after 5 s', attemptInRound: 2 }), healthy, rules, now, half),
    ).toEqual({
      outcome: { kind: 'retry', failureType: FailureType.NetworkError, message: 'timeout after 5 s (https://hooks.example.com)', delayMs: 10_000 },
    });
  });

  it("the receiver's Retry-After on 429 sets the wait", () => {
    expect(decideAfterFailedAttempt(facts({ statusCode: 429, retryAfter: '7' }), healthy, rules, now, half).outcome).toMatchObject({
      kind: 'retry',
      delayMs: 7_000,
    });
  });

  it('a status the subscription lists as permanent gives up without disabling', () => {
    expect(decideAfterFailedAttempt(facts({ statusCode: 422 }), healthy, rules, now, half)).toEqual({
      outcome: { kind: 'give-up', failureType: FailureType.PermanentFailure, message: 'HTTP 422 from https://hooks.example.com; permanent failure' },
    });
  });

  it("a spent schedule gives up as RetriesExhausted, counting the round's attempts", () => {
    expect(decideAfterFailedAttempt(facts({ attemptInRound: 3 }), healthy, rules, now, half)).toEqual({
      outcome: {
        kind: 'give-up',
        failureType: FailureType.RetriesExhausted,
        message: 'HTTP 500 from https://hooks.example.com; gave up after 3 attempts',
      },
    });
    expect(
      decideAfterFailedAttempt(facts({ statusCode: undefined, networkError: 'ECONNRESET', attemptInRound: 3 }), healthy, rules, now, half).outcome,
    ).toEqual({
      kind: 'give-up',
      failureType: FailureType.RetriesExhausted,
      message: 'ECONNRESET (https://hooks.example.com); gave up after 3 attempts',
    });
  });

  it('never disables for any failing status but 410 while the clock is not due', () => {
    const disabledBy: number[] = [];
    for (let status = 300; status <= 599; status++) {
      if (decideAfterFailedAttempt(facts({ statusCode: status }), healthy, rules, now, half).disableBecause !== undefined) disabledBy.push(status);
    }
    expect(disabledBy).toEqual([410]);
  });
});
