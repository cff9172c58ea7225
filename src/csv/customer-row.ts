import type Stripe from 'stripe';
import { ADDRESS_PARTS } from './customer-input.ts';
import { METADATA_PREFIX } from './columns.ts';
import { neutraliseFormula } from './formula.ts';

/**
 * A customer as the exporter renders it. A part-file line stores null for a field Stripe did not send (see
 * jobs/export/customer-line.ts), so balance and metadata may be null although Stripe's type says they never are.
 */
export type RenderedCustomer = Omit<Stripe.Customer, 'balance' | 'metadata'> & {
  balance: number | null;
  metadata: Stripe.Metadata | null;
};

type CellReader = (customer: RenderedCustomer) => string;

const text = (value: string | null | undefined): string => value ?? '';
/**
 * The string under `key` of a metadata-like object, '' when absent. Keys are user data: `constructor`, `toString`
 * or `__proto__` must read the object's own entry, never what Object.prototype answers for them.
 */
export function ownString(record: object | null | undefined, key: string): string {
  if (record === null || record === undefined || !Object.hasOwn(record, key)) return '';
  const value: unknown = (record as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : '';
}

const bool = (value: boolean | null | undefined): string => (typeof value === 'boolean' ? String(value) : '');

/** Unix seconds as ISO-8601 UTC without milliseconds: `2026-11-28T03:21:26Z`. */
export function formatCreated(seconds: number): string {
  // Pages list customers newest first and bursts share a second: the last answer is often the next one.
  if (seconds !== lastCreated.seconds) {
    lastCreated.seconds = seconds;
    lastCreated.text = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return lastCreated.text;
}

const lastCreated = { seconds: Number.NaN, text: '' };

const READERS: ReadonlyMap<string, CellReader> = new Map<string, CellReader>([
  ['id', (c) => c.id],
  ['email', (c) => text(c.email)],
  ['name', (c) => text(c.name)],
  ['phone', (c) => text(c.phone)],
  ['description', (c) => text(c.description)],
  ['created', (c) => formatCreated(c.created)],
  ['balance', (c) => String(c.balance ?? '')],
  ['currency', (c) => text(c.currency)],
  ['delinquent', (c) => bool(c.delinquent)],
  ['tax_exempt', (c) => text(c.tax_exempt)],
  ['invoice_prefix', (c) => text(c.invoice_prefix)],
  ['preferred_locales', (c) => (c.preferred_locales ?? []).join(';')],
  ...ADDRESS_PARTS.map((p): [string, CellReader] => [`address.${p}`, (c) => text(c.address?.[p])]),
  ['shipping.name', (c) => text(c.shipping?.name)],
  ['shipping.phone', (c) => text(c.shipping?.phone)],
  ...ADDRESS_PARTS.map((p): [string, CellReader] => [`shipping.address.${p}`, (c) => text(c.shipping?.address?.[p])]),
  ['livemode', (c) => bool(c.livemode)],
]);

/**
 * One export line for `customer`, a cell per column: `columns` are names from EXPORT_COLUMNS and `metadata.<key>`.
 * Nulls become '', booleans 'true'/'false', created ISO-8601 UTC, preferred_locales joined with ';', and every
 * cell goes through neutraliseFormula. Throws on a column it does not know (callers validate user-chosen columns
 * with isExportColumn first).
 */
export function customerToRow(customer: RenderedCustomer, columns: readonly string[]): string[] {
  return columns.map((column) => {
    if (column.startsWith(METADATA_PREFIX)) {
      return neutraliseFormula(ownString(customer.metadata, column.slice(METADATA_PREFIX.length)));
    }
    const read = READERS.get(column);
    if (!read) throw new Error(`customerToRow: unknown export column '${column}'`);
    return neutraliseFormula(read(customer));
  });
}
