import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SliceState } from '../../../../jobs/export/slice-plan.ts';
import { MIN_SPLIT_CUSTOMERS, nextSplit, scheduleOrder, slicesToFetch, subdivide, takePage } from '../../../../jobs/export/slice-policy.ts';

/**
 * A slice over `[gte, lte]` that has read `customers` down to `lastCreated`: estimateRemaining is
 * customers / (lte - lastCreated + 1) × (lastCreated - gte).
 */
function read(id: number, gte: number, lte: number, lastCreated: number, customers: number, extra: Partial<SliceState> = {}): SliceState {
  return { id, gte, lte, cursor: `cus_${id}`, lastCreated, done: false, customers, pages: 1, bytes: 0, ...extra };
}

function fresh(id: number, gte: number, lte: number, extra: Partial<SliceState> = {}): SliceState {
  return { id, gte, lte, cursor: null, lastCreated: null, done: false, customers: 0, pages: 0, bytes: 0, ...extra };
}

// 100 customers over the last 10 seconds, 90 seconds left: 900 customers left.
const big = (id: number) => read(id, 0, 99, 90, 100);

describe('nextSplit: when to split and into how many pieces', () => {
  it('splits nothing with fewer than MIN_SPLIT_CUSTOMERS left anywhere', () => {
    expect(MIN_SPLIT_CUSTOMERS).toBe(300);
    // 10 customers/s × 29 s = 290 left.
    expect(nextSplit([read(0, 0, 39, 29, 110)], 8)).toBeNull();
    expect(nextSplit([fresh(0, 0, 1000)], 8)).toBeNull();
  });

  it('with free page permits: one piece per free permit plus its own, each worth half the threshold', () => {
    // 900 left, 7 permits free: 8 pieces wanted, but 900 / 150 = 6 pieces of at least 150.
    expect(nextSplit([big(0)], 8)).toEqual({ slice: big(0), pieces: 6 });
    // 3 permits free: 4 pieces.
    expect(nextSplit([big(0), fresh(1, 200, 300), fresh(2, 300, 400), fresh(3, 400, 500), fresh(4, 500, 600)], 8)?.pieces).toBe(4);
    // A lower threshold lets the same slice fill every free permit.
    expect(nextSplit([big(0)], 8, 100)?.pieces).toBe(8);
  });

  it('picks the slice with the most left, the last of equals', () => {
    const small = read(0, 0, 99, 90, 40);
    expect(nextSplit([small, big(1), small], 2)?.slice.id).toBe(1);
    expect(nextSplit([big(1), big(2)], 4)?.slice.id).toBe(2);
  });

  it('with every permit taken: halves a slice holding more than its share, up to 2 × inFlight slices', () => {
    const others = [read(1, 200, 299, 290, 10), read(2, 300, 399, 390, 10)];
    expect(nextSplit([big(0), ...others], 3)).toEqual({ slice: big(0), pieces: 2 });
    expect(nextSplit([big(0), ...others, read(3, 400, 499, 490, 10), fresh(4, 500, 600), fresh(5, 600, 700)], 3)).toBeNull();
    // Two equal slices each hold exactly their share of 2 permits: no split.
    expect(nextSplit([big(0), big(1)], 2)).toBeNull();
  });
});

describe('subdivide', () => {
  it('fills the free permits in one call: the slice keeps the newest piece, new ids follow nextId', () => {
    const done = { ...fresh(3, 500, 600), done: true };
    const { changed, nextId } = subdivide([done, big(0)], 4, 7);
    expect(changed.map((s) => s.id)).toEqual([0, 7, 8, 9]);
    expect(nextId).toBe(10);
    expect(changed.map((s) => [s.gte, s.lte])).toEqual([[68, 99], [45, 67], [22, 44], [0, 21]]);
    expect(changed[0]?.cursor).toBe('cus_0');
    expect(changed.slice(1).every((s) => s.cursor === null && !s.done)).toBe(true);
  });

  it('changes nothing when no split is due', () => {
    expect(subdivide([big(0), big(1)], 2, 2)).toEqual({ changed: [], nextId: 2 });
    expect(subdivide([], 4, 0)).toEqual({ changed: [], nextId: 0 });
  });
});

