import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { IndexEvents, EVENTS_GTE, MAX_EVENT_LAG_MS } from '../../../jobs/import/index-events.ts';
import { EmailIndex } from '../../../jobs/walk/email-index.ts';
import { createLogger } from '../../../src/logger.ts';
import { createRedisRateLimiter } from '../../../src/rate-limit/sliding-log-limiter.ts';
import { createStripeClient } from '../../../src/stripe/client.ts';
import { createCustomerGateway } from '../../../src/stripe/throttled-customer-gateway.ts';
import { createTestRedis, deleteKeys, uniquePrefix } from '../../helpers/redis.ts';
import { startFakeStripe, stripeError, type FakeAnswer } from '../stripe/fake-stripe-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An account index with an event mark, kept current through a gateway talking to a scripted Stripe. */
async function harness(answer: (path: string) => FakeAnswer) {
  const fake = await startFakeStripe((req) => answer(req.path));
  cleanups.push(() => fake.close());
  const redis = createTestRedis();
  const prefix = uniquePrefix('idx-events');
  cleanups.push(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });
  const limiter = createRedisRateLimiter({ redis, accountId: 'acct-events-test', keyPrefix: prefix, budget: { read: 1000, write: 1000, search: 1000, endpoints: {} } });
  const gateway = createCustomerGateway({
    stripe: createStripeClient({ secretKey: 'sk_test_eventsecret', apiUrl: fake.url, timeoutMs: 5_000 }),
    limiter,
    logger: createLogger('silent'),
    backoff: { baseMs: 5, capMs: 20 },
  });
  const index = new EmailIndex(redis, prefix, 'account-test', false);
  await redis.hset(index.keys.meta, EVENTS_GTE, Math.floor(Date.now() / 1000) - 60);
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  let clock = Date.now();
  const events = new IndexEvents(redis, index, gateway, logger, () => clock);
  return { fake, index, events, lines, advance: (ms: number) => (clock += ms) };
}

describe('IndexEvents: keeping a dedupe=scan index current', () => {
  it('a key that may not read events leaves the index answering nothing alone, logged once, and never throws', async () => {
    const h = await harness(() => stripeError(403, 'invalid_request_error', 'The provided key does not have the required permissions for this endpoint.'));
    expect(await h.events.tryCatchUp()).toBe(false);
    expect(await h.events.tryCatchUp()).toBe(false);
    expect(h.events.isCurrent()).toBe(false);
    expect(h.lines.filter((l) => l.includes('reading customer events failed'))).toHaveLength(1);
    expect(h.fake.requests.every((r) => r.path.startsWith('/v1/events'))).toBe(true);
  });

  it('is current for MAX_EVENT_LAG_MS after a catch-up, then not until the next one', async () => {
    const h = await harness(() => ({ status: 200, body: { object: 'list', data: [], has_more: false, url: '/v1/events' } }));
    expect(await h.events.tryCatchUp()).toBe(true);
    expect(h.events.isCurrent()).toBe(true);
    h.advance(MAX_EVENT_LAG_MS + 1);
    expect(h.events.isCurrent()).toBe(false);
    expect(await h.events.tryCatchUp()).toBe(true);
    expect(h.events.isCurrent()).toBe(true);
  });
});
