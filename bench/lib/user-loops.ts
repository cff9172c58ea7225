import type Stripe from 'stripe';
import type { BenchRow } from './import-rows.ts';
import { itemAt, sleep } from './numbers.ts';

/** What one of the loops users write instead measured. */
export interface LoopRun {
  rows: number;
  seconds: number;
  /** 429 answers the loop received (each retried after 1 s). */
  rateLimited: number;
  created: number;
}

const NAIVE_RETRY_MS = 1_000;

function isRateLimited(err: unknown): boolean {
  const e = err as { type?: string; statusCode?: number };
  return e.type === 'StripeRateLimitError' || e.statusCode === 429;
}

/** Retries 429s after a fixed second, the way a hand-written script does; other errors end the benchmark. */
async function naiveRetry<T>(call: () => Promise<T>, tally: { rateLimited: number }): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!isRateLimited(err)) throw err;
      tally.rateLimited += 1;
      await sleep(NAIVE_RETRY_MS);
    }
  }
}

/** List by email, create when none: the check-then-create a script does (no lock, so not safe when concurrent). */
async function importRow(stripe: Stripe, row: BenchRow, tally: { rateLimited: number; created: number }): Promise<void> {
  const found = await naiveRetry(() => stripe.customers.list({ email: row.email, limit: 1 }), tally);
  if (found.data.length > 0) return;
  await naiveRetry(() => stripe.customers.create({ email: row.email, name: row.name }), tally);
  tally.created += 1;
}

/** One row after the other, `for (const row of rows) { list; create }`. */
export async function sequentialLoop(stripe: Stripe, rows: readonly BenchRow[]): Promise<LoopRun> {
  const tally = { rateLimited: 0, created: 0 };
  const started = performance.now();
  for (const row of rows) await importRow(stripe, row, tally);
  return { rows: rows.length, seconds: (performance.now() - started) / 1000, ...tally };
}

/** `concurrency` rows at once with no limiter: the usual "p-map with concurrency 32" script. */
export async function concurrentLoop(stripe: Stripe, rows: readonly BenchRow[], concurrency: number): Promise<LoopRun> {
  const tally = { rateLimited: 0, created: 0 };
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < rows.length) {
      const row = itemAt(rows, next++);
      await importRow(stripe, row, tally);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { rows: rows.length, seconds: (performance.now() - started) / 1000, ...tally };
}
