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

  it('create mode: repeats of an email in one file take the lock and what it found from the row before: one look-up in all', async () => {
    h = await createImportHarness({ env: { IMPORT_ROWS_IN_FLIGHT: '8' } });
    h.startWorker();
    const file = ['rep@example.com', 'other@example.com', 'rep@example.com', 'rep@example.com', 'REP@example.com', 'rep@example.com'];
    const id = await h.importCsv(csv('email', file));
    const done = await h.waitFor(id, ['completed']);
    expect(done.counts).toMatchObject({ processed: 6, created: 2, skipped: 4, failed: 0 });
    const rows = await h.results(id);
    const rep = rows.filter((r) => r.email.toLowerCase() === 'rep@example.com');
    expect(new Set(rep.map((r) => r.customer_id)).size).toBe(1);
    expect(rep.filter((r) => r.action === 'created')).toHaveLength(1);
    const stats = await h.emulator.admin.stats();
    expect(stats.customers).toBe(2);
    expect(stats.duplicate_emails).toEqual([]);
    // One look-up per distinct email; before, every repeat looked up again (and the upper-case one twice).
    expect(stats.requests['read:200'] ?? 0).toBe(2);
  });

  it('upsert mode: every repeat looks up again, since the row before it may have changed the customer', async () => {
    h = await createImportHarness({ env: { IMPORT_ROWS_IN_FLIGHT: '8' } });
    h.startWorker();
    const id = await h.importCsv(csv('email,name', ['up@example.com,One', 'up@example.com,Two', 'up@example.com,Three']), { mode: 'upsert' });
    await h.waitFor(id, ['completed']);
    const rows = await h.results(id);
    expect(rows.map((r) => r.action)).toEqual(['created', 'updated', 'updated']);
    const stats = await h.emulator.admin.stats();
    expect(stats.requests['read:200'] ?? 0).toBe(3);
    expect(stats.customers).toBe(1);
  });
});

