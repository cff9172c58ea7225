import { describe, expect, it } from 'vitest';
import { createCreatedEmails } from '../../../jobs/import/created-emails.ts';
import { processTarget, type TargetContext } from '../../../jobs/deletion/process-target.ts';
import { DeletionStore } from '../../../src/deletions/deletion-store.ts';
import { DELETION_WORKER_OPTIONS } from '../../../jobs/delete-customers.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { closeAfterEach } from '../../helpers/teardown.ts';
import { exited } from '../imports/import-harness.ts';
import { createDeletionHarness, type DeletionHarness } from './deletion-harness.ts';

async function waitForWorkers(h: DeletionHarness, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await h.services.queues.delete.getWorkersCount()) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${String(count)} deletion workers came up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A real worker process killed -9 in the middle of a confirmed deletion: another process resumes from the
// checkpoint. Rows whose DELETE the dead process sent but never checkpointed are redone and still say `deleted`
// (their claim is this deletion's), every row is reported once, and nothing outside the file is deleted.
describe('kill -9 mid-deletion', () => {
  const closing = closeAfterEach();

  it('resumes on another process: each row once in results, only listed customers deleted', async () => {
    const h = closing(await createDeletionHarness({ WORKER_CONCURRENCY: '1' }, { latencyMs: 60, jitterMs: 20 }));
    await h.emulator.admin.seed({ count: 250, template: { email: 'kill{i}@example.com' } });
    const all = (await h.emulator.admin.customers()).map((c) => c.id);
    const listed = all.slice(0, 200);
    const file = `id\n${listed.join('\n')}\n`;
    const first = h.spawnWorker();
    await waitForWorkers(h, 1);
    const dry = await h.deleteCsv(file, { dry_run: 'true' });
    expect((await h.waitFor(dry.body.id, ['completed'])).counts.would_delete).toBe(200);

    const real = await h.deleteCsv(file, { confirm: dry.body.id });
    expect(real.status).toBe(202);
    await h.waitFor(real.body.id, ['running'], 30_000, (d) => d.counts.processed >= 32);
    first.kill('SIGKILL');
    await exited(first);
    const atKill = (await h.get(real.body.id)).counts.processed;
    expect(atKill).toBeLessThan(200);
    // Stands in for lockDuration passing: the dead worker's job lock would expire on its own.
    await h.services.redis.del(`${h.services.config.queuePrefix}:${QUEUE_NAMES.delete}:${real.body.id}:lock`);
    h.spawnWorker();
    const done = await h.waitFor(real.body.id, ['completed'], 60_000);
    expect(done.counts).toEqual({ total: 200, processed: 200, deleted: 200, would_delete: 0, kept: 0, already_deleted: 0, failed: 0 });
    const lines = await h.results(real.body.id);
    expect(lines.map((l) => Number(l.row))).toEqual(listed.map((_, i) => i + 1));
    expect(lines.map((l) => l.customer_id)).toEqual(listed);
    expect(lines.every((l) => l.action === 'deleted')).toBe(true);
    const stats = await h.emulator.admin.stats();
    expect(stats.deleted_customers).toBe(200);
    expect((await h.emulator.admin.customers()).map((c) => c.id).sort()).toEqual(all.slice(200).sort());
    const job = await h.services.queues.delete.getJob(real.body.id);
    expect(job?.returnvalue).toMatchObject({ status: 'completed', resumed: true });
  }, 120_000);

  // The instant kill -9 cannot aim at: the DELETE reached Stripe, the checkpoint did not. The redone row finds the
  // customer gone; its claim says this deletion (this row) deleted it, so it reports `deleted`, not `already_deleted`.
  it('a row redone after its DELETE landed reports deleted; another row or another deletion says already_deleted', async () => {
    const h = closing(await createDeletionHarness());
    const { ids } = await h.emulator.admin.seed([{ email: 'landed@example.com' }]);
    const id = ids[0] as string;
    const store = new DeletionStore(h.services.redis, h.services.config.queuePrefix);
    const ctx = (deletionId: string): TargetContext => ({
      deletionId,
      dryRun: false,
      force: false,
      gateway: h.services.gateway,
      store,
      registry: createCreatedEmails(h.services.redis, h.services.config.queuePrefix, h.services.config.stripe.accountId),
      importInputs: null,
      firstRowOfId: new Map(),
      approved: { ids: new Set([id]), dryRunId: 'del_AAAAAAAAAAAAAAAA' },
      signal: undefined,
    });
    // The dead run: it claimed row 3's customer and its DELETE went through.
    expect(await store.claim('del_BBBBBBBBBBBBBBBB', id, 3)).toBe(3);
    await h.emulator.stripe.customers.del(id);
    expect(await processTarget(ctx('del_BBBBBBBBBBBBBBBB'), { row: 3, id, email: '' })).toMatchObject({ action: 'deleted', customerId: id });
    expect(await processTarget(ctx('del_BBBBBBBBBBBBBBBB'), { row: 7, id, email: '' })).toMatchObject({ action: 'already_deleted', message: 'deleted by row 3 of this deletion' });
    expect(await processTarget(ctx('del_CCCCCCCCCCCCCCCC'), { row: 3, id, email: '' })).toMatchObject({ action: 'already_deleted', message: 'the customer was already deleted' });
    expect((await h.emulator.admin.stats()).deleted_customers).toBe(1);
  });

  // BullMQ gives up a job whose workers keep dying without running its processor: the record must say so.
  it('records a deletion whose workers died too often as failed, naming the crash loop', async () => {
    const h = closing(await createDeletionHarness({ WORKER_CONCURRENCY: '1', IMPORT_ROWS_IN_FLIGHT: '2' }, { latencyMs: 60, jitterMs: 20 }));
    await h.emulator.admin.seed({ count: 100, template: { email: 'doomed{i}@example.com' } });
    const ids = (await h.emulator.admin.customers()).map((c) => c.id);
    const doomed = h.spawnWorker();
    await waitForWorkers(h, 1);
    const dry = await h.deleteCsv(`id\n${ids.join('\n')}\n`, { dry_run: 'true' });
    await h.waitFor(dry.body.id, ['running'], 30_000, (d) => d.counts.processed >= 16);
    doomed.kill('SIGKILL');
    await exited(doomed);
    const jobKey = `${h.services.config.queuePrefix}:${QUEUE_NAMES.delete}:${dry.body.id}`;
    // As if it had stalled maxStalledCount times already: the next stalled check gives it up.
    await h.services.redis.hset(jobKey, 'stc', String(DELETION_WORKER_OPTIONS.maxStalledCount));
    await h.services.redis.del(`${jobKey}:lock`);
    h.startWorkers();
    const failed = await h.waitFor(dry.body.id, ['failed'], 45_000);
    expect(failed.error).toMatch(/worker died while running this job more than 25 times/);
  }, 90_000);
});
