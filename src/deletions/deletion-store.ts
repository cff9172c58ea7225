import type { Redis } from 'ioredis';
import { CANCEL_FLAG, isCancelFlag } from '../imports/import-record.ts';
import { deletionKeys, importKeys } from '../redis-keys.ts';
import { loadLuaScript, runLuaScript } from '../redis-scripts.ts';
import { parseDeletionCheckpoint, parseDeletionRecord, type DeletionCheckpoint } from './deletion-record.ts';
import { DELETION_COUNT_FIELDS, type DeletionRecord, type DeletionSource, type DeletionStatus } from './deletion-types.ts';

// The import's record scripts fit any record with `status` and `run` fields: one fencing mechanism for both jobs.
const FENCED_HSET = loadLuaScript(new URL('../imports/fenced-hset-1.lua', import.meta.url));
const START_RUN = loadLuaScript(new URL('../imports/start-run-1.lua', import.meta.url));
const CANCEL_IF_QUEUED = loadLuaScript(new URL('../imports/cancel-if-queued-1.lua', import.meta.url));

const CLAIM_TTL_S = 30 * 24 * 3600;

/** What a job run learns when it starts. */
export interface DeletionRunStart {
  run: number;
  record: DeletionRecord;
  checkpoint: DeletionCheckpoint;
}

/** What `create` stores. */
export interface NewDeletion {
  id: string;
  dryRun: boolean;
  force: boolean;
  source: DeletionSource;
  confirmOf: string | null;
}

/** Reads and writes the deletion records in Redis, in the import store's style (fenced runs, ms times, flag '1'). */
export class DeletionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(id: string): string {
    return deletionKeys.record(this.prefix, id);
  }

  private async fencedSet(id: string, run: number | null, fields: Record<string, string | number>): Promise<boolean> {
    const argv = [run === null ? '' : String(run), ...Object.entries(fields).flat().map(String)];
    return (await runLuaScript(this.redis, FENCED_HSET, [this.key(id)], argv)) === 1;
  }

  async create({ id, dryRun, force, source, confirmOf }: NewDeletion): Promise<DeletionRecord> {
    const now = Date.now();
    const fields: Record<string, string> = {
      id,
      status: 'queued',
      dry_run: String(dryRun),
      force: String(force),
      source_kind: source.kind,
      source_digest: source.digest,
      source_import: source.import_id ?? '',
      file_name: source.file_name,
      confirm_of: confirmOf ?? '',
      created_at: String(now),
      run: '0',
    };
    for (const f of DELETION_COUNT_FIELDS) fields[f] = '0';
    await this.redis.multi().hset(this.key(id), fields).zadd(deletionKeys.recent(this.prefix), now, id).exec();
    return parseDeletionRecord(fields) as DeletionRecord;
  }

  async get(id: string): Promise<DeletionRecord | null> {
    return parseDeletionRecord(await this.redis.hgetall(this.key(id)));
  }

  requestCancel(id: string): Promise<boolean> {
    return this.fencedSet(id, null, { cancel_requested: CANCEL_FLAG });
  }

  async isCancelRequested(id: string): Promise<boolean> {
    return isCancelFlag(await this.redis.hget(this.key(id), 'cancel_requested'));
  }

  async startRun(id: string): Promise<DeletionRunStart | null> {
    const run = Number(await runLuaScript(this.redis, START_RUN, [this.key(id)], [Date.now()]));
    if (run === 0) return null;
    const h = await this.redis.hgetall(this.key(id));
    const record = parseDeletionRecord(h);
    return record ? { run, record, checkpoint: parseDeletionCheckpoint(h) } : null;
  }

  saveCheckpoint(id: string, run: number, { rows, bytes, counts }: DeletionCheckpoint): Promise<boolean> {
    return this.fencedSet(id, run, { ck_rows: rows, ck_bytes: bytes, ...counts });
  }

  finish(id: string, run: number | null, status: DeletionStatus, error?: string): Promise<boolean> {
    return this.fencedSet(id, run, { status, finished_at: Date.now(), ...(error ? { error } : {}) });
  }

  async checkpointBytes(id: string): Promise<number> {
    return Number((await this.redis.hget(this.key(id), 'ck_bytes')) ?? 0);
  }

  async cancelIfQueued(id: string): Promise<boolean> {
    return (await runLuaScript(this.redis, CANCEL_IF_QUEUED, [this.key(id)], [Date.now()])) === 1;
  }

  /**
   * Claims a customer for one row before its DELETE is sent (written first, so a run resumed after a crash knows
   * the deletion was its own); returns the row that holds the claim, which is `row` unless an earlier row has it.
   */
  async claim(id: string, customerId: string, row: number): Promise<number> {
    const key = deletionKeys.deletedBy(this.prefix, id);
    // Kept as long as the created-email registry: far past any resume, bounded so Redis does not grow forever.
    const replies = await this.redis.multi().hsetnx(key, customerId, String(row)).expire(key, CLAIM_TTL_S).hget(key, customerId).exec();
    const owner = replies?.[2];
    if (!owner || owner[0]) throw owner?.[0] ?? new Error('the deletion claim transaction was aborted');
    return Number(owner[1]);
  }

  /** The row of this deletion that claimed the customer, or null when none did. */
  async deletingRow(id: string, customerId: string): Promise<number | null> {
    const owner = await this.redis.hget(deletionKeys.deletedBy(this.prefix, id), customerId);
    return owner === null ? null : Number(owner);
  }

  /** Records on the import that this completed deletion undid it (`undone_by` in `GET /v1/imports/:id`). */
  async markUndone(importId: string, deletionId: string): Promise<void> {
    const key = importKeys(this.prefix, importId).record;
    // Never recreates an import record that retention removed meanwhile.
    if ((await this.redis.exists(key)) === 1) await this.redis.hset(key, 'undone_by', deletionId);
  }
}
