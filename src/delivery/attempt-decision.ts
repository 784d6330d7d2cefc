// The decide phase's rules after a failed attempt, pure: give up or retry
// (failure-decision.ts), and whether the subscription must be disabled, for
// a 410 Gone (classify.ts) or for failing too long (the auto-disable clock in
// the breaker's state). The activity carries out what it says.
import { giveUp, retryLater, type FailedOutcome } from './attempt-outcome.js';
import { dueForAutoDisable, type EndpointState } from './endpoint-gate.js';
import { decideAfterFailure, type FailurePolicy } from './failure-decision.js';
import { FailureType } from './failure-types.js';

export interface FailedAttemptFacts {
  /** HTTP attempts in this round (a redelivery starts a new one): waits for a pause or the breaker do not count. */
  attemptInRound: number;
  /** The answer's status; undefined when none came. */
  statusCode: number | undefined;
  retryAfter: string | undefined;
  /** Why no answer came (timeout, refused connection). */
  networkError: string | undefined;
  /** Where it went, safe to show (displayTarget). */
  where: string;
}

export interface FailedAttemptRules extends FailurePolicy {
  /** A subscription failing without a success for this long is disabled. */
  autoDisableAfterMs: number;
}

export interface FailedAttemptDecision {
  outcome: FailedOutcome;
  /** Set when the subscription is to be disabled: the reason it is given. */
  disableBecause?: string;
}

export function decideAfterFailedAttempt(
  facts: FailedAttemptFacts,
  health: Pick<EndpointState, 'failingSince'>,
  rules: FailedAttemptRules,
  now: Date,
  random: () => number = Math.random,
): FailedAttemptDecision {
  const { statusCode, where } = facts;
  const cause = statusCode !== undefined ? `HTTP ${statusCode} from ${where}` : `${facts.networkError ?? ''} (${where})`;
  const decision = decideAfterFailure({ attempt: facts.attemptInRound, statusCode, retryAfter: facts.retryAfter }, rules, now, random);
  if (decision.kind === 'give-up' && decision.reason === 'gone') {
    return {
      outcome: giveUp(FailureType.PermanentFailure, `${cause}; subscription disabled`),
      disableBecause: `the receiver answered ${statusCode} Gone`,
    };
  }
  if (dueForAutoDisable(health, now, rules.autoDisableAfterMs)) {
    const reason = `no successful delivery since ${health.failingSince!.toISOString()}`;
    return { outcome: giveUp(FailureType.SubscriptionInactive, `${reason}; subscription disabled`), disableBecause: reason };
  }
  if (decision.kind === 'retry') {
    return { outcome: retryLater(statusCode !== undefined ? FailureType.HttpStatus : FailureType.NetworkError, cause, decision.delayMs) };
  }
  if (decision.reason === 'permanent') return { outcome: giveUp(FailureType.PermanentFailure, `${cause}; permanent failure`) };
  return { outcome: giveUp(FailureType.RetriesExhausted, `${cause}; gave up after ${facts.attemptInRound} attempts`) };
}
