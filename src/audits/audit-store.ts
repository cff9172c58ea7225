import { auditKeys } from '../redis-keys.ts';
import { CancellableRecordStore } from '../exports/cancellable-record-store.ts';
import { newAuditFields, parseAuditRecord, type AuditRecord } from './audit-record.ts';
import type { AuditKind } from './audit-schema.ts';

/** Reads and writes audit records in Redis, with the export records' lifecycle (CancellableRecordStore). */
export class AuditStore extends CancellableRecordStore {
  key(id: string): string {
    return auditKeys.record(this.prefix, id);
  }

  /** Creates a queued record; false when one with this id already exists (nothing changed). */
  async create(input: { id: string; kind: AuditKind; createdAt?: number }): Promise<boolean> {
    const createdAt = input.createdAt ?? Date.now();
    const fields = newAuditFields({ ...input, createdAt });
    const created = await this.createFields(input.id, fields);
    await this.redis.zadd(auditKeys.recent(this.prefix), 'NX', createdAt, input.id);
    return created;
  }

  async get(id: string): Promise<AuditRecord | null> {
    return parseAuditRecord(await this.redis.hgetall(this.key(id)));
  }
}
