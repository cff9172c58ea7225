import Stripe from 'stripe';
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

const ids = (r: Stripe.ApiSearchResult<Stripe.Customer>): string[] => r.data.map((c) => c.id);

describe('search', () => {
  it('finds by email, name, substring, metadata and created, with AND and OR', async () => {
    const [jane, john, bob] = (
      await emu.admin.seed([
        { email: 'jane@acme.io', name: 'Jane Roe', metadata: { plan: 'pro' }, created: 1_700_000_100 },
        { email: 'john@acme.io', name: 'John Doe', metadata: { plan: 'free' }, created: 1_700_000_200 },
        { email: 'bob@other.io', name: 'Bob', metadata: { plan: 'pro' }, created: 1_700_000_300 },
      ])
    ).ids;
    const search = (query: string): Promise<Stripe.ApiSearchResult<Stripe.Customer>> => emu.stripe.customers.search({ query });
    expect(ids(await search("email:'jane@acme.io'"))).toEqual([jane]);
    expect(ids(await search("name~'doe'"))).toEqual([john]);
    expect(ids(await search("email~'acme.io'"))).toEqual([john, jane]);
    expect(ids(await search("metadata['plan']:'pro'"))).toEqual([bob, jane]);
    expect(ids(await search("metadata['plan']:'pro' AND email~'acme'"))).toEqual([jane]);
    expect(ids(await search("name:'Bob' OR email:'jane@acme.io'"))).toEqual([bob, jane]);
    expect(ids(await search('created>1700000100'))).toEqual([bob, john]);
    expect(ids(await search('created>=1700000100 AND created<1700000300'))).toEqual([john, jane]);
    expect(ids(await search('created<=1700000100'))).toEqual([jane]);
    expect(ids(await search('created:1700000200'))).toEqual([john]);
  });

  it('pages with next_page and counts with expand total_count', async () => {
    await emu.admin.seed({ count: 25, template: { email: 'p{i}@page.io', metadata: { batch: 'b1' } } });
    const first = await emu.stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 10, expand: ['total_count'] });
    expect(first).toMatchObject({ object: 'search_result', has_more: true, url: '/v1/customers/search', total_count: 25 });
    expect(first.next_page).toEqual(expect.any(String));
    const all = await emu.stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 10 }).autoPagingToArray({ limit: 100 });
    expect(new Set(all.map((c) => c.id)).size).toBe(25);
    const last = await emu.stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 10, page: first.next_page as string });
    expect(ids(last)).not.toContain(first.data[0]?.id);
  });

  it('rejects mixed AND/OR, unknown fields and a missing query with param query', async () => {
    for (const query of ["name:'a' AND name:'b' OR name:'c'", "currency:'usd'"]) {
      await expect(emu.stripe.customers.search({ query })).rejects.toMatchObject({ statusCode: 400, param: 'query' });
    }
    const res = await fetch(`${emu.url}/v1/customers/search`, { headers: { Authorization: `Bearer ${emu.key}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('parameter_missing');
  });

  it('leaves deleted customers out', async () => {
    const c = await emu.stripe.customers.create({ email: 'del@x.io' });
    await emu.stripe.customers.del(c.id);
    expect((await emu.stripe.customers.search({ query: "email:'del@x.io'" })).data).toHaveLength(0);
  });
});

describe('search indexing lag', () => {
  it('shows a new customer only after the lag', async () => {
    const lagged = await startTestEmulator({ searchLagMs: 300 });
    try {
      const c = await lagged.stripe.customers.create({ email: 'lag@x.io' });
      const query = { query: "email:'lag@x.io'" };
      expect((await lagged.stripe.customers.search(query)).data).toHaveLength(0);
      // The list endpoint is consistent at once, as Stripe's.
      expect((await lagged.stripe.customers.list({ email: 'lag@x.io' })).data).toHaveLength(1);
      let found: string[] = [];
      for (let attempt = 0; attempt < 40 && found.length === 0; attempt += 1) {
        await new Promise((r) => setTimeout(r, 50));
        found = ids(await lagged.stripe.customers.search(query));
      }
      expect(found).toEqual([c.id]);
    } finally {
      await lagged.close();
    }
  });
});