describe('takePage: what of a page is still the slice’s own', () => {
  const page = (createds: number[], hasMore: boolean) => ({ data: createds.map((created, i) => ({ id: `c${i}`, created })), has_more: hasMore });

  it('keeps a whole page and moves the cursor', () => {
    const { slice, customers } = takePage(fresh(0, 0, 99), page([99, 98, 97], true));
    expect(customers).toHaveLength(3);
    expect(slice).toMatchObject({ cursor: 'c2', lastCreated: 97, done: false, pages: 1, customers: 3 });
  });

  it('drops what a split gave away while the page was in flight, and ends the slice there', () => {
    const { slice, customers } = takePage(fresh(0, 50, 99), page([60, 50, 49, 48], true));
    expect(customers.map((c) => c.created)).toEqual([60, 50]);
    expect(slice).toMatchObject({ done: true, customers: 2 });
  });

  it('marks a full page inside one second as a burst', () => {
    expect(takePage(fresh(0, 0, 99), page([40, 40], true)).slice.burst).toBe(true);
  });
});

describe('slicesToFetch: which slice gets a free page permit first', () => {
  it('schedules bursts first, then slices never read, then the most customers left', () => {
    const order = scheduleOrder([
      read(1, 0, 99, 90, 100), // ~900 left
      read(2, 100, 199, 190, 10), // ~90 left
      fresh(3, 200, 299),
      read(4, 300, 399, 350, 100, { burst: true }),
      fresh(5, 400, 499),
    ]);
    expect(order.map((s) => s.id)).toEqual([4, 5, 3, 1, 2]);
  });

  it('bursts first, then never-read slices, then the most left; never more than inFlight with those in flight', () => {
    const plan = [read(0, 0, 99, 90, 20), fresh(1, 100, 199), read(2, 200, 299, 250, 10, { burst: true }), big(3)];
    expect(slicesToFetch(plan, new Set(), 4, 0).fetch.map((s) => s.id)).toEqual([2, 1, 3, 0]);
    expect(slicesToFetch(plan, new Set([2]), 3, 0).fetch.map((s) => s.id)).toEqual([1, 3]);
    expect(slicesToFetch(plan, new Set([0, 1, 2]), 3, 0).fetch).toEqual([]);
  });

  it('passes over a slice not ready yet and says when to look again', () => {
    const plan = [fresh(0, 100, 100, { readyAt: 5_000 }), fresh(1, 0, 99)];
    expect(slicesToFetch(plan, new Set(), 4, 1_000)).toEqual({ fetch: [plan[1]], wakeAt: 5_000 });
    expect(slicesToFetch(plan, new Set(), 4, 5_000).fetch.map((s) => s.id)).toEqual([0, 1]);
    expect(slicesToFetch([fresh(0, 0, 99)], new Set([0]), 4, 0)).toEqual({ fetch: [], wakeAt: Infinity });
  });
});

describe('subdivide, for any plan', () => {
  it('covers the same seconds exactly once, with unique ids, and never splits past 2 × inFlight unfinished slices', () => {
    const specArb = fc.record({
      width: fc.integer({ min: 1, max: 5_000 }),
      read: fc.integer({ min: 0, max: 4_999 }),
      customers: fc.integer({ min: 0, max: 5_000 }),
      done: fc.boolean(),
    });
    const planArb = fc.array(specArb, { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(planArb, fc.integer({ min: 1, max: 32 }), (specs, inFlight) => {
        let top = 1_000_000;
        const plan = specs.map((spec, id): SliceState => {
          const lte = top;
          const gte = lte - spec.width + 1;
          top = gte - 1;
          const lastCreated = Math.max(gte, lte - Math.min(spec.read, spec.width - 1));
          return spec.customers === 0 ? fresh(id, gte, lte, { done: spec.done }) : read(id, gte, lte, lastCreated, spec.customers, { done: spec.done });
        });
        const { changed, nextId } = subdivide(plan, inFlight, plan.length);
        const after = new Map(plan.map((s) => [s.id, s]));
        for (const s of changed) after.set(s.id, s);
        const seconds = (slices: Iterable<SliceState>) => [...slices].reduce((sum, s) => sum + (s.lte - s.gte + 1), 0);
        expect(seconds(after.values())).toBe(seconds(plan));
        const sorted = [...after.values()].sort((a, b) => b.gte - a.gte);
        sorted.slice(1).forEach((s, i) => expect(s.lte).toBe(sorted[i]!.gte - 1));
        expect(nextId).toBe(after.size);
        const openBefore = plan.filter((s) => !s.done).length;
        const openAfter = [...after.values()].filter((s) => !s.done).length;
        if (openAfter > openBefore) expect(openAfter).toBeLessThanOrEqual(2 * inFlight);
      }),
      { numRuns: 300 },
    );
  });
});
