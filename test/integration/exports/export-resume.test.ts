import { appendFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportKeys } from '../../../src/exports/export-keys.ts';
import { partsDir } from '../../../src/exports/export-paths.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, exited, idsOf, type ExportHarness } from './export-harness.ts';

describe('export resume after kill -9', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness({ env: { STRIPE_READ_RPS: '20', EXPORT_PAGES_IN_FLIGHT: '4' } }));
    await h.emulator.admin.seed({ count: 3000, template: { email: 'a{i}@example.com', created: 1_650_000_000 }, createdStep: 1 });
    await h.emulator.admin.seed({ count: 1500, template: { email: 'burst{i}@example.com', created: 1_660_000_000 } });
    await h.emulator.admin.seed({ count: 500, template: { email: 'b{i}@example.com', created: 1_600_000_000 }, createdStep: 5000 });
  });

  it('a new worker resumes from the checkpoint: every customer exactly once, in order', async () => {
    const first = h.spawnWorker();
    const created = await h.createExport();
    const mid = await h.waitFor(created.id, ['running'], 30_000, (e) => e.counts.pages >= 12);
    first.kill('SIGKILL');
    await exited(first);
    const atKill = await h.get(created.id);
    expect(atKill.status).toBe('running');
    expect(atKill.counts.customers).toBeGreaterThanOrEqual(mid.counts.customers);
    expect(atKill.counts.customers).toBeLessThan(5000);

    // A page written to its part file whose checkpoint never reached Redis: resume must cut it off.
    const dir = partsDir(h.services.config.dataDir, created.id);
    const part = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()[0]!;
    appendFileSync(join(dir, part), '{"id":"cus_torn_write","created":1}\n');

    // BullMQ's stalled check hands the job to the new worker once the dead worker's lock expires.
    const second = h.spawnWorker({ STRIPE_READ_RPS: '200', EXPORT_PAGES_IN_FLIGHT: '16' });
    const done = await h.waitFor(created.id, ['completed', 'failed'], 45_000);
    second.kill('SIGKILL');
    await exited(second);
    expect(done.status).toBe('completed');
    expect(done.counts.customers).toBe(5000);
    const file = await h.download(created.id);
    const ids = idsOf(file);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual((await h.emulator.admin.customers()).map((c) => c.id));
  });

  it('an export checkpointed by an earlier version (JSON-line parts) starts over: every customer exactly once', async () => {
    const first = h.spawnWorker();
    const created = await h.createExport();
    await h.waitFor(created.id, ['running'], 30_000, (e) => e.counts.pages >= 12);
    first.kill('SIGKILL');
    await exited(first);
    // What an earlier version leaves: no part format in the checkpoint, parts named .ndjson.
    const { redis, config } = h.services;
    await redis.hdel(exportKeys.slices(config.queuePrefix, created.id), 'format', 'metadata-keys');
    const dir = partsDir(config.dataDir, created.id);
    for (const part of readdirSync(dir)) renameSync(join(dir, part), join(dir, part.replace(/\.csv$/, '.ndjson')));

    const second = h.spawnWorker({ STRIPE_READ_RPS: '200', EXPORT_PAGES_IN_FLIGHT: '16' });
    const done = await h.waitFor(created.id, ['completed', 'failed'], 45_000);
    second.kill('SIGKILL');
    await exited(second);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.counts.customers).toBe(5000);
    const ids = idsOf(await h.download(created.id));
    expect(ids).toEqual((await h.emulator.admin.customers()).map((c) => c.id));
  });
});
