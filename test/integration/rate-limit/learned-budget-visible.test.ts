import { afterEach, describe, expect, it } from 'vitest';
import { createImportHarness, csv, type ImportHarness } from '../imports/import-harness.ts';

/** What an operator sees of the learned budget: the job's progress (Bull Board shows it) and /metrics. */
describe('the learned budget, where an operator sees it', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("is in the import job's progress and in the learned-budget gauge, below what the service was told", async () => {
    h = await createImportHarness({
      emulator: { readLimit: 10, writeLimit: 10 },
      env: { STRIPE_READ_RPS: '40', STRIPE_WRITE_RPS: '40', IMPORT_ROWS_IN_FLIGHT: '32' },
    });
    h.startWorker();
    const emails = Array.from({ length: 40 }, (_, i) => `seen${i}@example.com`);
    const id = await h.importCsv(csv('email', emails));
    const done = await h.waitFor(id, ['completed'], 45_000);
    expect(done.counts).toMatchObject({ processed: 40, created: 40, failed: 0 });
    expect((await h.emulator.admin.stats()).duplicate_emails).toEqual([]);

    const job = await h.services.queues.import.getJob(id);
    const progress = job?.progress as { learned_budget?: Record<string, number> } | undefined;
    expect(progress?.learned_budget?.read).toBeLessThan(40);
    expect(progress?.learned_budget?.search).toBe(1000);

    const text = await h.services.metrics.registry.metrics();
    const gauge = /^stripe_bulk_rate_learned_budget\{kind="read"\} (\S+)$/m.exec(text);
    expect(Number(gauge?.[1])).toBeLessThan(40);
    expect(text).toMatch(/^stripe_bulk_rate_learned_budget\{kind="search"\} 1000$/m);
  });
});
