/** What a Stripe request costs: reads and writes have separate budgets, and search has its own. */
export type RequestKind = 'read' | 'write' | 'search';

/**
 * A limiter shared by every worker of every process that talks to one Stripe account.
 * Implemented by the Redis sliding-log limiter (sliding-log-limiter.ts).
 */
export interface RateLimiter {
  /**
   * Resolves when one request of `kind` to `endpoint` (e.g. 'customers.list') may be sent.
   * Returns the milliseconds spent waiting. Rejects with the signal's reason when aborted.
   */
  acquire(kind: RequestKind, endpoint: string, signal?: AbortSignal): Promise<number>;
  /** After a 429: every worker sharing this account holds off for `ms` (a shared cool-down in Redis). */
  coolDown(ms: number): Promise<void>;
}
