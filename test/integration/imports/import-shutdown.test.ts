import { afterEach, describe, expect, it } from 'vitest';
import { createImportHarness, csv, exited, type ImportHarness } from './import-harness.ts';

describe('graceful shutdown of a worker process mid-import', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('SIGTERM checkpoints and hands the job back; the next worker finishes it, every row once', async () => {
    h = await createImportHarness({ emulator: { latencyMs: 60, jitterMs: 20 }, env: { IMPORT_ROWS_IN_FLIGHT: '8', WORKER_CONCURRENCY: '1' } });
    const first = h.spawnWorker();
    const rows = Array.from({ length: 150 }, (_, i) => `term${i}@example.com`);
    const id = await h.importCsv(csv('email', rows));
    await h.waitFor(id, ['running'], 30_000, (r) => r.counts.processed >= 20);
    first.kill('SIGTERM');
    await exited(first);
    expect(first.exitCode).toBe(0);
    const job = await h.services.queues.import.getJob(id);
    expect(await job?.getState()).toBe('waiting');
    expect((await h.get(id)).counts.processed).toBeLessThan(150);
    h.spawnWorker();
    const done = await h.waitFor(id, ['completed'], 30_000);
    expect(done.counts).toMatchObject({ total: 150, processed: 150, created: 150 });
    const results = await h.results(id);
    expect(results.map((r) => r.email)).toEqual(rows);
    expect(results.every((r) => r.action === 'created')).toBe(true);
    const stats = await h.emulator.admin.stats();
    expect(stats.customers).toBe(150);
    expect(stats.duplicate_emails).toEqual([]);
  });
});
