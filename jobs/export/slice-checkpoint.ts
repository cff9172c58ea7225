import type { Redis } from 'ioredis';
import { exportKeys } from '../../src/exports/export-keys.ts';
import type { SliceState } from './slice-plan.ts';

/** What one committed page adds to the record's counters. */
export interface CountsDelta {
  customers: number;
  pages: number;
  bytes: number;
}

/** What the part files hold: CSV rows of the final file. Earlier versions wrote JSON lines (no format field). */
const PART_FORMAT = 'csv';
const FORMAT_FIELD = 'format';
/** The metadata keys found so far, as a JSON array in discovery order (PartSegment counts refer to it). */
const KEYS_FIELD = 'metadata-keys';

/** A loaded checkpoint. `stale` when it was written by a version whose part files this one cannot read. */
export interface LoadedCheckpoint {
  slices: SliceState[];
  metadataKeys: string[];
  stale: boolean;
}

/**
 * The durable slice plan of one export (hash `${prefix}:export:<id>:slices`: slice id → JSON, plus the part format
 * and the metadata keys). Saved after every page write, in one MULTI with the record's counters, so the counters
 * always match the part files' checkpointed lengths: a worker killed between the file write and this MULTI leaves
 * extra bytes that resume truncates.
 */
export class SliceCheckpoint {
  private readonly slicesKey: string;
  private readonly recordKey: string;
  /** Where earlier versions kept the metadata keys (a set); only deleted now. */
  private readonly legacyKeysKey: string;

  /**
   * `keys` puts the plan and the counters elsewhere than an export's keys: a walk of every customer that feeds a
   * consumer instead of part files (jobs/walk/walk-customers.ts) keeps its plan this same way.
   */
  constructor(
    private readonly redis: Redis,
    prefix: string,
    exportId: string,
    keys?: { slices: string; record: string },
  ) {
    this.slicesKey = keys?.slices ?? exportKeys.slices(prefix, exportId);
    this.recordKey = keys?.record ?? exportKeys.record(prefix, exportId);
    this.legacyKeysKey = keys === undefined ? exportKeys.metadataKeys(prefix, exportId) : this.slicesKey;
  }

  async load(): Promise<LoadedCheckpoint> {
    const { [FORMAT_FIELD]: format, [KEYS_FIELD]: keys, ...hash } = await this.redis.hgetall(this.slicesKey);
    const slices = Object.values(hash).map((text) => JSON.parse(text) as SliceState);
    return {
      slices,
      metadataKeys: keys === undefined ? [] : (JSON.parse(keys) as string[]),
      stale: slices.length > 0 && format !== PART_FORMAT,
    };
  }

  /** Saves the first plan (no counters change). */
  async saveInitial(slices: SliceState[]): Promise<void> {
    await this.redis.hset(this.slicesKey, FORMAT_FIELD, PART_FORMAT, ...slices.flatMap((s) => [String(s.id), JSON.stringify(s)]));
  }

  /**
   * Saves the slices pages changed, adds their counts and (when it grew) the metadata key list; answers whether a
   * cancel was requested meanwhile (read in the same round trip, so checking costs nothing).
   */
  async commit(slices: SliceState[], delta: CountsDelta, metadataKeys?: readonly string[]): Promise<{ cancelRequested: boolean }> {
    const multi = this.redis.multi();
    const fields = slices.flatMap((s) => [String(s.id), JSON.stringify(s)]);
    if (metadataKeys !== undefined) fields.push(KEYS_FIELD, JSON.stringify(metadataKeys));
    if (fields.length > 0) multi.hset(this.slicesKey, ...fields);
    if (delta.customers !== 0) multi.hincrby(this.recordKey, 'customers', delta.customers);
    if (delta.pages !== 0) multi.hincrby(this.recordKey, 'pages', delta.pages);
    if (delta.bytes !== 0) multi.hincrby(this.recordKey, 'bytes', delta.bytes);
    multi.hget(this.recordKey, 'cancel_requested');
    const results = (await multi.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    const last = results[results.length - 1];
    return { cancelRequested: last?.[1] === '1' };
  }

  /** Drops the plan and zeroes the record's counters: the export starts over (its part files must go too). */
  async restart(): Promise<void> {
    await this.redis.multi().del(this.slicesKey, this.legacyKeysKey).hset(this.recordKey, 'customers', 0, 'pages', 0, 'bytes', 0).exec();
  }

  async clear(): Promise<void> {
    await this.redis.del(this.slicesKey, this.legacyKeysKey);
  }
}
