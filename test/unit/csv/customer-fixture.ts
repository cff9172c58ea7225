import type Stripe from 'stripe';

/** A customer object shaped like Stripe's answer (nulls where Stripe sends null), with the given fields overridden. */
export function makeCustomer(overrides: Partial<Stripe.Customer> = {}): Stripe.Customer {
  return {
    id: 'cus_TestAbcdef1234',
    object: 'customer',
    address: null,
    balance: 0,
    created: 1795836086, // 2026-11-28T03:21:26Z
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: 'A1B2C3D4',
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
    ...overrides,
  };
}

/** A full Stripe address with every part null, then the given parts. */
export function makeAddress(parts: Partial<Stripe.Address> = {}): Stripe.Address {
  return { city: null, country: null, line1: null, line2: null, postal_code: null, state: null, ...parts };
}
