import { ApiError } from './api-client.ts';
import type { JobStatus } from './api-types.ts';
import { InterruptedError } from './exit-codes.ts';

/** Statuses after which a job never changes again. */
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled', 'expired']);

/** A blip (restart, proxy hiccup) should not end a wait of hours; a steady failure should. */
const MAX_CONSECUTIVE_POLL_ERRORS = 5;

/** Options of waitForJob. */
export interface WaitOptions<T> {
  id: string;
  fetch: () => Promise<T>;
  onUpdate: (record: T) => void;
  intervalMs: number;
  /** Aborted by Ctrl-C: the wait ends with an InterruptedError, the job goes on. */
  signal?: AbortSignal | undefined;
}

/** Resolves true after `ms`, false as soon as the signal aborts; the listener never outlives the sleep. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((done) => {
    if (signal?.aborted) { done(false); return; }
    const onAbort = (): void => {
      clearTimeout(timer);
      done(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      done(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isTransient(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 0 || err.status >= 500);
}

/** Polls a job until it reaches a terminal status; returns its last record. */
export async function waitForJob<T extends { status: JobStatus }>(options: WaitOptions<T>): Promise<T> {
  let errors = 0;
  for (;;) {
    if (options.signal?.aborted) throw new InterruptedError(options.id);
    let record: T | undefined;
    try {
      record = await options.fetch();
      errors = 0;
    } catch (err) {
      errors += 1;
      if (!isTransient(err) || errors >= MAX_CONSECUTIVE_POLL_ERRORS) throw err;
    }
    if (record) {
      options.onUpdate(record);
      if (TERMINAL_STATUSES.has(record.status)) return record;
    }
    if (!(await sleep(options.intervalMs, options.signal))) throw new InterruptedError(options.id);
  }
}
