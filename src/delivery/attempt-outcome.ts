// What one attempt at a delivery came to, as plain data: the first attempt
// (a local activity in the event workflow) hands it to the workflow as it is,
// the `deliver` activity turns it into the failure Temporal retries or stops on.
import type { FailureType } from './failure-types.js';

type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

export type AttemptOutcome =
  | { kind: 'succeeded'; statusCode: number; attemptNumber: number }
  /** Try again after `delayMs`: an HTTP failure on schedule, or a wait (paused, circuit open, rate limited). */
  | { kind: 'retry'; failureType: FailureTypeName; message: string; delayMs: number }
  /** Dead-letter it: permanent failure, schedule spent, subscription gone or disabled, forbidden target. */
  | { kind: 'give-up'; failureType: FailureTypeName; message: string };

export type FailedOutcome = Exclude<AttemptOutcome, { kind: 'succeeded' }>;

export function retryLater(failureType: FailureTypeName, message: string, delayMs: number): FailedOutcome {
  return { kind: 'retry', failureType, message, delayMs };
}

export function giveUp(failureType: FailureTypeName, message: string): FailedOutcome {
  return { kind: 'give-up', failureType, message };
}
