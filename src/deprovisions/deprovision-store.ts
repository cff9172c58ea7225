import type { Redis } from 'ioredis';
import { deprovisionKeys } from '../redis-keys.ts';
import { loadLuaScript, runLuaScript } from '../redis-scripts.ts';
import { API_KEY_WARNING, DEPROVISION_ACTIONS, deprovisionStatusSchema, type DeprovisionAction, type DeprovisionJson, type DeprovisionStatus } from './deprovision-schema.ts';

// The import's scripts work on any record hash with a status: one mechanism for both job kinds.
const CANCEL_IF_QUEUED = loadLuaScript(new URL('../imports/cancel-if-queued-1.lua', import.meta.url));
const START_RUN = loadLuaScript(new URL('../imports/start-run-1.lua', import.meta.url));

/** A deprovision as stored (hash `${prefix}:deprovision:<id>`), parsed. Times are epoch ms. */
export interface DeprovisionRecord {
  id: string;
  status: DeprovisionStatus;
  dryRun: boolean;
  fileName: string;
  counts: Record<DeprovisionAction, number> & { rows: number };
  /** The checkpoint: results.csv is durable up to `resultsBytes`, covering the first `rows` data rows. */
  resultsBytes: number;
  /** A row whose PATCH may have been sent before a crash: its row number and user id. */
  pending: { row: number; userId: string } | null;
  cancelRequested: boolean;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

const int = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

function parse(hash: Record<string, string>): DeprovisionRecord | null {
  const status = deprovisionStatusSchema.safeParse(hash.status);
  if (hash.id === undefined || !status.success) return null;
  const counts = Object.fromEntries(DEPROVISION_ACTIONS.map((a) => [a, int(hash[`count_${a}`]) ?? 0])) as Record<DeprovisionAction, number>;
  const pendingRow = int(hash.pending_row);
  return {
    id: hash.id,
    status: status.data,
    dryRun: hash.dry_run === '1',
    fileName: hash.file_name ?? '',
    counts: { ...counts, rows: int(hash.rows_done) ?? 0 },
    resultsBytes: int(hash.results_bytes) ?? 0,
    pending: pendingRow === null || !hash.pending_user ? null : { row: pendingRow, userId: hash.pending_user },
    cancelRequested: hash.cancel_requested === '1',
    error: hash.error || null,
    createdAt: int(hash.created_at) ?? 0,
    startedAt: int(hash.started_at),
    finishedAt: int(hash.finished_at),
  };
}

/** The job's summary line: what it did, and the API-key warning whenever anyone was (or would be) deactivated. */
export function summaryOf(record: DeprovisionRecord): string {
  const c = record.counts;
  const did = record.dryRun
    ? `Dry run: ${c.would_deactivate} of ${c.rows} rows would be deactivated`
    : `${c.deactivated} of ${c.rows} rows deactivated`;
  const rest = `${c.already_inactive} already inactive, ${c.not_found} not found, ${c.ambiguous} ambiguous, ${c.failed} failed.`;
  return `${did}; ${rest} ${API_KEY_WARNING}`;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function deprovisionToJson(record: DeprovisionRecord): DeprovisionJson {
  const self = `/v1/team-member-deprovisions/${record.id}`;
  return {
    id: record.id,
    object: 'team_member_deprovision',
    status: record.status,
    dry_run: record.dryRun,
    file_name: record.fileName,
    counts: record.counts,
    summary: summaryOf(record),
    error: record.error,
    created_at: new Date(record.createdAt).toISOString(),
    started_at: iso(record.startedAt),
    finished_at: iso(record.finishedAt),
    links: { self, results: `${self}/results` },
  };
}

/** Reads and writes deprovision records in Redis; every write touches the one record key (Cluster-safe). */
export class DeprovisionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return deprovisionKeys.record(this.prefix, id);
  }

  async create(input: { id: string; dryRun: boolean; fileName: string; now?: number }): Promise<DeprovisionRecord> {
    const now = input.now ?? Date.now();
    await this.redis.hset(this.key(input.id), { id: input.id, status: 'queued', dry_run: input.dryRun ? '1' : '0', file_name: input.fileName, created_at: now });
    await this.redis.zadd(deprovisionKeys.recent(this.prefix), 'NX', now, input.id);
    const record = await this.get(input.id);
    if (record === null) throw new Error(`deprovision ${input.id} vanished right after it was created`);
    return record;
  }

  async get(id: string): Promise<DeprovisionRecord | null> {
    return parse(await this.redis.hgetall(this.key(id)));
  }

  /** Takes the record over for a run; false when it already ended (completed, cancelled, failed) or is gone. */
  async startRun(id: string, now = Date.now()): Promise<boolean> {
    return Number(await runLuaScript(this.redis, START_RUN, [this.key(id)], [now])) > 0;
  }

  /** Notes the row whose PATCH is about to be sent, so a run resumed after a crash reports it as deactivated. */
  async markPending(id: string, row: number, userId: string): Promise<void> {
    await this.redis.hset(this.key(id), { pending_row: row, pending_user: userId });
  }

  /** Commits one row: its result line is durable up to `resultsBytes`, its action counted, the pending mark gone. */
  async commitRow(id: string, row: number, action: DeprovisionAction, resultsBytes: number): Promise<void> {
    const replies = await this.redis
      .multi()
      .hincrby(this.key(id), `count_${action}`, 1)
      .hset(this.key(id), { rows_done: row, results_bytes: resultsBytes })
      .hdel(this.key(id), 'pending_row', 'pending_user')
      .exec();
    for (const [err] of replies ?? []) if (err) throw err;
  }

  async setResultsBytes(id: string, bytes: number): Promise<void> {
    await this.redis.hset(this.key(id), 'results_bytes', bytes);
  }

  async finish(id: string, status: 'completed' | 'failed' | 'cancelled', error?: string, now = Date.now()): Promise<void> {
    await this.redis.hset(this.key(id), { status, finished_at: now, error: error ?? '' });
  }

  async requestCancel(id: string): Promise<void> {
    await this.redis.hset(this.key(id), 'cancel_requested', '1');
  }

  async isCancelRequested(id: string): Promise<boolean> {
    return (await this.redis.hget(this.key(id), 'cancel_requested')) === '1';
  }

  /** Cancels a deprovision no worker has started; false when one has (it stops before its next row). */
  async cancelIfQueued(id: string, now = Date.now()): Promise<boolean> {
    return Number(await runLuaScript(this.redis, CANCEL_IF_QUEUED, [this.key(id)], [now])) === 1;
  }
}
