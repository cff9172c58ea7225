const WINDOW_MS = 1000;

/**
 * Arrival times of admitted requests over the last second (a true sliding window, not fixed buckets).
 * It both enforces a limit and remembers the most requests ever seen inside any one-second span.
 */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;
  /** The highest number of admitted requests within one second since the last resetPeak. */
  peak = 0;
  /** Arrivals at or before this time no longer count toward `peak` (they still count toward the limit). */
  private peakSince = Number.NEGATIVE_INFINITY;

  /** Requests admitted in (now - 1 s, now]. */
  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - WINDOW_MS) this.head += 1;
    // Compact now and then so the array does not grow for ever.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** Admits the request when fewer than `limit` were admitted in the last second (0 or Infinity: no limit). */
  tryAdmit(now: number, limit: number): boolean {
    const inWindow = this.count(now);
    if (limit > 0 && Number.isFinite(limit) && inWindow >= limit) return false;
    this.times.push(now);
    this.peak = Math.max(this.peak, this.countSincePeakReset());
    return true;
  }

  private countSincePeakReset(): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) <= this.peakSince) lo = mid + 1;
      else hi = mid;
    }
    return this.times.length - lo;
  }

  /** Starts a new peak measurement: requests admitted up to `now` are left out of it. */
  resetPeak(now: number): void {
    this.peak = 0;
    this.peakSince = now;
  }
}
