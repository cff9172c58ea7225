import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import type { RateLimiter } from '../../../src/rate-limit/rate-limiter.ts';
import { createRedisRateLimiter } from '../../../src/rate-limit/sliding-log-limiter.ts';
import { createStripeClient } from '../../../src/stripe/client.ts';
import type { CustomerGateway } from '../../../src/stripe/customer-gateway.ts';
import { createCustomerGateway, type StripeRequestEvent } from '../../../src/stripe/throttled-customer-gateway.ts';
import { createTestRedis, deleteKeys, uniquePrefix } from '../../helpers/redis.ts';
import { fakeCustomer, startFakeStripe, stripeError, type FakeAnswer, type FakeStripe } from './fake-stripe-server.ts';

const KEY = 'sk_test_gatewaysecret123';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Harness {
  fake: FakeStripe;
  gateway: CustomerGateway;
  events: StripeRequestEvent[];
  /** Every coolDown(ms) the gateway asked of the shared limiter. */
  coolDowns: number[];
  /** Every rateLimited(grant, retryAfterMs) the gateway reported to the shared limiter: the retry-after of each. */
  refusals: number[];
  limiter: RateLimiter;
}

/** A gateway on the real stripe-node client and a real Redis limiter, talking to a scripted fake Stripe. */
async function harness(
  answer: (index: number) => FakeAnswer,
  options: { maxRetries?: number; maxRateLimitRetries?: number } = {},
): Promise<Harness> {
  const fake = await startFakeStripe((_req, i) => answer(i));
  cleanups.push(() => fake.close());
  const redis = createTestRedis();
  const prefix = uniquePrefix('gw');
  cleanups.push(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });
  const events: StripeRequestEvent[] = [];
  const coolDowns: number[] = [];
  const refusals: number[] = [];
  const shared = createRedisRateLimiter({
    redis,
    accountId: 'acct-gateway-test',
    keyPrefix: prefix,
    budget: { read: 1000, write: 1000, search: 1000, endpoints: {} },
  });
  const limiter: RateLimiter = {
    acquire: (kind, endpoint, signal) => shared.acquire(kind, endpoint, signal),
    rateLimited: (grant, retryAfterMs) => {
      refusals.push(retryAfterMs ?? 0);
      return shared.rateLimited(grant, retryAfterMs);
    },
    coolDown: (ms) => {
      coolDowns.push(ms);
      return shared.coolDown(ms);
    },
    budgets: () => shared.budgets(),
  };
  const gateway = createCustomerGateway({
    stripe: createStripeClient({ secretKey: KEY, apiUrl: fake.url, timeoutMs: 5_000 }),
    limiter,
    logger: createLogger('silent'),
    // Short back-off keeps the test fast; the retry rules are the same.
    backoff: { baseMs: 5, capMs: 40 },
    onRequest: (e) => events.push(e),
    ...options,
  });
  return { fake, gateway, events, coolDowns, refusals, limiter };
}

const RATE_LIMITED_BODY = { error: { type: 'invalid_request_error', message: 'Too many requests hit the API too quickly.', code: 'rate_limit' } };
const RATE_LIMITED = stripeError(429, 'invalid_request_error', 'Too many requests hit the API too quickly.', 'rate_limit');
const SERVER_ERROR = stripeError(500, 'api_error', 'Something went wrong on our end.');

