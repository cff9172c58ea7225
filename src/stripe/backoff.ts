/** Exponential back-off with full jitter (AWS's "full jitter"): spreads retries of many workers apart. */
export interface Backoff {
  /** Delay before retry number `attempt` (1 = the first retry), in ms. */
  delay(attempt: number): number;
}

/** Options of createBackoff. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** No delay is ever longer than this. */
  capMs: number;
  /** Source of randomness in [0, 1); replaceable in tests. */
  random?: () => number;
}

/** random(0 .. min(cap, base × 2^(attempt-1))). */
export function createBackoff(opts: BackoffOptions): Backoff {
  const random = opts.random ?? Math.random;
  return {
    delay(attempt) {
      const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
      return Math.round(random() * ceiling);
    },
  };
}
