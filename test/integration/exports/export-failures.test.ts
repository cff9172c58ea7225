import { existsSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exportKeys } from '../../../src/exports/export-keys.ts';
import { exportDir, partsDir } from '../../../src/exports/export-paths.ts';
import { SHUTDOWN_REASON } from '../../../src/queues/requeue-on-shutdown.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, type ExportHarness, type ExportJson } from './export-harness.ts';

/**
 * Exports that can never succeed fail at once (BullMQ's UnrecoverableError: one attempt, not three with 10 s and
 * 20 s back-offs) with an error that says what is wrong, and leave no file behind.
 */
describe('exports that cannot succeed', () => {
  let h: ExportHarness;
  let worker: Worker | undefined;
  const closing = closeAfterAll();
  beforeAll(async () => {
    // Slow reads (one page in flight, 10 a second) so a test can act while an export is mid-way.
    h = closing(await createExportHarness({ env: { STRIPE_READ_RPS: '10', EXPORT_PAGES_IN_FLIGHT: '1' } }));
    await h.emulator.admin.seed({ count: 3000, template: { email: 'f{i}@example.com', name: 'F {i}', created: 1_600_000_000 }, createdStep: 1 });
  });
  afterEach(async () => {
    await worker?.close(true);
    worker = undefined;
  });

  /** The record once failed, with its job: failed in BullMQ after exactly one attempt. */
  async function failedOnce(id: string): Promise<ExportJson> {
    const record = await h.waitFor(id, ['failed', 'completed'], 20_000);
    expect(record.status, JSON.stringify(record)).toBe('failed');
    const job = await h.services.queues.export.getJob(id);
    for (let i = 0; i < 50 && (await job?.getState()) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 100));
    const again = await h.services.queues.export.getJob(id);
    expect(await again?.getState()).toBe('failed');
    expect(again?.attemptsMade).toBe(1);
    expect(record.file).toBeNull();
    expect((await h.request('GET', `/v1/exports/${id}/file`)).status).toBe(409);
    expect(existsSync(exportDir(h.services.config.dataDir, id))).toBe(false);
    return record;
  }

  it('a record whose stored options cannot be parsed fails with a clear error instead of exporting everything', async () => {
    const notJson = await h.createExport({ email: 'f1@example.com' });
    const invalid = await h.createExport({ email: 'f2@example.com' });
    const key = (id: string) => exportKeys.record(h.services.config.queuePrefix, id);
    await h.services.redis.hset(key(notJson.id), 'options', '{"email":"f1@exa');
    await h.services.redis.hset(key(invalid.id), 'options', '{"columns":"id"}');
    await h.emulator.admin.resetStats();
    worker = h.startWorker();
    const a = await failedOnce(notJson.id);
    expect(a.error).toMatch(/cannot run: the stored options are not JSON/);
    const b = await failedOnce(invalid.id);
    expect(b.error).toMatch(/cannot run: the stored options are invalid \(columns: /);
    expect(a.counts.customers + b.counts.customers).toBe(0);
    // Not one page was read: nothing ran as a full export.
    expect((await h.emulator.admin.stats()).requests).toEqual({});
  });

  it('a resumed export whose part file was lost fails at once, naming DATA_DIR', async () => {
    worker = h.startWorker();
    const created = await h.createExport();
    await h.waitFor(created.id, ['running'], 20_000, (e) => e.counts.customers >= 200);
    // A graceful shutdown checkpoints the export and hands it back to the queue…
    worker.cancelAllJobs(SHUTDOWN_REASON);
    await worker.close();
    expect((await h.get(created.id)).status).toBe('running');
    // …then its working files vanish (another disk mounted, a clean-up script).
    rmSync(partsDir(h.services.config.dataDir, created.id), { recursive: true, force: true });
    worker = h.startWorker();
    const record = await failedOnce(created.id);
    expect(record.error).toMatch(/part file .* is missing but \d+ bytes were checkpointed: DATA_DIR \(.+\) lost/);
  });

  it('a data directory that breaks mid-export (a path component becomes a file) fails it with ENOTDIR and DATA_DIR', async () => {
    worker = h.startWorker();
    const created = await h.createExport();
    await h.waitFor(created.id, ['running'], 20_000, (e) => e.counts.customers >= 200);
    const parts = partsDir(h.services.config.dataDir, created.id);
    rmSync(parts, { recursive: true, force: true });
    writeFileSync(parts, 'not a directory');
    const record = await failedOnce(created.id);
    // Usually ENOTDIR; an append racing the swap sees the folder gone (ENOENT), or mkdir sees the file (EEXIST).
    expect(record.error).toMatch(new RegExp(`^cannot write the export under DATA_DIR \\(${h.services.config.dataDir}\\): (ENOTDIR|ENOENT|EEXIST) on `));
    expect(record.error).toMatch(/then export again$/);
    expect(record.counts.customers).toBeLessThan(3000);
  });

  it('a full disk mid-export (writes answer ENOSPC: the part files lead to /dev/full) fails it with ENOSPC and DATA_DIR', async () => {
    worker = h.startWorker();
    const created = await h.createExport();
    await h.waitFor(created.id, ['running'], 20_000, (e) => e.counts.customers >= 200);
    const parts = partsDir(h.services.config.dataDir, created.id);
    // Every slice's next append goes to a device that is always full: a real ENOSPC from the kernel, without root.
    // Each part is swapped by a rename, atomically: no append can find the file missing in between.
    for (let slice = 0; slice < 500; slice++) {
      const part = join(parts, `${String(slice).padStart(6, '0')}.csv`);
      symlinkSync('/dev/full', `${part}.swap`);
      renameSync(`${part}.swap`, part);
    }
    const record = await failedOnce(created.id);
    expect(record.error).toContain(`cannot write the export under DATA_DIR (${h.services.config.dataDir}): ENOSPC`);
    expect(record.counts.customers).toBeLessThan(3000);
  });

  it("a search query Stripe refuses (400) fails at once with Stripe's message, after one request", async () => {
    await h.emulator.admin.resetStats();
    worker = h.startWorker();
    // Well-formed, so the API's syntax check lets it through; Stripe (the emulator) refuses 2-character substrings.
    const created = await h.createExport({ query: "name~'ab'" });
    const record = await failedOnce(created.id);
    expect(record.error).toMatch(/^Stripe refused the export's request: StripeInvalidRequestError 400: .*at least 3 characters/);
    expect((await h.emulator.admin.stats()).requests).toEqual({ 'search:400': 1 });
  });
});
