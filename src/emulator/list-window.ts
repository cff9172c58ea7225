import type { CustomerRecord } from './customer-record.ts';

/** What a list orders by: `created`, then the creation order within one second. */
export interface Listed {
  created: number;
  seq: number;
}

/**
 * A view over records (customers unless said otherwise) in ascending (created, seq) order: a store's array or one
 * email's customers.
 */
export interface AscendingView<R extends Listed = CustomerRecord> {
  readonly length: number;
  at(index: number): R | undefined;
  /** Index of the first customer not before (created, seq). */
  lowerBound(created: number, seq: number): number;
}

/** Inclusive `created` bounds in unix seconds. */
export interface CreatedBounds {
  min: number;
  max: number;
}

/** Where a page starts: after a cursor (older), before a cursor (newer), or at the newest customer. */
export type Cursor =
  | { direction: 'starting_after'; created: number; seq: number }
  | { direction: 'ending_before'; created: number; seq: number }
  | { direction: 'none' };

/** One page, newest first, and whether more customers lie further in the paging direction. */
export interface ListWindow<R extends Listed = CustomerRecord> {
  data: R[];
  hasMore: boolean;
}

/**
 * Cuts one page out of an ascending view, in O(log n + limit). Lists are newest first, so `starting_after`
 * walks to older customers and `ending_before` to newer ones; both pages come back newest first, as Stripe's.
 */
export function listWindow<R extends Listed = CustomerRecord>(
  view: AscendingView<R>,
  bounds: CreatedBounds,
  cursor: Cursor,
  limit: number,
): ListWindow<R> {
  const lo = view.lowerBound(bounds.min, Number.NEGATIVE_INFINITY);
  const hi = bounds.max === Number.POSITIVE_INFINITY ? view.length : view.lowerBound(bounds.max + 1, Number.NEGATIVE_INFINITY);
  const data: R[] = [];
  if (cursor.direction === 'ending_before') {
    const start = Math.max(lo, view.lowerBound(cursor.created, cursor.seq + 1));
    const end = Math.min(hi, start + limit);
    for (let i = end - 1; i >= start; i -= 1) data.push(view.at(i) as R);
    return { data, hasMore: end < hi };
  }
  const end = cursor.direction === 'starting_after' ? Math.min(hi, view.lowerBound(cursor.created, cursor.seq)) : hi;
  const start = Math.max(lo, end - limit);
  for (let i = end - 1; i >= start; i -= 1) data.push(view.at(i) as R);
  return { data, hasMore: start > lo };
}

/** An ascending view over a small array (one email's customers), sorted on the way in. */
export function arrayView(records: readonly CustomerRecord[]): AscendingView {
  const sorted = [...records].sort((a, b) => a.created - b.created || a.seq - b.seq);
  return {
    length: sorted.length,
    at: (i) => sorted[i],
    lowerBound(created, seq) {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const m = sorted[mid] as CustomerRecord;
        if (m.created < created || (m.created === created && m.seq < seq)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
  };
}
