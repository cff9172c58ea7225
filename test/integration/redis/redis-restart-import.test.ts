import { afterEach, describe, expect, it } from 'vitest';
import { createImportHarness, csv, type ImportHarness } from '../imports/import-harness.ts';
import { spawnEntry, type EntryProcess } from '../../helpers/entry-process.ts';
import { startRestartableRedis, type RestartableRedis } from '../../helpers/redis-server.ts';

const ROWS = 300;

/** Row i's email; every 5th row repeats the previous one in another casing, as exports of real CRMs do. */
function emailOf(i: number): string {
  if (i % 5 === 4) return emailOf(i - 1).replace(/^r/, 'R').replace('@example.com', '@Example.COM');
  return `restart${i}@example.com`;
}

/** Redis restarted (SIGTERM, then started on the same port and AOF directory) under a worker process mid-import. */
describe('Redis restarted mid-import', () => {
  let redis: RestartableRedis | undefined;
  let h: ImportHarness | undefined;
  let worker: EntryProcess | undefined;
  afterEach(async () => {
    await worker?.stop(5_000);
    worker = undefined;
    await h?.close();
    await redis?.close();
    h = undefined;
    redis = undefined;
  });

  it('the import completes with every row reported once and one customer per distinct email', async () => {
    redis = await startRestartableRedis();
    h = await createImportHarness({
      emulator: { latencyMs: 40, jitterMs: 10 },
      env: { REDIS_URL: redis.url, IMPORT_ROWS_IN_FLIGHT: '4', WORKER_CONCURRENCY: '1' },
    });
    // src/worker.ts as in production, its output kept: the restart must show as two log lines, not a stack per retry.
    worker = spawnEntry('worker', { ...h.services.workerEnv, LOG_LEVEL: 'info' });
    const deadline = Date.now() + 30_000;
    while ((await h.services.queues.import.getWorkersCount()) < 1) {
      if (Date.now() > deadline) throw new Error('the worker process never came up');
      await new Promise((r) => setTimeout(r, 100));
    }
    const emails = Array.from({ length: ROWS }, (_, i) => emailOf(i));
    const id = await h.importCsv(csv('email,name', emails.map((e, i) => `${e},Row ${i + 1}`)));
    await h.waitFor(id, ['running'], 30_000, (r) => r.counts.processed >= 60);

    await redis.stop();
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.start();
    const atRestart = (await h.get(id)).counts.processed;
    expect(atRestart).toBeLessThan(ROWS);

    const done = await h.waitFor(id, ['completed'], 90_000);
    const distinct = new Set(emails.map((e) => e.toLowerCase()));
    expect(done.counts).toMatchObject({ total: ROWS, processed: ROWS, created: distinct.size, failed: 0 });
    const results = await h.results(id);
    expect(results.map((r) => Number(r.row))).toEqual(emails.map((_, i) => i + 1));
    const customers = await h.emulator.admin.customers();
    expect(customers).toHaveLength(distinct.size);
    expect(new Set(customers.map((c) => c.email?.toLowerCase())).size).toBe(distinct.size);
    expect((await h.emulator.admin.stats()).duplicate_emails).toEqual([]);

    const lines = worker.stdout().split('\n');
    expect(lines.filter((l) => l.includes('connection lost')).length).toBe(1);
    expect(lines.filter((l) => l.includes('reconnected')).length).toBe(1);
    expect(worker.stderr()).not.toMatch(/^\s+at /m);
  });
});
