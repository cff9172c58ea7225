import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.admin.reset();
});

describe('admin surface', () => {
  it('seeds explicit customers and returns their ids', async () => {
    const { count, ids } = await emu.admin.seed([{ email: 'a@x.io', created: 1_600_000_000, metadata: { k: 'v' } }, { name: 'B' }]);
    expect(count).toBe(2);
    const a = await emu.stripe.customers.retrieve(ids[0] as string);
    expect(a).toMatchObject({ email: 'a@x.io', created: 1_600_000_000, metadata: { k: 'v' }, object: 'customer' });
  });

  it('seeds count copies of a template with {i} substituted', async () => {
    const { count } = await emu.admin.seed({ count: 3, template: { email: 'user{i}@x.io', name: 'User {i}' } });
    expect(count).toBe(3);
    const all = await emu.admin.customers();
    expect(all.map((c) => c.email).sort()).toEqual(['user0@x.io', 'user1@x.io', 'user2@x.io']);
  });

  it('rejects a malformed seed body with 400', async () => {
    const res = await fetch(`${emu.url}/__emulator/seed`, { method: 'POST', body: '{"customers": [{"email": 5}]}' });
    expect(res.status).toBe(400);
    expect((await emu.admin.stats()).customers).toBe(0);
  });

  it('reports duplicate emails compared trimmed and case-insensitively, live customers only', async () => {
    const { ids } = await emu.admin.seed([
      { email: 'Jane@Example.com' },
      { email: ' jane@example.com ' },
      { email: 'solo@example.com' },
      { email: 'twin@example.com' },
      { email: 'twin@example.com' },
    ]);
    await emu.stripe.customers.del(ids[4] as string);
    const stats = await emu.admin.stats();
    expect(stats.customers).toBe(4);
    // vitest types its asymmetric matchers `any`; `unknown` is all toEqual needs.
    const bothJanes: unknown = expect.arrayContaining([ids[0], ids[1]]);
    expect(stats.duplicate_emails).toEqual([{ email: 'jane@example.com', ids: bothJanes }]);
  });

  it('counts answers per kind and status', async () => {
    await emu.stripe.customers.create({});
    await emu.stripe.customers.list();
    await emu.stripe.customers.retrieve('cus_missing').catch(() => undefined);
    await emu.stripe.customers.search({ query: "name:'x'" });
    const stats = await emu.admin.stats();
    expect(stats.requests).toEqual({ 'read:200': 1, 'read:404': 1, 'search:200': 1, 'write:200': 1 });
    expect(stats.rate_limited).toBe(0);
  });

  it('resets everything', async () => {
    await emu.admin.seed({ count: 10 });
    await emu.admin.reset();
    expect((await emu.admin.stats()).customers).toBe(0);
    expect(await emu.admin.customers()).toEqual([]);
  });
});

const post = (path: string, body: string): Promise<Response> =>
  fetch(`${emu.url}/__emulator/${path}`, { method: 'POST', body });

// Admin bodies are parsed against a schema, not cast: a wrong shape is a 400 naming the field, never a 500.
describe('admin bodies', () => {
  it('refuses a seed whose fields have the wrong type, naming the field, and seeds nothing', async () => {
    for (const body of ['{"customers": [null]}', '{"customers": [{"balance": "ten"}]}', '{"template": {"livemode": 1}, "count": 1}']) {
      const res = await post('seed', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^(customers\.0|customers\.0\.balance|template\.livemode):/);
    }
    expect((await emu.admin.stats()).customers).toBe(0);
  });

  it('keeps metadata keys that are user data, __proto__ included', async () => {
    const res = await post('seed', '{"customers": [{"email": "p@x.io", "metadata": {"__proto__": "v", "plan": "pro"}}]}');
    expect(res.status).toBe(200);
    const [customer] = await emu.admin.customers();
    expect(Object.entries(customer?.metadata ?? {})).toEqual([
      ['__proto__', 'v'],
      ['plan', 'pro'],
    ]);
  });

  it('answers a clock body that is JSON null with 400, not a crash', async () => {
    const res = await post('clock', 'null');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/advanceSeconds/);
  });
});

// A reviewed deletion keeps customers with subscriptions or a payment method, and counts on deletes answering as
// Stripe's do: these controls and answers are what its tests stand on.
describe('subscriptions, payment methods and deletes', () => {
  it('shows seeded subscriptions as a list under expand[]=subscriptions, and none without', async () => {
    const { ids } = await emu.admin.seed([{ email: 's@x.io' }, { email: 't@x.io' }]);
    const [withSub, without] = ids as [string, string];
    const sub = await emu.admin.subscribe(withSub);
    expect(sub.id).toMatch(/^sub_/);
    const a = await emu.stripe.customers.retrieve(withSub, { expand: ['subscriptions'] });
    expect(a).toMatchObject({ subscriptions: { object: 'list', total_count: 1, has_more: false, data: [{ id: sub.id, customer: withSub, status: 'active' }] } });
    const b = await emu.stripe.customers.retrieve(without, { expand: ['subscriptions'] });
    expect(b).toMatchObject({ subscriptions: { object: 'list', total_count: 0, data: [] } });
    expect('subscriptions' in (await emu.stripe.customers.retrieve(withSub))).toBe(false);
  });

  it('sets a default payment method, and refuses both controls for a missing customer with 404', async () => {
    const { ids } = await emu.admin.seed([{ email: 'p@x.io' }]);
    const id = ids[0] as string;
    const { default_payment_method } = await emu.admin.setPaymentMethod(id);
    const c = await emu.stripe.customers.retrieve(id);
    expect(c).toMatchObject({ invoice_settings: { default_payment_method } });
    expect((await post('customers/cus_missing/subscriptions', '')).status).toBe(404);
    expect((await post('customers/cus_missing/payment-method', '')).status).toBe(404);
  });

  it('answers a delete with a deleted object, then 404 resource_missing to a second delete, and counts deletes', async () => {
    const { ids } = await emu.admin.seed([{ email: 'd@x.io' }, { email: 'e@x.io' }]);
    const id = ids[0] as string;
    expect(await emu.stripe.customers.del(id)).toMatchObject({ id, object: 'customer', deleted: true });
    const again = await emu.stripe.customers.del(id).then(() => null, (err: unknown) => err as { statusCode?: number; code?: string });
    expect(again).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    expect(await emu.stripe.customers.retrieve(id)).toMatchObject({ id, deleted: true });
    const stats = await emu.admin.stats();
    expect(stats).toMatchObject({ customers: 1, deleted_customers: 1 });
  });
});
