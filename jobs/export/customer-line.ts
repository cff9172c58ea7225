import type Stripe from 'stripe';
import { EXPORT_COLUMNS, METADATA_PREFIX } from '../../src/csv/columns.ts';

/**
 * The customer fields the CSV columns are made from, derived from EXPORT_COLUMNS (the top-level field each column
 * reads, `address.city` → `address`) plus `metadata` for the `metadata.<key>` columns. A part file stores one JSON
 * line per customer with only these fields (a full customer object is ~3× larger), and the final file is rendered
 * from them once the header is known.
 */
export const EXPORTED_FIELDS: readonly string[] = [
  ...new Set([...EXPORT_COLUMNS, METADATA_PREFIX].map((column) => column.split('.')[0]!)),
];

/** One NDJSON line (with its newline) for a customer. */
export function customerToLine(customer: Stripe.Customer): string {
  const fields = customer as unknown as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const field of EXPORTED_FIELDS) picked[field] = fields[field] ?? null;
  return `${JSON.stringify(picked)}\n`;
}

/** Parses a stored line back into the customer shape customerToRow reads. */
export function lineToCustomer(line: string): Stripe.Customer {
  // Only EXPORTED_FIELDS are present; customerToRow reads no other field.
  return JSON.parse(line) as Stripe.Customer;
}
