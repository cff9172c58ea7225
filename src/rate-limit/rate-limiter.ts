/** What a Stripe request costs: reads and writes have separate budgets, and search has its own. */
export type RequestKind = 'read' | 'write' | 'search';

/** Requests per second per class that the limiter grants right now: the configured share, or less once learnt. */
export type LearnedBudgets = Record<RequestKind, number>;

/** One slot acquire() granted; handed back to rateLimited() when Stripe refused the request anyway. */
export interface SlotGrant {
  kind: RequestKind;
  endpoint: string;
  /** The granted send time, ms on the Redis clock (comparable across processes). */
  at: number;
  /** Milliseconds the caller waited in acquire(), Redis round-trips included. */
  waitedMs: number;
  /** Earlier slots of this acquire() given up (woken too late, or granted before the budget was lowered). */
  missedSlots: number;
  /** The grant's id in the shared log. */
  member: string;
  /** When the class budget in force at the grant was last lowered (ms, Redis clock; 0: never). */
  epoch: number;
}

/**
 * A limiter shared by every worker of every process that talks to one Stripe account.
 * Implemented by the Redis sliding-log limiter (sliding-log-limiter.ts).
 */
export interface RateLimiter {
  /**
   * Resolves when one request of `kind` to `endpoint` (e.g. 'customers.list') may be sent, with the slot granted.
   * Rejects with the signal's reason when aborted.
   */
  acquire(kind: RequestKind, endpoint: string, signal?: AbortSignal): Promise<SlotGrant>;
  /**
   * Stripe answered 429 to the request sent in `grant`: lowers the class budget of every worker of every process to
   * what Stripe admitted (learned-budget.ts), and holds them all off for `retryAfterMs` when Stripe asked (> 0).
   */
  rateLimited(grant: SlotGrant, retryAfterMs?: number): Promise<void>;
  /** Every worker sharing this account holds off for `ms` (a shared cool-down in Redis). */
  coolDown(ms: number): Promise<void>;
  /** The budgets this process last heard of, per class (for /metrics and job progress). */
  budgets(): LearnedBudgets;
}
