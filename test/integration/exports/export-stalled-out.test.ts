import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_WORKER_OPTIONS } from '../../../src/exports/export-job-data.ts';
import { QUEUE_NAMES } from '../../../src/queues/names.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, exited, type ExportHarness } from './export-harness.ts';

/**
 * A job whose workers keep dying is given up by BullMQ (maxStalledCount) without its processor running: the
 * export's record must say so instead of staying "running" forever.
 */
describe('an export that stalled too often', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness({ env: { STRIPE_READ_RPS: '5', EXPORT_PAGES_IN_FLIGHT: '2' } }));
    await h.emulator.admin.seed({ count: 2000, template: { email: 'a{i}@example.com', created: 1_650_000_000 }, createdStep: 3 });
  });

  it('is recorded as failed, naming the crash loop', async () => {
    const doomed = h.spawnWorker();
    const created = await h.createExport();
    await h.waitFor(created.id, ['running'], 30_000, (e) => e.counts.pages >= 1);
    doomed.kill('SIGKILL');
    await exited(doomed);
    const jobKey = `${h.services.config.queuePrefix}:${QUEUE_NAMES.export}:${created.id}`;
    // As if it had stalled maxStalledCount times already: the next stalled check gives it up.
    await h.services.redis.hset(jobKey, 'stc', String(EXPORT_WORKER_OPTIONS.maxStalledCount));
    await h.services.redis.del(`${jobKey}:lock`);
    h.services.startWorkers();
    const failed = await h.waitFor(created.id, ['failed'], 45_000);
    expect(failed.error).toMatch(/worker died while running this job more than 25 times/);
  });
});
