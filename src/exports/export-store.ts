import type { Redis } from 'ioredis';
import { exportKeys } from './export-keys.ts';
import type { ExportOptions } from './export-options.ts';
import { newRecordFields, parseExportRecord, type ExportRecord } from './export-record.ts';

// KEYS[1] record, KEYS[2] recent set, KEYS[3] schedule runs set ('' when none)
// ARGV[1] created_at (score), ARGV[2] id, ARGV[3..] field/value pairs
// Creates the record only if it does not exist, so a resumed run of a schedule keeps its record.
const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
if KEYS[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2]) end
return 1`;

// KEYS[1] record; ARGV field/value pairs. A cancel wins over any later transition of the job.
const SET_UNLESS_CANCELLED_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'cancel_requested') == '1' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

// KEYS[1] record; ARGV[1] now (ms). Cancels a queued or running export; answers its status before the call.
const CANCEL_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return false end
if status == 'queued' or status == 'running' then
  redis.call('HSET', KEYS[1], 'cancel_requested', '1', 'status', 'cancelled', 'finished_at', ARGV[1])
end
return status`;

/** Reads and writes export records in Redis. Every method is one round trip. */
export class ExportStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(id: string): string {
    return exportKeys.record(this.prefix, id);
  }

  /** Creates a queued record; false when one with this id already exists (nothing changed). */
  async create(input: { id: string; options: ExportOptions; scheduleId?: string | undefined; createdAt?: number }): Promise<boolean> {
    const createdAt = input.createdAt ?? Date.now();
    const fields = newRecordFields({ ...input, createdAt });
    const runs = input.scheduleId === undefined ? '' : exportKeys.scheduleRuns(this.prefix, input.scheduleId);
    const created = await this.redis.eval(
      CREATE_SCRIPT,
      3,
      this.key(input.id),
      exportKeys.recent(this.prefix),
      runs,
      String(createdAt),
      input.id,
      ...Object.entries(fields).flat(),
    );
    return created === 1;
  }

  async get(id: string): Promise<ExportRecord | null> {
    return parseExportRecord(await this.redis.hgetall(this.key(id)));
  }

  async getMany(ids: string[]): Promise<ExportRecord[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.key(id));
    const results = (await pipeline.exec()) ?? [];
    return results
      .map(([err, hash]) => (err ? null : parseExportRecord(hash as Record<string, string>)))
      .filter((r): r is ExportRecord => r !== null);
  }

  /** Sets fields unless the export was cancelled meanwhile; false when it was (or the record is gone). */
  async setUnlessCancelled(id: string, fields: Record<string, string | number>): Promise<boolean> {
    const args = Object.entries(fields).flatMap(([k, v]) => [k, String(v)]);
    return (await this.redis.eval(SET_UNLESS_CANCELLED_SCRIPT, 1, this.key(id), ...args)) === 1;
  }

  /** Marks the export running; started_at records the FIRST start only. */
  async markRunning(id: string, now = Date.now()): Promise<boolean> {
    const ok = await this.setUnlessCancelled(id, { status: 'running' });
    if (ok) await this.redis.hsetnx(this.key(id), 'started_at', String(now));
    return ok;
  }

  /** Fixes the snapshot on the first start and answers the stored one (kept on resume). */
  async fixSnapshot(id: string, lte: number): Promise<number> {
    const key = this.key(id);
    await this.redis.hsetnx(key, 'snapshot_lte', String(lte));
    return Number(await this.redis.hget(key, 'snapshot_lte'));
  }

  /** Requests a cancel; answers the status before the request, or null for an unknown export. */
  async cancel(id: string, now = Date.now()): Promise<string | null> {
    return (await this.redis.eval(CANCEL_SCRIPT, 1, this.key(id), String(now))) as string | null;
  }

  async isCancelRequested(id: string): Promise<boolean> {
    return (await this.redis.hget(this.key(id), 'cancel_requested')) === '1';
  }

  /** Marks a completed file expired (retention deleted it). */
  async markExpired(id: string, now = Date.now()): Promise<void> {
    await this.redis.hset(this.key(id), 'status', 'expired', 'expired_at', String(now));
  }
}
