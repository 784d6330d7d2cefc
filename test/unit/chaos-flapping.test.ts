// The flapping receivers' moods: each misbehaves as its name says, and the
// seeded choice repeats, so a chaos run can be replayed.
import { describe, expect, it } from 'vitest';
import { MOODS, answerFor, pickMood, seededRandom } from '../chaos/flapping.js';

describe('answerFor', () => {
  const timeoutMs = 2_000;
  it('answers each mood as its name says', () => {
    expect(answerFor('ok', timeoutMs)).toEqual({ status: 204 });
    expect(answerFor('error', timeoutMs).status).toBe(500);
    expect(answerFor('too-slow', timeoutMs)).toEqual({ status: 200, delayMs: 3_000 });
    expect(answerFor('reset', timeoutMs).reset).toBe(true);
    expect(answerFor('slow', timeoutMs)).toEqual({ status: 200, delayMs: 1_000 });
    expect(answerFor('throttled', timeoutMs)).toEqual({ status: 429, headers: { 'retry-after': '1' } });
  });
});

describe('pickMood', () => {
  it('repeats for a seed and picks every mood, healthy most often', () => {
    const sequence = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => pickMood(random));
    };
    expect(sequence(7)).toEqual(sequence(7));
    expect(sequence(7)).not.toEqual(sequence(8));
    const random = seededRandom(42);
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      const mood = pickMood(random);
      counts.set(mood, (counts.get(mood) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...MOODS].sort());
    const most = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(most).toBe('ok');
  });
});

describe('seededRandom', () => {
  it('stays in [0, 1)', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 10_000; i++) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});
