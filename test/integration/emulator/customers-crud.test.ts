import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeFailure as failure, type TestEmulator } from '../../helpers/emulator.ts';

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

describe('create and retrieve', () => {
  it('answers with every field of the customer schema', async () => {
    const c = await emu.stripe.customers.create({
      email: 'jane@example.com',
      name: 'Jane',
      phone: '+33100000000',
      description: 'VIP',
      metadata: { legacy_id: '42' },
      address: { city: 'Paris', country: 'FR' },
      shipping: { name: 'Jane', address: { line1: '1 Rue' } },
      preferred_locales: ['fr', 'en'],
      tax_exempt: 'exempt',
    });
    expect(c.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(c).toMatchObject({
      object: 'customer',
      address: { city: 'Paris', country: 'FR', line1: null, line2: null, postal_code: null, state: null },
      balance: 0,
      currency: null,
      default_source: null,
      delinquent: false,
      description: 'VIP',
      discount: null,
      email: 'jane@example.com',
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: { legacy_id: '42' },
      name: 'Jane',
      next_invoice_sequence: 1,
      phone: '+33100000000',
      preferred_locales: ['fr', 'en'],
      shipping: { name: 'Jane', phone: null, address: { line1: '1 Rue', city: null } },
      tax_exempt: 'exempt',
      test_clock: null,
    });
    expect(c.invoice_prefix).toMatch(/^[A-Z0-9]{8}$/);
    expect(Math.abs(c.created - Date.now() / 1000)).toBeLessThan(5);
    expect(await emu.stripe.customers.retrieve(c.id)).toEqual(c);
  });

  it('defaults an empty customer as Stripe does', async () => {
    const c = await emu.stripe.customers.create();
    expect(c).toMatchObject({ email: null, name: null, phone: null, address: null, shipping: null, metadata: {}, tax_exempt: 'none' });
  });

  it('marks customers made with a live key as livemode', async () => {
    const c = await emu.client({ key: 'sk_live_emulator' }).customers.create({ name: 'L' });
    expect(c.livemode).toBe(true);
  });

  it('404s an unknown id with resource_missing', async () => {
    const err = await failure(emu.stripe.customers.retrieve('cus_doesnotexist'));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('resource_missing');
    expect(err.param).toBe('id');
    expect(err.message).toBe("No such customer: 'cus_doesnotexist'");
  });
});

describe('validation', () => {
  const cases: [string, Record<string, unknown>, string, string | undefined][] = [
    ['an unknown parameter', { foo: 'x' }, 'foo', 'parameter_unknown'],
    ['an unknown nested parameter', { address: { foo: 'x' } }, 'address[foo]', 'parameter_unknown'],
    ['currency on create', { currency: 'usd' }, 'currency', 'parameter_unknown'],
    ['a name over 256 characters', { name: 'n'.repeat(257) }, 'name', 'parameter_invalid_string_length'],
    ['an email over 512 characters', { email: `${'e'.repeat(510)}@x.io` }, 'email', 'parameter_invalid_string_length'],
    ['a phone over 20 characters', { phone: '1'.repeat(21) }, 'phone', 'parameter_invalid_string_length'],
    ['a metadata key over 40 characters', { metadata: { ['k'.repeat(41)]: 'v' } }, `metadata[${'k'.repeat(41)}]`, undefined],
    ['a metadata value over 500 characters', { metadata: { k: 'v'.repeat(501) } }, 'metadata[k]', undefined],
    ['51 metadata keys', { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata', undefined],
    ['a bad tax_exempt', { tax_exempt: 'sometimes' }, 'tax_exempt', undefined],
    ['a non-integer balance', { balance: '12.5' }, 'balance', 'parameter_invalid_integer'],
    ['shipping without a name', { shipping: { address: { line1: 'x' } } }, 'shipping[name]', 'parameter_missing'],
    ['a payment method the emulator does not hold', { payment_method: 'pm_123' }, 'payment_method', 'resource_missing'],
  ];

  it.each(cases)('rejects %s with param and code', async (_label, params, param, code) => {
    const err = await failure(emu.stripe.customers.create(params));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(400);
    expect(err.type).toBe('StripeInvalidRequestError');
    expect(err.raw).toMatchObject({ type: 'invalid_request_error', param });
    expect(err.code).toBe(code);
    expect((await emu.admin.stats()).customers).toBe(0);
  });

  it('words an unknown parameter as Stripe', async () => {
    const err = await failure(emu.stripe.customers.create({ foo: 'x' } as Stripe.CustomerCreateParams));
    expect(err.message).toBe('Received unknown parameter: foo');
  });

  it('treats __proto__ as an unknown parameter and keeps it as a plain metadata key', async () => {
    const post = (body: string): Promise<Response> =>
      fetch(`${emu.url}/v1/customers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${emu.key}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
    const bad = await post('__proto__[polluted]=yes');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('__proto__');
    const ok = await post('metadata[__proto__]=x&metadata[constructor]=y');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { metadata: Record<string, string> };
    expect(Object.keys(body.metadata).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts the limits exactly', async () => {
    const c = await emu.stripe.customers.create({
      name: 'n'.repeat(256),
      phone: '1'.repeat(20),
      metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${'k'.repeat(38)}${i}`.slice(-40), 'v'.repeat(500)])),
    });
    expect(Object.keys(c.metadata)).toHaveLength(50);
  });
});

