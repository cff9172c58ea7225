import { describe, expect, it } from 'vitest';
import { diffCustomer } from '../../../src/csv/index.ts';
import { makeAddress, makeCustomer } from './customer-fixture.ts';

const existing = makeCustomer({
  email: 'Ann.Lee@Example.com',
  name: ' Ann Lee ',
  phone: '+1 555 0100',
  description: null,
  balance: -500,
  tax_exempt: null,
  preferred_locales: ['en', 'fr'],
  metadata: { plan: 'pro', crm_id: '42' },
  address: makeAddress({ line1: '1 Main St', city: 'Austin', state: 'TX', country: 'US' }),
  shipping: { name: 'Ann Lee', phone: null, address: makeAddress({ line1: '1 Main St', country: 'US' }) },
});

describe('diffCustomer', () => {
  it('returns null when every field the row sets already holds that value', () => {
    expect(
      diffCustomer(existing, {
        id: 'cus_other', // the id only chose the customer
        email: 'ann.lee@example.com', // differs only in case: unchanged
        name: 'Ann Lee', // Stripe's side is compared trimmed
        balance: -500,
        tax_exempt: 'none', // null is Stripe's default 'none'
        preferred_locales: ['en', 'fr'],
        metadata: { plan: 'pro' },
        address: { city: 'Austin', country: 'US' },
        shipping: { name: 'Ann Lee', address: { line1: '1 Main St' } },
      }),
    ).toBeNull();
    expect(diffCustomer(existing, {})).toBeNull();
  });

  it('sends exactly the fields that differ', () => {
    expect(diffCustomer(existing, { email: 'ann@example.org', name: 'Ann', description: 'VIP', balance: 0 })).toEqual({
      email: 'ann@example.org',
      name: 'Ann',
      description: 'VIP',
      balance: 0,
    });
    expect(diffCustomer(existing, { phone: '+1 555 0199', invoice_prefix: 'ANN', tax_exempt: 'exempt' })).toEqual({
      phone: '+1 555 0199',
      invoice_prefix: 'ANN',
      tax_exempt: 'exempt',
    });
  });

  it('compares locales in order', () => {
    expect(diffCustomer(existing, { preferred_locales: ['fr', 'en'] })).toEqual({ preferred_locales: ['fr', 'en'] });
    expect(diffCustomer(existing, { preferred_locales: ['en'] })).toEqual({ preferred_locales: ['en'] });
    expect(diffCustomer(makeCustomer({ preferred_locales: null }), { preferred_locales: ['de'] })).toEqual({
      preferred_locales: ['de'],
    });
  });

  it('sends only the metadata keys that differ, leaving the others to Stripe', () => {
    expect(diffCustomer(existing, { metadata: { plan: 'pro', crm_id: '43', region: 'eu' } })).toEqual({
      metadata: { crm_id: '43', region: 'eu' },
    });
  });

  it('sends the whole address, merged with Stripe parts, when one part differs', () => {
    expect(diffCustomer(existing, { address: { city: 'Dallas' } })).toEqual({
      address: { line1: '1 Main St', city: 'Dallas', state: 'TX', country: 'US' },
    });
    expect(diffCustomer(makeCustomer({ address: null }), { address: { country: 'FR' } })).toEqual({
      address: { country: 'FR' },
    });
  });

  it('sends the whole shipping hash with name and address when one part differs', () => {
    expect(diffCustomer(existing, { shipping: { name: 'Ann Lee', phone: '555' } })).toEqual({
      shipping: { name: 'Ann Lee', phone: '555', address: { line1: '1 Main St', country: 'US' } },
    });
    expect(diffCustomer(existing, { shipping: { name: 'A. Lee', address: { postal_code: '78701' } } })).toEqual({
      shipping: { name: 'A. Lee', address: { line1: '1 Main St', postal_code: '78701', country: 'US' } },
    });
    expect(diffCustomer(makeCustomer(), { shipping: { name: 'Bo', address: { city: 'Oslo' } } })).toEqual({
      shipping: { name: 'Bo', address: { city: 'Oslo' } },
    });
  });

  it('treats a customer without email as different from a row with one', () => {
    expect(diffCustomer(makeCustomer({ email: null }), { email: 'a@example.com' })).toEqual({ email: 'a@example.com' });
  });
});
