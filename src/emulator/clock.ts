/**
 * The emulator's notion of "now": the wall clock plus an offset tests can move forward, so a rehearsal can
 * outlive Stripe's 24 h idempotency window without waiting a day. It drives `created` of new customers,
 * idempotency-key expiry and search-index lag; rate limits keep using real time (they measure throughput).
 */
export class EmulatorClock {
  private offsetMs = 0;

  /** Epoch milliseconds as the emulator sees them. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** How far ahead of the wall clock the emulator runs, in milliseconds. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward; never backward, since the idempotency store expires keys in insertion order. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the clock only moves forward (got ${ms} ms)`);
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
