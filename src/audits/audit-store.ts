import type { Redis } from 'ioredis';
import { auditKeys } from '../redis-keys.ts';
import { loadLuaScript, runLuaScript } from '../redis-scripts.ts';
import { newAuditFields, parseAuditRecord, type AuditRecord } from './audit-record.ts';
import type { AuditKind } from './audit-schema.ts';

// The export's record scripts: they know nothing of exports beyond a hash with status and cancel_requested.
const CREATE = loadLuaScript(new URL('../exports/create-export-1.lua', import.meta.url));
const SET_UNLESS_CANCELLED = loadLuaScript(new URL('../exports/set-unless-cancelled-1.lua', import.meta.url));
const CANCEL = loadLuaScript(new URL('../exports/cancel-export-1.lua', import.meta.url));

/** Reads and writes audit records in Redis, as ExportStore does export records. */
export class AuditStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(id: string): string {
    return auditKeys.record(this.prefix, id);
  }

  /** Creates a queued record; false when one with this id already exists (nothing changed). */
  async create(input: { id: string; kind: AuditKind; createdAt?: number }): Promise<boolean> {
    const createdAt = input.createdAt ?? Date.now();
    const fields = newAuditFields({ ...input, createdAt });
    const created = await runLuaScript(this.redis, CREATE, [this.key(input.id)], Object.entries(fields).flat());
    await this.redis.zadd(auditKeys.recent(this.prefix), 'NX', createdAt, input.id);
    return created === 1;
  }

  async get(id: string): Promise<AuditRecord | null> {
    return parseAuditRecord(await this.redis.hgetall(this.key(id)));
  }

  /** Sets fields unless the audit was cancelled meanwhile; false when it was (or the record is gone). */
  async setUnlessCancelled(id: string, fields: Record<string, string | number>): Promise<boolean> {
    const args = Object.entries(fields).flatMap(([k, v]) => [k, String(v)]);
    return (await runLuaScript(this.redis, SET_UNLESS_CANCELLED, [this.key(id)], args)) === 1;
  }

  /** Marks the audit running; started_at records the FIRST start only. */
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

  /** Requests a cancel; answers the status before the request, or null for an unknown audit. */
  async cancel(id: string, now = Date.now()): Promise<string | null> {
    return (await runLuaScript(this.redis, CANCEL, [this.key(id)], [now])) as string | null;
  }
}
