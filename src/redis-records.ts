import type { Redis } from 'ioredis';

/**
 * Reads the hashes at `keys` in one round trip and parses each, in order. A key whose read failed or whose hash
 * does not parse (gone meanwhile, or not a record) is left out: one bad record never fails a whole list.
 */
export async function readRecords<T>(
  redis: Redis,
  keys: readonly string[],
  parse: (hash: Record<string, string>) => T | null,
): Promise<T[]> {
  if (keys.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.hgetall(key);
  const replies = (await pipeline.exec()) ?? [];
  return replies.flatMap(([err, hash]) => {
    const record = err ? null : parse(hash as Record<string, string>);
    return record === null ? [] : [record];
  });
}
