import { afterEach, describe, expect, it } from 'vitest';
import { createImportHarness, csv, type ImportHarness } from './import-harness.ts';

/**
 * What rows cost in Stripe reads, the budget an import runs at: a row must not pay for a look-up whose answer the
 * importer already holds. Counted by the emulator, so every request the real client sent is seen.
 */
describe('reads per row', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const reads = async (harness: ImportHarness) => (await harness.emulator.admin.stats()).requests['read:200'] ?? 0;

  it('create mode: a case variant of a customer stripe-bulk created costs one retrieve, not look-ups plus a retrieve', async () => {
    h = await createImportHarness({ env: { IMPORT_ROWS_IN_FLIGHT: '1' } });
    h.startWorker();
    const first = await h.importCsv(csv('email,name', ['Dana.Smith@Example.com,Dana']));
    await h.waitFor(first, ['completed']);
    const [created] = await h.results(first);
    expect(created?.action).toBe('created');
    await h.emulator.admin.resetStats();

    const second = await h.importCsv(csv('email,name', ['dana.smith@example.com,Dana lower', 'DANA.SMITH@EXAMPLE.COM,Dana upper']));
    const done = await h.waitFor(second, ['completed']);
    expect(done.counts).toMatchObject({ processed: 2, skipped: 2, created: 0 });
    const rows = await h.results(second);
    expect(rows.map((r) => [r.action, r.customer_id])).toEqual([
      ['skipped', created?.customer_id],
      ['skipped', created?.customer_id],
    ]);
    // Before: 1 look-up + 1 retrieve for the lower-case row, 2 look-ups + 1 retrieve for the upper-case one.
    expect(await reads(h)).toBe(2);
    const stats = await h.emulator.admin.stats();
    expect(stats.customers).toBe(1);
    expect(stats.requests['write:200'] ?? 0).toBe(0);
  });

  it('create mode: a registry customer that was deleted since is not trusted; the row looks up and creates', async () => {
    h = await createImportHarness({ env: { IMPORT_ROWS_IN_FLIGHT: '1' } });
    h.startWorker();
    const first = await h.importCsv(csv('email', ['Gone@Example.com']));
    await h.waitFor(first, ['completed']);
    const [created] = await h.results(first);
    await h.emulator.stripe.customers.del(created?.customer_id ?? '');

    const second = await h.importCsv(csv('email', ['gone@example.com']));
    await h.waitFor(second, ['completed']);
    const [row] = await h.results(second);
    expect(row?.action).toBe('created');
    expect(row?.customer_id).not.toBe(created?.customer_id);
    expect((await h.emulator.admin.stats()).customers).toBe(1);
  });
});
