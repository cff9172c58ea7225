import type { Redis } from 'ioredis';
import { exportKeys } from '../../../src/redis-keys.ts';

/** Where a team_members walk stands; `bytes` is the durable length of the working file (header included). */
export interface WalkState {
  /** The next startIndex (1-based). */
  start: number;
  /** totalResults of the last page read, or null before the first. */
  lastTotal: number | null;
  /** The id the next page must open with (the last of the previous page), or null when there is none to check. */
  anchor: string | null;
  bytes: number;
  rows: number;
  pages: number;
  /** How many times a changed totalResults sent the walk back to the first page. */
  rewinds: number;
}

/** Kept long enough to resume a failed export's retry; deleted when it ends. */
const TTL_SECONDS = 7 * 24 * 3600;

const int = (v: string | undefined, fallback: number): number => (v === undefined || v === '' ? fallback : Number(v));

/**
 * The Redis checkpoint of a team_members export: the walk's position and the ids written, committed together after
 * the page's rows are in the file, so a restart cuts the file back to `bytes` and writes each user exactly once.
 */
export class WalkCheckpoint {
  private readonly walkKey: string;
  private readonly idsKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    exportId: string,
  ) {
    this.walkKey = exportKeys.scimWalk(prefix, exportId);
    this.idsKey = exportKeys.scimIds(prefix, exportId);
  }

  /** The saved state and ids, or null for a walk not started. */
  async load(): Promise<{ state: WalkState; ids: Set<string> } | null> {
    const hash = await this.redis.hgetall(this.walkKey);
    if (hash.start === undefined) return null;
    const ids = await this.redis.smembers(this.idsKey);
    const lastTotal = hash.last_total === undefined || hash.last_total === '' ? null : Number(hash.last_total);
    return {
      state: {
        start: int(hash.start, 1),
        lastTotal,
        anchor: hash.anchor || null,
        bytes: int(hash.bytes, 0),
        rows: int(hash.rows, 0),
        pages: int(hash.pages, 0),
        rewinds: int(hash.rewinds, 0),
      },
      ids: new Set(ids),
    };
  }

  /** Commits a state and the ids of the rows just appended, atomically (one MULTI: the keys share a hash tag). */
  async commit(state: WalkState, newIds: readonly string[]): Promise<void> {
    const tx = this.redis.multi();
    if (newIds.length > 0) tx.sadd(this.idsKey, ...newIds);
    tx.hset(this.walkKey, {
      start: state.start,
      last_total: state.lastTotal ?? '',
      anchor: state.anchor ?? '',
      bytes: state.bytes,
      rows: state.rows,
      pages: state.pages,
      rewinds: state.rewinds,
    });
    tx.expire(this.idsKey, TTL_SECONDS);
    tx.expire(this.walkKey, TTL_SECONDS);
    const replies = (await tx.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
  }

  async clear(): Promise<void> {
    await this.redis.del(this.walkKey, this.idsKey);
  }
}
