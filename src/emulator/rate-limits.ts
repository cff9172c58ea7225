import type { ResolvedOptions } from './options.ts';
import { SlidingWindow } from './sliding-window.ts';

/** The three budgets Stripe keeps apart. */
export type RequestKind = 'read' | 'write' | 'search';

/** The limits in force, per kind: admitted requests per key per sliding second (0 or Infinity: unlimited). */
export type EnforcedLimits = Record<RequestKind, number>;

const KINDS: readonly RequestKind[] = ['read', 'write', 'search'];

/** The limits as `POST /__emulator/limits` names them. */
const LIMIT_FIELDS = { readLimit: 'read', writeLimit: 'write', searchLimit: 'search' } as const;

/**
 * Per-key sliding one-second windows for reads, writes and searches. A request is counted when it arrives
 * (before the injected latency) and only when admitted: a 429 does not use up budget.
 * The limits start at the options' and can be changed at run time (`POST /__emulator/limits`), as Stripe lowers
 * an account's limits during an incident and restores them after.
 */
export class RateLimits {
  private readonly windows = new Map<string, Record<RequestKind, SlidingWindow>>();
  private limits: EnforcedLimits;

  constructor(private readonly options: ResolvedOptions) {
    this.limits = this.initial();
  }

  private initial(): EnforcedLimits {
    return { read: this.options.readLimit, write: this.options.writeLimit, search: this.options.searchLimit };
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
    return this.windowsOf(key)[kind].tryAdmit(now, this.limits[kind]);
  }

  /** The limits in force, as `GET /__emulator/limits` shows them. */
  current(): { readLimit: number; writeLimit: number; searchLimit: number } {
    return { readLimit: this.limits.read, writeLimit: this.limits.write, searchLimit: this.limits.search };
  }

  /** Changes some limits from now on; requests already admitted stay counted in their windows. */
  configure(patch: Partial<Record<keyof typeof LIMIT_FIELDS, number>>): void {
    for (const [field, kind] of Object.entries(LIMIT_FIELDS)) {
      const value = patch[field as keyof typeof LIMIT_FIELDS];
      if (value !== undefined) this.limits = { ...this.limits, [kind]: value };
    }
  }

  /** Back to the limits the emulator was started with and empty windows, as a fresh emulator (`POST /__emulator/reset`). */
  restore(): void {
    this.limits = this.initial();
    this.windows.clear();
  }

  /** The most requests of `kind` admitted for one key within any one second. */
  peak(kind: RequestKind): number {
    let max = 0;
    for (const w of this.windows.values()) max = Math.max(max, w[kind].peak);
    return max;
  }

  resetPeaks(now: number): void {
    for (const w of this.windows.values()) for (const kind of KINDS) w[kind].resetPeak(now);
  }
}

/** Validates a `POST /__emulator/limits` body; throws a RangeError naming every bad or unknown field. */
export function parseLimitsPatch(body: unknown): Partial<Record<keyof typeof LIMIT_FIELDS, number>> {
  const names = Object.keys(LIMIT_FIELDS).join(', ');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RangeError(`the body must be a JSON object with some of: ${names}`);
  }
  const out: Partial<Record<keyof typeof LIMIT_FIELDS, number>> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (!Object.hasOwn(LIMIT_FIELDS, name)) problems.push(`unknown field ${name} (expected one of: ${names})`);
    else if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      problems.push(`${name} must be a number >= 0, 0 meaning unlimited (got ${JSON.stringify(value)})`);
    } else out[name as keyof typeof LIMIT_FIELDS] = value;
  }
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  return out;
}
