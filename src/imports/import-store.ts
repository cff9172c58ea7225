import type { Redis } from 'ioredis';
import { importIndexKey, importKeys } from '../redis-keys.ts';
import { readRecords } from '../redis-records.ts';
import { loadLuaScript, runLuaScript } from '../redis-scripts.ts';
import { CANCEL_FLAG, isCancelFlag, parseCheckpoint, parseImportRecord, type Checkpoint } from './import-record.ts';
import { COUNT_FIELDS, type ImportMode, type ImportRecord, type ImportStatus } from './import-types.ts';

export type { Checkpoint } from './import-record.ts';

/** What a job run learns when it starts. */
export interface RunStart {
  /** The generation of this run; writes by an older run (a worker that lost its job) are refused. */
  run: number;
  record: ImportRecord;
  checkpoint: Checkpoint;
}

const FENCED_HSET = loadLuaScript(new URL('./fenced-hset-1.lua', import.meta.url));
const START_RUN = loadLuaScript(new URL('./start-run-1.lua', import.meta.url));
const CANCEL_IF_QUEUED = loadLuaScript(new URL('./cancel-if-queued-1.lua', import.meta.url));

/**
 * Reads and writes the import records in Redis, in the export store's style: times stored as unix ms, the cancel
 * flag '1', and every record validated when read (see import-record.ts, which also reads older records).
 */
export class ImportStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(id: string): string {
    return importKeys(this.prefix, id).record;
  }

  private async fencedSet(id: string, run: number | null, fields: Record<string, string | number>): Promise<boolean> {
    const argv = [run === null ? '' : String(run), ...Object.entries(fields).flat().map(String)];
    return (await runLuaScript(this.redis, FENCED_HSET, [this.key(id)], argv)) === 1;
  }

  async create({ id, mode, dryRun, fileName, sizeBytes, account, dedupe = 'lookup' }: {
    id: string;
    mode: ImportMode;
    dryRun: boolean;
    fileName: string;
    sizeBytes: number;
    account?: string | undefined;
    dedupe?: 'lookup' | 'scan';
  }): Promise<ImportRecord> {
    const now = Date.now();
    const fields: Record<string, string> = {
      id,
      status: 'queued',
      mode,
      dry_run: String(dryRun),
      file_name: fileName,
      size_bytes: String(sizeBytes),
      account: account ?? '',
      created_at: String(now),
      run: '0',
    };
    for (const f of COUNT_FIELDS) fields[f] = '0';
    if (dedupe === 'scan') Object.assign(fields, { dedupe, matched_by_scan: '0' });
    await this.redis.multi().hset(this.key(id), fields).zadd(importIndexKey(this.prefix), now, id).exec();
    return parseImportRecord(fields) as ImportRecord;
  }

  async get(id: string): Promise<ImportRecord | null> {
    return parseImportRecord(await this.redis.hgetall(this.key(id)));
  }

  /** The most recent imports, newest first. */
  async list(limit: number): Promise<ImportRecord[]> {
    const ids = await this.redis.zrevrange(importIndexKey(this.prefix), 0, Math.max(0, limit - 1));
    return readRecords(this.redis, ids.map((id) => this.key(id)), parseImportRecord);
  }

  /** Sets the cancel flag; false when the import does not exist. */
  requestCancel(id: string): Promise<boolean> {
    return this.fencedSet(id, null, { cancel_requested: CANCEL_FLAG });
  }

  async isCancelRequested(id: string): Promise<boolean> {
    return isCancelFlag(await this.redis.hget(this.key(id), 'cancel_requested'));
  }

  /** Marks a run as started and makes it the only run allowed to write (see `run`). */
  async startRun(id: string): Promise<RunStart | null> {
    const run = Number(await runLuaScript(this.redis, START_RUN, [this.key(id)], [Date.now()]));
    if (run === 0) return null;
    const h = await this.redis.hgetall(this.key(id));
    const record = parseImportRecord(h);
    return record ? { run, record, checkpoint: parseCheckpoint(h) } : null;
  }

  /** True while `run` is the newest run of the import (checked before appending to results.csv). */
  async isCurrentRun(id: string, run: number): Promise<boolean> {
    return (await this.redis.hget(this.key(id), 'run')) === String(run);
  }

  /** Records the checkpoint and counts of `run`; false when a newer run owns the import. */
  saveCheckpoint(id: string, run: number, { rows, bytes, counts }: Checkpoint): Promise<boolean> {
    return this.fencedSet(id, run, { ck_rows: rows, ck_bytes: bytes, ...counts });
  }

  /** Ends the import (completed, failed, cancelled); for `run` null the write is not fenced. */
  finish(id: string, run: number | null, status: ImportStatus, error?: string): Promise<boolean> {
    return this.fencedSet(id, run, { status, finished_at: Date.now(), ...(error ? { error } : {}) });
  }

  /** Byte length of results.csv at the last checkpoint (what may be served while the import runs). */
  async checkpointBytes(id: string): Promise<number> {
    return Number((await this.redis.hget(this.key(id), 'ck_bytes')) ?? 0);
  }

  /** Marks a still-queued import cancelled (atomically: a worker that already started it wins). */
  async cancelIfQueued(id: string): Promise<boolean> {
    return (await runLuaScript(this.redis, CANCEL_IF_QUEUED, [this.key(id)], [Date.now()])) === 1;
  }
}

