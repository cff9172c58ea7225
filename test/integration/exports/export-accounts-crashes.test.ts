import { beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, exited, idsOf, type ExportHarness } from './export-harness.ts';

const KILLS = 4;

/** Worker processes exporting 5,000 connected accounts (bursts included), SIGKILLed mid-walk, then resumed. */
describe('accounts export: worker processes killed -9 mid-walk', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness({ env: { STRIPE_READ_RPS: '15', EXPORT_PAGES_IN_FLIGHT: '4', WORKER_CONCURRENCY: '1' } }));
    await h.emulator.admin.seedAccounts({ count: 3000, template: { email: 'a{i}@x.io', created: 1_650_000_000 }, createdStep: 7 });
    await h.emulator.admin.seedAccounts({ count: 1200, template: { email: 'burst{i}@x.io', created: 1_660_000_000, metadata: { b: '{i}' } } });
    await h.emulator.admin.seedAccounts({
      count: 800,
      template: { email: 'b{i}@x.io', created: 1_600_000_000, capabilities: { card_payments: 'active' } },
      createdStep: 5000,
    });
    await h.emulator.admin.seed({ count: 300, template: { email: 'c{i}@x.io', created: 1_660_000_000 } });
  });

  it('resumes from the checkpoint and writes every account exactly once, in order', { timeout: 300_000 }, async () => {
    const created = await h.createExport({ object: 'accounts' });
    const lockKey = `${h.services.config.queuePrefix}:${QUEUE_NAMES.export}:${created.id}:lock`;
    for (let kill = 1; kill <= KILLS; kill++) {
      const processes = [h.spawnWorker(), h.spawnWorker()];
      const before = (await h.get(created.id)).counts.pages;
      await h.waitFor(created.id, ['running'], 60_000, (e) => e.counts.pages >= before + 3);
      await new Promise((r) => setTimeout(r, kill * 53));
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map(exited));
      const mid = await h.get(created.id);
      expect(mid.status).toBe('running');
      expect(mid.counts.objects).toBeLessThan(5000);
      // Stands in for lockDuration passing: the dead worker's job lock would expire on its own.
      await h.services.redis.del(lockKey);
    }
    h.spawnWorker({ STRIPE_READ_RPS: '200', EXPORT_PAGES_IN_FLIGHT: '16' });
    const done = await h.waitFor(created.id, ['completed', 'failed'], 90_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ objects: 5000, customers: 5000 });
    const file = await h.download(created.id);
    const ids = idsOf(file);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = (await h.emulator.admin.accounts()).map((a) => a.id);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids).toEqual(expected);
    expect(file.header).toContain('capabilities.card_payments');
    expect(file.header.at(-1)).toBe('metadata.b');
    expect(ids.some((id) => !id.startsWith('acct_'))).toBe(false);
  });
});
