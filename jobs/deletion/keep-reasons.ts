import type Stripe from 'stripe';
import { diffCustomer, type CustomerInput } from '../../src/csv/index.ts';

/** Fields an import writes only when its row has them: set later, they show a change made since. */
const OPTIONAL_FIELDS = ['name', 'phone', 'description', 'address', 'shipping'] as const;

/**
 * The fields of `customer` that differ from what the import wrote (`input`): a field the row held and that now
 * differs (the upsert diff, so an unchanged customer reads as unchanged), a field the row left empty that is now
 * set, and metadata keys added since.
 */
export function changedSinceImport(customer: Stripe.Customer, input: CustomerInput): string[] {
  const changed = new Set(Object.keys(diffCustomer(customer, input) ?? {}));
  for (const field of OPTIONAL_FIELDS) {
    const value = customer[field];
    if (input[field] === undefined && value !== null && value !== undefined && value !== '') changed.add(field);
  }
  const written = new Set(Object.keys(input.metadata ?? {}));
  if (Object.keys(customer.metadata).some((key) => !written.has(key))) changed.add('metadata');
  return [...changed].sort();
}

function hasSubscriptions(customer: Stripe.Customer): boolean {
  const list = customer.subscriptions;
  return list !== undefined && (list.data.length > 0 || ((list as { total_count?: number }).total_count ?? 0) > 0);
}

/**
 * Why a customer must not be deleted without `force`: Stripe's deletion is permanent and cancels its
 * subscriptions, so anything that bills or holds money keeps it. Empty when it may go.
 */
export function keepReasons(customer: Stripe.Customer, importInput: CustomerInput | undefined): string[] {
  const reasons: string[] = [];
  if (hasSubscriptions(customer)) reasons.push('it has subscriptions');
  if (customer.balance !== 0) reasons.push(`its balance is ${String(customer.balance)}, not 0`);
  if (customer.invoice_settings.default_payment_method) reasons.push('it has a default payment method');
  else if (customer.default_source) reasons.push('it has a default source');
  if (importInput !== undefined) {
    const changed = changedSinceImport(customer, importInput);
    if (changed.length > 0) reasons.push(`it changed since the import (${changed.join(', ')})`);
  }
  return reasons;
}
