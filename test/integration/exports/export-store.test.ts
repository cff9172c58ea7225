import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newExportId, newScheduleId } from '../../../src/exports/export-ids.ts';
import { ExportStore } from '../../../src/exports/export-store.ts';
import { exportKeys } from '../../../src/redis-keys.ts';
import { createTestRedis, deleteKeys, uniquePrefix } from '../../helpers/redis.ts';

describe('export records (real Redis)', () => {
  let redis: Redis;
  const prefix = uniquePrefix('export-store');
  beforeAll(() => {
    redis = createTestRedis();
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('creates a record once, and a repeated create lists one whose indexing was lost (a crash between the steps)', async () => {
    const store = new ExportStore(redis, prefix);
    const id = newExportId();
    const scheduleId = newScheduleId();
    expect(await store.create({ id, options: { columns: ['id'] }, scheduleId, createdAt: 1_000 })).toBe(true);
    expect(await redis.zscore(exportKeys.recent(prefix), id)).toBe('1000');
    expect(await redis.zscore(exportKeys.scheduleRuns(prefix, scheduleId), id)).toBe('1000');

    // The record was written but the process died before indexing it; the resumed schedule run creates again.
    await redis.zrem(exportKeys.recent(prefix), id);
    await redis.zrem(exportKeys.scheduleRuns(prefix, scheduleId), id);
    await store.markRunning(id);
    expect(await store.create({ id, options: { columns: ['email'] }, scheduleId, createdAt: 2_000 })).toBe(false);
    expect(await store.get(id)).toMatchObject({ status: 'running', options: { columns: ['id'] }, createdAt: 1_000 });
    expect(await redis.zrange(exportKeys.recent(prefix), '0', '-1')).toEqual([id]);
    expect(await redis.zrange(exportKeys.scheduleRuns(prefix, scheduleId), '0', '-1')).toEqual([id]);
    // NX: an id still indexed keeps its first score.
    await store.create({ id, options: {}, createdAt: 3_000 });
    expect(await redis.zscore(exportKeys.recent(prefix), id)).toBe('2000');
  });

  it('sets fields unless cancelled, and cancel answers the status before it', async () => {
    const store = new ExportStore(redis, prefix);
    const id = newExportId();
    expect(await store.setUnlessCancelled(id, { status: 'running' })).toBe(false);
    await store.create({ id, options: {} });
    expect(await store.cancel(id)).toBe('queued');
    expect(await store.setUnlessCancelled(id, { status: 'completed' })).toBe(false);
    expect(await store.cancel(id)).toBe('cancelled');
    expect(await store.cancel(newExportId())).toBeNull();
    expect(await store.get(id)).toMatchObject({ status: 'cancelled', cancelRequested: true });
  });
});
