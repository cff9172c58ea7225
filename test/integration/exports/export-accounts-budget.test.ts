import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../../helpers/teardown.ts';
import { createExportHarness, idsOf } from './export-harness.ts';

const T = 1_700_000_000;

describe('accounts export within the shared read budget', () => {
  const closing = closeAfterEach();

  it('an accounts and a customers export at once never exceed STRIPE_READ_RPS at the emulator', { timeout: 120_000 }, async () => {
    const limit = 20;
    const h = closing(
      await createExportHarness({
        emulator: { latencyMs: 30, jitterMs: 20 },
        // The wide window margin absorbs a descheduled process on the shared machine (see import-processes.test.ts).
        env: { STRIPE_READ_RPS: String(limit), RATE_WINDOW_MARGIN_MS: '500', WORKER_CONCURRENCY: '2', EXPORT_PAGES_IN_FLIGHT: '8' },
      }),
    );
    await h.emulator.admin.seedAccounts({ count: 1500, template: { email: 'a{i}@x.io', created: T - 100_000 }, createdStep: 13 });
    await h.emulator.admin.seed({ count: 1500, template: { email: 'c{i}@x.io', created: T - 100_000 }, createdStep: 13 });
    h.startWorker();
    const [accounts, customers] = await Promise.all([h.createExport({ object: 'accounts' }), h.createExport({ object: 'customers' })]);
    const [doneA, doneC] = await Promise.all([h.waitFor(accounts.id, ['completed', 'failed'], 90_000), h.waitFor(customers.id, ['completed', 'failed'], 90_000)]);
    expect([doneA.status, doneC.status]).toEqual(['completed', 'completed']);
    expect(idsOf(await h.download(accounts.id))).toEqual((await h.emulator.admin.accounts()).map((a) => a.id));
    expect(idsOf(await h.download(customers.id))).toEqual((await h.emulator.admin.customers()).map((c) => c.id));
    const stats = await h.emulator.admin.stats();
    expect(stats.rate_limited).toBe(0);
    expect(stats.max_reads_in_one_second).toBeLessThanOrEqual(limit);
    // 15 full pages each at least: both walks drew from the one read budget.
    expect(stats.requests['read:200']).toBeGreaterThanOrEqual(30);
  });

  it('answers 429s by lowering the shared budget and still writes every account exactly once', { timeout: 120_000 }, async () => {
    const h = closing(await createExportHarness({ emulator: { readLimit: 5 }, env: { STRIPE_READ_RPS: '50', EXPORT_PAGES_IN_FLIGHT: '8' } }));
    await h.emulator.admin.seedAccounts({ count: 1200, template: { email: 'a{i}@x.io', created: T } });
    await h.emulator.admin.seedAccounts({ count: 600, template: { email: 'b{i}@x.io', created: T - 50_000 }, createdStep: 3 });
    h.startWorker();
    const created = await h.createExport({ object: 'accounts' });
    const done = await h.waitFor(created.id, ['completed', 'failed'], 100_000);
    expect(done.status).toBe('completed');
    const ids = idsOf(await h.download(created.id));
    expect(new Set(ids).size).toBe(1800);
    expect(ids).toEqual((await h.emulator.admin.accounts()).map((a) => a.id));
    const stats = await h.emulator.admin.stats();
    expect(stats.rate_limited).toBeGreaterThan(0);
    const job = await h.services.queues.export.getJob(created.id);
    expect(job?.progress).toMatchObject({ object: 'accounts', learned_budget: { read: expect.any(Number) as number } });
  });
});
