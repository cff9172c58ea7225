import { COUNTRY_CODES } from './country-codes.ts';
import { TAX_EXEMPT_VALUES, type TaxExempt } from './customer-input.ts';

/** A cell turned into a field value, or the reason it cannot be (without the column name, the caller adds it). */
export type CellParse<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): CellParse<T> => ({ ok: true, value });
const fail = <T>(error: string): CellParse<T> => ({ ok: false, error });

/** Quotes a user value in an error message, cut short so a 5,000-character cell does not flood the results file. */
export function quote(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return `'${shown}'`;
}

/** Limits from Stripe's customer create/update schema (stripe-openapi/customers.json) and metadata documentation. */
export const LIMITS = {
  email: 512,
  name: 256,
  phone: 20,
  description: 5000,
  /** Address parts, shipping name and shipping phone: the spec's generic string limit. */
  text: 5000,
  metadataKeys: 50,
  metadataKey: 40,
  metadataValue: 500,
  /** Not a Stripe limit: ids look like `cus_` + 14–24 alphanumerics; this only rejects obvious garbage. */
  id: 255,
} as const;

/** A free-text field limited in length. */
export function maxLength(limit: number): (value: string) => CellParse<string> {
  return (value) =>
    value.length > limit ? fail(`is ${value.length} characters long, the limit is ${limit}`) : ok(value);
}

/**
 * Pragmatic email check (one `@`, no whitespace, a dot inside the domain, ≤ 512): strict RFC 5322 parsing rejects
 * addresses Stripe accepts and accepts ones it rejects, so only mistakes a human would spot are caught here.
 */
export function parseEmail(value: string): CellParse<string> {
  if (value.length > LIMITS.email) return fail(`is ${value.length} characters long, the limit is ${LIMITS.email}`);
  const at = value.indexOf('@');
  const domain = value.slice(at + 1);
  const valid =
    at > 0 &&
    at === value.lastIndexOf('@') &&
    !/\s/.test(value) &&
    /^[^.]+(\.[^.]+)+$/.test(domain);
  return valid ? ok(value) : fail(`${quote(value)} is not a valid email address`);
}

/** Two-letter ISO 3166-1 code; accepted in any case and upper-cased, as Stripe stores it. */
export function parseCountry(value: string): CellParse<string> {
  const upper = value.toUpperCase();
  if (COUNTRY_CODES.has(upper)) return ok(upper);
  const hint = upper === 'UK' ? ' (the United Kingdom is GB)' : '';
  return fail(`${quote(value)} is not a two-letter country code${hint}`);
}

/** `none`, `exempt` or `reverse`, in any case. */
export function parseTaxExempt(value: string): CellParse<TaxExempt> {
  const lower = value.toLowerCase();
  const found = TAX_EXEMPT_VALUES.find((v) => v === lower);
  return found ? ok(found) : fail(`${quote(value)} is not one of ${TAX_EXEMPT_VALUES.join(', ')}`);
}

const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** A `;`-separated list of locale tags (`en;fr-FR`); empty items from a trailing `;` are dropped. */
export function parseLocales(value: string): CellParse<string[]> {
  const items = value
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const bad = items.filter((item) => !LOCALE.test(item));
  if (bad.length > 0) return fail(`${bad.map(quote).join(', ')} is not a locale such as en or fr-FR`);
  return ok(items);
}

const INVOICE_PREFIX = /^[A-Z0-9]{1,12}$/;

/**
 * 1–12 uppercase letters or digits: the spec's create and update parameters both say "Must be 1–12 uppercase
 * letters or numbers" (older Stripe docs said 3–12; the spec is what the API version we target documents).
 */
export function parseInvoicePrefix(value: string): CellParse<string> {
  return INVOICE_PREFIX.test(value) ? ok(value) : fail(`${quote(value)} must be 1–12 uppercase letters or digits`);
}

/** A whole number of cents, possibly negative (a credit); no decimals, no thousands separators. */
export function parseBalance(value: string): CellParse<number> {
  if (!/^[+-]?\d+$/.test(value)) return fail(`${quote(value)} is not a whole number of cents (e.g. -500)`);
  const n = Number(value);
  return Number.isSafeInteger(n) ? ok(n) : fail(`${quote(value)} is too large`);
}

/** A customer id as Stripe prints it (`cus_…`). */
export function parseCustomerId(value: string): CellParse<string> {
  if (value.length <= LIMITS.id && /^cus_[A-Za-z0-9]+$/.test(value)) return ok(value);
  return fail(`${quote(value)} is not a customer id (cus_…)`);
}

/** A metadata key from a `metadata.<key>` header: Stripe rejects empty keys, keys over 40 chars, and `[` or `]`. */
export function metadataKeyProblem(key: string): string | null {
  if (key === '') return 'the key is empty';
  if (key.length > LIMITS.metadataKey) {
    return `the key is ${key.length} characters long, the limit is ${LIMITS.metadataKey}`;
  }
  if (/[[\]]/.test(key)) return 'the key must not contain [ or ]';
  return null;
}
