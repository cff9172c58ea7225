import { describe, expect, it } from 'vitest';
import { SlidingWindow } from '../../../src/emulator/sliding-window.ts';

describe('SlidingWindow', () => {
  it('admits up to the limit within any one second and frees budget as arrivals age', () => {
    const w = new SlidingWindow();
    expect([0, 100, 200].map((t) => w.tryAdmit(t, 3))).toEqual([true, true, true]);
    expect(w.tryAdmit(999, 3)).toBe(false);
    // At 1000 the arrival at 0 has left the window (which is (now - 1 s, now]).
    expect(w.tryAdmit(1000, 3)).toBe(true);
    expect(w.tryAdmit(1050, 3)).toBe(false);
    expect(w.peak).toBe(3);
  });

  it('does not count rejected requests', () => {
    const w = new SlidingWindow();
    w.tryAdmit(0, 1);
    for (let t = 1; t < 1000; t += 100) expect(w.tryAdmit(t, 1)).toBe(false);
    expect(w.count(999)).toBe(1);
    expect(w.tryAdmit(1000, 1)).toBe(true);
  });

  it('measures the peak over a true sliding window, not fixed buckets', () => {
    const w = new SlidingWindow();
    // 5 at the end of one second and 5 at the start of the next: 10 within 200 ms.
    for (const t of [900, 920, 940, 960, 980, 1000, 1020, 1040, 1060, 1080]) w.tryAdmit(t, 0);
    expect(w.peak).toBe(10);
    w.resetPeak(1080);
    w.tryAdmit(1100, 0);
    expect(w.peak).toBe(1);
    expect(w.count(1100)).toBe(11);
  });

  it('treats 0 and Infinity as unlimited', () => {
    const w = new SlidingWindow();
    for (let i = 0; i < 500; i += 1) expect(w.tryAdmit(i, i % 2 === 0 ? 0 : Number.POSITIVE_INFINITY)).toBe(true);
  });
});
