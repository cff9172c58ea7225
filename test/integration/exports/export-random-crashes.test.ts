import { beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, exited, idsOf, type ExportHarness } from './export-harness.ts';

const KILLS = 8;

/** Two worker processes exporting 5,000 customers (bursts included), every process SIGKILLed at 8 moments. */
describe('export: every process killed at 8 moments', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness({ env: { STRIPE_READ_RPS: '15', EXPORT_PAGES_IN_FLIGHT: '4', WORKER_CONCURRENCY: '1' } }));
    await h.emulator.admin.seed({ count: 3000, template: { email: 'a{i}@example.com', created: 1_650_000_000 }, createdStep: 7 });
    await h.emulator.admin.seed({ count: 1200, template: { email: 'burst{i}@example.com', created: 1_660_000_000 } });
    await h.emulator.admin.seed({ count: 800, template: { email: 'b{i}@example.com', created: 1_600_000_000 }, createdStep: 5000 });
  });

  it('every customer exactly once, in order', { timeout: 300_000 }, async () => {
    const created = await h.createExport();
    const lockKey = `${h.services.config.queuePrefix}:${QUEUE_NAMES.export}:${created.id}:lock`;
    for (let kill = 1; kill <= KILLS; kill++) {
      const processes = [h.spawnWorker(), h.spawnWorker()];
      const before = (await h.get(created.id)).counts.pages;
      await h.waitFor(created.id, ['running'], 60_000, (e) => e.counts.pages >= before + 3);
      await new Promise((r) => setTimeout(r, kill * 37));
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map(exited));
      expect((await h.get(created.id)).status).toBe('running');
      // Stands in for lockDuration passing: the dead worker's job lock would expire on its own.
      await h.services.redis.del(lockKey);
    }
    h.spawnWorker({ STRIPE_READ_RPS: '200', EXPORT_PAGES_IN_FLIGHT: '16' });
    const done = await h.waitFor(created.id, ['completed', 'failed'], 60_000);
    expect(done.status).toBe('completed');
    expect(done.counts.customers).toBe(5000);
    const ids = idsOf(await h.download(created.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual((await h.emulator.admin.customers()).map((c) => c.id));
  });
});
