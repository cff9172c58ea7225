import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportKeys } from '../../../src/redis-keys.ts';
import { exportDir } from '../../../src/exports/export-paths.ts';
import { ScheduleStore } from '../../../src/exports/schedule-store.ts';
import { apiError, apiRecord } from '../../helpers/api-json.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, idsOf, type ExportHarness, type ExportJson } from './export-harness.ts';

describe('scheduled exports', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    // Every second, to see several runs: the production minimum (15 min) is lifted for this test.
    h = closing(await createExportHarness({ env: { EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES: '0' } }));
    await h.emulator.admin.seed({ count: 30, template: { email: 's{i}@example.com', created: 1_700_000_000 }, createdStep: 3600 });
    h.startWorker();
  });

  it('fires every second, tags each run with the schedule, and keeps only the last N files', async () => {
    const created = await h.request('POST', '/v1/export-schedules', { cron: '* * * * * *', keep: 2, columns: ['id', 'email'] });
    expect(created.status).toBe(201);
    const scheduleId = apiRecord(created.body).id;
    const runs = async (): Promise<ExportJson[]> =>
      ((await h.request('GET', `/v1/exports?schedule_id=${scheduleId}&limit=100`)).body as { data: ExportJson[] }).data;

    const deadline = Date.now() + 30_000;
    while ((await runs()).filter((r) => r.status === 'completed' || r.status === 'expired').length < 4) {
      if (Date.now() > deadline) throw new Error(`runs: ${JSON.stringify((await runs()).map((r) => r.status))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await h.request('DELETE', `/v1/export-schedules/${scheduleId}`)).status).toBe(200);
    // Let runs already taken by the worker finish.
    while ((await runs()).some((r) => r.status === 'queued' || r.status === 'running')) {
      if (Date.now() > deadline + 15_000) throw new Error('runs did not settle');
      await new Promise((r) => setTimeout(r, 200));
    }

    const all = await runs();
    expect(all.every((r) => r.schedule_id === scheduleId)).toBe(true);
    const completed = all.filter((r) => r.status === 'completed');
    const expired = all.filter((r) => r.status === 'expired');
    expect(completed).toHaveLength(2);
    expect(expired.length).toBeGreaterThanOrEqual(2);
    // Newest first: the two kept files are the two most recent runs.
    expect(all.slice(0, 2).map((r) => r.status)).toEqual(['completed', 'completed']);
    for (const run of completed) {
      const file = await h.download(run.id);
      expect(file.status).toBe(200);
      expect(file.header).toEqual(['id', 'email']);
      expect(idsOf(file)).toHaveLength(30);
      expect(existsSync(join(exportDir(h.services.config.dataDir, run.id), run.file!.name))).toBe(true);
    }
    for (const run of expired) {
      expect(existsSync(exportDir(h.services.config.dataDir, run.id))).toBe(false);
      const res = await h.request('GET', `/v1/exports/${run.id}/file`);
      expect(res.status).toBe(410);
      expect(apiError(res.body).code).toBe('export_expired');
    }
  });

  it('reads a schedule validated: a damaged hash is an error naming the schedule and the problem, never made-up options', async () => {
    const created = await h.request('POST', '/v1/export-schedules', { cron: '0 0 1 1 *', columns: ['id'] });
    expect(created.status).toBe(201);
    const id = apiRecord(created.body).id;
    const store = new ScheduleStore(h.services.redis, h.services.queues.export, h.services.config.queuePrefix);
    const key = exportKeys.schedule(h.services.config.queuePrefix, id);
    expect(await store.get(id)).toMatchObject({ id, cron: '0 0 1 1 *', keep: null, options: { columns: ['id'] } });

    await h.services.redis.hset(key, 'options', '{"columns":["id"');
    await expect(store.get(id)).rejects.toThrow(new RegExp(`export schedule ${id} cannot be read: the stored options are not JSON`));
    await h.services.redis.hset(key, 'options', '{"colums":["id"]}');
    await expect(store.get(id)).rejects.toThrow(/the stored options are invalid/);
    await h.services.redis.hset(key, 'options', '{}', 'keep', 'ten');
    await expect(store.get(id)).rejects.toThrow(/bad fields \(keep/);
    expect(await store.get('sch_doesnotexist')).toBeNull();
    expect(await store.remove(id)).toBe(true);
  });
});
