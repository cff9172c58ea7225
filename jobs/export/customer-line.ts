import type Stripe from 'stripe';

/**
 * The customer fields the CSV columns are made from. A part file stores one JSON line per customer with only these
 * fields (a full customer object is ~3× larger), and the final file is rendered from them once the header is known.
 */
export const EXPORTED_FIELDS = [
  'id',
  'object',
  'email',
  'name',
  'phone',
  'description',
  'created',
  'balance',
  'currency',
  'delinquent',
  'tax_exempt',
  'invoice_prefix',
  'preferred_locales',
  'address',
  'shipping',
  'metadata',
  'livemode',
] as const satisfies ReadonlyArray<keyof Stripe.Customer>;

/** The stored subset of a customer. */
export type CustomerLine = Pick<Stripe.Customer, (typeof EXPORTED_FIELDS)[number]>;

/** One NDJSON line (with its newline) for a customer. */
export function customerToLine(customer: Stripe.Customer): string {
  const picked: Record<string, unknown> = {};
  for (const field of EXPORTED_FIELDS) picked[field] = customer[field] ?? null;
  return `${JSON.stringify(picked)}\n`;
}

/** Parses a stored line back into the customer shape customerToRow reads. */
export function lineToCustomer(line: string): Stripe.Customer {
  // Only EXPORTED_FIELDS are present; customerToRow reads no other field.
  return JSON.parse(line) as Stripe.Customer;
}
