/** Bounds are rebuilt from scratch this often, so a slow drift of either clock is followed. */
const RESET_EVERY_MS = 60_000;
/** Wider bounds than this (a cold start: the first calls wait on the connection and the script load) say too little. */
const MAX_UNCERTAINTY_MS = 4;

/**
 * This process's estimate of the Redis clock. Each reply of the reservation script carries Redis' `now`
 * (whole ms, floored), read at some instant between our send and our receive: so the offset between the two
 * clocks lies in [now − received, now + 1 − sent]. Intersecting those intervals over many samples narrows it
 * to about a millisecond, even when replies queue behind one another (a round-trip's midpoint would not:
 * queued calls run late in their interval and made the caller wake ~10 ms early). Lets a caller tell how late
 * it is for its slot even when its event loop read the reply late, and when Redis runs on another machine.
 */
export interface RedisClock {
  /** Records one round-trip: local send time, local receive time (both from `local()`), Redis' now in ms. */
  sample(sentAt: number, receivedAt: number, redisNow: number): void;
  /**
   * Redis time minus local time, in ms; undefined until the samples pin it down to within a few ms
   * (callers then fall back to timing relative to the reply).
   */
  offset(): number | undefined;
  /** The local clock the samples use: monotonic, with sub-millisecond resolution. */
  local(): number;
}

export function createRedisClock(): RedisClock {
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  let since = 0;
  const local = (): number => performance.timeOrigin + performance.now();
  return {
    local,
    sample(sentAt, receivedAt, redisNow) {
      const sampleLow = redisNow - receivedAt;
      const sampleHigh = redisNow + 1 - sentAt;
      const stale = receivedAt - since > RESET_EVERY_MS;
      const nextLow = stale ? sampleLow : Math.max(low, sampleLow);
      const nextHigh = stale ? sampleHigh : Math.min(high, sampleHigh);
      // Disjoint bounds mean a clock stepped: start again from this sample alone.
      if (stale || nextLow > nextHigh) {
        low = sampleLow;
        high = sampleHigh;
        since = receivedAt;
        return;
      }
      low = nextLow;
      high = nextHigh;
    },
    offset() {
      return high - low <= MAX_UNCERTAINTY_MS ? (low + high) / 2 : undefined;
    },
  };
}
