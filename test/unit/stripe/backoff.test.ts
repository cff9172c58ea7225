import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../../src/stripe/backoff.ts';

describe('createBackoff', () => {
  it('doubles the ceiling per attempt up to the cap (full jitter: the top of the range with random → 1)', () => {
    const top = createBackoff({ baseMs: 250, capMs: 8000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((a) => top.delay(a))).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('draws anywhere from 0 up to the ceiling', () => {
    expect(createBackoff({ baseMs: 250, capMs: 8000, random: () => 0 }).delay(4)).toBe(0);
    expect(createBackoff({ baseMs: 250, capMs: 8000, random: () => 0.5 }).delay(3)).toBe(500);
    const real = createBackoff({ baseMs: 100, capMs: 1000 });
    for (let i = 0; i < 100; i++) {
      const d = real.delay(3);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});
