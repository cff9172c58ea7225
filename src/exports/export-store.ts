import { exportKeys } from '../redis-keys.ts';
import { readRecords } from '../redis-records.ts';
import { CancellableRecordStore } from './cancellable-record-store.ts';
import type { ExportOptionsInput } from './export-options.ts';
import { newRecordFields, parseExportRecord, type ExportRecord } from './export-record.ts';

/** Reads and writes export records in Redis. Every method is one round trip, except create (two). */
export class ExportStore extends CancellableRecordStore {
  key(id: string): string {
    return exportKeys.record(this.prefix, id);
  }

  /** Creates a queued record; false when one with this id already exists (nothing changed). */
  async create(input: { id: string; options: ExportOptionsInput; scheduleId?: string | undefined; createdAt?: number }): Promise<boolean> {
    const createdAt = input.createdAt ?? Date.now();
    const fields = newRecordFields({ ...input, createdAt });
    const created = await this.createFields(input.id, fields);
    // Indexed after the record, and again by every later create of the same id: a crash between the two steps
    // leaves a record that the next attempt (a resumed schedule run) lists; NX keeps the first score. A pipeline,
    // not MULTI: the two index sets need not share a Redis Cluster slot, and each ZADD NX is idempotent.
    const index = this.redis.pipeline().zadd(exportKeys.recent(this.prefix), 'NX', createdAt, input.id);
    if (input.scheduleId !== undefined) index.zadd(exportKeys.scheduleRuns(this.prefix, input.scheduleId), 'NX', createdAt, input.id);
    for (const [err] of (await index.exec()) ?? []) if (err) throw err;
    return created;
  }

  async get(id: string): Promise<ExportRecord | null> {
    return parseExportRecord(await this.redis.hgetall(this.key(id)));
  }

  getMany(ids: string[]): Promise<ExportRecord[]> {
    return readRecords(this.redis, ids.map((id) => this.key(id)), parseExportRecord);
  }

  /** Marks a completed file expired (retention deleted it). */
  async markExpired(id: string, now = Date.now()): Promise<void> {
    await this.redis.hset(this.key(id), 'status', 'expired', 'expired_at', String(now));
  }
}
