import { describe, expect, it } from 'vitest';
import { rateLimitKeys } from '../../../src/redis-keys.ts';
import { startTestEmulator } from '../../helpers/emulator.ts';
import { createTestServices } from '../../helpers/services.ts';
import { closeAfterEach } from '../../helpers/teardown.ts';

const ACCT = 'acct_1GatewayA';
const OWN = 'acct_1GatewayOwn';

describe('the gateway of a connected account', () => {
  const closing = closeAfterEach();

  async function setUp(env: Record<string, string> = {}) {
    const emu = closing(await startTestEmulator());
    await emu.admin.registerAccount(ACCT);
    await emu.admin.registerAccount(OWN);
    const services = closing(createTestServices({ emulatorUrl: emu.url, env: { STRIPE_ACCOUNT_NAME: 'plat', ...env } }));
    return { emu, services };
  }

  it('sends Stripe-Account on every call: creates, reads, updates and searches stay in that account', async () => {
    const { emu, services } = await setUp();
    const gw = services.gatewayFor(ACCT);
    expect(services.gatewayFor(ACCT)).toBe(gw);
    expect(services.gatewayFor(undefined)).toBe(services.gateway);
    const { customer } = await gw.create({ email: 'c@x.io' }, 'imp_conn:1');
    await gw.update(customer.id, { name: 'On account' }, 'imp_conn:1:update');
    expect((await gw.listByEmail('c@x.io')).map((c) => c.id)).toEqual([customer.id]);
    expect(await gw.retrieve(customer.id)).toMatchObject({ id: customer.id, name: 'On account' });
    expect((await gw.listPage({ limit: 10 })).data).toHaveLength(1);
    expect((await gw.searchPage("email:'c@x.io'", undefined)).data).toHaveLength(1);
    // The platform sees none of it.
    expect(await services.gateway.listByEmail('c@x.io')).toEqual([]);
    expect(await services.gateway.retrieve(customer.id)).toBeNull();
    const stats = await emu.admin.stats();
    expect(stats.customers).toBe(0);
    expect(stats.connected_accounts[ACCT]?.customers).toBe(1);
  });

  it('shares the platform\'s limiter keys by default; an account in STRIPE_CONNECTED_ACCOUNT_BUDGETS gets its own', async () => {
    const { services } = await setUp({ STRIPE_CONNECTED_ACCOUNT_BUDGETS: `${OWN}:7/9` });
    const platformKeys = rateLimitKeys(services.prefix, 'plat');
    const ownKeys = rateLimitKeys(services.prefix, 'plat', OWN);
    const shared = rateLimitKeys(services.prefix, 'plat', ACCT);
    for (let i = 0; i < 3; i++) await services.gatewayFor(ACCT).create({ email: `s${i}@x.io` }, `imp_shared:${i}`);
    expect(await services.redis.zcard(platformKeys.classLog('write'))).toBe(3);
    expect(await services.redis.exists(shared.classLog('write'))).toBe(0);

    for (let i = 0; i < 4; i++) await services.gatewayFor(OWN).create({ email: `o${i}@x.io` }, `imp_own:${i}`);
    expect(await services.redis.zcard(ownKeys.classLog('write'))).toBe(4);
    expect(await services.redis.zcard(platformKeys.classLog('write'))).toBe(3);
    expect(services.gatewayFor(OWN).learnedBudgets()).toMatchObject({ read: 7, write: 9 });
  });
});
