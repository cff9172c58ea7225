import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import { SliceCheckpoint } from '../export/slice-checkpoint.ts';
import { initialSlices, pageParams, type SliceState } from '../export/slice-plan.ts';
import { runSlices, type PageSink } from '../export/slice-runner.ts';

/** The reason a walk's signal carries when its owner was cancelled (the record says `cancel_requested`). */
export const WALK_CANCELLED = 'walk-cancelled';

/** Options of {@link walkCustomers}. */
export interface CustomerWalkOptions {
  redis: Redis;
  /** Where the plan lives (hash: slice id → SliceState) and the hash whose `customers`/`pages` the walk adds to. */
  keys: { slices: string; record: string };
  gateway: CustomerGateway;
  /** Pages in flight at most (EXPORT_PAGES_IN_FLIGHT): the export's parallelism. */
  inFlight: number;
  /** `created` range to walk, inclusive unix seconds; `lte` is the walk's fixed snapshot (kept on resume). */
  range: { gte: number; lte: number };
  /**
   * Takes the customers of one page, before the page is checkpointed. It must be idempotent: a page consumed by a
   * worker killed before its checkpoint is read and consumed again by the worker that resumes the walk.
   */
  consume(customers: Stripe.Customer[]): Promise<void>;
  /** After each checkpoint: the totals so far (for progress reports). */
  onProgress?(totals: { customers: number; pages: number }): Promise<void>;
  signal?: AbortSignal;
  /** Override of slice-policy's MIN_SPLIT_CUSTOMERS (tests split small accounts). */
  minSplitCustomers?: number;
  now?: () => number;
}

/**
 * Walks every live customer in `range` with the export's parallel, created-sliced list (one read per 100 customers,
 * through the gateway's shared read budget), handing each page to `consume` instead of a part file. Resumable: the
 * slice plan is checkpointed with the counters after every group of pages, so a walk killed at any point goes on
 * from its last checkpoint (at most the pages in flight are read twice). Stops with WALK_CANCELLED when the record
 * says `cancel_requested`. Answers when every slice is done.
 */
export async function walkCustomers(options: CustomerWalkOptions): Promise<void> {
  const checkpoint = new SliceCheckpoint(options.redis, '', '', options.keys);
  const slices = await loadOrPlan(checkpoint, options);
  if (slices.every((s) => s.done)) return;
  const cancel = new AbortController();
  const signal = options.signal === undefined ? cancel.signal : AbortSignal.any([options.signal, cancel.signal]);
  // Counted here from the record's counters at the start: a Redis read per checkpoint would sit in the commit path.
  const [customers, pages] = await options.redis.hmget(options.keys.record, 'customers', 'pages');
  const totals = { customers: Number(customers ?? 0), pages: Number(pages ?? 0) };
  const sink: PageSink = {
    async write(_sliceId, customers) {
      await options.consume(customers);
      return 0;
    },
    async checkpoint(changed, delta) {
      const { cancelRequested } = await checkpoint.commit(changed, delta);
      if (cancelRequested) cancel.abort(WALK_CANCELLED);
      totals.customers += delta.customers;
      totals.pages += delta.pages;
      await options.onProgress?.({ ...totals });
    },
  };
  await runSlices({
    slices,
    inFlight: options.inFlight,
    signal,
    ...(options.minSplitCustomers === undefined ? {} : { minSplitCustomers: options.minSplitCustomers }),
    ...(options.now === undefined ? {} : { now: options.now }),
    fetchPage: (slice, s) => options.gateway.listPage(pageParams(slice, undefined), s),
    sink,
  });
}

/** The checkpointed plan, or the export's first plan over the range (saved before the first page). */
async function loadOrPlan(checkpoint: SliceCheckpoint, options: CustomerWalkOptions): Promise<SliceState[]> {
  const loaded = await checkpoint.load();
  if (loaded.slices.length > 0) return loaded.slices;
  const snapshotSecond = Math.floor((options.now ?? Date.now)() / 1000);
  const first = initialSlices(options.range.gte, options.range.lte, snapshotSecond, { pieces: options.inFlight });
  // An empty range still saves a plan, so a resumed walk knows it is over rather than planning again.
  const plan = first.length > 0 ? first : [{ id: 0, gte: 0, lte: 0, cursor: null, lastCreated: null, done: true, customers: 0, pages: 0, bytes: 0 }];
  await checkpoint.saveInitial(plan);
  return plan;
}
