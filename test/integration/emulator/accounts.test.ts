import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeFailure as failure, type TestEmulator } from '../../helpers/emulator.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

describe('/v1/accounts', () => {
  it('creates an account shaped as Stripe.Account and retrieves it', async () => {
    await emu.admin.reset();
    const created = await emu.stripe.accounts.create({
      type: 'custom',
      country: 'FR',
      email: 'shop@x.io',
      business_type: 'company',
      business_profile: { name: 'Shop', url: 'https://shop.example', mcc: '5734' },
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
      metadata: { crm: '42' },
    });
    expect(created.id).toMatch(/^acct_[A-Za-z0-9]{16}$/);
    expect(created).toMatchObject({
      object: 'account',
      type: 'custom',
      controller: { type: 'application' },
      email: 'shop@x.io',
      country: 'FR',
      default_currency: 'eur',
      business_type: 'company',
      business_profile: { name: 'Shop', url: 'https://shop.example', mcc: '5734' },
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      capabilities: { card_payments: 'inactive', transfers: 'inactive' },
      metadata: { crm: '42' },
    });
    expect(created.requirements?.currently_due?.length).toBeGreaterThan(0);
    expect(await emu.stripe.accounts.retrieve(created.id)).toEqual(created);
    const missing = await failure(emu.stripe.accounts.retrieve('acct_nope'));
    expect(missing.statusCode).toBe(404);
    expect(missing.message).toContain("No such account: 'acct_nope'");
    const bad = await failure(emu.stripe.accounts.create({ capabilities: { no_such: { requested: true } } } as never));
    expect(bad.statusCode).toBe(400);
    expect(bad.message).toContain('no_such');
  });

  it('lists newest first with created bounds and both cursors, a burst in one second neither lost nor repeated', async () => {
    await emu.admin.reset();
    const t = 1_750_000_000;
    await emu.admin.seedAccounts({ count: 250, template: { email: 'b{i}@x.io', created: t } });
    await emu.admin.seedAccounts({ count: 50, template: { email: 's{i}@x.io', created: t - 1000 }, createdStep: 10 });
    const expected = (await emu.admin.accounts()).map((a) => a.id);
    expect(new Set(expected).size).toBe(300);
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const res = await emu.stripe.accounts.list({ limit: 100, ...(after === undefined ? {} : { starting_after: after }) });
      seen.push(...res.data.map((a) => a.id));
      if (!res.has_more) break;
      after = res.data.at(-1)?.id;
    }
    expect(seen).toEqual(expected);
    const burst = await emu.stripe.accounts.list({ limit: 100, created: { gte: t, lte: t } });
    expect(burst.data.every((a) => a.created === t)).toBe(true);
    expect(burst.has_more).toBe(true);
    const older = await emu.stripe.accounts.list({ limit: 100, created: { lt: t } });
    expect(older.data).toHaveLength(50);
    const back = await emu.stripe.accounts.list({ limit: 5, ending_before: expected[10] as string });
    expect(back.data.map((a) => a.id)).toEqual(expected.slice(5, 10));
    const cursor = await failure(emu.stripe.accounts.list({ starting_after: 'acct_gone' }));
    expect(cursor.statusCode).toBe(400);
    expect(cursor.param).toBe('starting_after');
  });

  it('counts account reads in the stats and the read rate limit, and never lists customers as accounts', async () => {
    await emu.admin.reset();
    await emu.admin.seed({ count: 3, template: { email: 'c{i}@x.io' } });
    await emu.admin.seedAccounts({ count: 2 });
    await emu.admin.resetStats();
    const accounts = await emu.stripe.accounts.list({ limit: 100 });
    const customers = await emu.stripe.customers.list({ limit: 100 });
    expect(accounts.data.map((a) => a.id).every((id) => id.startsWith('acct_'))).toBe(true);
    expect(customers.data.map((c) => c.id).every((id) => id.startsWith('cus_'))).toBe(true);
    const stats = await emu.admin.stats();
    expect(stats.accounts).toBe(2);
    expect(stats.customers).toBe(3);
    expect(stats.requests['read:200']).toBe(2);
  });
});

describe('account reads share the read rate limit', () => {
  let limited: TestEmulator;
  beforeAll(async () => {
    limited = await startTestEmulator({ readLimit: 2 });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 once reads of accounts and customers exceed the read budget in one second', async () => {
    const answers = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? limited.stripe.accounts.list() : limited.stripe.customers.list())));
    const refused = answers.filter((a) => a.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect((await limited.admin.stats()).rate_limited).toBe(refused.length);
  });
});
