import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../../helpers/teardown.ts';
import { createDeletionHarness, type DeletionHarness } from './deletion-harness.ts';

async function waitForWorkers(h: DeletionHarness, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await h.services.queues.delete.getWorkersCount()) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${String(count)} deletion workers came up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A deletion is a write like a create: on two processes, a deletion and an import running together stay, together,
// under the one budget the shared Redis limiter grants.
describe('deletions share the write budget', () => {
  const closing = closeAfterEach();

  it('a deletion and an import on two processes never exceed the limits at the emulator', async () => {
    const limit = 30;
    // A wide window margin, as the import's multi-process test: a loaded 2-core machine deschedules processes, and
    // requests granted apart then arrive bunched; the margin absorbs that, the limiter alone bounds the rate.
    const h = closing(
      await createDeletionHarness(
        { WORKER_CONCURRENCY: '1', STRIPE_READ_RPS: String(limit), STRIPE_WRITE_RPS: String(limit), RATE_WINDOW_MARGIN_MS: '500' },
        { latencyMs: 20, jitterMs: 10 },
      ),
    );
    await h.emulator.admin.seed({ count: 120, template: { email: 'budget{i}@example.com' } });
    const ids = (await h.emulator.admin.customers()).map((c) => c.id);
    h.spawnWorker();
    h.spawnWorker();
    await waitForWorkers(h, 2);
    const file = `id\n${ids.join('\n')}\n`;
    const dry = await h.deleteCsv(file, { dry_run: 'true' });
    await h.waitFor(dry.body.id, ['completed'], 60_000);
    await h.emulator.admin.resetStats();
    const rows = Array.from({ length: 80 }, (_, i) => `budget-new${String(i)}@example.com`);
    const [real, importId] = await Promise.all([h.deleteCsv(file, { confirm: dry.body.id }), h.importCsv(`email\n${rows.join('\n')}\n`)]);
    const [done, imported] = await Promise.all([h.waitFor(real.body.id, ['completed'], 90_000), h.waitForImport(importId, 90_000)]);
    expect(done.counts.deleted).toBe(120);
    expect(imported.counts.created).toBe(80);
    const stats = await h.emulator.admin.stats();
    expect(stats.rate_limited).toBe(0);
    expect(stats.max_writes_in_one_second).toBeLessThanOrEqual(limit);
    expect(stats.max_reads_in_one_second).toBeLessThanOrEqual(limit);
    expect(stats.requests['write:200']).toBe(200);
  }, 150_000);
});
