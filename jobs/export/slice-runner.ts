import { setMaxListeners } from 'node:events';
import type Stripe from 'stripe';
import { applyPage, estimateRemaining, fileOrder, scheduleOrder, splitSlice, type SliceState } from './slice-plan.ts';
import type { CountsDelta } from './slice-checkpoint.ts';

/** One page as the list endpoint answers it. */
export interface ListPage {
  data: Stripe.Customer[];
  has_more: boolean;
}

/**
 * Where pages become durable, in two steps so that many pages share one checkpoint (a group commit): append a
 * page's customers to its slice's part file, then save the changed slice states and the counters at once.
 */
export interface PageSink {
  /** Appends customers to the part file of `sliceId`; answers the bytes written. */
  write(sliceId: number, customers: Stripe.Customer[]): Promise<number>;
  /** Saves slice states (their `bytes` now cover every write) and adds the counters, atomically. */
  checkpoint(slices: SliceState[], delta: CountsDelta): Promise<void>;
}

/**
 * A slice is split only when it has at least this many customers left (estimated): every split adds one partial
 * page at the end of each half, so splitting small slices would spend read budget on nearly empty pages.
 */
export const MIN_SPLIT_CUSTOMERS = 300;

/** Options of {@link runSlices}. */
export interface SliceRunnerOptions {
  /** The plan: fresh, or loaded from the checkpoint (done slices are skipped). */
  slices: SliceState[];
  /** Pages in flight at most; also the number of slices subdivision aims for. */
  inFlight: number;
  /** Override of {@link MIN_SPLIT_CUSTOMERS} (tests split small data sets). */
  minSplitCustomers?: number;
  fetchPage(slice: SliceState, signal: AbortSignal): Promise<ListPage>;
  sink: PageSink;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Fetches every slice to the end, at most `inFlight` pages at once and one page at a time per slice (a slice is
 * one cursor). Pages are committed in batches: whatever arrived while the previous checkpoint was being written.
 * Slices with many customers left give away the older pieces of their remaining range (see split) — even a slice
 * whose next page is in flight: that page's customers below the slice's new lower bound are dropped when it arrives
 * (the new slice reads them) and the slice ends there. Free slots go to the longest chains first (scheduleOrder).
 * Rejects with the first fetch or commit error (after the pages in flight settle), or with the signal's reason.
 */
export function runSlices(options: SliceRunnerOptions): Promise<SliceState[]> {
  const now = options.now ?? Date.now;
  const minSplit = options.minSplitCustomers ?? MIN_SPLIT_CUSTOMERS;
  const all = new Map<number, SliceState>(options.slices.map((s) => [s.id, s]));
  let nextId = Math.max(-1, ...options.slices.map((s) => s.id)) + 1;
  const running = new Set<number>();
  const controller = new AbortController();
  // Every request in flight listens to this signal (the limiter, the gateway): more than Node's default of 10.
  setMaxListeners(0, controller.signal);
  let failure: { error: unknown } | undefined;
  const onAbort = () => {
    failure ??= { error: options.signal?.reason };
    controller.abort(options.signal?.reason);
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  let arrived: Array<{ sliceId: number; page: ListPage }> = [];
  let committing = false;
  let timer: NodeJS.Timeout | undefined;
  const unfinished = () => [...all.values()].filter((s) => !s.done);

  /**
   * Splits the slices with the most work left; answers the ids it changed. While slots are free, the biggest slice
   * is cut into one piece per free slot. When every slot is taken, a slice estimated to hold more than its share of
   * what is left (1/inFlight) is still halved, up to 2 × inFlight unfinished slices: read one page per round trip,
   * it would otherwise finish after all the others and leave the end of the export to a single cursor.
   */
  const split = (): number[] => {
    const changed: number[] = [];
    for (;;) {
      const open = unfinished();
      const spare = options.inFlight - open.length;
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
      if (best === undefined) break;
      let pieces: number;
      if (spare > 0) {
        // As many pieces as free slots (plus the slice's own), each with at least half the split threshold.
        pieces = Math.min(spare + 1, Math.floor(bestEstimate / (minSplit / 2)));
      } else {
        if (open.length >= 2 * options.inFlight || bestEstimate * options.inFlight <= total) break;
        pieces = 2;
      }
      const parts = splitSlice(best, pieces, nextId);
      if (parts === null) break;
      nextId += parts.created.length;
      all.set(parts.kept.id, parts.kept);
      changed.push(parts.kept.id);
      for (const created of parts.created) {
        all.set(created.id, created);
        changed.push(created.id);
      }
    }
    return changed;
  };

  /** Applies one page to the plan (synchronously, so the plan is never seen half-changed). */
  const apply = (sliceId: number, page: ListPage): { customers: Stripe.Customer[]; changed: number[] } => {
    const slice = all.get(sliceId);
    if (slice === undefined) throw new Error(`slice ${sliceId} vanished`);
    // The slice may have been split while this page was in flight: keep only what is still its own.
    const customers = page.data.filter((c) => c.created >= slice.gte && c.created <= slice.lte);
    const first = customers[0];
    const last = customers[customers.length - 1];
    all.set(
      sliceId,
      applyPage(slice, {
        count: customers.length,
        hasMore: page.has_more,
        truncated: customers.length < page.data.length,
        ...(first && { firstCreated: first.created }),
        last: last && { id: last.id, created: last.created },
      }),
    );
    return { customers, changed: [sliceId, ...split()] };
  };

  const commitBatch = async (batch: Array<{ sliceId: number; page: ListPage }>) => {
    const applied = batch.map(({ sliceId, page }) => ({ sliceId, ...apply(sliceId, page) }));
    const written = await Promise.all(applied.map((a) => options.sink.write(a.sliceId, a.customers)));
    const delta = { customers: 0, pages: applied.length, bytes: 0 };
    const changed = new Set<number>();
    applied.forEach((a, i) => {
      const slice = all.get(a.sliceId)!;
      const bytes = written[i] ?? 0;
      all.set(a.sliceId, { ...slice, bytes: slice.bytes + bytes });
      delta.customers += a.customers.length;
      delta.bytes += bytes;
      for (const id of a.changed) changed.add(id);
    });
    await options.sink.checkpoint(
      [...changed].map((id) => all.get(id)!),
      delta,
    );
  };

  return new Promise<SliceState[]>((resolve, reject) => {
    const finish = () => {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (failure !== undefined) reject(failure.error);
      else resolve(fileOrder(all.values()));
    };

    const fail = (error: unknown) => {
      failure ??= { error };
      controller.abort(error);
    };

    const pump = () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (failure === undefined && controller.signal.aborted) failure = { error: controller.signal.reason };
      if (failure !== undefined) {
        if (running.size === 0 && !committing) finish();
        return;
      }
      const t = now();
      let wakeAt = Infinity;
      // Longest chain of pages first (see scheduleOrder) when more slices wait than slots are free.
      for (const slice of scheduleOrder(unfinished())) {
        if (running.size >= options.inFlight) break;
        if (running.has(slice.id)) continue;
        if (slice.readyAt !== undefined && slice.readyAt > t) {
          wakeAt = Math.min(wakeAt, slice.readyAt);
          continue;
        }
        launch(slice);
      }
      if (running.size === 0 && !committing && wakeAt === Infinity) finish();
      else if (wakeAt !== Infinity) timer = setTimeout(pump, Math.max(1, wakeAt - t));
    };

    const flush = () => {
      if (committing || arrived.length === 0) return;
      committing = true;
      const batch = arrived;
      arrived = [];
      const done = () => {
        committing = false;
        for (const { sliceId } of batch) running.delete(sliceId);
        flush();
        pump();
      };
      if (failure !== undefined) return done();
      commitBatch(batch).then(done, (error: unknown) => {
        fail(error);
        done();
      });
    };

    const launch = (slice: SliceState) => {
      running.add(slice.id);
      options.fetchPage(slice, controller.signal).then(
        (page) => {
          arrived.push({ sliceId: slice.id, page });
          flush();
        },
        (error: unknown) => {
          running.delete(slice.id);
          fail(error);
          pump();
        },
      );
    };

    pump();
  });
}
