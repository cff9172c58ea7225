import { setMaxListeners } from 'node:events';
import type Stripe from 'stripe';
import { fileOrder, splitBurst, type SliceState } from './slice-plan.ts';
import { MIN_SPLIT_CUSTOMERS, slicesToFetch, subdivide, takeMeetingPage, takePage } from './slice-policy.ts';
import type { CountsDelta } from './slice-checkpoint.ts';

/** What the walk needs of a listed object (a customer, a connected account): its cursor id and its second. */
export interface ListedObject {
  id: string;
  created: number;
}

/** One page as the list endpoint answers it (customers unless said otherwise). */
export interface ListPage<T extends ListedObject = Stripe.Customer> {
  data: T[];
  has_more: boolean;
}

/**
 * Where pages become durable, in two steps so that many pages share one checkpoint (a group commit): append a
 * page's customers to its slice's part file, then save the changed slice states and the counters at once.
 */
export interface PageSink<T extends ListedObject = Stripe.Customer> {
  /** Appends customers (or the export's objects) to the part file of `sliceId`; answers the bytes written. */
  write(sliceId: number, customers: T[]): Promise<number>;
  /** Saves slice states (their `bytes` now cover every write) and adds the counters, atomically. */
  checkpoint(slices: SliceState[], delta: CountsDelta): Promise<void>;
}

/** Options of {@link runSlices}. */
export interface SliceRunnerOptions<T extends ListedObject = Stripe.Customer> {
  /** The plan: fresh, or loaded from the checkpoint (done slices are skipped). */
  slices: SliceState[];
  /** Pages in flight at most (the page permits); also the number of slices subdivision aims for. */
  inFlight: number;
  /** Override of {@link MIN_SPLIT_CUSTOMERS} (tests split small data sets). */
  minSplitCustomers?: number;
  fetchPage(slice: SliceState, signal: AbortSignal): Promise<ListPage<T>>;
  sink: PageSink<T>;
  signal?: AbortSignal;
  now?: () => number;
}

interface Arrival<T extends ListedObject> {
  sliceId: number;
  page: ListPage<T>;
}

/**
 * Fetches every slice to the end, at most `inFlight` pages at once and one page at a time per slice (a slice is
 * one cursor). Pages are committed in batches: whatever arrived while the previous checkpoint was being written.
 * After each page the plan is subdivided and free page permits are handed out as slice-policy.ts decides (a slice
 * may be split while its next page is in flight: takePage drops what is no longer its own).
 * Rejects with the first fetch or commit error (after the pages in flight settle), or with the signal's reason.
 */
export function runSlices<T extends ListedObject = Stripe.Customer>(options: SliceRunnerOptions<T>): Promise<SliceState[]> {
  return new Promise<SliceState[]>((resolve, reject) => new SliceScheduler<T>(options, resolve, reject).pump());
}

/** The event loop of one runSlices call: fetches, group commits, timers and the first failure. */
class SliceScheduler<T extends ListedObject> {
  private readonly all: Map<number, SliceState>;
  private nextId: number;
  private readonly fetching = new Set<number>();
  /** The oldest customer of every page so far: where a burst's upward slice starts from (ending_before). */
  private readonly seen: Array<{ id: string; created: number }> = [];
  private readonly controller = new AbortController();
  private failure: { error: unknown } | undefined;
  private arrived: Arrival<T>[] = [];
  private committing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly options: SliceRunnerOptions<T>,
    private readonly resolve: (slices: SliceState[]) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.now = options.now ?? Date.now;
    this.all = new Map(options.slices.map((s) => [s.id, s]));
    this.nextId = Math.max(-1, ...options.slices.map((s) => s.id)) + 1;
    // Every request in flight listens to this signal (the limiter, the gateway): more than Node's default of 10.
    setMaxListeners(0, this.controller.signal);
    if (options.signal?.aborted) this.onAbort();
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = (): void => {
    this.failure ??= { error: this.options.signal?.reason };
    this.controller.abort(this.options.signal?.reason);
  };

