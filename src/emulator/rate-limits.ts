import type { ResolvedOptions } from './options.ts';
import { SlidingWindow } from './sliding-window.ts';

/** The three budgets Stripe keeps apart. */
export type RequestKind = 'read' | 'write' | 'search';

/**
 * Per-key sliding one-second windows for reads, writes and searches. A request is counted when it arrives
 * (before the injected latency) and only when admitted: a 429 does not use up budget.
 */
export class RateLimits {
  private readonly windows = new Map<string, Record<RequestKind, SlidingWindow>>();

  constructor(private readonly options: ResolvedOptions) {}

  private limit(kind: RequestKind): number {
    if (kind === 'read') return this.options.readLimit;
    if (kind === 'write') return this.options.writeLimit;
    return this.options.searchLimit;
  }

  private windowsOf(key: string): Record<RequestKind, SlidingWindow> {
    let w = this.windows.get(key);
    if (w === undefined) {
      w = { read: new SlidingWindow(), write: new SlidingWindow(), search: new SlidingWindow() };
      this.windows.set(key, w);
    }
    return w;
  }

  tryAdmit(key: string, kind: RequestKind, now: number): boolean {
    return this.windowsOf(key)[kind].tryAdmit(now, this.limit(kind));
  }

  /** The most requests of `kind` admitted for one key within any one second. */
  peak(kind: RequestKind): number {
    let max = 0;
    for (const w of this.windows.values()) max = Math.max(max, w[kind].peak);
    return max;
  }

  resetPeaks(now: number): void {
    for (const w of this.windows.values()) for (const kind of ['read', 'write', 'search'] as const) w[kind].resetPeak(now);
  }
}
