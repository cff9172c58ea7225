import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';

const running: TestEmulator[] = [];
async function emulator(options: Parameters<typeof startTestEmulator>[0]): Promise<TestEmulator> {
  const emu = await startTestEmulator(options);
  running.push(emu);
  return emu;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

describe('rate limits', () => {
  it('answers 429 rate_limit to a write burst over the limit, without Stripe-Should-Retry, and counts it', async () => {
    const emu = await emulator({ writeLimit: 5, readLimit: 1000 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => emu.stripe.customers.create({})));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(rejected).toHaveLength(7);
    for (const r of rejected) {
      const err = r.reason as Stripe.errors.StripeError;
      expect(err).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(err.code).toBe('rate_limit');
      expect(err.statusCode).toBe(429);
      expect(err.message).toMatch(/^Too many requests hit the API too quickly/);
      expect(err.headers?.['stripe-should-retry']).toBeUndefined();
    }
    const stats = await emu.admin.stats();
    expect(stats.requests['write:200']).toBe(5);
    expect(stats.requests['write:429']).toBe(7);
    expect(stats.rate_limited).toBe(7);
    expect(stats.max_writes_in_one_second).toBe(5);
    expect(stats.customers).toBe(5);
  });

  it('keeps reads, writes and searches in separate budgets, and keys in separate windows', async () => {
    const emu = await emulator({ writeLimit: 2, readLimit: 3, searchLimit: 1 });
    await Promise.all([emu.stripe.customers.create({}), emu.stripe.customers.create({})]);
    const reads = await Promise.allSettled(Array.from({ length: 3 }, () => emu.stripe.customers.list()));
    expect(reads.every((r) => r.status === 'fulfilled')).toBe(true);
    await expect(emu.stripe.customers.search({ query: "name:'x'" })).resolves.toMatchObject({ object: 'search_result' });
    await expect(emu.stripe.customers.search({ query: "name:'x'" })).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await expect(emu.stripe.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    // Another key has its own windows.
    await expect(emu.client({ key: 'sk_test_other' }).customers.create({})).resolves.toMatchObject({ object: 'customer' });
    const stats = await emu.admin.stats();
    expect(stats.max_reads_in_one_second).toBe(3);
    expect(stats.max_search_in_one_second).toBe(1);
    expect(stats.requests['search:429']).toBe(1);
  });

  it('rejects while the burst is still in flight and admits again once the window has slid', async () => {
    const emu = await emulator({ writeLimit: 3, latencyMs: 400 });
    const burst = await Promise.allSettled(Array.from({ length: 4 }, () => emu.stripe.customers.create({})));
    expect(burst.filter((r) => r.status === 'rejected')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1100));
    await expect(emu.stripe.customers.create({})).resolves.toMatchObject({ object: 'customer' });
  });

  it('resets the counters and peaks with stats/reset', async () => {
    const emu = await emulator({ writeLimit: 0 });
    await Promise.all(Array.from({ length: 4 }, () => emu.stripe.customers.create({})));
    expect((await emu.admin.stats()).max_writes_in_one_second).toBe(4);
    await emu.admin.resetStats();
    await emu.stripe.customers.create({});
    const stats = await emu.admin.stats();
    expect(stats.max_writes_in_one_second).toBe(1);
    expect(stats.requests).toEqual({ 'write:200': 1 });
  });
});
