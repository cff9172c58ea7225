import { SlidingWindow } from '../sliding-window.ts';
import { ScimUserStore } from './scim-store.ts';

/** The emulator's SCIM service: its own users, bearer token, rate limit and counters (apart from /v1's). */
export class ScimState {
  readonly store = new ScimUserStore();
  private window = new SlidingWindow();
  private counts = new Map<string, number>();
  rateLimited = 0;
  /** Admitted SCIM requests per sliding second (0: unlimited); `POST /__emulator/scim/limits` changes it. */
  limit: number;

  constructor(
    readonly token: string,
    private readonly initialLimit: number,
  ) {
    this.limit = initialLimit;
  }

  tryAdmit(now: number): boolean {
    return this.window.tryAdmit(now, this.limit);
  }

  /** Counts one answer as `METHOD:status`, e.g. `PATCH:200`. */
  record(method: string, status: number): void {
    const key = `${method}:${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (status === 429) this.rateLimited += 1;
  }

  stats(): { requests: Record<string, number>; rate_limited: number; max_in_one_second: number; users: number; active_users: number; limit: number } {
    return {
      requests: Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b))),
      rate_limited: this.rateLimited,
      max_in_one_second: this.window.peak,
      users: this.store.size,
      active_users: this.store.all().filter((u) => u.active).length,
      limit: this.limit,
    };
  }

  resetStats(now: number): void {
    this.counts = new Map();
    this.rateLimited = 0;
    this.window.resetPeak(now);
  }

  /** As a fresh emulator: no users, the starting limit, empty counters. */
  reset(): void {
    this.store.clear();
    this.counts = new Map();
    this.rateLimited = 0;
    this.window = new SlidingWindow();
    this.limit = this.initialLimit;
  }
}
