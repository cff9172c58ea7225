import type { Redis } from 'ioredis';
import { exportKeys } from '../redis-keys.ts';
import { readRecords } from '../redis-records.ts';
import { loadLuaScript, runLuaScript } from '../redis-scripts.ts';
import type { ExportOptionsInput } from './export-options.ts';
import { newRecordFields, parseExportRecord, type ExportRecord } from './export-record.ts';

const CREATE = loadLuaScript(new URL('./create-export-1.lua', import.meta.url));
const SET_UNLESS_CANCELLED = loadLuaScript(new URL('./set-unless-cancelled-1.lua', import.meta.url));
const CANCEL = loadLuaScript(new URL('./cancel-export-1.lua', import.meta.url));

/** Reads and writes export records in Redis. Every method is one round trip, except create (two). */
export class ExportStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(id: string): string {
    return exportKeys.record(this.prefix, id);
  }

  /** Creates a queued record; false when one with this id already exists (nothing changed). */
  async create(input: { id: string; options: ExportOptionsInput; scheduleId?: string | undefined; createdAt?: number }): Promise<boolean> {
    const createdAt = input.createdAt ?? Date.now();
    const fields = newRecordFields({ ...input, createdAt });
    const created = await runLuaScript(this.redis, CREATE, [this.key(input.id)], Object.entries(fields).flat());
    // Indexed after the record, and again by every later create of the same id: a crash between the two steps
    // leaves a record that the next attempt (a resumed schedule run) lists; NX keeps the first score. A pipeline,
    // not MULTI: the two index sets need not share a Redis Cluster slot, and each ZADD NX is idempotent.
    const index = this.redis.pipeline().zadd(exportKeys.recent(this.prefix), 'NX', createdAt, input.id);
    if (input.scheduleId !== undefined) index.zadd(exportKeys.scheduleRuns(this.prefix, input.scheduleId), 'NX', createdAt, input.id);
    for (const [err] of (await index.exec()) ?? []) if (err) throw err;
    return created === 1;
  }

  async get(id: string): Promise<ExportRecord | null> {
    return parseExportRecord(await this.redis.hgetall(this.key(id)));
  }

  getMany(ids: string[]): Promise<ExportRecord[]> {
    return readRecords(this.redis, ids.map((id) => this.key(id)), parseExportRecord);
  }

  /** Sets fields unless the export was cancelled meanwhile; false when it was (or the record is gone). */
  async setUnlessCancelled(id: string, fields: Record<string, string | number>): Promise<boolean> {
    const args = Object.entries(fields).flatMap(([k, v]) => [k, String(v)]);
    return (await runLuaScript(this.redis, SET_UNLESS_CANCELLED, [this.key(id)], args)) === 1;
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
    return (await runLuaScript(this.redis, CANCEL, [this.key(id)], [now])) as string | null;
  }

  async isCancelRequested(id: string): Promise<boolean> {
    return (await this.redis.hget(this.key(id), 'cancel_requested')) === '1';
  }

  /** Marks a completed file expired (retention deleted it). */
  async markExpired(id: string, now = Date.now()): Promise<void> {
    await this.redis.hset(this.key(id), 'status', 'expired', 'expired_at', String(now));
  }
}
