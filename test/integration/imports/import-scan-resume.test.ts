import { beforeAll, describe, expect, it } from 'vitest';
import { customerWalkKeys } from '../../../src/redis-keys.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createImportHarness, csv, exited, type ImportHarness } from './import-harness.ts';

describe('dedupe=scan survives kill -9 of its worker during the walk', () => {
  let h: ImportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createImportHarness({ env: { STRIPE_READ_RPS: '20', EXPORT_PAGES_IN_FLIGHT: '4' } }));
    await h.emulator.admin.seed({ count: 5000, template: { email: 'Person{i}@Example.com', created: 1_650_000_000 }, createdStep: 30 });
  });

  it('a new worker resumes the walk from its checkpoint, then creates exactly the new emails', async () => {
    const meta = customerWalkKeys(h.services.prefix, `account-${h.services.config.stripe.accountId}`).meta;
    const rows = [
      ...Array.from({ length: 100 }, (_, i) => `person${i * 50}@example.com,Known ${i}`),
      ...Array.from({ length: 40 }, (_, i) => `fresh${i}@example.com,Fresh ${i}`),
    ];
    const first = h.spawnWorker();
    const id = await h.importCsv(csv('email,name', rows), { dedupe: 'scan' });
    // Killed mid-walk: some pages indexed, no row processed yet.
    const deadline = Date.now() + 30_000;
    while (Number((await h.services.redis.hget(meta, 'pages')) ?? 0) < 10) {
      if (Date.now() > deadline) throw new Error('the scan walk did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    first.kill('SIGKILL');
    await exited(first);
    const atKill = await h.get(id);
    expect(atKill.status).toBe('running');
    expect(atKill.counts.processed).toBe(0);
    // What Bull Board shows of the job meanwhile.
    expect((await h.services.queues.import.getJob(id))?.progress).toMatchObject({ phase: 'dedupe-scan' });
    expect(Number(await h.services.redis.hget(meta, 'customers'))).toBeLessThan(5000);

    const second = h.spawnWorker({ STRIPE_READ_RPS: '200', EXPORT_PAGES_IN_FLIGHT: '16' });
    const done = await h.waitFor(id, ['completed', 'failed'], 60_000);
    second.kill('SIGKILL');
    await exited(second);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.counts).toEqual({ total: 140, processed: 140, created: 40, updated: 0, unchanged: 0, skipped: 100, failed: 0, matched_by_scan: 100 });
    // Every customer indexed once, however many pages the dead worker had read.
    expect(Number(await h.services.redis.hget(meta, 'customers'))).toBe(5000);
    const stats = await h.emulator.admin.stats();
    expect(stats.customers).toBe(5040);
    expect(stats.duplicate_emails).toEqual([]);
  });
});
