import { describe, expect, it } from 'vitest';
import { toCreateParams } from '../../../src/csv/index.ts';

describe('toCreateParams', () => {
  it('maps every field and leaves the id out', () => {
    expect(
      toCreateParams({
        id: 'cus_X1',
        email: 'a@example.com',
        name: 'Ann',
        phone: '+1 555 0100',
        description: 'd',
        address: { line1: '1 Main St', country: 'US' },
        shipping: { name: 'Ann', phone: '555', address: { city: 'Austin' } },
        metadata: { plan: 'pro' },
        tax_exempt: 'reverse',
        preferred_locales: ['en', 'fr'],
        invoice_prefix: 'ANN',
        balance: -100,
      }),
    ).toEqual({
      email: 'a@example.com',
      name: 'Ann',
      phone: '+1 555 0100',
      description: 'd',
      address: { line1: '1 Main St', country: 'US' },
      shipping: { name: 'Ann', phone: '555', address: { city: 'Austin' } },
      metadata: { plan: 'pro' },
      tax_exempt: 'reverse',
      preferred_locales: ['en', 'fr'],
      invoice_prefix: 'ANN',
      balance: -100,
    });
  });

  it('sends only the fields the row sets', () => {
    expect(toCreateParams({ email: 'a@example.com' })).toEqual({ email: 'a@example.com' });
    expect(toCreateParams({ email: 'a@example.com', balance: 0 })).toEqual({ email: 'a@example.com', balance: 0 });
  });

  it('always gives shipping the address hash Stripe requires', () => {
    expect(toCreateParams({ email: 'a@example.com', shipping: { name: 'Ann' } }).shipping).toEqual({
      name: 'Ann',
      address: {},
    });
  });

  it('copies instead of sharing the input objects', () => {
    const input = { email: 'a@example.com', metadata: { a: '1' }, preferred_locales: ['en'] };
    const params = toCreateParams(input);
    expect(params.metadata).not.toBe(input.metadata);
    expect(params.preferred_locales).not.toBe(input.preferred_locales);
  });
});
