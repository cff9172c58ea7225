import type { AccountRecord } from './account-record.ts';

/**
 * The emulator's connected accounts (`/v1/accounts`), kept apart from customers: Stripe never lists one as the
 * other. Sorted by (created, seq) for binary-searched `created` bounds and cursors, as the customer store is;
 * seeded accounts may carry any `created`. It serves directly as a list view (list-window.ts).
 */
export class AccountStore {
  private sorted: AccountRecord[] = [];
  private readonly byId = new Map<string, AccountRecord>();
  private seq = 0;

  /** `onAdd` hears every account added (the emulator registers it for the `Stripe-Account` header). */
  constructor(private readonly onAdd: (id: string) => void = () => undefined) {}

  get length(): number {
    return this.sorted.length;
  }

  /** A creation-order number for the next account. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): AccountRecord | undefined {
    return this.byId.get(id);
  }

  at(index: number): AccountRecord | undefined {
    return this.sorted[index];
  }

  /** Index of the first account not before (created, seq) in ascending order. */
  lowerBound(created: number, seq: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.sorted[mid] as AccountRecord;
      if (m.created < created || (m.created === created && m.seq < seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds accounts, one sort at the end when they did not arrive in order (a seed of many). */
  addMany(records: readonly AccountRecord[]): void {
    let ordered = true;
    let previous = this.sorted[this.sorted.length - 1];
    for (const record of records) {
      if (previous !== undefined && (previous.created > record.created || (previous.created === record.created && previous.seq > record.seq))) {
        ordered = false;
      }
      previous = record;
      this.sorted.push(record);
      this.byId.set(record.id, record);
      this.onAdd(record.id);
    }
    if (!ordered) this.sorted.sort((a, b) => a.created - b.created || a.seq - b.seq);
  }

  /** Every account, newest first (the list's order). */
  newestFirst(): AccountRecord[] {
    return [...this.sorted].reverse();
  }

  clear(): void {
    this.sorted = [];
    this.byId.clear();
    this.seq = 0;
  }
}
