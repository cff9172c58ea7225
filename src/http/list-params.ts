import type { Redis } from 'ioredis';
import { AppError } from '../errors.ts';

/** `?limit=` when absent, and its largest value. */
export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;

/** The paging parameters every list route takes (`GET /v1/imports`, `GET /v1/exports`). */
export interface ListParams {
  limit: number;
  /** The id of the last item of the previous page; the page starts after it. */
  startingAfter: string | undefined;
}

const invalid = (message: string): AppError => new AppError('invalid_request', message, 400);

/** One query value as given: a repeated parameter (`?limit=1&limit=2`) or a bracketed one is an error. */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name}: give it once, as a plain value`);
  return value;
}

/**
 * Reads `limit` and `starting_after` the same way for every list. `limit` is decimal digits only, 1–100: `0x2`,
 * `1e0`, `2.0` or ` 2` are refused (Number() would take them), as Stripe refuses them. `starting_after` must be
 * an id of the listed kind (`isId`).
 */
export function parseListParams(query: Record<string, unknown>, isId: (value: string) => boolean, kind: string): ListParams {
  const rawLimit = single(query, 'limit');
  let limit = DEFAULT_LIST_LIMIT;
  if (rawLimit !== undefined) {
    limit = /^[0-9]{1,3}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LIST_LIMIT)) {
      throw invalid(`limit: must be a whole number from 1 to ${MAX_LIST_LIMIT} in decimal digits (got '${rawLimit.slice(0, 40)}')`);
    }
  }
  const startingAfter = single(query, 'starting_after');
  if (startingAfter !== undefined && !isId(startingAfter)) {
    throw invalid(`starting_after: not ${kind} id (got '${startingAfter.slice(0, 40)}')`);
  }
  return { limit, startingAfter };
}

/**
 * One page of the ids of a sorted set scored by creation time, newest first. A `starting_after` id that is not in
 * the list is a 400 (the caller's cursor is stale or from another list), not an empty page that looks like the end.
 */
export async function newestIdsPage(redis: Redis, key: string, params: ListParams): Promise<string[]> {
  let start = 0;
  if (params.startingAfter !== undefined) {
    const rank = await redis.zrevrank(key, params.startingAfter);
    if (rank === null) throw invalid(`starting_after: ${params.startingAfter} is not in this list`);
    start = rank + 1;
  }
  return redis.zrevrange(key, start, start + params.limit - 1);
}
