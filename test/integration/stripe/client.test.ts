import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../../src/stripe/client.ts';
import { classifyStripeError } from '../../../src/stripe/stripe-errors.ts';
import { fakeCustomer, startFakeStripe, stripeError, type FakeAnswer, type FakeStripe } from './fake-stripe-server.ts';

const KEY = 'sk_test_clientsecret42';
const servers: FakeStripe[] = [];

async function fake(answer: (index: number) => FakeAnswer): Promise<FakeStripe> {
  const server = await startFakeStripe((_req, i) => answer(i));
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('createStripeClient', () => {
  it('sends to STRIPE_API_URL with the key and identifies itself as stripe-bulk', async () => {
    const server = await fake(() => ({ status: 200, body: fakeCustomer('cus_1') }));
    const stripe = createStripeClient({ secretKey: KEY, apiUrl: server.url, timeoutMs: 5_000 });
    await expect(stripe.customers.retrieve('cus_1')).resolves.toMatchObject({ id: 'cus_1' });
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'GET', path: '/v1/customers/cus_1' });
    expect(req!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(String(req!.headers['user-agent'])).toContain('stripe-bulk');
  });

  it('never retries by itself: a 500 reaches the caller after one request', async () => {
    const server = await fake(() => stripeError(500, 'api_error', 'boom'));
    const stripe = createStripeClient({ secretKey: KEY, apiUrl: server.url, timeoutMs: 5_000 });
    await expect(stripe.customers.create({}, { idempotencyKey: 'k1' })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(server.requests).toHaveLength(1);
  });

  it('times out after the configured timeout with a retryable connection error', async () => {
    // The fake never answers the first request; its socket is closed with the server.
    const server = await fake(() => new Promise<never>(() => {}));
    const stripe = createStripeClient({ secretKey: KEY, apiUrl: server.url, timeoutMs: 100 });
    const err = await stripe.customers.list({ limit: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(classifyStripeError(err)).toBe('retryable');
  });

  it('keeps connections alive and within maxSockets', async () => {
    const server = await fake(() => ({ status: 200, body: { object: 'list', data: [], has_more: false, url: '/v1/customers' } }));
    const stripe = createStripeClient({ secretKey: KEY, apiUrl: server.url, timeoutMs: 5_000 }, { maxSockets: 2 });
    await Promise.all(Array.from({ length: 10 }, () => stripe.customers.list({ limit: 1 })));
    await Promise.all(Array.from({ length: 10 }, () => stripe.customers.list({ limit: 1 })));
    expect(server.requests).toHaveLength(20);
    expect(new Set(server.requests.map((r) => r.remotePort)).size).toBeLessThanOrEqual(2);
  });
});
