import { invalidRequest } from './api-error.ts';
import { customerJson, type CustomerRecord } from './customer-record.ts';
import { isFormObject, type FormObject } from './form-decode.ts';
import { subscriptionList } from './subscriptions.ts';

/** Customer fields that expand to nothing more than they already are here (the emulator holds no such objects). */
const EXPANDABLE = new Set(['default_source', 'discount', 'test_clock', 'invoice_settings.default_payment_method']);

/**
 * Fields Stripe only includes on request; the emulator has no sources or tax ids, so they are empty, and only the
 * subscriptions seeded through `/__emulator/customers/:id/subscriptions`.
 */
const INCLUDABLE: Readonly<Record<string, (record: CustomerRecord) => unknown>> = {
  sources: ({ id }) => emptyList(`/v1/customers/${id}/sources`),
  subscriptions: subscriptionList,
  tax_ids: ({ id }) => emptyList(`/v1/customers/${id}/tax_ids`),
  cash_balance: () => null,
  invoice_credit_balance: () => ({}),
  tax: () => ({ automatic_tax: 'unrecognized_location', ip_address: null, location: null, provider: 'stripe' }),
};

const emptyList = (url: string): unknown => ({ object: 'list', data: [], has_more: false, total_count: 0, url });

/** Reads `expand[]` / `expand[0]` into a list of paths. */
export function readExpand(params: FormObject): string[] {
  const raw = params.expand;
  if (raw === undefined) return [];
  if (!isFormObject(raw)) return raw === '' ? [] : [raw];
  return Object.values(raw).filter((v): v is string => typeof v === 'string');
}

function checkCustomerPath(path: string, shown: string): void {
  if (!EXPANDABLE.has(path) && !Object.hasOwn(INCLUDABLE, path)) {
    throw invalidRequest(`This property cannot be expanded (${shown}).`, 'expand');
  }
}

/** Validates expansions for a single customer; `prefix` is 'data.' for lists. */
export function checkExpand(paths: readonly string[], scope: 'customer' | 'list' | 'search'): void {
  for (const path of paths) {
    if (scope === 'search' && path === 'total_count') continue;
    if (scope === 'customer') checkCustomerPath(path, path);
    else if (path.startsWith('data.')) checkCustomerPath(path.slice(5), path);
    else throw invalidRequest(`This property cannot be expanded (${path}).`, 'expand');
  }
}

/** A customer's JSON with the requested includable fields added. */
export function expandedCustomer(record: CustomerRecord, paths: readonly string[]): Record<string, unknown> {
  const json = customerJson(record);
  for (const path of paths) {
    const field = path.startsWith('data.') ? path.slice(5) : path;
    const include = Object.hasOwn(INCLUDABLE, field) ? INCLUDABLE[field] : undefined;
    if (include !== undefined) json[field] = include(record);
  }
  return json;
}
