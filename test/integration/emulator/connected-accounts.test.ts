import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeFailure as failure, type TestEmulator } from '../../helpers/emulator.ts';

const running: TestEmulator[] = [];
async function emulator(): Promise<TestEmulator> {
  const emu = await startTestEmulator();
  running.push(emu);
  return emu;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

const ACCT = 'acct_1ConnectedA';

describe('Stripe-Account scopes customers', () => {
  it('keeps a connected account\'s customers invisible to the platform, and the reverse', async () => {
    const emu = await emulator();
    await emu.admin.registerAccount(ACCT);
    const onAccount = await emu.stripe.customers.create({ email: 'same@x.io' }, { stripeAccount: ACCT });
    const onPlatform = await emu.stripe.customers.create({ email: 'same@x.io' });
    expect(onAccount.lastResponse.headers['stripe-account']).toBe(ACCT);

    expect((await emu.stripe.customers.list({ email: 'same@x.io' })).data.map((c) => c.id)).toEqual([onPlatform.id]);
    const listed = await emu.stripe.customers.list({ email: 'same@x.io' }, { stripeAccount: ACCT });
    expect(listed.data.map((c) => c.id)).toEqual([onAccount.id]);
    const searched = await emu.stripe.customers.search({ query: "email:'same@x.io'" }, { stripeAccount: ACCT });
    expect(searched.data.map((c) => c.id)).toEqual([onAccount.id]);

    const missing = await failure(emu.stripe.customers.retrieve(onAccount.id));
    expect(missing.statusCode).toBe(404);
    expect(await failure(emu.stripe.customers.update(onPlatform.id, { name: 'x' }, { stripeAccount: ACCT }))).toHaveProperty('statusCode', 404);
    expect(await failure(emu.stripe.customers.del(onPlatform.id, {}, { stripeAccount: ACCT }))).toHaveProperty('statusCode', 404);
    expect((await emu.stripe.customers.update(onAccount.id, { name: 'Acct' }, { stripeAccount: ACCT })).name).toBe('Acct');

    const stats = await emu.admin.stats();
    expect(stats.customers).toBe(1);
    expect(stats.connected_accounts).toEqual({ [ACCT]: { customers: 1, duplicate_emails: [] } });
    expect((await emu.admin.customers()).map((c) => c.id)).toEqual([onPlatform.id]);
    expect((await emu.admin.customers(ACCT)).map((c) => c.id)).toEqual([onAccount.id]);
  });

  it('keeps idempotency keys per account: one key makes one customer on each side', async () => {
    const emu = await emulator();
    await emu.admin.registerAccount(ACCT);
    const platform = await emu.stripe.customers.create({ email: 'k@x.io' }, { idempotencyKey: 'imp_1:1' });
    const account = await emu.stripe.customers.create({ email: 'k@x.io' }, { idempotencyKey: 'imp_1:1', stripeAccount: ACCT });
    expect(account.id).not.toBe(platform.id);
    expect(account.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    const replay = await emu.stripe.customers.create({ email: 'k@x.io' }, { idempotencyKey: 'imp_1:1', stripeAccount: ACCT });
    expect(replay.id).toBe(account.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('answers an unknown or malformed account as Stripe does: 403 account_invalid, key masked, nothing written', async () => {
    const emu = await emulator();
    for (const account of ['acct_1Unknown', 'acct_bad-id', 'cus_123']) {
      const err = await failure(emu.stripe.customers.create({ email: 'u@x.io' }, { stripeAccount: account }));
      expect(err).toBeInstanceOf(Stripe.errors.StripePermissionError);
      expect(err.statusCode).toBe(403);
      expect(err.code).toBe('account_invalid');
      expect(err.message).toContain(`does not have access to account '${account}'`);
      expect(err.message).not.toContain(emu.key);
    }
    const stats = await emu.admin.stats();
    expect(stats.customers).toBe(0);
    expect(stats.connected_accounts).toEqual({});
  });

  it('seeds a connected account through the admin route, and reset forgets it', async () => {
    const emu = await emulator();
    const seeded = await emu.admin.seed({ count: 3, template: { email: 'seed{i}@x.io' }, account: ACCT });
    expect(seeded.count).toBe(3);
    expect((await emu.stripe.customers.list({ limit: 10 }, { stripeAccount: ACCT })).data).toHaveLength(3);
    expect((await emu.stripe.customers.list({ limit: 10 })).data).toHaveLength(0);
    const bad = await fetch(`${emu.url}/__emulator/connected-accounts`, { method: 'POST', body: JSON.stringify({ id: 'acct-x' }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('account must look like acct_');
    await emu.admin.reset();
    expect((await failure(emu.stripe.customers.list({}, { stripeAccount: ACCT }))).statusCode).toBe(403);
    // Reading an unknown account's customers is a 404 and does not make the account known.
    expect((await fetch(`${emu.url}/__emulator/customers?account=${ACCT}`)).status).toBe(404);
    expect((await failure(emu.stripe.customers.list({}, { stripeAccount: ACCT }))).statusCode).toBe(403);
  });
});
