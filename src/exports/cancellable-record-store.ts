import type { Redis } from 'ioredis';
import { loadLuaScript, runLuaScript } from '../redis-scripts.ts';

const CREATE = loadLuaScript(new URL('./create-export-1.lua', import.meta.url));
const SET_UNLESS_CANCELLED = loadLuaScript(new URL('./set-unless-cancelled-1.lua', import.meta.url));
const CANCEL = loadLuaScript(new URL('./cancel-export-1.lua', import.meta.url));

/**
 * The record lifecycle exports and audits share (both walk every object of the account): a Redis hash with `status`,
 * `cancel_requested` and `started_at`, created once, moved on unless a cancel came first, and a snapshot fixed at the
 * first start. The scripts know nothing of either beyond those fields.
 */
export abstract class CancellableRecordStore {
  constructor(
    protected readonly redis: Redis,
    protected readonly prefix: string,
  ) {}

  /** The record's hash key. */
  abstract key(id: string): string;

  /** Writes a new record's fields; false when one with this id already exists (nothing changed). */
  protected async createFields(id: string, fields: Record<string, string>): Promise<boolean> {
    return (await runLuaScript(this.redis, CREATE, [this.key(id)], Object.entries(fields).flat())) === 1;
  }

  /** Sets fields unless the job was cancelled meanwhile; false when it was (or the record is gone). */
  async setUnlessCancelled(id: string, fields: Record<string, string | number>): Promise<boolean> {
    const args = Object.entries(fields).flatMap(([k, v]) => [k, String(v)]);
    return (await runLuaScript(this.redis, SET_UNLESS_CANCELLED, [this.key(id)], args)) === 1;
  }

  /** Marks the job running; started_at records the FIRST start only. */
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

  async isCancelRequested(id: string): Promise<boolean> {
    return (await this.redis.hget(this.key(id), 'cancel_requested')) === '1';
  }

  /** Requests a cancel; answers the status before the request, or null for an unknown record. */
  async cancel(id: string, now = Date.now()): Promise<string | null> {
    return (await runLuaScript(this.redis, CANCEL, [this.key(id)], [now])) as string | null;
  }
}
