import { afterEach, describe, expect, it } from 'vitest';
import { createImportHarness, csv, type ImportHarness } from './import-harness.ts';

const emails = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}@example.com`);

describe('DELETE /v1/imports/:id', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('cancels a queued import at once: the job leaves the queue and never runs', async () => {
    h = await createImportHarness();
    const id = await h.importCsv(csv('email', emails(5, 'queued')));
    const res = await fetch(`${h.baseUrl}/v1/imports/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: 'cancelled', cancel_requested: true });
    expect(await h.services.queues.import.getJob(id)).toBeUndefined();
    h.startWorker();
    const again = await fetch(`${h.baseUrl}/v1/imports/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(200);
    expect(await h.results(id)).toEqual([]);
    expect((await h.emulator.admin.stats()).customers).toBe(0);
  });

  it('stops a running import before its next write; the results so far stay', async () => {
    h = await createImportHarness({ emulator: { latencyMs: 60 }, env: { IMPORT_ROWS_IN_FLIGHT: '4' } });
    h.startWorker();
    const id = await h.importCsv(csv('email', emails(300, 'running')));
    await h.waitFor(id, ['running'], 30_000, (r) => r.counts.processed >= 10);
    const res = await fetch(`${h.baseUrl}/v1/imports/${id}`, { method: 'DELETE' });
    expect([200, 202]).toContain(res.status);
    const done = await h.waitFor(id, ['cancelled']);
    expect(done.counts.processed).toBeGreaterThanOrEqual(10);
    expect(done.counts.processed).toBeLessThan(300);
    const rows = await h.results(id);
    expect(rows.map((r) => Number(r.row))).toEqual(rows.map((_, i) => i + 1));
    expect(rows.length).toBe(done.counts.processed);
    const created = rows.filter((r) => r.action === 'created');
    const stats = await h.emulator.admin.stats();
    expect(stats.customers).toBe(created.length);
    expect(rows.filter((r) => r.action === 'skipped').every((r) => r.message === 'not written: the import was cancelled')).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.emulator.admin.stats()).customers).toBe(created.length);
  });
});
