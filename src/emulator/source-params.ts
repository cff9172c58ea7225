import type { ParamSpec } from './param-validator.ts';

/*
 * The legacy Sources API parameters of `POST /v1/customers/:id`, as Stripe's OpenAPI description gives them
 * (anyOf: a token string, or the details as a hash). Deprecated but still accepted by the live API, so the
 * emulator must know them rather than call them unknown.
 */

const str = (max: number): ParamSpec => ({ kind: 'string', max });

/** `card` on update: a token, or raw card details (`customer_payment_source_card` in Stripe's spec). */
export const CARD: ParamSpec = {
  kind: 'stringOrObject',
  max: 5000,
  object: {
    kind: 'object',
    required: ['exp_month', 'exp_year', 'number'],
    props: {
      address_city: str(5000),
      address_country: str(5000),
      address_line1: str(5000),
      address_line2: str(5000),
      address_state: str(5000),
      address_zip: str(5000),
      cvc: str(5000),
      encrypted: str(5000),
      exp_month: { kind: 'integer' },
      exp_year: { kind: 'integer' },
      metadata: { kind: 'metadata' },
      name: str(5000),
      network_token: { kind: 'object', props: { number: str(5000) } },
      number: str(5000),
      object: { kind: 'enum', values: ['card'] },
      swipe_data: str(5000),
    },
  },
};

/** `bank_account` on update: a token, or account details (`customer_payment_source_bank_account`). */
export const BANK_ACCOUNT: ParamSpec = {
  kind: 'stringOrObject',
  max: 5000,
  object: {
    kind: 'object',
    required: ['account_number', 'country'],
    props: {
      account_holder_name: str(5000),
      account_holder_type: { kind: 'enum', values: ['company', 'individual'] },
      account_number: str(5000),
      country: str(5000),
      currency: str(5000),
      object: { kind: 'enum', values: ['bank_account'] },
      routing_number: str(5000),
    },
  },
};
