import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeFailure as failure, type TestEmulator } from '../../helpers/emulator.ts';

/** Parameters from Stripe's official OpenAPI description (/work/shared/stripe-openapi) the emulator must know. */
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

/** Update params the SDK's types no longer list (deprecated in Stripe's spec, still accepted by the API). */
const legacy = (params: Record<string, unknown>): Stripe.CustomerUpdateParams => params;

describe('legacy source parameters on update', () => {
  it.each([
    ['default_card', 'card_missing', 'source'],
    ['default_bank_account', 'ba_missing', 'source'],
    ['default_alipay_account', 'aliacc_missing', 'source'],
    ['card', 'tok_missing', 'token'],
    ['bank_account', 'btok_missing', 'token'],
  ])('knows %s: an id it does not hold (%s) is "No such %s"', async (param, id, what) => {
    const c = await emu.stripe.customers.create({ name: 'Before' });
    const err = await failure(emu.stripe.customers.update(c.id, legacy({ [param]: id, name: 'After' })));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('resource_missing');
    expect(err.param).toBe(param);
    expect(err.message).toBe(`No such ${what}: '${id}'`);
    expect((await emu.stripe.customers.retrieve(c.id)) as Stripe.Customer).toMatchObject({ name: 'Before' });
  });

  it('validates card and bank account details by the spec, then refuses them (the emulator holds no sources)', async () => {
    const c = await emu.stripe.customers.create({});
    const card = await failure(
      emu.stripe.customers.update(c.id, legacy({ card: { number: '4242424242424242', exp_month: '12', exp_year: '2040' } })),
    );
    expect(card.statusCode).toBe(400);
    expect(card.param).toBe('card');
    const bad = await failure(emu.stripe.customers.update(c.id, legacy({ card: { number: '4242', exp_month: 'soon', exp_year: '2040' } })));
    expect(bad.param).toBe('card[exp_month]');
    const missing = await failure(emu.stripe.customers.update(c.id, legacy({ bank_account: { country: 'US' } })));
    expect(missing.code).toBe('parameter_missing');
    expect(missing.param).toBe('bank_account[account_number]');
    const bank = await failure(
      emu.stripe.customers.update(c.id, legacy({ bank_account: { account_number: '000123456789', country: 'US' } })),
    );
    expect(bank.statusCode).toBe(400);
    expect(bank.param).toBe('bank_account');
  });

  it('still refuses a parameter Stripe does not have', async () => {
    const c = await emu.stripe.customers.create({});
    const err = await failure(emu.stripe.customers.update(c.id, legacy({ default_pigeon: 'x' })));
    expect(err.code).toBe('parameter_unknown');
    expect(err.param).toBe('default_pigeon');
  });
});

describe('tax_id_data on create', () => {
  it("refuses a type outside Stripe's enum, naming the parameter, and creates nothing", async () => {
    const err = await failure(
      emu.stripe.customers.create({
        email: 't@x.io',
        tax_id_data: [
          { type: 'eu_vat', value: 'DE123456789' },
          { type: 'xx_made_up', value: '1' },
        ],
      }),
    );
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(400);
    expect(err.param).toBe('tax_id_data[1][type]');
    expect(err.message).toContain('xx_made_up');
    expect((await emu.admin.stats()).customers).toBe(0);
  });

  it('accepts the types of the spec', async () => {
    const c = await emu.stripe.customers.create({
      tax_id_data: [
        { type: 'eu_vat', value: 'DE123456789' },
        { type: 'us_ein', value: '12-3456789' },
        { type: 'zw_tin', value: '1' },
      ],
    });
    expect(c.id).toMatch(/^cus_/);
  });
});

describe('GET /v1/customers?test_clock=', () => {
  it('answers "No such test clock" (the emulator has none) instead of listing every customer', async () => {
    await emu.stripe.customers.create({ email: 'a@x.io' });
    const err = await failure(emu.stripe.customers.list({ test_clock: 'clock_x' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('resource_missing');
    expect(err.param).toBe('test_clock');
    expect(err.message).toBe("No such test clock: 'clock_x'");
  });
});
