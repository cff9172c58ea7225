import { rm } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { exportKeys } from '../../src/exports/export-keys.ts';
import { exportDir } from '../../src/exports/export-paths.ts';
import { ExportStore } from '../../src/exports/export-store.ts';

/**
 * Keeps the `keep` newest completed files of a schedule (by creation of their export) and deletes the older ones,
 * marking their records expired. Exports still running, failed or cancelled do not count toward `keep`.
 * Answers the ids it expired.
 */
export async function applyRetention(opts: {
  redis: Redis;
  prefix: string;
  dataDir: string;
  scheduleId: string;
  keep: number;
}): Promise<string[]> {
  const store = new ExportStore(opts.redis, opts.prefix);
  const ids = await opts.redis.zrevrange(exportKeys.scheduleRuns(opts.prefix, opts.scheduleId), 0, -1);
  const records = await store.getMany(ids);
  const completed = records.filter((r) => r.status === 'completed');
  const expired: string[] = [];
  for (const record of completed.slice(opts.keep)) {
    await rm(exportDir(opts.dataDir, record.id), { recursive: true, force: true });
    await store.markExpired(record.id);
    expired.push(record.id);
  }
  return expired;
}
