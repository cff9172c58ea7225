import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportStore } from '../../../src/imports/import-store.ts';
import { newImportId } from '../../../src/imports/import-paths.ts';
import { createTestRedis, deleteKeys, uniquePrefix } from '../../helpers/redis.ts';

describe('import records (real Redis)', () => {
  let redis: Redis;
  const prefix = uniquePrefix('store');
  beforeAll(() => {
    redis = createTestRedis();
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('creates, lists newest first, and fences checkpoints by run', async () => {
    const store = new ImportStore(redis, prefix);
    const a = newImportId();
    const b = newImportId();
    await store.create({ id: a, mode: 'create', dryRun: false, fileName: 'a.csv', sizeBytes: 10 });
    await new Promise((r) => setTimeout(r, 5));
    await store.create({ id: b, mode: 'upsert', dryRun: true, fileName: 'b.csv', sizeBytes: 20 });
    expect((await store.list(10)).map((r) => r.id)).toEqual([b, a]);
    expect(await store.get(b)).toMatchObject({ status: 'queued', mode: 'upsert', dry_run: true, counts: { total: 0 } });

    const first = await store.startRun(a);
    expect(first?.run).toBe(1);
    const counts = { total: 3, processed: 2, created: 1, updated: 0, unchanged: 0, skipped: 0, failed: 1 };
    expect(await store.saveCheckpoint(a, 1, { rows: 2, bytes: 99, counts })).toBe(true);
    const second = await store.startRun(a);
    expect(second).toMatchObject({ run: 2, checkpoint: { rows: 2, bytes: 99, counts } });
    // The first run lost its job: it can neither move the checkpoint nor end the import.
    expect(await store.isCurrentRun(a, 1)).toBe(false);
    expect(await store.saveCheckpoint(a, 1, { rows: 3, bytes: 120, counts })).toBe(false);
    expect(await store.finish(a, 1, 'completed')).toBe(false);
    expect(await store.finish(a, 2, 'completed')).toBe(true);
    expect(await store.startRun(a)).toBeNull();
    expect(await store.get(a)).toMatchObject({ status: 'completed', counts: { processed: 2 } });
    expect(await store.checkpointBytes(a)).toBe(99);
  });

  it('cancels a queued import at once, but not one a worker started', async () => {
    const store = new ImportStore(redis, prefix);
    const q = newImportId();
    const r = newImportId();
    await store.create({ id: q, mode: 'create', dryRun: false, fileName: 'q.csv', sizeBytes: 1 });
    await store.create({ id: r, mode: 'create', dryRun: false, fileName: 'r.csv', sizeBytes: 1 });
    expect(await store.requestCancel(q)).toBe(true);
    expect(await store.cancelIfQueued(q)).toBe(true);
    expect(await store.startRun(q)).toBeNull();
    await store.startRun(r);
    expect(await store.requestCancel(r)).toBe(true);
    expect(await store.cancelIfQueued(r)).toBe(false);
    expect(await store.isCancelRequested(r)).toBe(true);
    expect(await store.requestCancel('imp_doesnotexist0000')).toBe(false);
  });

  it('stores times as ms and the cancel flag as 1, and still reads records written as ISO and true', async () => {
    const store = new ImportStore(redis, prefix);
    const id = newImportId();
    const before = Date.now();
    const created = await store.create({ id, mode: 'create', dryRun: false, fileName: 'n.csv', sizeBytes: 1 });
    expect(Number(await redis.hget(store.key(id), 'created_at'))).toBeGreaterThanOrEqual(before);
    expect(created.created_at).toBe(new Date(Number(await redis.hget(store.key(id), 'created_at'))).toISOString());
    expect(await store.cancelIfQueued(id)).toBe(true);
    expect(await redis.hget(store.key(id), 'cancel_requested')).toBe('1');
    expect(await store.get(id)).toMatchObject({ status: 'cancelled', cancel_requested: true });

    const old = newImportId();
    await redis.hset(store.key(old), {
      id: old, status: 'running', mode: 'upsert', dry_run: 'false', file_name: 'o.csv', size_bytes: '5', run: '1',
      created_at: '2026-01-02T03:04:05.678Z', started_at: '2026-01-02T03:04:06.000Z', cancel_requested: 'true',
    });
    expect(await store.get(old)).toMatchObject({
      created_at: '2026-01-02T03:04:05.678Z', started_at: '2026-01-02T03:04:06.000Z', finished_at: null, cancel_requested: true,
    });
    expect(await store.isCancelRequested(old)).toBe(true);
  });

  it('reads a record with an unknown status or mode as missing, not as a queued import', async () => {
    const store = new ImportStore(redis, prefix);
    const id = newImportId();
    await redis.hset(store.key(id), { id, status: 'exploded', mode: 'create', created_at: '1' });
    expect(await store.get(id)).toBeNull();
    await redis.hset(store.key(id), { status: 'queued', mode: 'merge' });
    expect(await store.get(id)).toBeNull();
  });
});
