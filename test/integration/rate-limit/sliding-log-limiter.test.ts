import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { RateBudget } from '../../../src/config.ts';
import type { RequestKind } from '../../../src/rate-limit/rate-limiter.ts';
import { createRedisRateLimiter, type SlotGrant } from '../../../src/rate-limit/sliding-log-limiter.ts';
import { createTestRedis, deleteKeys, uniquePrefix } from '../../helpers/redis.ts';
import { maxInSlidingWindow } from '../../../dev/grant-log.ts';

const connections: Redis[] = [];
const prefixes: string[] = [];

function connect(): Redis {
  const redis = createTestRedis();
  connections.push(redis);
  return redis;
}

function prefix(): string {
  const p = uniquePrefix('rl');
  prefixes.push(p);
  return p;
}

afterEach(async () => {
  const admin = connections[0];
  if (admin) for (const p of prefixes.splice(0)) await deleteKeys(admin, p);
  await Promise.all(connections.splice(0).map((r) => r.quit()));
});

function budget(overrides: Partial<RateBudget> = {}): RateBudget {
  return { read: 1000, write: 1000, search: 1000, endpoints: {}, ...overrides };
}

/** `callers` limiters on their own connections (as separate processes would be), recording every grant. */
function limiters(callers: number, options: { keyPrefix: string; budget: RateBudget; accountId?: string }) {
  const grants: SlotGrant[] = [];
  const all = Array.from({ length: callers }, () =>
    createRedisRateLimiter({
      redis: connect(),
      accountId: options.accountId ?? 'acct-test',
      budget: options.budget,
      keyPrefix: options.keyPrefix,
      onGrant: (g) => grants.push(g),
    }),
  );
  return { all, grants };
}

async function hammer(
  all: ReturnType<typeof limiters>['all'],
  requests: number,
  kind: RequestKind,
  endpoint: string,
): Promise<void> {
  await Promise.all(
    Array.from({ length: requests }, (_, i) => all[i % all.length]!.acquire(kind, endpoint)),
  );
}

