import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestRedis, deleteKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis.ts';
import { maxInSlidingWindow } from '../../../dev/grant-log.ts';
import { childProcesses } from './child-process.ts';

const CHILD = new URL('../../../dev/limiter-child.ts', import.meta.url);
const children = childProcesses();

interface ChildResult {
  grants: number[];
}

const prefix = uniquePrefix('rl-mp');
let redis: Redis | undefined;

afterAll(async () => {
  // A test that failed half-way must not leave a child hammering Redis.
  children.killAll();
  if (!redis) return;
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe('the limiter shared by several processes', () => {
  it('never lets a sliding second exceed the limit across 3 processes hammering it for ~2 s', async () => {
    redis = createTestRedis();
    const limit = 20;
    const env = {
      REDIS_URL: testRedisUrl(),
      KEY_PREFIX: prefix,
      ACCOUNT_ID: 'acct-multi-process',
      LIMIT: String(limit),
      DURATION_MS: '2000',
      CONCURRENCY: '6',
    };
    const three = [0, 1, 2].map(() => children.start<ChildResult>(CHILD, env));
    await Promise.all(three.map((c) => c.ready));
    const results = await Promise.all(three.map((c) => c.go()));

    const all = results.flatMap((r) => r.grants);
    // Each process got a share of the budget: none was starved by the others.
    for (const r of results) expect(r.grants.length).toBeGreaterThan(0);
    expect(maxInSlidingWindow(all, 1000)).toBeLessThanOrEqual(limit);
    expect(maxInSlidingWindow(all, 1040)).toBeLessThanOrEqual(limit);
    // …and together they kept going past the first window's worth: the shaping delays, it never stalls.
    expect(all.length).toBeGreaterThan(limit);
  });
});
