import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { createImportHarness, csv, exited, type ImportHarness } from './import-harness.ts';

const emails = (from: number, to: number, tag: string) => Array.from({ length: to - from }, (_, i) => `${tag}${from + i}@example.com`);

/** Real worker processes (`src/worker.ts`) sharing one Redis: locks, the shared rate limiter and kill -9. */
describe('imports across worker processes', () => {
  let h: ImportHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function waitForWorkers(count: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((await h!.services.queues.import.getWorkersCount()) < count) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} import workers came up`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('two overlapping imports on two processes at once end with one customer per email', async () => {
    h = await createImportHarness({ emulator: { latencyMs: 20, jitterMs: 10 }, env: { WORKER_CONCURRENCY: '1' } });
    h.spawnWorker();
    h.spawnWorker();
    await waitForWorkers(2);
    const [a, b] = await Promise.all([
      h.importCsv(csv('email', emails(0, 80, 'overlap'))),
      h.importCsv(csv('email', [...emails(40, 120, 'overlap')].reverse())),
    ]);
    const [ra, rb] = await Promise.all([h.waitFor(a, ['completed']), h.waitFor(b, ['completed'])]);
    const stats = await h.emulator.admin.stats();
    expect(stats.duplicate_emails).toEqual([]);
    expect(stats.customers).toBe(120);
    expect(ra.counts.created + rb.counts.created).toBe(120);
    expect(ra.counts.skipped + rb.counts.skipped).toBe(40);
  });

  it('three processes importing together never exceed the limits at the emulator', async () => {
    const limit = 40;
    h = await createImportHarness({
      // The emulator would take far more: what it counts is what the shared rate limiter let through.
      emulator: { latencyMs: 30, jitterMs: 20 },
      // A wide window margin: on a loaded 2-core CI machine a process (a worker, or the emulator timing arrivals)
      // can be descheduled for hundreds of ms, and requests granted apart then arrive bunched. The margin
      // (RATE_WINDOW_MARGIN_MS) is the knob that absorbs it; with the default 40 ms we saw 43-57 in one second
      // here while other suites loaded the machine. What is asserted is that only the shared limiter bounds the rate.
      env: { WORKER_CONCURRENCY: '1', STRIPE_READ_RPS: String(limit), STRIPE_WRITE_RPS: String(limit), RATE_WINDOW_MARGIN_MS: '500' },
    });
    for (let i = 0; i < 3; i++) h.spawnWorker();
    await waitForWorkers(3);
    const ids = await Promise.all([0, 1, 2].map((n) => h!.importCsv(csv('email', emails(0, 50, `three${n}-`)))));
    for (const id of ids) expect((await h.waitFor(id, ['completed'], 45_000)).counts.created).toBe(50);
    const stats = await h.emulator.admin.stats();
    expect(stats.rate_limited).toBe(0);
    expect(stats.max_reads_in_one_second).toBeLessThanOrEqual(limit);
    expect(stats.max_writes_in_one_second).toBeLessThanOrEqual(limit);
    expect(stats.customers).toBe(150);
  });

  it('kill -9 mid-import: another process resumes; every row reported once, no duplicate', async () => {
    h = await createImportHarness({ emulator: { latencyMs: 80, jitterMs: 20 }, env: { IMPORT_ROWS_IN_FLIGHT: '8', WORKER_CONCURRENCY: '1' } });
    const first = h.spawnWorker();
    await waitForWorkers(1);
    const rows = emails(0, 200, 'resume');
    const id = await h.importCsv(csv('email,name', rows.map((e, i) => `${e},Row ${i + 1}`)));
    await h.waitFor(id, ['running'], 30_000, (r) => r.counts.processed >= 30);
    first.kill('SIGKILL');
    await exited(first);
    const atKill = (await h.get(id)).counts.processed;
    expect(atKill).toBeLessThan(200);
    // Stands in for lockDuration passing: the dead worker's job lock would expire on its own.
    await h.services.redis.del(`${h.services.config.queuePrefix}:${QUEUE_NAMES.import}:${id}:lock`);
    h.spawnWorker();
    const done = await h.waitFor(id, ['completed'], 45_000);
    expect(done.counts).toMatchObject({ total: 200, processed: 200, created: 200, failed: 0 });
    const results = await h.results(id);
    expect(results.map((r) => Number(r.row))).toEqual(rows.map((_, i) => i + 1));
    expect(results.map((r) => r.email)).toEqual(rows);
    expect(results.every((r) => r.action === 'created' && r.customer_id.startsWith('cus_'))).toBe(true);
    const stats = await h.emulator.admin.stats();
    expect(stats.duplicate_emails).toEqual([]);
    expect(stats.customers).toBe(200);
    const job = await h.services.queues.import.getJob(id);
    expect(job?.returnvalue).toMatchObject({ status: 'completed', resumed: true });
  });
});
