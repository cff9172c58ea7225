import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeFailure as failure, type TestEmulator } from '../../helpers/emulator.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

describe('/v1/events (customer events)', () => {
  it('records created, updated (with previous_attributes) and deleted, newest first, filtered by types[]', async () => {
    await emu.admin.reset();
    const c = await emu.stripe.customers.create({ email: 'Ann@Example.com', name: 'Ann' });
    await emu.stripe.customers.update(c.id, { name: 'Ann' }); // nothing changes: no event
    await emu.stripe.customers.update(c.id, { email: 'ann@example.com' });
    await emu.stripe.customers.del(c.id);

    const all = await emu.stripe.events.list({ limit: 10 });
    expect(all.data.map((e) => e.type)).toEqual(['customer.deleted', 'customer.updated', 'customer.created']);
    expect(all.has_more).toBe(false);
    const [deleted, updated, created] = all.data;
    expect(created?.data.object).toMatchObject({ id: c.id, object: 'customer', email: 'Ann@Example.com' });
    expect(updated?.data.object).toMatchObject({ id: c.id, email: 'ann@example.com' });
    expect(updated?.data.previous_attributes).toEqual({ email: 'Ann@Example.com' });
    expect(deleted?.data.object).toMatchObject({ id: c.id, email: 'ann@example.com' });
    expect(deleted?.id).toMatch(/^evt_[A-Za-z0-9]{24}$/);

    const changes = await emu.stripe.events.list({ types: ['customer.deleted', 'customer.updated'] });
    expect(changes.data.map((e) => e.type)).toEqual(['customer.deleted', 'customer.updated']);
    const one = await emu.stripe.events.list({ type: 'customer.created' });
    expect(one.data.map((e) => e.id)).toEqual([created?.id]);
    expect((await emu.stripe.events.retrieve(deleted?.id ?? '')).type).toBe('customer.deleted');
  });

  it('pages with starting_after and ending_before, bounds by created, and refuses what Stripe refuses', async () => {
    await emu.admin.reset();
    for (let i = 0; i < 5; i++) await emu.stripe.customers.create({ email: `p${i}@x.io` });
    const first = await emu.stripe.events.list({ limit: 2 });
    expect(first.has_more).toBe(true);
    const second = await emu.stripe.events.list({ limit: 2, starting_after: first.data[1]?.id ?? '' });
    const third = await emu.stripe.events.list({ limit: 2, starting_after: second.data[1]?.id ?? '' });
    const emails = [...first.data, ...second.data, ...third.data].map((e) => (e.data.object as { email: string }).email);
    expect(emails).toEqual(['p4@x.io', 'p3@x.io', 'p2@x.io', 'p1@x.io', 'p0@x.io']);
    expect(third.has_more).toBe(false);
    const back = await emu.stripe.events.list({ limit: 2, ending_before: third.data[0]?.id ?? '' });
    expect(back.data.map((e) => e.id)).toEqual(second.data.map((e) => e.id));

    const now = Math.floor(Date.now() / 1000);
    expect((await emu.stripe.events.list({ created: { gt: now + 60 } })).data).toEqual([]);
    expect((await emu.stripe.events.list({ created: { gte: now - 60 }, limit: 100 })).data).toHaveLength(5);

    expect(await failure(emu.stripe.events.list({ type: 'customer.created', types: ['customer.deleted'] }))).toMatchObject({ statusCode: 400, param: 'types' });
    expect(await failure(emu.stripe.events.list({ starting_after: 'evt_nope' }))).toMatchObject({ statusCode: 400, param: 'starting_after' });
    expect(await failure(emu.stripe.events.retrieve('evt_nope'))).toMatchObject({ statusCode: 404 });
  });

  it('keeps a connected account’s events apart from the platform’s', async () => {
    await emu.admin.reset();
    const account = await emu.stripe.accounts.create({ type: 'custom', country: 'FR', email: 'shop@x.io', capabilities: { transfers: { requested: true } } });
    await emu.stripe.customers.create({ email: 'theirs@x.io' }, { stripeAccount: account.id });
    await emu.stripe.customers.create({ email: 'ours@x.io' });
    const ours = await emu.stripe.events.list();
    const theirs = await emu.stripe.events.list({}, { stripeAccount: account.id });
    expect(ours.data.map((e) => (e.data.object as { email: string }).email)).toEqual(['ours@x.io']);
    expect(theirs.data.map((e) => (e.data.object as { email: string }).email)).toEqual(['theirs@x.io']);
  });
});
