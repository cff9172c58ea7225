import type Stripe from 'stripe';
import type { AddressInput, CustomerInput } from './customer-input.ts';

/**
 * The `POST /v1/customers` parameters for a checked row. `id` is not sent: Stripe assigns ids, and a row's id only
 * selects which customer an upsert updates. Stripe requires `shipping[address]`; a row with shipping.name but no
 * shipping.address.* cell sends an empty address, which Stripe rejects as a per-row failure with its own message.
 */
export function toCreateParams(input: CustomerInput): Stripe.CustomerCreateParams {
  const params: Stripe.CustomerCreateParams = {};
  if (input.email !== undefined) params.email = input.email;
  if (input.name !== undefined) params.name = input.name;
  if (input.phone !== undefined) params.phone = input.phone;
  if (input.description !== undefined) params.description = input.description;
  if (input.address !== undefined) params.address = { ...input.address };
  if (input.shipping !== undefined) {
    const shipping: Stripe.CustomerCreateParams.Shipping = {
      name: input.shipping.name ?? '',
      address: copyAddress(input.shipping.address),
    };
    if (input.shipping.phone !== undefined) shipping.phone = input.shipping.phone;
    params.shipping = shipping;
  }
  if (input.metadata !== undefined) params.metadata = { ...input.metadata };
  if (input.tax_exempt !== undefined) params.tax_exempt = input.tax_exempt;
  if (input.preferred_locales !== undefined) params.preferred_locales = [...input.preferred_locales];
  if (input.invoice_prefix !== undefined) params.invoice_prefix = input.invoice_prefix;
  if (input.balance !== undefined) params.balance = input.balance;
  return params;
}

function copyAddress(address: AddressInput | undefined): Stripe.AddressParam {
  return { ...address };
}
