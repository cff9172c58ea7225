import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { maxInSlidingWindow } from '../../../dev/grant-log.ts';
import { createRedisRateLimiter, type SlotGrant } from '../../../src/rate-limit/sliding-log-limiter.ts';
import { createTestRedis, deleteKeys, uniquePrefix } from '../../helpers/redis.ts';

const prefix = uniquePrefix('rl-fraction');
let redis: Redis | undefined;

afterAll(async () => {
  if (!redis) return;
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe('STRIPE_BUDGET_FRACTION in the shared limiter', () => {
  it('grants only that share of every budget, and says so', async () => {
    redis = createTestRedis();
    const grants: SlotGrant[] = [];
    const reported: Record<string, number> = {};
    const limiter = createRedisRateLimiter({
      redis,
      accountId: 'acct-fraction',
      keyPrefix: prefix,
      budget: { read: 20, write: 9, search: 1, endpoints: { 'customers.list': 8 } },
      budgetFraction: 0.5,
      onGrant: (g) => grants.push(g),
      onBudget: (kind, rps) => (reported[kind] = rps),
    });
    // Half of 9 is 4.5: whole grants only, rounded down; half of 1 still leaves one.
    expect(limiter.budgets()).toEqual({ read: 10, write: 4, search: 1 });
    expect(reported).toEqual({ read: 10, write: 4, search: 1 });
    await Promise.all(Array.from({ length: 12 }, () => limiter.acquire('read', 'customers.retrieve')));
    expect(maxInSlidingWindow(grants.map((g) => g.at), 1040)).toBe(10);
    // The endpoint budget is halved too: 4 of customers.list per window.
    grants.length = 0;
    await Promise.all(Array.from({ length: 5 }, () => limiter.acquire('read', 'customers.list')));
    const lists = grants.map((g) => g.at);
    expect(maxInSlidingWindow(lists, 1040)).toBeLessThanOrEqual(4);
  });
});
