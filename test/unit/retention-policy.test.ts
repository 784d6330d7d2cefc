import { describe, expect, it } from 'vitest';
import { RETENTION_MARGIN_SECONDS, retentionPolicy } from '../../src/retention/policy.js';
import { retentionScheduleId } from '../../src/retention/schedule.js';
import { RETENTION_TARGETS } from '../../workflows/definitions.js';
import { DELETE_EXPIRED } from '../../src/db/retention.js';

describe('retention policy', () => {
  it('keeps dead letters past their workflow wait and events past Temporal retention, each by the margin', () => {
    expect(
      retentionPolicy({
        defaultRetentionDays: 30,
        deadLetterRetentionSeconds: 30 * 86_400,
        namespaceRetentionSeconds: 7 * 86_400,
        batchSize: 1000,
        auditRetentionDays: 365,
      }),
    ).toEqual({
      defaultRetentionDays: 30,
      deadLetterKeepSeconds: 30 * 86_400 + RETENTION_MARGIN_SECONDS,
      eventKeepAfterFanoutSeconds: 7 * 86_400 + RETENTION_MARGIN_SECONDS,
      batchSize: 1000,
      auditRetentionDays: 365,
    });
    expect(RETENTION_MARGIN_SECONDS).toBe(86_400);
  });

  it('a namespace that states no retention still keeps events a margin past fan-out', () => {
    const policy = retentionPolicy({
      defaultRetentionDays: 1,
      deadLetterRetentionSeconds: 0,
      namespaceRetentionSeconds: 0,
      batchSize: 1,
      auditRetentionDays: 1,
    });
    expect(policy.eventKeepAfterFanoutSeconds).toBe(RETENTION_MARGIN_SECONDS);
    expect(policy.deadLetterKeepSeconds).toBe(RETENTION_MARGIN_SECONDS);
  });

  it('deletes children before their parents, and every target has its delete', () => {
    expect(RETENTION_TARGETS).toEqual(['attempts', 'deliveries', 'events', 'audit_events']);
    expect(Object.keys(DELETE_EXPIRED).sort()).toEqual([...RETENTION_TARGETS].sort());
  });

  it('names one Schedule per task queue', () => {
    expect(retentionScheduleId('hookflow')).toBe('hookflow-retention:hookflow');
    expect(retentionScheduleId('q2')).not.toBe(retentionScheduleId('hookflow'));
  });
});
