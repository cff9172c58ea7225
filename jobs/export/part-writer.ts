import type Stripe from 'stripe';
import { customerToRow } from '../../src/csv/index.ts';
import type { ListedObject } from './slice-runner.ts';
import { partPath } from '../../src/exports/export-paths.ts';
import { encodeCsvLine } from './csv-line.ts';
import { resolveColumns, type ColumnPlan } from './export-columns.ts';
import { appendPart } from './part-files.ts';
import type { PartSegment, SliceState } from './slice-plan.ts';

/**
 * How the objects of one export become CSV rows: the keys that give an object its dynamic columns (a customer's
 * metadata keys; an account's `capabilities.<name>` and `metadata.<key>` column names), and one row per object.
 */
export interface RowRenderer<T extends ListedObject> {
  keysOf: (object: T) => Iterable<string>;
  toRow: (object: T, columns: readonly string[]) => string[];
}

/** Customers: one `metadata.<key>` column per metadata key (the keys are stored bare). */
export const CUSTOMER_ROWS: RowRenderer<Stripe.Customer> = {
  keysOf: function* (customer) {
    // for…in, not Object.keys: a null metadata (Stripe's type says never; an emulator fault might) has no keys.
    for (const key in customer.metadata) yield key;
  },
  toRow: customerToRow,
};

/**
 * The metadata keys of a default-columns export in the order they were first seen. The order is what makes a
 * segment's key count ({@link PartSegment}) name a set of columns: the first `n` keys, sorted for the header.
 * Kept in Redis with each checkpoint, so a resumed export reads its parts with the same meaning.
 */
export class MetadataKeys {
  private readonly seen: Set<string>;
  private readonly order: string[];
  private fresh: string[] = [];
  private readonly columns = new Map<number, string[]>();

  constructor(
    private readonly plan: ColumnPlan,
    known: readonly string[],
  ) {
    this.order = [...known];
    this.seen = new Set(known);
  }

  get count(): number {
    return this.order.length;
  }

  /** Every key seen so far, in discovery order (what the checkpoint stores). */
  get all(): readonly string[] {
    return this.order;
  }

  /** Adds the keys of a page's customers not seen before. */
  collect(customers: readonly Stripe.Customer[]): void {
    this.collectKeys(customers, CUSTOMER_ROWS.keysOf);
  }

  /** Adds the keys of a page's objects not seen before, `keysOf` naming the keys of one object. */
  collectKeys<T>(objects: readonly T[], keysOf: (object: T) => Iterable<string>): void {
    if (this.plan.kind !== 'all_metadata') return;
    for (const object of objects) {
      for (const key of keysOf(object)) {
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.order.push(key);
        this.fresh.push(key);
      }
    }
  }

  /** Whether keys were added since the last call (the checkpoint then stores the list again). */
  takeChanged(): boolean {
    const changed = this.fresh.length > 0;
    this.fresh = [];
    return changed;
  }

  /** The header when the first `count` keys are known (every key when omitted). */
  columnsFor(count = this.order.length): string[] {
    let columns = this.columns.get(count);
    if (columns === undefined) {
      columns = resolveColumns(this.plan, this.order.slice(0, count));
      this.columns.set(count, columns);
    }
    return columns;
  }
}

/**
 * Writes each page's customers ONCE, as the CSV rows of the final file, into its slice's part file: the file is then
 * the parts copied end to end after the header. A default-columns export learns its metadata columns while it
 * fetches, so a page is rendered with the keys known when it arrives (its own included), and the slice records where
 * its rows change width (`segments`); the rare rows written before a key turned up are widened at the end.
 */
export class PartWriter<T extends ListedObject = Stripe.Customer> {
  private readonly bytes = new Map<number, number>();
  private readonly segments = new Map<number, PartSegment[]>();

  constructor(
    private readonly opts: { dataDir: string; exportId: string; keys: MetadataKeys; trackWidths: boolean; rows: RowRenderer<T> },
    slices: readonly SliceState[],
  ) {
    for (const slice of slices) {
      this.bytes.set(slice.id, slice.bytes);
      if (slice.segments !== undefined) this.segments.set(slice.id, slice.segments);
    }
  }

  /** Appends a page's rows to the part of `sliceId`; answers the bytes written. */
  async write(sliceId: number, customers: readonly T[]): Promise<number> {
    const { keys, rows } = this.opts;
    keys.collectKeys(customers, rows.keysOf);
    const count = keys.count;
    const columns = keys.columnsFor(count);
    let text = '';
    for (const customer of customers) text += encodeCsvLine(rows.toRow(customer, columns));
    const at = this.bytes.get(sliceId) ?? 0;
    const written = await appendPart(partPath(this.opts.dataDir, this.opts.exportId, sliceId), text);
    if (written === 0) return 0;
    this.bytes.set(sliceId, at + written);
    if (this.opts.trackWidths) {
      const segments = this.segments.get(sliceId) ?? [];
      if (segments[segments.length - 1]?.[1] !== count) this.segments.set(sliceId, [...segments, [at, count]]);
    }
    return written;
  }

  /** The slice with the segments of its part as written so far (what the checkpoint and the file need). */
  annotate(slice: SliceState): SliceState {
    const segments = this.segments.get(slice.id);
    return segments === undefined ? slice : { ...slice, segments };
  }
}
