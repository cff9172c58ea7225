import { afterEach, describe, expect, it } from 'vitest';
import { createImportHarness, csv, type ImportHarness } from './import-harness.ts';

const emails = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}@example.com`);

/** Stripe misbehaving: every row still ends as exactly one customer and one result line. */
describe('import under 429s and 5xx', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('429s from an emulator stricter than the limiter: backs off and creates every row once', async () => {
    h = await createImportHarness({ emulator: { readLimit: 15, writeLimit: 15 }, env: { IMPORT_ROWS_IN_FLIGHT: '32' } });
    h.startWorker();
    const id = await h.importCsv(csv('email', emails(60, 'limited')));
    const done = await h.waitFor(id, ['completed'], 45_000);
    expect(done.counts).toMatchObject({ total: 60, processed: 60, created: 60, failed: 0 });
    const stats = await h.emulator.admin.stats();
    expect(stats.rate_limited).toBeGreaterThan(0);
    expect(stats.customers).toBe(60);
    expect(stats.duplicate_emails).toEqual([]);
    expect(new Set((await h.results(id)).map((r) => r.customer_id)).size).toBe(60);
  });

  it('500s before and after writes: retried with the same idempotency key, no duplicates', async () => {
    h = await createImportHarness({ emulator: { errorRate: 0.15, errorAfterWriteRate: 0.15 } });
    h.startWorker();
    const id = await h.importCsv(csv('email,name', emails(60, 'flaky').map((e) => `${e},Flaky`)));
    const done = await h.waitFor(id, ['completed'], 45_000);
    expect(done.counts).toMatchObject({ total: 60, processed: 60, created: 60, failed: 0 });
    const stats = await h.emulator.admin.stats();
    expect(stats.requests['write:500'] ?? 0).toBeGreaterThan(0);
    expect(stats.customers).toBe(60);
    expect(stats.duplicate_emails).toEqual([]);
    const rows = await h.results(id);
    expect(rows.map((r) => r.row)).toEqual(rows.map((_, i) => String(i + 1)));
  });
});
