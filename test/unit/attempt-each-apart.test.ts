// The event's recording makes its first attempts side by side, each apart: one
// subscriber's infrastructure error must neither fail the others nor hide
// their outcomes, and every target is attempted exactly once.
import { describe, expect, it } from 'vitest';
import { attemptEachApart } from '../../activities/events.js';
import { retryLater, type AttemptOutcome } from '../../src/delivery/attempt-outcome.js';
import { FailureType } from '../../src/delivery/failure-types.js';
import type { DeliveryTarget } from '../../src/db/deliveries.js';

const succeeded: AttemptOutcome = { kind: 'succeeded', statusCode: 200, attemptNumber: 1 };
const retry: AttemptOutcome = retryLater(FailureType.HttpStatus, 'HTTP 503', 1_000);

function recordingLogger() {
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  return { warnings, warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ fields, message }) };
}

const targets = ['a', 'b', 'c'].map((name) => ({ deliveryId: `dlv_${name}`, subscriptionId: `sub_${name}` }));

describe('attemptEachApart', () => {
  it('answers each outcome by subscription, attempting every target once', async () => {
    const asked: string[] = [];
    const logger = recordingLogger();
    const outcomes = await attemptEachApart(
      targets,
      async (deliveryId) => {
        asked.push(deliveryId);
        return deliveryId === 'dlv_b' ? retry : succeeded;
      },
      logger,
    );
    expect(asked.sort()).toEqual(['dlv_a', 'dlv_b', 'dlv_c']);
    expect(outcomes).toEqual({ sub_a: succeeded, sub_b: retry, sub_c: succeeded });
    expect(logger.warnings).toEqual([]);
  });

  it('leaves out, and logs, only the subscriber whose attempt threw', async () => {
    const logger = recordingLogger();
    const outcomes = await attemptEachApart(
      targets,
      async (deliveryId) => {
        if (deliveryId === 'dlv_b') throw new Error('connection terminated');
        return succeeded;
      },
      logger,
    );
    expect(outcomes).toEqual({ sub_a: succeeded, sub_c: succeeded });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]!.fields).toMatchObject({ deliveryId: 'dlv_b', subscriptionId: 'sub_b' });
  });

  it('waits for every attempt, even after one has thrown', async () => {
    let slowDone = false;
    const outcomes = await attemptEachApart(
      targets.slice(0, 2),
      async (deliveryId) => {
        if (deliveryId === 'dlv_a') throw new Error('boom');
        await new Promise((resolve) => setTimeout(resolve, 30));
        slowDone = true;
        return succeeded;
      },
      recordingLogger(),
    );
    expect(slowDone).toBe(true);
    expect(outcomes).toEqual({ sub_b: succeeded });
  });

  it('hands each attempt the target read with its delivery, when there is one', async () => {
    const given: Array<[string, unknown]> = [];
    const known = { deliveryId: 'dlv_a' } as DeliveryTarget;
    await attemptEachApart(
      [
        { deliveryId: 'dlv_a', subscriptionId: 'sub_a', target: known },
        { deliveryId: 'dlv_b', subscriptionId: 'sub_b' },
      ],
      async (deliveryId, target) => {
        given.push([deliveryId, target]);
        return succeeded;
      },
      recordingLogger(),
    );
    expect(given).toEqual([
      ['dlv_a', known],
      ['dlv_b', undefined],
    ]);
  });

  it('answers an empty record for no targets', async () => {
    expect(await attemptEachApart([], async () => succeeded, recordingLogger())).toEqual({});
  });
});
