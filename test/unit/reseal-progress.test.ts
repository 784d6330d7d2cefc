import { describe, expect, it } from 'vitest';
import { addBatch, describeProgress, startProgress, type ResealBatch } from '../../workflows/reseal-progress.js';

const page = (over: Partial<ResealBatch>): ResealBatch => ({ lastId: 'sub_b', scanned: 0, resealed: 0, skipped: 0, unopenable: [], ...over });

describe('reseal progress', () => {
  it('starts at nothing done, the cursor before the first row', () => {
    expect(startProgress('k2', 7)).toEqual({
      primaryKeyId: 'k2',
      total: 7,
      scanned: 0,
      resealed: 0,
      skipped: 0,
      unopenable: 0,
      unopenableSamples: [],
      afterId: null,
      done: false,
    });
  });

  it('adds each page and moves the cursor; an empty page ends it and keeps the cursor', () => {
    let progress = startProgress('k2', 5);
    progress = addBatch(progress, page({ lastId: 'sub_c', scanned: 3, resealed: 2, skipped: 1 }));
    expect(progress).toMatchObject({ scanned: 3, resealed: 2, skipped: 1, afterId: 'sub_c', done: false });
    progress = addBatch(
      progress,
      page({ lastId: 'sub_e', scanned: 2, unopenable: [{ subscriptionId: 'sub_d', reason: 'key "k0" is gone' }], resealed: 1 }),
    );
    expect(progress).toMatchObject({ scanned: 5, resealed: 3, unopenable: 1, afterId: 'sub_e', done: false });
    progress = addBatch(progress, page({ lastId: null }));
    expect(progress).toMatchObject({ scanned: 5, afterId: 'sub_e', done: true });
    expect(progress.unopenableSamples).toEqual([{ subscriptionId: 'sub_d', reason: 'key "k0" is gone' }]);
    expect(describeProgress(progress)).toBe('done: 5/5 rows looked at: 3 re-sealed under k2, 1 already were, 1 would not open');
    expect(describeProgress(startProgress('k2', 5))).toBe('running: 0/5 rows looked at: 0 re-sealed under k2, 0 already were, 0 would not open');
  });

  it('keeps the first 20 unopenable rows as samples, and counts them all', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ subscriptionId: `sub_${i}`, reason: 'gone' }));
    const progress = addBatch(
      addBatch(startProgress('k2', 60), page({ scanned: 30, unopenable: many })),
      page({ scanned: 5, unopenable: many.slice(0, 5) }),
    );
    expect(progress.unopenable).toBe(35);
    expect(progress.unopenableSamples.map((u) => u.subscriptionId)).toEqual(many.slice(0, 20).map((u) => u.subscriptionId));
  });
});
