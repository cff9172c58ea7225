import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeFailure as failure, type TestEmulator } from '../../helpers/emulator.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

describe('paging 250 customers', () => {
  let expected: string[];
  beforeAll(async () => {
    await emu.admin.reset();
    // Dense and sparse: 200 customers sharing 10 seconds (ties broken by creation order), 50 one hour apart.
    const dense = Array.from({ length: 200 }, (_, i) => ({ email: `d${i}@x.io`, created: 1_700_000_000 + Math.floor(i / 20) }));
    const sparse = Array.from({ length: 50 }, (_, i) => ({ email: `s${i}@x.io`, created: 1_600_000_000 + i * 3600 }));
    // Seeded out of order on purpose: the store must not assume append order.
    const { ids } = await emu.admin.seed([...sparse.slice(25), ...dense, ...sparse.slice(0, 25)]);
    const byId = new Map<string, number>(ids.map((id, i) => [id, i]));
    const all = await emu.admin.customers();
    expected = all.map((c) => c.id);
    expect(expected).toHaveLength(250);
    expect(byId.size).toBe(250);
  });

  it('walks forward with starting_after, newest first, no gap or repeat', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const res = await emu.stripe.customers.list({ limit: 100, ...(after ? { starting_after: after } : {}) });
      seen.push(...res.data.map((c) => c.id));
      if (!res.has_more) break;
      after = res.data[res.data.length - 1]?.id;
    }
    expect(seen).toEqual(expected);
    const created = (await emu.admin.customers()).map((c) => c.created);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it('walks backward with ending_before from the oldest', async () => {
    const oldest = expected[expected.length - 1] as string;
    const pages: string[][] = [];
    let before = oldest;
    for (let page = 0; page < 10; page += 1) {
      const res = await emu.stripe.customers.list({ limit: 100, ending_before: before });
      pages.push(res.data.map((c) => c.id));
      if (!res.has_more) break;
      before = res.data[0]?.id as string;
    }
    expect(pages.map((p) => p.length)).toEqual([100, 100, 49]);
    // Each page is newest first; the pages come oldest page first.
    expect(pages.reverse().flat()).toEqual(expected.slice(0, 249));
  });

  it('auto-paginates in both directions', async () => {
    const forward = await emu.stripe.customers.list({ limit: 7 }).autoPagingToArray({ limit: 1000 });
    expect(forward.map((c) => c.id)).toEqual(expected);
    const backward = await emu.stripe.customers
      .list({ limit: 13, ending_before: expected[expected.length - 1] as string })
      .autoPagingToArray({ limit: 1000 });
    expect(backward.map((c) => c.id)).toEqual(expected.slice(0, 249).reverse());
  });

  it('defaults to 10 and rejects limit 0 and 101', async () => {
    expect((await emu.stripe.customers.list()).data).toHaveLength(10);
    for (const limit of [0, 101]) {
      const err = await failure(emu.stripe.customers.list({ limit }));
      expect(err.statusCode).toBe(400);
      expect(err.param).toBe('limit');
    }
  });

  it('400s a cursor that does not exist', async () => {
    const err = await failure(emu.stripe.customers.list({ starting_after: 'cus_nope' }));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('resource_missing');
    expect(err.param).toBe('starting_after');
  });

  it('filters on created: eq, gt, gte, lt, lte', async () => {
    const base = 1_700_000_000;
    const count = async (created: Stripe.RangeQueryParam | number): Promise<number> =>
      (await emu.stripe.customers.list({ created, limit: 100 }).autoPagingToArray({ limit: 1000 })).length;
    expect(await count(base)).toBe(20);
    expect(await count({ gt: base })).toBe(180);
    expect(await count({ gte: base })).toBe(200);
    expect(await count({ lt: base })).toBe(50);
    expect(await count({ lte: base + 1 })).toBe(90);
    expect(await count({ gte: base + 2, lt: base + 4 })).toBe(40);
    expect(await count({ gt: 1_600_000_000, lte: 1_600_000_000 + 3600 * 2 })).toBe(2);
  });

  it('combines a created range with a cursor', async () => {
    const base = 1_700_000_000;
    const first = await emu.stripe.customers.list({ created: { gte: base, lte: base + 1 }, limit: 30 });
    const second = await emu.stripe.customers.list({
      created: { gte: base, lte: base + 1 },
      limit: 30,
      starting_after: first.data[29]?.id as string,
    });
    expect(first.has_more).toBe(true);
    expect(second.data).toHaveLength(10);
    expect(second.has_more).toBe(false);
  });
});

describe('email filter', () => {
  it('is exact and case-sensitive, and allows duplicates', async () => {
    await emu.admin.reset();
    const a = await emu.stripe.customers.create({ email: 'Jane@Example.com' });
    const b = await emu.stripe.customers.create({ email: 'jane@example.com' });
    const c = await emu.stripe.customers.create({ email: 'jane@example.com' });
    const lower = await emu.stripe.customers.list({ email: 'jane@example.com' });
    expect(lower.data.map((x) => x.id)).toEqual([c.id, b.id]);
    expect((await emu.stripe.customers.list({ email: 'Jane@Example.com' })).data.map((x) => x.id)).toEqual([a.id]);
    expect((await emu.stripe.customers.list({ email: 'jane@example' })).data).toHaveLength(0);
  });

  it('follows an email change', async () => {
    await emu.admin.reset();
    const c = await emu.stripe.customers.create({ email: 'old@x.io' });
    await emu.stripe.customers.update(c.id, { email: 'new@x.io' });
    expect((await emu.stripe.customers.list({ email: 'old@x.io' })).data).toHaveLength(0);
    expect((await emu.stripe.customers.list({ email: 'new@x.io' })).data.map((x) => x.id)).toEqual([c.id]);
  });
});

describe('scale', () => {
  it('seeds 200,000 customers and answers email look-ups and deep cursors', async () => {
    await emu.admin.reset();
    const seeded = await emu.admin.seed({
      count: 200_000,
      template: { email: 'user{i}@scale.test', name: 'User {i}', created: 1_500_000_000 },
      createdStep: 7,
    });
    expect(seeded.count).toBe(200_000);
    const hit = await emu.stripe.customers.list({ email: 'user123456@scale.test' });
    expect(hit.data.map((c) => c.name)).toEqual(['User 123456']);
    expect(hit.data[0]?.created).toBe(1_500_000_000 + 123456 * 7);
    // A cursor deep in the list: the customers just older than user 100000 are 99999, 99998, ...
    const cursor = (await emu.stripe.customers.list({ email: 'user100000@scale.test' })).data[0]?.id as string;
    const deep = await emu.stripe.customers.list({ starting_after: cursor, limit: 3 });
    expect(deep.data.map((c) => c.email)).toEqual(['user99999@scale.test', 'user99998@scale.test', 'user99997@scale.test']);
    expect(deep.has_more).toBe(true);
    const newer = await emu.stripe.customers.list({ ending_before: cursor, limit: 2 });
    expect(newer.data.map((c) => c.email)).toEqual(['user100002@scale.test', 'user100001@scale.test']);
    const range = await emu.stripe.customers.list({ created: { gte: 1_500_000_000, lt: 1_500_000_000 + 7 * 5 }, limit: 100 });
    expect(range.data.map((c) => c.email)).toEqual([4, 3, 2, 1, 0].map((i) => `user${i}@scale.test`));
    expect((await emu.admin.stats()).customers).toBe(200_000);
    await emu.admin.reset();
  });
});
