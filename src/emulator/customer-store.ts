import { appendAll, compareAsc, lowerBound } from './created-order.ts';
import { EventLog } from './event-log.ts';
import type { CustomerRecord } from './customer-record.ts';

/**
 * The emulator's customers, kept fast at a million records:
 * live customers in an array sorted by (created, seq) for binary-searched `created` bounds and cursors,
 * an id map (deleted customers stay in it, because Stripe still answers for them), and an exact-email index.
 * Seeded customers may carry any `created`, so nothing here assumes append order.
 */
export class CustomerStore {
  private sorted: CustomerRecord[] = [];
  private readonly byId = new Map<string, CustomerRecord>();
  /** One record, or an array once an email is shared: a million single-element arrays would cost ~50 MB. */
  private readonly byEmail = new Map<string, CustomerRecord | CustomerRecord[]>();
  private seq = 0;
  /** The account's customer events (`GET /v1/events`), recorded by the API handlers. */
  readonly events = new EventLog();
  /** Customers deleted since the last reset (the emulator's stats report it). */
  deletedCount = 0;

  /** Number of live (not deleted) customers. */
  get liveCount(): number {
    return this.sorted.length;
  }

  /** Same as liveCount: lets the store serve as a list view. */
  get length(): number {
    return this.sorted.length;
  }

  /** A creation-order number for the next customer. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** A customer by id, deleted ones included. */
  get(id: string): CustomerRecord | undefined {
    return this.byId.get(id);
  }

  /** The live customer at `index` of the ascending order. */
  at(index: number): CustomerRecord | undefined {
    return this.sorted[index];
  }

  /** Index of the first live customer not before (created, seq) in ascending order. */
  lowerBound(created: number, seq: number): number {
    return lowerBound(this.sorted, created, seq);
  }

  add(record: CustomerRecord): void {
    const last = this.sorted[this.sorted.length - 1];
    if (last === undefined || compareAsc(last, record) < 0) this.sorted.push(record);
    else this.sorted.splice(this.lowerBound(record.created, record.seq), 0, record);
    this.byId.set(record.id, record);
    this.indexEmail(record);
  }

  /** Adds many at once: one sort instead of a splice each (seeding a million customers). */
  addMany(records: readonly CustomerRecord[]): void {
    appendAll(this.sorted, records, (record) => {
      this.byId.set(record.id, record);
      this.indexEmail(record);
    });
  }

  /** Changes a customer's email and keeps the index right. */
  setEmail(record: CustomerRecord, email: string | null): void {
    if (record.email === email) return;
    this.unindexEmail(record);
    record.email = email;
    this.indexEmail(record);
  }

  /** Deletes a live customer: it leaves the list and the email index, its id still answers `deleted: true`. */
  remove(record: CustomerRecord): void {
    if (record.deleted) return;
    const at = this.lowerBound(record.created, record.seq);
    if (this.sorted[at] === record) this.sorted.splice(at, 1);
    this.unindexEmail(record);
    record.deleted = true;
    this.deletedCount += 1;
  }

  /** Live customers whose email is exactly `email` (case-sensitive, as Stripe's list filter). */
  withEmail(email: string): readonly CustomerRecord[] {
    const group = this.byEmail.get(email);
    return group === undefined ? [] : Array.isArray(group) ? group : [group];
  }

  /** Every exact email and its live customer (one) or customers (several). */
  emailEntries(): IterableIterator<[string, CustomerRecord | readonly CustomerRecord[]]> {
    return this.byEmail.entries();
  }

  /** Live customers in ascending (created, seq) order; do not mutate. */
  liveAscending(): readonly CustomerRecord[] {
    return this.sorted;
  }

  clear(): void {
    this.sorted = [];
    this.byId.clear();
    this.byEmail.clear();
    this.seq = 0;
    this.deletedCount = 0;
    this.events.clear();
  }

  private indexEmail(record: CustomerRecord): void {
    if (record.email === null || record.deleted) return;
    const group = this.byEmail.get(record.email);
    if (group === undefined) this.byEmail.set(record.email, record);
    else if (Array.isArray(group)) group.push(record);
    else this.byEmail.set(record.email, [group, record]);
  }

  private unindexEmail(record: CustomerRecord): void {
    if (record.email === null) return;
    const group = this.byEmail.get(record.email);
    if (group === record) {
      this.byEmail.delete(record.email);
      return;
    }
    if (!Array.isArray(group)) return;
    const at = group.indexOf(record);
    if (at !== -1) group.splice(at, 1);
    if (group.length === 1) this.byEmail.set(record.email, group[0] as CustomerRecord);
  }
}
