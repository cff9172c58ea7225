import type { AccountRecord } from './account-record.ts';
import { appendAll, lowerBound } from './created-order.ts';

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
    return lowerBound(this.sorted, created, seq);
  }

  /** Adds accounts, one sort at the end when they did not arrive in order (a seed of many). */
  addMany(records: readonly AccountRecord[]): void {
    appendAll(this.sorted, records, (record) => {
      this.byId.set(record.id, record);
      this.onAdd(record.id);
    });
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
