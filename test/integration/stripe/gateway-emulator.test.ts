import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { createRedisRateLimiter } from '../../../src/rate-limit/sliding-log-limiter.ts';
import { createStripeClient } from '../../../src/stripe/client.ts';
import type { CustomerGateway } from '../../../src/stripe/customer-gateway.ts';
import { createCustomerGateway } from '../../../src/stripe/throttled-customer-gateway.ts';
import { startTestEmulator, TEST_EMULATOR_KEY, type TestEmulator } from '../../helpers/emulator.ts';
import { createTestRedis, deleteKeys, uniquePrefix } from '../../helpers/redis.ts';

const WRITE_LIMIT = 5;
let emu: TestEmulator;
let redis: Redis;
const prefix = uniquePrefix('gw-emu');

/** The production wiring: real client, real Redis limiter with the given budget, real emulator. */
function gateway(budget: { read?: number; write?: number; search?: number } = {}): CustomerGateway {
  return createCustomerGateway({
    stripe: createStripeClient({ secretKey: TEST_EMULATOR_KEY, apiUrl: emu.url, timeoutMs: 10_000 }),
    limiter: createRedisRateLimiter({
      redis,
      accountId: `acct-${uniquePrefix('emu')}`,
      keyPrefix: prefix,
      budget: { read: 1000, write: 1000, search: 1000, endpoints: {}, ...budget },
    }),
    logger: createLogger('silent'),
    backoff: { baseMs: 20, capMs: 200 },
  });
}

beforeAll(async () => {
  emu = await startTestEmulator({ writeLimit: WRITE_LIMIT });
  redis = createTestRedis();
});
beforeEach(async () => {
  await emu.admin.reset();
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
  await emu.close();
});

describe('createCustomerGateway against the emulator', () => {
  it('pages listByEmail through more than 100 matches, one request per page, exact email only', async () => {
    await emu.admin.seed({ count: 250, template: { email: 'dup@example.com', name: 'Dup {i}' } });
    await emu.admin.seed({ count: 20, template: { email: 'Dup@example.com' } });
    await emu.admin.resetStats();

    const found = await gateway().listByEmail('dup@example.com');
    expect(found).toHaveLength(250);
    expect(new Set(found.map((c) => c.id)).size).toBe(250);
    expect(found.every((c) => c.email === 'dup@example.com')).toBe(true);
    expect((await emu.admin.stats()).requests['read:200']).toBe(3);
  });

  it('creates once per idempotency key and flags the replay', async () => {
    const gw = gateway();
    const first = await gw.create({ email: 'once@example.com' }, 'row-key-1');
    const again = await gw.create({ email: 'once@example.com' }, 'row-key-1');
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.customer.id).toBe(first.customer.id);
    expect(await emu.admin.customers()).toHaveLength(1);
  });

  it('retrieves a customer, a deleted one as DeletedCustomer, and null for an unknown id', async () => {
    const gw = gateway();
    const { customer } = await gw.create({ name: 'Kept' }, 'row-key-2');
    const { customer: gone } = await gw.create({ name: 'Gone' }, 'row-key-3');
    await emu.stripe.customers.del(gone.id);

    await expect(gw.retrieve(customer.id)).resolves.toMatchObject({ id: customer.id, name: 'Kept' });
    await expect(gw.retrieve(gone.id)).resolves.toMatchObject({ id: gone.id, deleted: true });
    await expect(gw.retrieve('cus_doesnotexist')).resolves.toBeNull();
  });

  it('pages listPage and searchPage', async () => {
    await emu.admin.seed({ count: 15, template: { name: 'Page {i}', email: 'p{i}@example.com' } });
    const gw = gateway();
    const first = await gw.listPage({ limit: 10 });
    const second = await gw.listPage({ limit: 10, starting_after: first.data.at(-1)!.id });
    expect(first.has_more).toBe(true);
    expect(second.data).toHaveLength(5);
    const search = await gw.searchPage("email:'p3@example.com'", undefined);
    expect(search.data.map((c) => c.email)).toEqual(['p3@example.com']);
  });

  it('creates every row of a burst 3× over the write limit, shaped or retried, each exactly once', async () => {
    const gw = gateway({ write: WRITE_LIMIT });
    const rows = Array.from({ length: 3 * WRITE_LIMIT }, (_, i) => i);
    const created = await Promise.all(rows.map((i) => gw.create({ email: `burst${i}@example.com` }, `burst-${i}`)));
    expect(new Set(created.map((c) => c.customer.id)).size).toBe(rows.length);
    expect(await emu.admin.customers()).toHaveLength(rows.length);
    // A cold client's first batch can arrive late enough to meet the next one in Stripe's window: any 429 is
    // retried, and the idempotency key keeps every row to one customer.
    const stats = await emu.admin.stats();
    expect(stats.requests['write:200']).toBe(rows.length);
    expect(stats.duplicate_emails).toEqual([]);
  });
});
