import type { Redis } from 'ioredis';
import { exportKeys } from '../../src/exports/export-keys.ts';
import type { SliceState } from './slice-plan.ts';

/** What one committed page adds to the record's counters. */
export interface CountsDelta {
  customers: number;
  pages: number;
  bytes: number;
}

/**
 * The durable slice plan of one export (hash `${prefix}:export:<id>:slices`, slice id → JSON). Saved after every
 * page write, in one MULTI with the record's counters, so the counters always match the part files' checkpointed
 * lengths: a worker killed between the file write and this MULTI leaves extra bytes that resume truncates.
 */
export class SliceCheckpoint {
  private readonly slicesKey: string;
  private readonly recordKey: string;
  private readonly keysKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    exportId: string,
  ) {
    this.slicesKey = exportKeys.slices(prefix, exportId);
    this.recordKey = exportKeys.record(prefix, exportId);
    this.keysKey = exportKeys.metadataKeys(prefix, exportId);
  }

  /** The metadata keys seen in the checkpointed pages. */
  async loadMetadataKeys(): Promise<string[]> {
    return this.redis.smembers(this.keysKey);
  }

  async load(): Promise<SliceState[]> {
    const hash = await this.redis.hgetall(this.slicesKey);
    return Object.values(hash).map((text) => JSON.parse(text) as SliceState);
  }

  /** Saves the first plan (no counters change). */
  async saveInitial(slices: SliceState[]): Promise<void> {
    if (slices.length === 0) return;
    await this.redis.hset(this.slicesKey, ...slices.flatMap((s) => [String(s.id), JSON.stringify(s)]));
  }

  /**
   * Saves the slices pages changed, adds their counts and the metadata keys they brought; answers whether a cancel was requested meanwhile
   * (read in the same round trip, so checking costs nothing).
   */
  async commit(slices: SliceState[], delta: CountsDelta, newMetadataKeys: string[] = []): Promise<{ cancelRequested: boolean }> {
    const multi = this.redis.multi();
    if (newMetadataKeys.length > 0) multi.sadd(this.keysKey, ...newMetadataKeys);
    if (slices.length > 0) multi.hset(this.slicesKey, ...slices.flatMap((s) => [String(s.id), JSON.stringify(s)]));
    if (delta.customers !== 0) multi.hincrby(this.recordKey, 'customers', delta.customers);
    if (delta.pages !== 0) multi.hincrby(this.recordKey, 'pages', delta.pages);
    if (delta.bytes !== 0) multi.hincrby(this.recordKey, 'bytes', delta.bytes);
    multi.hget(this.recordKey, 'cancel_requested');
    const results = (await multi.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    const last = results[results.length - 1];
    return { cancelRequested: last?.[1] === '1' };
  }

  async clear(): Promise<void> {
    await this.redis.del(this.slicesKey, this.keysKey);
  }
}