  /** Starts what the policy allows now, arms a timer for slices not ready yet, or finishes. */
  readonly pump = (): void => {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.failure === undefined && this.controller.signal.aborted) this.failure = { error: this.controller.signal.reason };
    if (this.failure !== undefined) {
      if (this.fetching.size === 0 && !this.committing) this.finish();
      return;
    }
    const t = this.now();
    const { fetch, wakeAt } = slicesToFetch(this.unfinished(), this.fetching, this.options.inFlight, t);
    for (const slice of fetch) this.launch(slice);
    if (this.fetching.size === 0 && !this.committing && wakeAt === Infinity) this.finish();
    else if (wakeAt !== Infinity) this.timer = setTimeout(this.pump, Math.max(1, wakeAt - t));
  };

  private unfinished(): SliceState[] {
    return [...this.all.values()].filter((s) => !s.done);
  }

  private finish(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (this.failure !== undefined) this.reject(this.failure.error);
    else this.resolve(fileOrder(this.all.values()));
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.controller.abort(error);
  }

  private launch(slice: SliceState): void {
    this.fetching.add(slice.id);
    this.options.fetchPage(slice, this.controller.signal).then(
      (page) => {
        this.arrived.push({ sliceId: slice.id, page });
        this.flush();
      },
      (error: unknown) => {
        this.fetching.delete(slice.id);
        this.fail(error);
        this.pump();
      },
    );
  }

  /** Commits whatever arrived, unless a commit is under way (its end flushes again). */
  private flush(): void {
    if (this.committing || this.arrived.length === 0) return;
    this.committing = true;
    const batch = this.arrived;
    this.arrived = [];
    const done = () => {
      this.committing = false;
      for (const { sliceId } of batch) this.fetching.delete(sliceId);
      this.flush();
      this.pump();
    };
    if (this.failure !== undefined) { done(); return; }
    this.commitBatch(batch).then(done, (error: unknown) => {
      this.fail(error);
      done();
    });
  }

  /** Applies one page to the plan, then subdivides (synchronously, so the plan is never seen half-changed). */
  private apply(sliceId: number, page: ListPage<T>): { customers: T[]; changed: number[] } {
    const before = this.slice(sliceId);
    const changed = [sliceId];
    let customers: T[];
    if (before.partner === undefined) {
      const taken = takePage(before, page);
      this.all.set(sliceId, taken.slice);
      customers = taken.customers;
      changed.push(...this.readBurstFromBothEnds(before, taken.slice));
    } else {
      const partner = this.slice(before.partner);
      const taken = takeMeetingPage(before, partner, page);
      this.all.set(sliceId, taken.slice);
      customers = taken.customers;
      if (taken.met && !partner.done) {
        this.all.set(partner.id, { ...partner, done: true });
        changed.push(partner.id);
      }
    }
    this.remember(customers);
    const minSplit = this.options.minSplitCustomers ?? MIN_SPLIT_CUSTOMERS;
    const split = subdivide([...this.all.values()], this.options.inFlight, this.nextId, minSplit);
    this.nextId = split.nextId;
    for (const slice of split.changed) this.all.set(slice.id, slice);
    return { customers, changed: [...changed, ...split.changed.map((s) => s.id)] };
  }

  /** Keeps the oldest customer of a page: a possible `ending_before` below a burst found later. */
  private remember(customers: readonly T[]): void {
    const oldest = customers[customers.length - 1];
    if (oldest !== undefined) this.seen.push({ id: oldest.id, created: oldest.created });
  }

  /**
   * A second full page in the same second (a burst of more than two pages): its rest is read from both ends
   * (splitBurst), below from the newest customer known to be older than it, unless the plan already holds
   * 2 × inFlight unfinished slices. Answers the slices it created.
   */
  private readBurstFromBothEnds(before: SliceState, after: SliceState): number[] {
    if (after.burst !== true || before.burst !== true || before.lastCreated !== after.lastCreated || after.lastCreated === null) return [];
    // Within subdivision's bound on unfinished slices (each costs a partial page at its end).
    if (this.unfinished().length + 2 > 2 * this.options.inFlight) return [];
    const second = after.lastCreated;
    let below: { id: string; created: number } | undefined;
    for (const c of this.seen) if (c.created < second && (below === undefined || c.created > below.created)) below = c;
    const parts = below && splitBurst(after, below, this.nextId);
    if (!parts) return [];
    this.nextId += parts.created.length;
    for (const slice of [parts.kept, ...parts.created]) this.all.set(slice.id, slice);
    return parts.created.map((slice) => slice.id);
  }

  /** The state of a slice of the plan; slices are never removed, so a missing one is a bug. */
  private slice(id: number): SliceState {
    const slice = this.all.get(id);
    if (slice === undefined) throw new Error(`slice ${id} vanished`);
    return slice;
  }

  private async commitBatch(batch: Arrival<T>[]): Promise<void> {
    const applied = batch.map(({ sliceId, page }) => ({ sliceId, ...this.apply(sliceId, page) }));
    const written = await Promise.all(applied.map((a) => this.options.sink.write(a.sliceId, a.customers)));
    const delta = { customers: 0, pages: applied.length, bytes: 0 };
    const changed = new Set<number>();
    applied.forEach((a, i) => {
      const slice = this.slice(a.sliceId);
      const bytes = written[i] ?? 0;
      // An upward slice's part holds its pages oldest first: the file copies them back newest first.
      const upward = slice.upward && bytes > 0 ? { upward: { pageStarts: [...slice.upward.pageStarts, slice.bytes] } } : {};
      this.all.set(a.sliceId, { ...slice, ...upward, bytes: slice.bytes + bytes });
      delta.customers += a.customers.length;
      delta.bytes += bytes;
      for (const id of a.changed) changed.add(id);
    });
    await this.options.sink.checkpoint(
      [...changed].map((id) => this.slice(id)),
      delta,
    );
  }
}
