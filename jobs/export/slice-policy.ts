/**
 * The export's scheduling policy, pure and synchronous so it can be tested alone; runSlices (slice-runner.ts) only
 * applies it. slice-plan.ts says how a slice is cut; this file says when, into how many pieces, what of a page is
 * still a slice's own, and which slices get the free page permits (of `inFlight` pages in flight at most).
 */
import { applyPage, estimateRemaining, fileOrder, splitSlice, type SliceState } from './slice-plan.ts';

/**
 * A slice is split only when it has at least this many customers left (estimated): every split adds one partial
 * page at the end of each half, so splitting small slices would spend read budget on nearly empty pages.
 */
export const MIN_SPLIT_CUSTOMERS = 300;

/**
 * The next split, or null when none is due. The slice with the most customers left (at least `minSplit`; the last
 * of equals in `open`'s order) is chosen. While page permits are free, it is cut into one piece per free permit plus
 * its own, each with at least half the threshold. When every permit is taken, a slice estimated to hold more than its
 * share of what is left (1/inFlight) is still halved, up to 2 × inFlight unfinished slices: read one page per round
 * trip, it would otherwise finish after all the others and leave the end of the export to a single cursor.
 */
export function nextSplit(
  open: readonly SliceState[],
  inFlight: number,
  minSplit = MIN_SPLIT_CUSTOMERS,
): { slice: SliceState; pieces: number } | null {
  let best: SliceState | undefined;
  let bestEstimate = minSplit;
  let total = 0;
  for (const candidate of open) {
    const estimate = estimateRemaining(candidate);
    total += estimate;
    if (estimate >= bestEstimate) {
      best = candidate;
      bestEstimate = estimate;
    }
  }
  if (best === undefined) return null;
  const spare = inFlight - open.length;
  if (spare > 0) return { slice: best, pieces: Math.min(spare + 1, Math.floor(bestEstimate / (minSplit / 2))) };
  if (open.length >= 2 * inFlight || bestEstimate * inFlight <= total) return null;
  return { slice: best, pieces: 2 };
}

/**
 * Splits the plan (every slice, in plan order) until nextSplit says stop. Answers the changed slices in the order
 * they must be stored (a kept slice, then the pieces it gave away, numbered from `nextId`) and the next free id.
 */
export function subdivide(
  plan: readonly SliceState[],
  inFlight: number,
  nextId: number,
  minSplit = MIN_SPLIT_CUSTOMERS,
): { changed: SliceState[]; nextId: number } {
  const all = new Map(plan.map((s) => [s.id, s]));
  const changed: SliceState[] = [];
  for (;;) {
    const split = nextSplit([...all.values()].filter((s) => !s.done), inFlight, minSplit);
    const parts = split && splitSlice(split.slice, split.pieces, nextId);
    if (!parts) break;
    nextId += parts.created.length;
    for (const slice of [parts.kept, ...parts.created]) {
      all.set(slice.id, slice);
      changed.push(slice);
    }
  }
  return { changed, nextId };
}

/**
 * Applies a page to its slice. The slice may have been split while the page was in flight: only the customers still
 * inside its range are its own (the new slices read the others), and a truncated page ends the slice.
 */
export function takePage<C extends { id: string; created: number }>(
  slice: SliceState,
  page: { data: C[]; has_more: boolean },
): { slice: SliceState; customers: C[] } {
  const customers = page.data.filter((c) => c.created >= slice.gte && c.created <= slice.lte);
  const first = customers[0];
  const last = customers[customers.length - 1];
  const next = applyPage(slice, {
    count: customers.length,
    hasMore: page.has_more,
    truncated: customers.length < page.data.length,
    ...(first && { firstCreated: first.created }),
    last: last && { id: last.id, created: last.created },
  });
  return { slice: next, customers };
}

/**
 * Applies a page to one of the two slices reading a burst second from both ends (splitBurst). Each stops where it
 * meets its partner's frontier (the last customer the partner read); the customers from there on were read by the
 * partner. `met` says the burst is read whole: both slices are done. A page of a slice already ended by its partner
 * brings nothing.
 */
export function takeMeetingPage<C extends { id: string; created: number }>(
  slice: SliceState,
  partner: SliceState,
  page: { data: C[]; has_more: boolean },
): { slice: SliceState; customers: C[]; met: boolean } {
  if (slice.done) return { slice: { ...slice, pages: slice.pages + 1 }, customers: [], met: true };
  const inRange = page.data.filter((c) => c.created >= slice.gte && c.created <= slice.lte);
  // An upward slice's cursor before its first page is a customer below the burst: no page of the burst holds it.
  const at = partner.done ? -1 : inRange.findIndex((c) => c.id === partner.cursor);
  if (slice.upward === undefined) {
    const customers = at === -1 ? inRange : inRange.slice(0, at);
    const taken = takePage(slice, { data: customers, has_more: page.has_more && at === -1 && customers.length === page.data.length });
    return { slice: taken.slice, customers, met: at !== -1 || taken.slice.done };
  }
  // Upward pages come newest first too: the partner's frontier, when met, is above the customers still ours.
  const customers = at === -1 ? inRange : inRange.slice(at + 1);
  const done = at !== -1 || !page.has_more || inRange.length < page.data.length || inRange.length === 0;
  const next: SliceState = {
    ...slice,
    pages: slice.pages + 1,
    customers: slice.customers + customers.length,
    cursor: inRange[0]?.id ?? slice.cursor,
    done,
  };
  return { slice: next, customers, met: done };
}

/**
 * The order in which slices get the free page permits: longest known chain of pages first, so the export does not
 * end waiting on one slice read page after page. Slices in a burst first (their rest is a sequence nothing can
 * split), then slices never read (fresh pieces of a split, each worth at least a few pages), then by estimated
 * customers left; file order breaks ties.
 */
export function scheduleOrder(slices: Iterable<SliceState>): SliceState[] {
  const rank = (s: SliceState) => (s.burst === true ? 0 : s.cursor === null ? 1 : 2);
  return fileOrder(slices).sort((a, b) => rank(a) - rank(b) || estimateRemaining(b) - estimateRemaining(a));
}

/**
 * Which unfinished slices to fetch now (in scheduleOrder, one page per slice, `inFlight` pages at most with those
 * already `fetching`), and the earliest `readyAt` (ms) among the slices passed over for not being ready, Infinity
 * if none: when to look again.
 */
export function slicesToFetch(
  unfinished: Iterable<SliceState>,
  fetching: ReadonlySet<number>,
  inFlight: number,
  now: number,
): { fetch: SliceState[]; wakeAt: number } {
  const fetch: SliceState[] = [];
  let wakeAt = Infinity;
  for (const slice of scheduleOrder(unfinished)) {
    if (fetching.size + fetch.length >= inFlight) break;
    if (fetching.has(slice.id)) continue;
    if (slice.readyAt !== undefined && slice.readyAt > now) {
      wakeAt = Math.min(wakeAt, slice.readyAt);
      continue;
    }
    fetch.push(slice);
  }
  return { fetch, wakeAt };
}
