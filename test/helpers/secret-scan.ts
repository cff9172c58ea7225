import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

/** Every key of the Redis database whose name or value holds `secret` (SCAN, every type read whole). */
export async function redisKeysHolding(redis: Redis, secret: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1');
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      if (key.includes(secret) || JSON.stringify(value ?? null).includes(secret)) found.push(key);
    }
  } while (cursor !== '0');
  return found;
}

/** Every file under `dir` (recursively) whose bytes hold `secret`. */
export function filesHolding(dir: string, secret: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...filesHolding(path, secret));
    else if (readFileSync(path).includes(secret)) found.push(path);
  }
  return found;
}
