import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeFailure as failure, type TestEmulator } from '../../helpers/emulator.ts';

const running: TestEmulator[] = [];
async function emulator(options: Parameters<typeof startTestEmulator>[0] = {}): Promise<TestEmulator> {
  const emu = await startTestEmulator(options);
  running.push(emu);
  return emu;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

describe('Idempotency-Key', () => {
  it('replays the stored answer with Idempotent-Replayed: true and echoes the key', async () => {
    const emu = await emulator();
    const key = 'idem-replay-1';
    const first = await emu.stripe.customers.create({ email: 'a@x.io' }, { idempotencyKey: key });
    const second = await emu.stripe.customers.create({ email: 'a@x.io' }, { idempotencyKey: key });
    expect(second.id).toBe(first.id);
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(second.lastResponse.headers['idempotency-key']).toBe(key);
    expect((await emu.admin.stats()).customers).toBe(1);
  });

  it('answers idempotency_error to the same key with other parameters or another endpoint', async () => {
    const emu = await emulator();
    const key = 'idem-conflict-1';
    const c = await emu.stripe.customers.create({ email: 'a@x.io' }, { idempotencyKey: key });
    const params = await failure(emu.stripe.customers.create({ email: 'b@x.io' }, { idempotencyKey: key }));
    expect(params).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(params.statusCode).toBe(400);
    expect(params.message).toMatch(/^Keys for idempotent requests can only be used with the same parameters/);
    const endpoint = await failure(emu.stripe.customers.update(c.id, { email: 'a@x.io' }, { idempotencyKey: key }));
    expect(endpoint).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(endpoint.message).toContain('same endpoint');
    expect((await emu.admin.stats()).customers).toBe(1);
  });

  it('stores nothing for a request that failed validation, so a corrected retry runs', async () => {
    const emu = await emulator();
    await failure(emu.stripe.customers.create({ name: 'n'.repeat(300) }, { idempotencyKey: 'idem-invalid' }));
    // Same parameters again: still validated (not replayed from a store), still 400.
    const again = await failure(emu.stripe.customers.create({ name: 'n'.repeat(300) }, { idempotencyKey: 'idem-invalid' }));
    expect(again.code).toBe('parameter_invalid_string_length');
    expect(again.headers?.['idempotent-replayed']).toBeUndefined();
  });

  it('creates one customer for two concurrent requests with one key (409 while in flight, then replay)', async () => {
    const emu = await emulator({ latencyMs: 150 });
    const client = emu.client({ maxNetworkRetries: 5 });
    const key = 'idem-concurrent-1';
    const [a, b] = await Promise.all([
      client.customers.create({ email: 'c@x.io' }, { idempotencyKey: key }),
      client.customers.create({ email: 'c@x.io' }, { idempotencyKey: key }),
    ]);
    expect(a.id).toBe(b.id);
    const stats = await emu.admin.stats();
    expect(stats.customers).toBe(1);
    expect(stats.requests['write:409']).toBeGreaterThanOrEqual(1);
  });

  it('answers 409 idempotency_key_in_use to a client that does not retry', async () => {
    const emu = await emulator({ latencyMs: 150 });
    const key = 'idem-concurrent-2';
    const results = await Promise.allSettled([
      emu.stripe.customers.create({}, { idempotencyKey: key }),
      new Promise((r) => setTimeout(r, 30)).then(() => emu.stripe.customers.create({}, { idempotencyKey: key })),
    ]);
    expect(results[0].status).toBe('fulfilled');
    const second = results[1];
    expect(second.status).toBe('rejected');
    const err = (second as PromiseRejectedResult).reason as Stripe.errors.StripeError;
    expect(err.statusCode).toBe(409);
    expect(err.code).toBe('idempotency_key_in_use');
  });

  it('lets a retry after an error injected after the write get the customer, not a duplicate', async () => {
    const emu = await emulator({ errorAfterWriteRate: 1 });
    const key = 'idem-after-write';
    const err = await failure(emu.stripe.customers.create({ email: 'w@x.io' }, { idempotencyKey: key }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(err.statusCode).toBe(500);
    const stats = await emu.admin.stats();
    expect(stats.customers).toBe(1);
    const retried = await emu.stripe.customers.create({ email: 'w@x.io' }, { idempotencyKey: key });
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await emu.admin.customers()).map((c) => c.id)).toEqual([retried.id]);
  });

  it('performs nothing when an error is injected before the write, so a retry is genuine', async () => {
    const emu = await emulator({ errorRate: 1 });
    const err = await failure(emu.stripe.customers.create({ email: 'b@x.io' }, { idempotencyKey: 'idem-before' }));
    expect(err.statusCode).toBe(500);
    expect(err.type).toBe('StripeAPIError');
    expect((await emu.admin.stats()).customers).toBe(0);
  });

  it('forgets keys after the TTL', async () => {
    const emu = await emulator({ idempotencyTtlMs: 0 });
    const first = await emu.stripe.customers.create({}, { idempotencyKey: 'idem-ttl' });
    const second = await emu.stripe.customers.create({}, { idempotencyKey: 'idem-ttl' });
    expect(second.id).not.toBe(first.id);
  });

  it('scopes keys per API key', async () => {
    const emu = await emulator();
    const a = await emu.client({ key: 'sk_test_one' }).customers.create({}, { idempotencyKey: 'shared' });
    const b = await emu.client({ key: 'sk_test_two' }).customers.create({}, { idempotencyKey: 'shared' });
    expect(a.id).not.toBe(b.id);
  });
});
