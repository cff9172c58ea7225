/**
 * Slice planning for a parallel, consistent list export.
 *
 * Glossary:
 * - snapshot: the `created[lte]` fixed at the export's first start; customers created later are not exported.
 * - slice: an inclusive range of `created` seconds `[gte, lte]` read newest first by ONE cursor
 *   (`starting_after`); a slice owns one part file. Slices never overlap, so no customer can be read twice.
 * - split: when fewer slices are unfinished than pages may be in flight, the slice with the most customers left
 *   (estimated from the density it has seen) gives away the older half of its REMAINING range `[gte, lastCreated]`:
 *   it keeps the newer half and goes on with its cursor (so no page is wasted), the older half becomes a new slice.
 *   The boundary second `lastCreated` stays whole inside the slice that holds the cursor: customers sharing that
 *   second are read by that one cursor only, so a burst of customers in one second, with page boundaries inside
 *   it, is neither lost nor repeated. Slices with less than a few pages left are not split: each split costs one
 *   more partial page, which would waste read budget.
 * - order: slices sorted by `gte` descending, each part newest first, give the whole file newest first
 *   (created desc, then Stripe's order within a second).
 */

/** One slice of the created range and its durable progress. */
export interface SliceState {
  /** Allocation number, unique within an export; names the part file. */
  id: number;
  /** Inclusive bounds in unix seconds. `gte` rises when the slice is split; `lte` never changes. */
  gte: number;
  lte: number;
  /** `starting_after` for the next page: the id of the last customer written, null before the first page. */
  cursor: string | null;
  /** `created` of the last customer written, null before the first page. */
  lastCreated: number | null;
  done: boolean;
  /** Not fetched before this time (ms): the snapshot second is read only once it is over. */
  readyAt?: number;
  customers: number;
  pages: number;
  /** Durable byte length of the slice's part file (the resume point). */
  bytes: number;
}

/** A page of `GET /v1/customers` reduced to what planning needs. */
export interface PageSummary {
  count: number;
  hasMore: boolean;
  last: { id: string; created: number } | undefined;
}

function newSlice(id: number, gte: number, lte: number, readyAt?: number): SliceState {
  const slice: SliceState = { id, gte, lte, cursor: null, lastCreated: null, done: false, customers: 0, pages: 0, bytes: 0 };
  if (readyAt !== undefined) slice.readyAt = readyAt;
  return slice;
}

/**
 * The first plan of an export over `[gte, lte]`. When `lte` is the current second (`snapshotSecond`), that second
 * gets a slice of its own that waits until the second is over (plus `marginMs` of clock skew): by then every
 * customer with `created ≤ lte` exists, and none created later can enter the range.
 */
export function initialSlices(gte: number, lte: number, snapshotSecond: number, marginMs = 250): SliceState[] {
  if (gte > lte) return [];
  if (lte < snapshotSecond) return [newSlice(0, gte, lte)];
  const top = newSlice(0, lte, lte, (lte + 1) * 1000 + marginMs);
  return gte <= lte - 1 ? [top, newSlice(1, gte, lte - 1)] : [top];
}

/**
 * Cuts `[gte, hi]` into at most `pieces` contiguous ranges of near-equal width, newest first.
 * Never more pieces than seconds.
 */
export function cutRange(gte: number, hi: number, pieces: number): Array<[number, number]> {
  const seconds = hi - gte + 1;
  const n = Math.max(1, Math.min(Math.floor(pieces), seconds));
  const ranges: Array<[number, number]> = [];
  let top = hi;
  for (let i = n; i >= 1; i--) {
    // The i-th piece from the bottom ends at gte + floor(seconds * i / n) - 1.
    const bottom = gte + Math.floor((seconds * (i - 1)) / n);
    ranges.push([bottom, top]);
    top = bottom - 1;
  }
  return ranges;
}

/**
 * Applies one fetched page to a slice. `page` must hold only customers inside the slice's CURRENT range: when the
 * slice was split while its request was in flight, the caller drops the customers below its new `gte` (they belong
 * to the split-off slice) and passes `truncated`, which ends the slice.
 */
export function applyPage(slice: SliceState, page: PageSummary & { truncated?: boolean }): SliceState {
  const next: SliceState = { ...slice, pages: slice.pages + 1, customers: slice.customers + page.count };
  delete next.readyAt;
  if (!page.hasMore || page.truncated === true || page.last === undefined) {
    next.done = true;
    return next;
  }
  next.cursor = page.last.id;
  next.lastCreated = page.last.created;
  return next;
}

/**
 * Customers a slice still has to read, estimated from the density it has seen so far (customers per second over
 * the seconds it has covered) times the seconds left. 0 for a slice that has not read a page or cannot be split
 * (its remaining range is the one second holding its cursor).
 */
export function estimateRemaining(slice: SliceState): number {
  if (slice.done || slice.lastCreated === null || slice.lastCreated <= slice.gte) return 0;
  const covered = slice.lte - slice.lastCreated + 1;
  return (slice.customers / covered) * (slice.lastCreated - slice.gte);
}

/**
 * Binary subdivision: the slice keeps the newer half of its remaining range `[gte, lastCreated]` (and its cursor,
 * so no page is wasted); the older half becomes a new slice. Null when the remaining range is a single second.
 */
export function splitInHalf(slice: SliceState, id: number): { kept: SliceState; created: SliceState } | null {
  if (slice.lastCreated === null || slice.lastCreated <= slice.gte) return null;
  const [newer, older] = cutRange(slice.gte, slice.lastCreated, 2);
  if (newer === undefined || older === undefined) return null;
  return { kept: { ...slice, gte: newer[0] }, created: newSlice(id, older[0], older[1]) };
}

/** `GET /v1/customers` parameters for the next page of a slice. */
export function pageParams(
  slice: SliceState,
  email: string | undefined,
): { limit: number; created: { gte: number; lte: number }; starting_after?: string; email?: string } {
  const params: { limit: number; created: { gte: number; lte: number }; starting_after?: string; email?: string } = {
    limit: 100,
    created: { gte: slice.gte, lte: slice.lte },
  };
  if (slice.cursor !== null) params.starting_after = slice.cursor;
  if (email !== undefined) params.email = email;
  return params;
}

/** Slices in file order: newest range first. */
export function fileOrder(slices: Iterable<SliceState>): SliceState[] {
  return [...slices].sort((a, b) => b.gte - a.gte || b.lte - a.lte || a.id - b.id);
}
