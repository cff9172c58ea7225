import { describe, expect, it } from 'vitest';
import { applyPage, cutRange, estimateRemaining, fileOrder, initialSlices, pageParams, splitSlice, type SliceState } from '../../../../jobs/export/slice-plan.ts';

const slice = (over: Partial<SliceState> = {}): SliceState => ({
  id: 0,
  gte: 0,
  lte: 100,
  cursor: null,
  lastCreated: null,
  done: false,
  customers: 0,
  pages: 0,
  bytes: 0,
  ...over,
});

describe('cutRange', () => {
  it('cuts a range into contiguous, non-overlapping pieces, newest first', () => {
    for (const [gte, hi, pieces] of [
      [0, 99, 4],
      [10, 11, 5],
      [5, 5, 3],
      [0, 1_700_000_000, 32],
      [100, 107, 3],
    ] as const) {
      const ranges = cutRange(gte, hi, pieces);
      expect(ranges.length).toBe(Math.min(pieces, hi - gte + 1));
      expect(ranges[0]?.[1]).toBe(hi);
      expect(ranges[ranges.length - 1]?.[0]).toBe(gte);
      for (let i = 0; i < ranges.length; i++) {
        const [lo, top] = ranges[i]!;
        expect(lo).toBeLessThanOrEqual(top);
        if (i > 0) expect(top).toBe(ranges[i - 1]![0] - 1);
      }
    }
  });

  it('halves a range for binary subdivision', () => {
    expect(cutRange(0, 9, 2)).toEqual([
      [5, 9],
      [0, 4],
    ]);
    expect(cutRange(0, 1, 2)).toEqual([
      [1, 1],
      [0, 0],
    ]);
  });
});

describe('initialSlices', () => {
  it('gives the snapshot second its own slice that waits for the second to be over', () => {
    const slices = initialSlices(0, 1000, 1000, { marginMs: 250 });
    expect(slices).toHaveLength(2);
    expect(slices[0]).toMatchObject({ gte: 1000, lte: 1000, readyAt: 1_001_250 });
    expect(slices[1]).toMatchObject({ gte: 0, lte: 999 });
    expect(slices[1]?.readyAt).toBeUndefined();
  });

  it('cuts the rest at fixed ages back from the top: an hour, a day, a week, 30 days, a year, three years', () => {
    const lte = 2_000_000_000;
    const slices = initialSlices(0, lte, lte);
    const day = 86_400;
    expect(slices.map((s) => [s.id, s.gte, s.lte])).toEqual([
      [0, lte, lte],
      [1, lte - 3_599, lte - 1],
      [2, lte - day + 1, lte - 3_600],
      [3, lte - 7 * day + 1, lte - day],
      [4, lte - 30 * day + 1, lte - 7 * day],
      [5, lte - 365 * day + 1, lte - 30 * day],
      [6, lte - 3 * 365 * day + 1, lte - 365 * day],
      [7, 0, lte - 3 * 365 * day],
    ]);
    // A range of two days in the past: the hour and the day, then the rest; contiguous and within the range.
    expect(initialSlices(lte - 2 * day, lte - 10, lte).map((s) => [s.gte, s.lte])).toEqual([
      [lte - 10 - 3_599, lte - 10],
      [lte - 10 - day + 1, lte - 10 - 3_600],
      [lte - 2 * day, lte - 10 - day],
    ]);
  });

  it('halves the widest slice within three years until there are as many slices as pages in flight', () => {
    const lte = 2_000_000_000;
    const day = 86_400;
    const threeYears = 3 * 365 * day;
    const slices = initialSlices(0, lte, lte, { pieces: 24 });
    expect(slices).toHaveLength(24);
    expect(slices.map((s) => s.id)).toEqual(slices.map((_, i) => i));
    // Contiguous from the top to the bottom of the range, newest first: no second lost or read twice.
    expect(slices[0]).toMatchObject({ gte: lte, lte });
    slices.slice(1).forEach((s, i) => expect(s.lte).toBe(slices[i]!.gte - 1));
    expect(slices.at(-1)).toMatchObject({ gte: 0, lte: lte - threeYears });
    // The recent cuts stay as they were; the year and the three years are cut into pieces of 40 to 100 days.
    expect(slices.slice(1, 5).map((s) => s.gte)).toEqual([lte - 3_599, lte - day + 1, lte - 7 * day + 1, lte - 30 * day + 1]);
    for (const s of slices.slice(5, -1)) {
      expect(s.lte - s.gte + 1).toBeGreaterThanOrEqual(40 * day);
      expect(s.lte - s.gte + 1).toBeLessThanOrEqual(100 * day);
    }
  });

  it('never cuts a range into more pieces than it has seconds', () => {
    expect(initialSlices(100, 104, 1000, { pieces: 24 }).map((s) => [s.gte, s.lte])).toEqual([
      [104, 104],
      [103, 103],
      [102, 102],
      [101, 101],
      [100, 100],
    ]);
  });

  it('needs no wait when the range ends before the snapshot second', () => {
    expect(initialSlices(10, 500, 1000)).toEqual([expect.objectContaining({ gte: 10, lte: 500 })]);
    expect(initialSlices(10, 500, 1000)[0]?.readyAt).toBeUndefined();
  });

  it('plans nothing for an empty range, one slice for a one-second range at the snapshot', () => {
    expect(initialSlices(11, 10, 1000)).toEqual([]);
    expect(initialSlices(1000, 1000, 1000)).toHaveLength(1);
  });
});