describe('update and delete', () => {
  it('merges metadata, deletes one key with "", clears all with metadata=""', async () => {
    const c = await emu.stripe.customers.create({ metadata: { a: '1', b: '2' } });
    const merged = await emu.stripe.customers.update(c.id, { metadata: { b: '', c: '3' } });
    expect(merged.metadata).toEqual({ a: '1', c: '3' });
    const cleared = await emu.stripe.customers.update(c.id, { metadata: '' });
    expect(cleared.metadata).toEqual({});
  });

  it('unsets address, shipping and email with ""', async () => {
    const c = await emu.stripe.customers.create({
      email: 'x@y.z',
      address: { city: 'Lyon' },
      shipping: { name: 'S', address: { city: 'Lyon' } },
    });
    const u = await emu.stripe.customers.update(c.id, { address: '', shipping: '', email: '' });
    expect(u).toMatchObject({ address: null, shipping: null, email: null });
    expect((await emu.stripe.customers.list({ email: 'x@y.z' })).data).toHaveLength(0);
  });

  it('rejects 51 metadata keys after a merge', async () => {
    const c = await emu.stripe.customers.create({ metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) });
    const err = await failure(emu.stripe.customers.update(c.id, { metadata: { extra: 'v' } }));
    expect(err.param).toBe('metadata');
  });

  it('deletes: retrieve answers deleted:true, lists skip it, update and delete again are "No such customer"', async () => {
    const c = await emu.stripe.customers.create({ email: 'gone@x.io' });
    expect(await emu.stripe.customers.del(c.id)).toEqual({ id: c.id, object: 'customer', deleted: true });
    expect(await emu.stripe.customers.retrieve(c.id)).toEqual({ id: c.id, object: 'customer', deleted: true });
    expect((await emu.stripe.customers.list()).data).toHaveLength(0);
    expect((await emu.stripe.customers.list({ email: 'gone@x.io' })).data).toHaveLength(0);
    expect((await failure(emu.stripe.customers.update(c.id, { name: 'x' }))).statusCode).toBe(404);
    expect((await failure(emu.stripe.customers.del(c.id))).code).toBe('resource_missing');
  });
});

describe('authentication and request ids', () => {
  it('401s a missing key', async () => {
    const res = await fetch(`${emu.url}/v1/customers`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^You did not provide an API key/);
    expect(res.headers.get('request-id')).toMatch(/^req_[A-Za-z0-9]{14}$/);
  });

  it('401s a key outside the accepted list, showing only its last four characters', async () => {
    const strict = await startTestEmulator({ keys: ['sk_test_allowed'] });
    try {
      const err = await failure(strict.client({ key: 'sk_test_secretvalue1234' }).customers.list());
      expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(err.message).toBe('Invalid API Key provided: sk_test_****1234');
      expect(err.message).not.toContain('secretvalue');
      const ok = await strict.client({ key: 'sk_test_allowed' }).customers.list();
      expect(ok.object).toBe('list');
    } finally {
      await strict.close();
    }
  });

  it('401s a key that does not look like a Stripe key', async () => {
    const err = await failure(emu.client({ key: 'pk_test_nope' }).customers.list());
    expect(err.statusCode).toBe(401);
  });

  it('accepts Basic auth with the key as user name', async () => {
    const res = await fetch(`${emu.url}/v1/customers`, {
      headers: { Authorization: `Basic ${Buffer.from('sk_test_basic:').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ object: 'list', data: [], has_more: false, url: '/v1/customers' });
  });

  it('404s an unknown /v1 path as Stripe', async () => {
    const res = await fetch(`${emu.url}/v1/charges`, { headers: { Authorization: 'Bearer sk_test_x' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/charges\)/);
  });
});
