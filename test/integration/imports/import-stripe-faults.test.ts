import { afterEach, describe, expect, it } from 'vitest';
import type { CrashPoint } from '../../../jobs/import/crash-points.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { deleteKeys } from '../../helpers/redis.ts';
import { createImportHarness, csv, exited, type ImportHarness } from './import-harness.ts';

/** New emails, every third in mixed case, each followed now and then by its lower-case variant. */
function rowsWithVariants(n: number, tag: string): { rows: string[]; distinct: number } {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(i % 3 === 0 ? `${tag}.User${i}@Example.Com` : `${tag}.user${i}@example.com`);
    if (i % 6 === 0) rows.push(`${tag}.user${i}@example.com`);
  }
  return { rows, distinct: n };
}

/** Stripe faults against the emulator: 0 duplicates, every row once. */
describe('import under Stripe faults', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('5% injected 5xx (seeded): every row once, one customer per email', async () => {
    h = await createImportHarness({ emulator: { errorRate: 0.05, faultSeed: 11 } });
    h.startWorker();
    const { rows, distinct } = rowsWithVariants(240, 'five');
    const id = await h.importCsv(csv('email', rows));
    const done = await h.waitFor(id, ['completed'], 60_000);
    expect(done.counts).toMatchObject({ total: rows.length, processed: rows.length, created: distinct, failed: 0 });
    const stats = await h.emulator.admin.stats();
    expect(stats.faults.errors_before_work).toBeGreaterThan(0);
    expect(stats.customers).toBe(distinct);
    expect(stats.duplicate_emails).toEqual([]);
    expect((await h.results(id)).map((r) => r.email)).toEqual(rows);
  });

  it('connections reset after Stripe committed the create: the retry gets the same customer', async () => {
    h = await createImportHarness({ emulator: { resetAfterCreateRate: 0.25, faultSeed: 3 } });
    h.startWorker();
    const { rows, distinct } = rowsWithVariants(120, 'reset');
    const id = await h.importCsv(csv('email', rows));
    const done = await h.waitFor(id, ['completed'], 60_000);
    expect(done.counts).toMatchObject({ total: rows.length, created: distinct, failed: 0 });
    const stats = await h.emulator.admin.stats();
    expect(stats.faults.resets_after_create).toBeGreaterThan(0);
    expect(stats.customers).toBe(distinct);
    expect(stats.duplicate_emails).toEqual([]);
  });

  // A row resumed after Stripe's 24 h idempotency window: a replay of its key would create a second customer, so a
  // create Stripe committed must be found by its email, and one it never received may be sent again.
  it.each([['after-create'], ['after-intent']] as [CrashPoint][])(
    'crash at %s, resumed after the 24 h idempotency window: one customer',
    async (point) => {
      h = await createImportHarness({ emulator: { latencyMs: 5 }, env: { IMPORT_ROWS_IN_FLIGHT: '2' } });
      const file = ['w1@example.com', 'Late.Resume@Example.Com', 'late.resume@example.com', 'w4@example.com'];
      const doomed = h.spawnWorker({ STRIPE_BULK_CRASH_AT: `${point}@2` });
      const id = await h.importCsv(csv('email', file));
      await exited(doomed);
      expect(doomed.signalCode).toBe('SIGKILL');
      await h.emulator.admin.advanceClock(25 * 3600);
      await h.services.redis.del(`${h.services.config.queuePrefix}:${QUEUE_NAMES.import}:${id}:lock`);
      await deleteKeys(h.services.redis, `${h.services.config.queuePrefix}:email-lock:`);
      h.startWorker();
      const done = await h.waitFor(id, ['completed'], 45_000);
      expect(done.counts).toMatchObject({ total: 4, processed: 4, created: 3, skipped: 1, failed: 0 });
      const results = await h.results(id);
      expect(results.map((r) => r.action)).toEqual(['created', 'created', 'skipped', 'created']);
      expect(results[2]!.customer_id).toBe(results[1]!.customer_id);
      const stats = await h.emulator.admin.stats();
      expect(stats.customers).toBe(3);
      expect(stats.duplicate_emails).toEqual([]);
    },
  );
});
