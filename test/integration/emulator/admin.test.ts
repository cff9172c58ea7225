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
