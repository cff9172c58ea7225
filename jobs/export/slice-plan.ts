/**
 * Slice planning for a parallel, consistent list export.
 *
 * Glossary:
 * - snapshot: the `created[lte]` fixed at the export's first start; customers created later are not exported.
 * - slice: an inclusive range of `created` seconds `[gte, lte]` read newest first by ONE cursor
 *   (`starting_after`); a slice owns one part file. Slices never overlap, so no customer can be read twice.
 * - split: when fewer slices are unfinished than pages may be in flight, the slice with the most customers left
 *   (estimated from the density it has seen) gives away the older part of its REMAINING range `[gte, lastCreated]`:
 *   the range is cut into equal pieces (two: binary subdivision; more when many page permits are free, so the export
 *   reaches its concurrency in one round trip), the slice keeps the newest piece and goes on with its cursor (so no
 *   page is wasted), the older pieces become new slices.
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
  /**
   * The last page was a full page inside one second (a burst: customers created in the same second, as a bulk
   * import makes them). Its rest can only be read page after page by this cursor, so it is scheduled first.
   */
  burst?: boolean;
  customers: number;
  pages: number;
  /** Durable byte length of the slice's part file (the resume point). */
  bytes: number;
  /** Default-columns exports: where the rows of the part file change width (see PartSegment). */
  segments?: PartSegment[];
  /**
   * Both ends of a burst (see splitBurst): set on the slice reading the burst's second upwards (`ending_before`
   * its `cursor`), whose pages start at these byte offsets of its part (they arrive oldest first; the file wants
   * them newest first).
   */
  upward?: { pageStarts: number[] };
  /** The slice reading the same burst second from the other end: the two stop where they meet. */
  partner?: number;
}

/**
 * `[fromByte, keyCount]`: from this byte of a part file on, its CSV rows carry the metadata columns of the first
 * `keyCount` keys the export found (in discovery order), until the next segment.
 */
export type PartSegment = [number, number];

/** A page of `GET /v1/customers` reduced to what planning needs. */
export interface PageSummary {
  count: number;
  hasMore: boolean;
  /** `created` of the page's first customer (newest). */
  firstCreated?: number;
  last: { id: string; created: number } | undefined;
}

function newSlice(id: number, gte: number, lte: number, readyAt?: number): SliceState {
  const slice: SliceState = { id, gte, lte, cursor: null, lastCreated: null, done: false, customers: 0, pages: 0, bytes: 0 };
  if (readyAt !== undefined) slice.readyAt = readyAt;
  return slice;
}

/** The oldest cut of the first plan, three years: older than this, the first plan leaves the range whole. */
const OLDEST_CUT = 3 * 365 * 86_400;
/** Ages (seconds before the top of the range) where the first plan cuts: an hour, a day, a week, 30 days, a year, three years. */
export const FIRST_PLAN_CUTS = [3_600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400, OLDEST_CUT] as const;

/** Options of {@link initialSlices}. */
export interface FirstPlanOptions {
  /** Clock skew allowed for: the snapshot second is read this long after it is over. Default 250 ms. */
  marginMs?: number;
  /** Slices to aim for (the pages in flight). Default 0: the fixed cuts only. */
  pieces?: number;
}

/**
 * The first plan of an export over `[gte, lte]`. Nothing is known of the density yet, so the range is cut at fixed
 * ages counted back from its top (FIRST_PLAN_CUTS): the export starts with several pages in flight instead of one,
 * and narrow recent slices where accounts usually grow fastest. Then, up to `pieces` slices (the pages in flight),
 * the widest slice within the last three years is halved, so the first round trip already uses every page permit; the
 * open-ended slice older than three years is left whole (an account is rarely that old, and every empty slice
 * costs a request). Subdivision takes over once pages show the density.
 * When `lte` is the current second (`snapshotSecond`), that second gets a slice of its own that waits until the
 * second is over (plus `marginMs` of clock skew): by then every customer with `created ≤ lte` exists, and none
 * created later can enter the range.
 */