describe('createCustomerGateway against a faulty Stripe', () => {
  it('after a 429 lowers the shared budget and resends the same request with the same idempotency key', async () => {
    const h = await harness((i) => (i === 0 ? RATE_LIMITED : { status: 200, body: fakeCustomer('cus_1') }));
    const { customer, replayed } = await h.gateway.create({ email: 'a@example.com' }, 'import-1-row-7');

    expect(customer.id).toBe('cus_1');
    expect(replayed).toBe(false);
    expect(h.fake.requests).toHaveLength(2);
    expect(h.fake.requests.map((r) => r.headers['idempotency-key'])).toEqual(['import-1-row-7', 'import-1-row-7']);
    expect(h.fake.requests[1]!.body).toBe(h.fake.requests[0]!.body);
    expect(h.events.map((e) => e.status)).toEqual([429, 200]);
    expect(h.events.every((e) => e.kind === 'write' && e.endpoint === 'customers.create')).toBe(true);
    // Reported once, with no Retry-After: the budget is lowered for every worker, nobody is paused.
    expect(h.refusals).toEqual([0]);
    expect(h.coolDowns).toEqual([]);
    expect(h.limiter.budgets().write).toBeLessThan(1000);
    expect(h.gateway.learnedBudgets()).toEqual(h.limiter.budgets());
  });

  it("honours Stripe's Retry-After on a 429 with a shared cool-down", async () => {
    const h = await harness((i) =>
      i === 0 ? { status: 429, body: RATE_LIMITED_BODY, headers: { 'Retry-After': '1' } } : { status: 200, body: fakeCustomer('cus_5') },
    );
    const started = performance.now();
    await expect(h.gateway.retrieve('cus_5')).resolves.toMatchObject({ id: 'cus_5' });
    expect(h.refusals).toEqual([1000]);
    // The resend waited for the cool-down (the bound is loose: it only says the wait happened).
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('retries a 500 with the same idempotency key, then succeeds', async () => {
    const h = await harness((i) => (i === 0 ? SERVER_ERROR : { status: 200, body: fakeCustomer('cus_2', { name: 'B' }) }));
    const customer = await h.gateway.update('cus_2', { name: 'B' }, 'import-1-row-8');

    expect(customer.name).toBe('B');
    expect(h.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/customers/cus_2',
      'POST /v1/customers/cus_2',
    ]);
    expect(h.fake.requests[1]!.headers['idempotency-key']).toBe('import-1-row-8');
    expect(h.events.map((e) => e.status)).toEqual([500, 200]);
  });

  it('retries dropped connections with the same idempotency key, and reports them as network failures', async () => {
    // stripe-node itself resends once on a closed connection even with retries off: drop twice to reach us.
    const h = await harness((i) => (i < 2 ? 'drop' : { status: 200, body: fakeCustomer('cus_3') }));
    await expect(h.gateway.create({}, 'k-drop')).resolves.toMatchObject({ customer: { id: 'cus_3' } });
    expect(h.fake.requests.map((r) => r.headers['idempotency-key'])).toEqual(['k-drop', 'k-drop', 'k-drop']);
    expect(h.events.map((e) => e.status)).toEqual(['network', 200]);
    expect(h.coolDowns).toEqual([]);
  });

  it('gives up after maxRetries on a persistent 500 and throws the stripe-node error', async () => {
    const h = await harness(() => SERVER_ERROR, { maxRetries: 2 });
    await expect(h.gateway.create({}, 'k-500')).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(h.fake.requests).toHaveLength(3);
  });

  it('gives up after maxRateLimitRetries on persistent 429s', async () => {
    const h = await harness(() => RATE_LIMITED, { maxRateLimitRetries: 2 });
    await expect(h.gateway.listPage({ limit: 10 })).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(h.fake.requests).toHaveLength(3);
  });

  it('does not retry an invalid request, and the error never carries the key', async () => {
    const h = await harness(() => stripeError(400, 'invalid_request_error', 'Invalid email address: nope', 'email_invalid'));
    const err = await h.gateway.create({ email: 'nope' }, 'k-400').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(h.fake.requests).toHaveLength(1);
    expect(JSON.stringify(err)).not.toContain(KEY);
    expect(String((err as Error).stack)).not.toContain(KEY);
  });

  it('returns null for a 404 resource_missing and throws other 404s', async () => {
    const h = await harness((i) =>
      i === 0
        ? stripeError(404, 'invalid_request_error', "No such customer: 'cus_gone'", 'resource_missing')
        : stripeError(404, 'invalid_request_error', 'Unrecognized request URL'),
    );
    await expect(h.gateway.retrieve('cus_gone')).resolves.toBeNull();
    await expect(h.gateway.retrieve('cus_other')).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it('reads the replayed flag from the Idempotent-Replayed header', async () => {
    const h = await harness(() => ({ status: 200, body: fakeCustomer('cus_4'), headers: { 'Idempotent-Replayed': 'true' } }));
    await expect(h.gateway.create({}, 'k-replayed')).resolves.toMatchObject({ replayed: true, customer: { id: 'cus_4' } });
  });

  it('sends nothing once the signal has aborted, and stops retrying when it aborts', async () => {
    const controller = new AbortController();
    const h = await harness(() => {
      controller.abort(new Error('job cancelled'));
      return SERVER_ERROR;
    });
    const before = new AbortController();
    before.abort(new Error('already cancelled'));
    await expect(h.gateway.create({}, 'k-abort', before.signal)).rejects.toThrow('already cancelled');
    expect(h.fake.requests).toHaveLength(0);

    await expect(h.gateway.create({}, 'k-abort', controller.signal)).rejects.toThrow('job cancelled');
    expect(h.fake.requests).toHaveLength(1);
  });
});