describe('applyPage', () => {
  it('marks a slice done when the page has no more', () => {
    const next = applyPage(slice(), { count: 40, hasMore: false, last: { id: 'cus_a', created: 50 } });
    expect(next).toMatchObject({ done: true, customers: 40, pages: 1 });
  });

  it('moves the cursor to the last customer read', () => {
    const next = applyPage(slice({ gte: 0, lte: 100 }), { count: 100, hasMore: true, last: { id: 'cus_x', created: 81 } });
    expect(next).toMatchObject({ gte: 0, lte: 100, cursor: 'cus_x', lastCreated: 81, done: false, customers: 100 });
  });

  it('ends a slice whose page reached below its (raised) lower bound', () => {
    const next = applyPage(slice({ gte: 50 }), { count: 30, hasMore: true, truncated: true, last: { id: 'c', created: 50 } });
    expect(next.done).toBe(true);
  });

  it('marks a slice in a burst while its pages stay inside one second', () => {
    const inBurst = applyPage(slice({ gte: 0, lte: 100 }), { count: 100, hasMore: true, firstCreated: 70, last: { id: 'c1', created: 70 } });
    expect(inBurst.burst).toBe(true);
    const out = applyPage(inBurst, { count: 100, hasMore: true, firstCreated: 70, last: { id: 'c2', created: 69 } });
    expect(out.burst).toBeUndefined();
    expect(applyPage(inBurst, { count: 20, hasMore: false, firstCreated: 70, last: { id: 'c3', created: 70 } }).burst).toBeUndefined();
  });

  it('drops the readiness delay once the slice was read', () => {
    expect(applyPage(slice({ readyAt: 123 }), { count: 1, hasMore: false, last: { id: 'c', created: 1 } }).readyAt).toBeUndefined();
  });
});

describe('estimateRemaining and splitSlice', () => {
  it('estimates the customers left from the density seen so far', () => {
    // 100 customers over seconds 91..100 (10 s): 10 per second, 91 seconds left (0..90).
    expect(estimateRemaining(slice({ gte: 0, lte: 100, lastCreated: 91, customers: 100, cursor: 'c' }))).toBe(910);
    expect(estimateRemaining(slice())).toBe(0);
    expect(estimateRemaining(slice({ gte: 91, lastCreated: 91, customers: 100 }))).toBe(0);
    expect(estimateRemaining(slice({ done: true, lastCreated: 91, customers: 100 }))).toBe(0);
  });

  it('keeps the newer half of the remaining range with the cursor and gives away the older half', () => {
    const halves = splitSlice(slice({ gte: 0, lte: 100, lastCreated: 81, cursor: 'cus_x', customers: 100 }), 2, 7);
    expect(halves?.kept).toMatchObject({ gte: 41, lte: 100, cursor: 'cus_x', lastCreated: 81, customers: 100 });
    expect(halves?.created).toEqual([expect.objectContaining({ id: 7, gte: 0, lte: 40, cursor: null, lastCreated: null, customers: 0 })]);
  });

  it('cuts the remaining range into equal pieces, numbered from the first id, that cover it exactly once', () => {
    const parts = splitSlice(slice({ gte: 0, lte: 100, lastCreated: 79, cursor: 'cus_x', customers: 100 }), 4, 10);
    expect(parts?.kept).toMatchObject({ id: 0, gte: 60, lte: 100, cursor: 'cus_x' });
    expect(parts?.created.map((s) => [s.id, s.gte, s.lte])).toEqual([
      [10, 40, 59],
      [11, 20, 39],
      [12, 0, 19],
    ]);
  });

  it('never splits the second that holds the cursor, nor into more pieces than seconds', () => {
    expect(splitSlice(slice({ gte: 81, lastCreated: 81, cursor: 'c' }), 2, 1)).toBeNull();
    expect(splitSlice(slice(), 2, 1)).toBeNull();
    expect(splitSlice(slice({ gte: 80, lastCreated: 81, cursor: 'c' }), 1, 1)).toBeNull();
    expect(splitSlice(slice({ gte: 80, lastCreated: 81, cursor: 'c' }), 5, 1)).toMatchObject({
      kept: { gte: 81 },
      created: [{ id: 1, gte: 80, lte: 80 }],
    });
  });
});

describe('pageParams and fileOrder', () => {
  it('asks for the slice range and continues from the cursor', () => {
    expect(pageParams(slice({ gte: 3, lte: 9 }), undefined)).toEqual({ limit: 100, created: { gte: 3, lte: 9 } });
    expect(pageParams(slice({ gte: 3, lte: 9, cursor: 'cus_1' }), 'a@b.co')).toEqual({
      limit: 100,
      created: { gte: 3, lte: 9 },
      starting_after: 'cus_1',
      email: 'a@b.co',
    });
  });

  it('orders slices newest range first', () => {
    const order = fileOrder([slice({ id: 1, gte: 0, lte: 9 }), slice({ id: 2, gte: 20, lte: 29 }), slice({ id: 3, gte: 10, lte: 19 })]);
    expect(order.map((s) => s.id)).toEqual([2, 3, 1]);
  });
});
