import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailLocks, emailLockKey, EmailLockTimeoutError } from '../../../jobs/import/email-lock.ts';
import { createTestRedis, deleteKeys, uniquePrefix } from '../../helpers/redis.ts';

describe('per-email locks (real Redis)', () => {
  let redis: Redis;
  let other: Redis;
  const prefix = uniquePrefix('lock');
  beforeAll(() => {
    redis = createTestRedis();
    other = createTestRedis();
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
    other.disconnect();
  });

  it('keys by account and a hash of the trimmed, lower-cased email, never the email', () => {
    const key = emailLockKey(prefix, 'acct-1', '  Ann@Example.com ');
    expect(key).toBe(emailLockKey(prefix, 'acct-1', 'ann@example.com'));
    expect(key).not.toContain('example');
    expect(key).toContain('acct-1');
    expect(emailLockKey(prefix, 'acct-2', 'ann@example.com')).not.toBe(key);
  });

  it('serialises holders of one email across connections (processes) and in call order within one', async () => {
    const a = createEmailLocks({ redis, queuePrefix: prefix, accountId: 'acct' });
    const b = createEmailLocks({ redis: other, queuePrefix: prefix, accountId: 'acct' });
    const order: string[] = [];
    const first = await a.acquire('x@example.com');
    let waited = 0;
    const local = a.acquire('X@example.com', { onWait: () => (waited += 1) }).then((l) => (order.push('local'), l));
    const remote = b.acquire('x@example.com', { onWait: () => (waited += 1) }).then((l) => (order.push('remote'), l));
    const unrelated = await a.acquire('y@example.com');
    await unrelated.release();
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual([]);
    expect(waited).toBe(2);
    await first.release();
    const next = await Promise.race([local, remote]);
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toHaveLength(1);
    await next.release();
    const last = order[0] === 'local' ? await remote : await local;
    expect(order).toHaveLength(2);
    await last.release();
    expect(await redis.exists(emailLockKey(prefix, 'acct', 'x@example.com'))).toBe(0);
  });

  it('renews a held lock past its TTL, and a dead holder\'s lock expires', async () => {
    const locks = createEmailLocks({ redis, queuePrefix: prefix, accountId: 'acct', ttlMs: 300 });
    const held = await locks.acquire('renew@example.com');
    await new Promise((r) => setTimeout(r, 700));
    expect(held.lost).toBe(false);
    expect(await redis.exists(emailLockKey(prefix, 'acct', 'renew@example.com'))).toBe(1);
    await held.release();
    // A holder that died (kill -9) leaves a key nobody renews: the next caller gets it once it expires.
    await redis.set(emailLockKey(prefix, 'acct', 'dead@example.com'), 'someone-else', 'PX', 300);
    const after = await locks.acquire('dead@example.com');
    await after.release();
  });

  it('release only deletes its own lock; waiting is bounded and abortable', async () => {
    const locks = createEmailLocks({ redis, queuePrefix: prefix, accountId: 'acct', maxWaitMs: 200 });
    const key = emailLockKey(prefix, 'acct', 'busy@example.com');
    await redis.set(key, 'another-process', 'PX', 10_000);
    await expect(locks.acquire('busy@example.com')).rejects.toBeInstanceOf(EmailLockTimeoutError);
    const controller = new AbortController();
    const pending = locks.acquire('busy@example.com', { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(await redis.get(key)).toBe('another-process');
    await redis.del(key);
    // The local queue survived the aborted waiter.
    const ok = await locks.acquire('busy@example.com');
    await ok.release();
  });

  it('hands the lock and a note to the next caller of this process without leaving Redis; a waiter of another process gets it after', async () => {
    const a = createEmailLocks<string>({ redis, queuePrefix: prefix, accountId: 'acct' });
    const b = createEmailLocks<string>({ redis: other, queuePrefix: prefix, accountId: 'acct' });
    const key = emailLockKey(prefix, 'acct', 'hot@example.com');
    const first = await a.acquire('hot@example.com');
    expect(first.handedOver).toBeUndefined();
    const token = await redis.get(key);
    const remote = b.acquire('hot@example.com');
    const local = a.acquire('HOT@example.com');
    await new Promise((r) => setTimeout(r, 50));
    await first.release('customer cus_1 exists');
    const second = await local;
    expect(second.handedOver).toBe('customer cus_1 exists');
    // Never released in between: the other process could not have slipped in.
    expect(await redis.get(key)).toBe(token);
    // Nobody local waits: released to Redis, and the other process gets it, with nothing handed over.
    await second.release('ignored');
    const third = await remote;
    expect(third.handedOver).toBeUndefined();
    expect(await redis.get(key)).not.toBe(token);
    await third.release();
    expect(await redis.exists(key)).toBe(0);
  });

  it('without a note the lock goes back to Redis and the next local caller takes it anew', async () => {
    const locks = createEmailLocks<string>({ redis, queuePrefix: prefix, accountId: 'acct' });
    const key = emailLockKey(prefix, 'acct', 'plain@example.com');
    const first = await locks.acquire('plain@example.com');
    const token = await redis.get(key);
    const next = locks.acquire('plain@example.com');
    await first.release();
    const second = await next;
    expect(second.handedOver).toBeUndefined();
    expect(await redis.get(key)).not.toBe(token);
    await second.release();
  });
});