describe('createRedisRateLimiter', () => {
  it('shapes 3 × limit requests from 4 connections so no sliding second holds more than the limit', async () => {
    // Every acquire() resolving is the no-starvation check: each caller got all of its slots.
    const keyPrefix = prefix();
    const limit = 15;
    const { all, grants } = limiters(4, { keyPrefix, budget: budget({ write: limit }) });
    await hammer(all, 3 * limit, 'write', 'customers.create');

    expect(grants).toHaveLength(3 * limit);
    const times = grants.map((g) => g.at);
    expect(maxInSlidingWindow(times, 1000)).toBe(limit);
    // The 40 ms margin is part of the shaping: even the widened window never overflows.
    expect(maxInSlidingWindow(times, 1040)).toBe(limit);
    // Spaced evenly, never in bursts: consecutive grants at least window / limit apart.
    const sorted = [...times].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((t, i) => t - sorted[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.floor(1040 / limit));
  });

  it('keeps reads, writes and search in separate buckets', async () => {
    const keyPrefix = prefix();
    const { all, grants } = limiters(2, { keyPrefix, budget: budget({ read: 5, write: 5, search: 5 }) });
    await Promise.all([
      hammer(all, 5, 'read', 'customers.list'),
      hammer(all, 5, 'write', 'customers.create'),
      hammer(all, 5, 'search', 'customers.search'),
    ]);
    // Each class gets its five grants within one window of its own, whenever its callers arrive: had the three
    // budgets taken from one another, fifteen grants at 5/s would have spread each class over three seconds.
    // (Not one window for all fifteen: on a loaded machine one class's callers may arrive hundreds of ms later.)
    for (const kind of ['read', 'write', 'search'] as const) {
      const times = grants.filter((g) => g.kind === kind).map((g) => g.at);
      expect(times, kind).toHaveLength(5);
      expect(Math.max(...times) - Math.min(...times), kind).toBeLessThan(1040);
    }
  });

  it('enforces a per-endpoint budget on top of the class budget, atomically', async () => {
    const keyPrefix = prefix();
    const { all, grants } = limiters(3, {
      keyPrefix,
      budget: budget({ write: 12, endpoints: { 'customers.update': 4 } }),
    });
    await Promise.all([hammer(all, 12, 'write', 'customers.update'), hammer(all, 12, 'write', 'customers.create')]);

    const updates = grants.filter((g) => g.endpoint === 'customers.update').map((g) => g.at);
    const writes = grants.map((g) => g.at);
    expect(updates).toHaveLength(12);
    expect(maxInSlidingWindow(updates, 1040)).toBe(4);
    expect(maxInSlidingWindow(writes, 1040)).toBeLessThanOrEqual(12);
    // Updates waiting on their endpoint budget (3 windows' worth) do not hold up creates (2 windows' worth).
    const creates = grants.filter((g) => g.endpoint === 'customers.create').map((g) => g.at);
    expect(Math.max(...creates)).toBeLessThan(Math.max(...updates));
  });

  it('holds every caller of the account during a shared cool-down', async () => {
    const keyPrefix = prefix();
    const { all, grants } = limiters(2, { keyPrefix, budget: budget() });
    await all[0]!.acquire('read', 'customers.list');
    const before = grants[0]!.at;
    await all[0]!.coolDown(300);
    // A shorter cool-down never cuts a running one short.
    await all[1]!.coolDown(10);
    await Promise.all([all[1]!.acquire('read', 'customers.list'), all[1]!.acquire('write', 'customers.create')]);
    for (const g of grants.slice(1)) expect(g.at - before).toBeGreaterThanOrEqual(300);
  });

  it('rejects promptly with the signal reason when aborted, before or while waiting', async () => {
    const keyPrefix = prefix();
    const { all } = limiters(1, { keyPrefix, budget: budget({ read: 1 }) });
    const limiter = all[0]!;
    await limiter.acquire('read', 'customers.list');

    const aborted = new AbortController();
    aborted.abort(new Error('job cancelled'));
    await expect(limiter.acquire('read', 'customers.list', aborted.signal)).rejects.toThrow('job cancelled');

    const controller = new AbortController();
    const waiting = limiter.acquire('read', 'customers.list', controller.signal);
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await expect(waiting).rejects.toThrow('shutting down');
  });

  it('refuses to hoard slots further ahead than maxAheadMs, and grants them once within reach', async () => {
    const keyPrefix = prefix();
    const redis = connect();
    const grants: SlotGrant[] = [];
    const limiter = createRedisRateLimiter({
      redis,
      accountId: 'acct-ahead',
      budget: budget({ read: 2 }),
      keyPrefix,
      maxAheadMs: 1040,
      onGrant: (g) => grants.push(g),
    });
    await Promise.all(Array.from({ length: 6 }, () => limiter.acquire('read', 'customers.list')));
    expect(grants).toHaveLength(6);
    expect(maxInSlidingWindow(grants.map((g) => g.at), 1040)).toBe(2);
    // The log never held a reservation more than maxAheadMs ahead, so from a window ago on (older grants are kept one
    // window more, for the 429s reported late) it never held more than 2 windows' worth.
    const [seconds] = await redis.time();
    const logged = await redis.zcount(`${keyPrefix}:rate:{acct-ahead}:read`, Number(seconds) * 1000 - 1040, '+inf');
    expect(logged).toBeLessThanOrEqual(4);
  });

  it('hands back a slot its caller woke too late for, and reserves again', async () => {
    const keyPrefix = prefix();
    const redis = connect();
    const grants: SlotGrant[] = [];
    const limiter = createRedisRateLimiter({
      redis,
      accountId: 'acct-late',
      budget: budget({ read: 2 }),
      keyPrefix,
      onGrant: (g) => grants.push(g),
    });
    await limiter.acquire('read', 'customers.list');
    // Even spacing puts the second grant 520 ms after the first; stall the event loop past it.
    const second = limiter.acquire('read', 'customers.list');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stallUntil = performance.now() + 700;
    while (performance.now() < stallUntil) {
      // A synchronous stall, as a long GC pause or a CPU-bound job would cause.
    }
    await second;
    expect(grants[1]!.missedSlots).toBeGreaterThanOrEqual(1);
    expect(grants[1]!.at - grants[0]!.at).toBeGreaterThanOrEqual(700);
    // The missed slot was forgotten: the log holds only the two grants actually used.
    expect(await redis.zcard(`${keyPrefix}:rate:{acct-late}:read`)).toBe(2);
  });

  it('names its keys after the account, never a secret, and lets them expire', async () => {
    const keyPrefix = prefix();
    const redis = connect();
    const limiter = createRedisRateLimiter({
      redis,
      accountId: 'acct-0123456789abcdef',
      budget: budget({ endpoints: { 'customers.create': 2 } }),
      keyPrefix,
    });
    // The second request waits for its slot, so the logs also get their "known full" hints.
    await Promise.all([limiter.acquire('write', 'customers.create'), limiter.acquire('write', 'customers.create')]);
    await limiter.coolDown(500);
    const base = `${keyPrefix}:rate:{acct-0123456789abcdef}`;
    const keys = (await redis.keys(`${keyPrefix}*`)).sort();
    expect(keys).toEqual(
      expect.arrayContaining([
        `${base}:cool-down`,
        `${base}:endpoint:customers.create`,
        `${base}:endpoint:customers.create:hint`,
        `${base}:write`,
      ]),
    );
    // Besides those, at most the write log's own hint.
    expect(keys.filter((k) => !k.startsWith(`${base}:`))).toEqual([]);
    expect(keys.length).toBeLessThanOrEqual(5);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      // No key outlives its last grant by more than a window.
      expect(ttl).toBeLessThanOrEqual(2 * 1040);
    }
    expect(() =>
      createRedisRateLimiter({ redis, accountId: 'sk_test_abc123', budget: budget(), keyPrefix }),
    ).toThrow(/looks like a Stripe key/);
  });

  it('survives a SCRIPT FLUSH (the scripts are reloaded after a Redis restart)', async () => {
    const keyPrefix = prefix();
    const redis = connect();
    const limiter = createRedisRateLimiter({ redis, accountId: 'acct-flush', budget: budget(), keyPrefix });
    await limiter.acquire('read', 'customers.retrieve');
    await redis.script('FLUSH');
    await expect(limiter.acquire('read', 'customers.retrieve')).resolves.toMatchObject({ kind: 'read', missedSlots: 0 });
    await expect(limiter.coolDown(5)).resolves.toBeUndefined();
  });
});
