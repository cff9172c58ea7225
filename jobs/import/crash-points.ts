/**
 * Named instants in the life of one import row, where a test can kill the worker process (kill -9 of itself) to
 * prove the exactly-once guarantee holds whatever instant a machine dies. Set by STRIPE_BULK_CRASH_AT
 * (`<point>@<row>`, tests only); unset, every hook is one call of a function that does nothing.
 */
export const CRASH_POINTS = [
  /** The row holds its email lock. */
  'after-lock',
  /** One `?email=` look-up answered (the others may still be in flight). */
  'after-lookup',
  /** Every look-up answered; nothing written yet. */
  'after-find',
  /** The create is announced in the registry (durable), not sent. */
  'after-intent',
  /** Stripe answered the create; nothing recorded yet. */
  'after-create',
  /** The registry holds the new customer; the result line is not written. */
  'after-settle',
  /** The result line is in results.csv; the checkpoint is not saved. */
  'after-result',
  /** The checkpoint is saved; progress and counters are not reported yet. */
  'during-checkpoint',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Called at each point with the rows it concerns (one row, or the rows of one results batch). */
export type CrashHook = (point: CrashPoint, fromRow: number, toRow?: number) => void;

export const NO_CRASH: CrashHook = () => undefined;

/** The hook for a `<point>@<row>` spec: SIGKILL of this process when that row reaches that point. */
export function crashHookFor(spec: string | undefined): CrashHook {
  if (!spec) return NO_CRASH;
  const [point, rowText] = spec.split('@');
  const row = Number(rowText);
  if (!CRASH_POINTS.includes(point as CrashPoint) || !Number.isInteger(row) || row < 1) {
    throw new Error(`STRIPE_BULK_CRASH_AT must be <point>@<row> with a point among ${CRASH_POINTS.join(', ')}; got "${spec}"`);
  }
  return (at, fromRow, toRow = fromRow) => {
    if (at === point && fromRow <= row && row <= toRow) process.kill(process.pid, 'SIGKILL');
  };
}
