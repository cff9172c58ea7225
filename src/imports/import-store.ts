import type { Redis } from 'ioredis';
import { importIndexKey, importKeys } from './import-keys.ts';
import {
  COUNT_FIELDS,
  emptyCounts,
  type ImportCounts,
  type ImportMode,
  type ImportRecord,
  type ImportStatus,
} from './import-types.ts';

/** How far a run has durably got: result lines written and the byte length of results.csv at that point. */
export interface Checkpoint {
  rows: number;
  bytes: number;
  counts: ImportCounts;
}

/** What a job run learns when it starts. */
export interface RunStart {
  /** The generation of this run; writes by an older run (a worker that lost its job) are refused. */
  run: number;
  record: ImportRecord;
  checkpoint: Checkpoint;
}

/** Reads and writes the import records in Redis. */
export interface ImportStore {
  create(input: { id: string; mode: ImportMode; dryRun: boolean; fileName: string; sizeBytes: number }): Promise<ImportRecord>;
  get(id: string): Promise<ImportRecord | null>;
  /** The most recent imports, newest first. */
  list(limit: number): Promise<ImportRecord[]>;
  /** Sets the cancel flag; false when the import does not exist. */
  requestCancel(id: string): Promise<boolean>;
  isCancelRequested(id: string): Promise<boolean>;
  /** Marks a run as started and makes it the only run allowed to write (see `run`). */
  startRun(id: string): Promise<RunStart | null>;
  /** True while `run` is the newest run of the import (checked before appending to results.csv). */
  isCurrentRun(id: string, run: number): Promise<boolean>;
  /** Records the checkpoint and counts of `run`; false when a newer run owns the import. */
  saveCheckpoint(id: string, run: number, checkpoint: Checkpoint): Promise<boolean>;
  /** Ends the import (completed, failed, cancelled); for `run` null the write is not fenced. */
  finish(id: string, run: number | null, status: ImportStatus, error?: string): Promise<boolean>;
  /** Byte length of results.csv at the last checkpoint (what may be served while the import runs). */
  checkpointBytes(id: string): Promise<number>;
  /** Marks a still-queued import cancelled (atomically: a worker that already started it wins). */
  cancelIfQueued(id: string): Promise<boolean>;
}

// Fenced write: only the newest run may move the checkpoint or end the import.
const FENCED_HSET = `
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'run') ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1`;

// A run starts only if the import is still live; it bumps the generation and keeps the first start time.
const START_RUN = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'completed' or status == 'cancelled' or status == 'failed' then return 0 end
local run = redis.call('HINCRBY', KEYS[1], 'run', 1)
redis.call('HSET', KEYS[1], 'status', 'running')
redis.call('HSETNX', KEYS[1], 'started_at', ARGV[1])
return run`;

const CANCEL_IF_QUEUED = `
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancel_requested', 'true', 'finished_at', ARGV[1])
return 1`;

const iso = (ms: number): string => new Date(ms).toISOString();

function toRecord(h: Record<string, string>): ImportRecord | null {
  if (!h.id) return null;
  const counts = emptyCounts();
  for (const field of COUNT_FIELDS) counts[field] = Number(h[field] ?? 0);
  return {
    id: h.id,
    status: (h.status ?? 'queued') as ImportStatus,
    mode: (h.mode ?? 'create') as ImportMode,
    dry_run: h.dry_run === 'true',
    file_name: h.file_name ?? '',
    size_bytes: Number(h.size_bytes ?? 0),
    counts,
    created_at: h.created_at ?? '',
    started_at: h.started_at || null,
    finished_at: h.finished_at || null,
    error: h.error || null,
    cancel_requested: h.cancel_requested === 'true',
  };
}

function toCheckpoint(h: Record<string, string>): Checkpoint {
  const counts = emptyCounts();
  for (const field of COUNT_FIELDS) counts[field] = Number(h[field] ?? 0);
  return { rows: Number(h.ck_rows ?? 0), bytes: Number(h.ck_bytes ?? 0), counts };
}

export function createImportStore(redis: Redis, queuePrefix: string): ImportStore {
  const keyOf = (id: string) => importKeys(queuePrefix, id).record;
  const index = importIndexKey(queuePrefix);
  const fencedSet = (id: string, run: number | null, fields: Record<string, string | number>) =>
    redis
      .eval(FENCED_HSET, 1, keyOf(id), run === null ? '' : String(run), ...Object.entries(fields).flat().map(String))
      .then((r) => r === 1);

  return {
    async create({ id, mode, dryRun, fileName, sizeBytes }) {
      const now = Date.now();
      const fields: Record<string, string> = {
        id,
        status: 'queued',
        mode,
        dry_run: String(dryRun),
        file_name: fileName,
        size_bytes: String(sizeBytes),
        created_at: iso(now),
        run: '0',
      };
      for (const f of COUNT_FIELDS) fields[f] = '0';
      await redis.multi().hset(keyOf(id), fields).zadd(index, now, id).exec();
      return toRecord(fields) as ImportRecord;
    },
    async get(id) {
      return toRecord(await redis.hgetall(keyOf(id)));
    },
    async list(limit) {
      const ids = await redis.zrevrange(index, 0, Math.max(0, limit - 1));
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keyOf(id));
      const replies = (await pipeline.exec()) ?? [];
      return replies.map(([, h]) => toRecord(h as Record<string, string>)).filter((r): r is ImportRecord => r !== null);
    },
    requestCancel(id) {
      return fencedSet(id, null, { cancel_requested: 'true' });
    },
    async isCancelRequested(id) {
      return (await redis.hget(keyOf(id), 'cancel_requested')) === 'true';
    },
    async startRun(id) {
      const run = Number(await redis.eval(START_RUN, 1, keyOf(id), iso(Date.now())));
      if (run === 0) return null;
      const h = await redis.hgetall(keyOf(id));
      const record = toRecord(h);
      return record ? { run, record, checkpoint: toCheckpoint(h) } : null;
    },
    async isCurrentRun(id, run) {
      return (await redis.hget(keyOf(id), 'run')) === String(run);
    },
    saveCheckpoint(id, run, { rows, bytes, counts }) {
      return fencedSet(id, run, { ck_rows: rows, ck_bytes: bytes, ...counts });
    },
    finish(id, run, status, error) {
      return fencedSet(id, run, { status, finished_at: iso(Date.now()), ...(error ? { error } : {}) });
    },
    async checkpointBytes(id) {
      return Number((await redis.hget(keyOf(id), 'ck_bytes')) ?? 0);
    },
    async cancelIfQueued(id) {
      return (await redis.eval(CANCEL_IF_QUEUED, 1, keyOf(id), iso(Date.now()))) === 1;
    },
  };
}