export function initialSlices(gte: number, lte: number, snapshotSecond: number, options: FirstPlanOptions = {}): SliceState[] {
  const { marginMs = 250, pieces = 0 } = options;
  if (gte > lte) return [];
  const ranges: Array<[number, number]> = [];
  let snapshotSlice: SliceState | undefined;
  let top = lte;
  if (lte >= snapshotSecond) {
    snapshotSlice = newSlice(0, lte, lte, (lte + 1) * 1000 + marginMs);
    top = lte - 1;
  }
  for (const age of [...FIRST_PLAN_CUTS, Infinity]) {
    if (top < gte) break;
    const bottom = Math.max(gte, lte - age + 1);
    if (bottom > top) continue;
    ranges.push([bottom, top]);
    top = bottom - 1;
  }
  const oldestCut = lte - OLDEST_CUT + 1;
  const target = pieces - (snapshotSlice === undefined ? 0 : 1);
  while (ranges.length < target) {
    let widest: { at: number; bottom: number; top: number } | undefined;
    for (const [at, [bottom, rangeTop]] of ranges.entries()) {
      if (bottom < oldestCut || rangeTop <= bottom) continue;
      if (widest === undefined || rangeTop - bottom > widest.top - widest.bottom) widest = { at, bottom, top: rangeTop };
    }
    if (widest === undefined) break;
    ranges.splice(widest.at, 1, ...cutRange(widest.bottom, widest.top, 2));
  }
  const slices = snapshotSlice === undefined ? [] : [snapshotSlice];
  for (const [bottom, rangeTop] of ranges) slices.push(newSlice(slices.length, bottom, rangeTop));
  return slices;
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
  delete next.burst;
  if (!page.hasMore || page.truncated === true || page.last === undefined) {
    next.done = true;
    return next;
  }
  next.cursor = page.last.id;
  next.lastCreated = page.last.created;
  if (page.firstCreated === page.last.created) next.burst = true;
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
 * Subdivision: the remaining range `[gte, lastCreated]` is cut into `pieces` ranges of equal width; the slice keeps
 * the newest (and its cursor, so no page is wasted), the others become new slices numbered from `firstId`. With
 * two pieces this is binary subdivision; more pieces at once let an export reach its concurrency in one round
 * trip instead of one per halving. Fewer pieces when the range has fewer seconds; null when it is a single second.
 */
export function splitSlice(
  slice: SliceState,
  pieces: number,
  firstId: number,
): { kept: SliceState; created: SliceState[] } | null {
  if (slice.lastCreated === null || slice.lastCreated <= slice.gte || pieces < 2) return null;
  const [newest, ...older] = cutRange(slice.gte, slice.lastCreated, pieces);
  if (newest === undefined || older.length === 0) return null;
  return {
    kept: { ...slice, gte: newest[0] },
    created: older.map(([gte, lte], i) => newSlice(firstId + i, gte, lte)),
  };
}

/**
 * Reads a burst from both ends. `slice` has just read its second full page inside one second S (`lastCreated`): the
 * rest of S can only be read page after page, so the next pages of S come from both ends at once. The slice keeps
 * `[S, lte]` and its cursor (reading S downwards); a new slice reads S upwards with `ending_before` a customer
 * created before S (`below`: with `created` bounded to S, the first page is the oldest customers of S); the part of
 * the range older than S, if any, becomes a fresh slice. null when the slice cannot be cut so.
 */
export function splitBurst(
  slice: SliceState,
  below: { id: string; created: number },
  firstId: number,
): { kept: SliceState; created: SliceState[] } | null {
  const second = slice.lastCreated;
  if (second === null || slice.done || slice.partner !== undefined || slice.upward !== undefined || below.created >= second) return null;
  const up: SliceState = { ...newSlice(firstId, second, second), cursor: below.id, lastCreated: second, burst: true, upward: { pageStarts: [] }, partner: slice.id };
  const created = [up];
  if (slice.gte < second) created.push(newSlice(firstId + 1, slice.gte, second - 1));
  return { kept: { ...slice, gte: second, partner: up.id }, created };
}

/** `GET /v1/customers` parameters for the next page of a slice. */
export function pageParams(
  slice: SliceState,
  email: string | undefined,
): { limit: number; created: { gte: number; lte: number }; starting_after?: string; ending_before?: string; email?: string } {
  const params: { limit: number; created: { gte: number; lte: number }; starting_after?: string; ending_before?: string; email?: string } = {
    limit: 100,
    created: { gte: slice.gte, lte: slice.lte },
  };
  if (slice.cursor !== null) {
    if (slice.upward === undefined) params.starting_after = slice.cursor;
    else params.ending_before = slice.cursor;
  }
  if (email !== undefined) params.email = email;
  return params;
}

/** Slices in file order: newest range first. */
export function fileOrder(slices: Iterable<SliceState>): SliceState[] {
  return [...slices].sort((a, b) => b.gte - a.gte || b.lte - a.lte || a.id - b.id);
}
