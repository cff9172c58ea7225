import { describe, expect, it } from 'vitest';
import { CRASH_POINTS, type CrashPoint } from '../../../jobs/import/crash-points.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { deleteKeys } from '../../helpers/redis.ts';
import { createImportHarness, csv, exited, type ResultRow } from './import-harness.ts';

// Row 3 creates a mixed-case email; row 4, right behind it, is its lower-case variant: the shape of every duplicate
// seen when a machine died between Stripe's answer and the bookkeeping.
const TARGET_ROW = 3;
const FILE_A = ['a1@example.com', 'a2@example.com', 'Dmitri.Smith@Example.Com', 'dmitri.smith@example.com', 'a5@example.com', 'a6@example.com'];
// A second import of the same email, uploaded while the crashed one waits to resume.
const FILE_B = ['b1@example.com', 'DMITRI.SMITH@EXAMPLE.COM', 'b3@example.com'];
// a1 a2 dmitri a5 a6 b1 b3
const DISTINCT_EMAILS = 7;

function expectEveryRowOnce(results: ResultRow[], emails: string[]): void {
  expect(results.map((r) => Number(r.row))).toEqual(emails.map((_, i) => i + 1));
  expect(results.map((r) => r.email)).toEqual(emails);
}

/**
 * A worker process kills itself (SIGKILL) when row 3 reaches each named step; a second import of the same email is
 * queued; a fresh worker resumes both. Whatever the instant, every row has exactly one result line and the email
 * has exactly one customer.
 */
describe.concurrent('kill -9 at every step of a row', () => {
  it.each(CRASH_POINTS.map((p) => [p]))('%s', async (point: CrashPoint) => {
    const h = await createImportHarness({ emulator: { latencyMs: 10, jitterMs: 5 }, env: { IMPORT_ROWS_IN_FLIGHT: '4', WORKER_CONCURRENCY: '2' } });
    try {
      const doomed = h.spawnWorker({ STRIPE_BULK_CRASH_AT: `${point}@${TARGET_ROW}` });
      const a = await h.importCsv(csv('email,name', FILE_A.map((e, i) => `${e},Row ${i + 1}`)));
      await exited(doomed);
      expect(doomed.signalCode).toBe('SIGKILL');
      const b = await h.importCsv(csv('email', FILE_B));
      // Stands in for lockDuration and the email lock's TTL passing: the dead worker's locks would expire on their own.
      await h.services.redis.del(`${h.services.config.queuePrefix}:${QUEUE_NAMES.import}:${a}:lock`);
      await deleteKeys(h.services.redis, `${h.services.config.queuePrefix}:email-lock:`);
      h.startWorker();
      const [doneA, doneB] = await Promise.all([h.waitFor(a, ['completed'], 45_000), h.waitFor(b, ['completed'], 45_000)]);
      expect(doneA.counts).toMatchObject({ total: FILE_A.length, processed: FILE_A.length, failed: 0 });
      expect(doneB.counts).toMatchObject({ total: FILE_B.length, processed: FILE_B.length, failed: 0 });

      const [resultsA, resultsB] = await Promise.all([h.results(a), h.results(b)]);
      expectEveryRowOnce(resultsA, FILE_A);
      expectEveryRowOnce(resultsB, FILE_B);
      const dmitri = resultsA[TARGET_ROW - 1]!.customer_id;
      expect(dmitri).toMatch(/^cus_/);
      // One customer for the three rows of this email, and exactly one of them says it created it.
      const rowsOfEmail = [resultsA[TARGET_ROW - 1]!, resultsA[TARGET_ROW]!, resultsB[1]!];
      expect(rowsOfEmail.map((r) => r.customer_id)).toEqual([dmitri, dmitri, dmitri]);
      expect(rowsOfEmail.filter((r) => r.action === 'created')).toHaveLength(1);

      const stats = await h.emulator.admin.stats();
      expect(stats.duplicate_emails).toEqual([]);
      expect(stats.customers).toBe(DISTINCT_EMAILS);
      const created = [...resultsA, ...resultsB].filter((r) => r.action === 'created');
      expect(new Set(created.map((r) => r.customer_id)).size).toBe(created.length);
      expect(created).toHaveLength(DISTINCT_EMAILS);
    } finally {
      await h.close();
    }
  });
});
