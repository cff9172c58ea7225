import type Stripe from 'stripe';
import { ADDRESS_PARTS, type AddressInput } from './customer-input.ts';
import type { CustomerInput } from './customer-input.ts';

/** Stripe's value as the importer compares it: null and missing are '' and surrounding spaces do not count. */
const held = (value: string | null | undefined): string => (value ?? '').trim();

function addressDiffers(existing: Stripe.Address | null | undefined, input: AddressInput | undefined): boolean {
  if (!input) return false;
  return ADDRESS_PARTS.some((part) => input[part] !== undefined && held(existing?.[part]) !== input[part]);
}

/**
 * The address to send when any part changed: Stripe's part values overlaid with the row's. Sending every part keeps
 * the ones the row left empty, whether the API merges the nested hash or replaces it.
 */
function mergeAddress(
  existing: Stripe.Address | null | undefined,
  input: AddressInput | undefined,
): Stripe.AddressParam {
  const merged: Stripe.AddressParam = {};
  for (const part of ADDRESS_PARTS) {
    const value = input?.[part] ?? existing?.[part];
    if (value !== undefined && value !== null && value !== '') merged[part] = value;
  }
  return merged;
}

function localesDiffer(existing: readonly string[] | null | undefined, input: readonly string[]): boolean {
  const current = (existing ?? []).map((l) => l.trim()).filter((l) => l !== '');
  return current.length !== input.length || current.some((locale, i) => locale !== input[i]);
}

/**
 * Only the fields that differ from the customer as Stripe holds it; null when nothing differs.
 *
 * Rules (so an exported file re-imported in upsert mode changes nothing):
 * - a field the row leaves empty is never compared nor sent; values are compared after trimming Stripe's side;
 * - email: a value that differs only in case counts as unchanged, because the importer matched the customer by
 *   email case-insensitively; rewriting the case would be a write the user did not ask for;
 * - metadata: only the keys present in the row are compared, and only differing keys are sent (Stripe merges
 *   metadata on update, so other keys stay);
 * - address / shipping: compared part by part; when one part differs the whole hash is sent, merged with Stripe's
 *   current parts (the shipping hash requires name and address);
 * - tax_exempt: a customer without a value is treated as 'none', Stripe's default;
 * - id is not a field: it only chose the customer.
 */
export function diffCustomer(
  existing: Stripe.Customer,
  input: CustomerInput,
): Stripe.CustomerUpdateParams | null {
  const update: Stripe.CustomerUpdateParams = {};

  if (input.email !== undefined && held(existing.email).toLowerCase() !== input.email.toLowerCase()) {
    update.email = input.email;
  }
  if (input.name !== undefined && held(existing.name) !== input.name) update.name = input.name;
  if (input.phone !== undefined && held(existing.phone) !== input.phone) update.phone = input.phone;
  if (input.description !== undefined && held(existing.description) !== input.description) {
    update.description = input.description;
  }
  if (input.invoice_prefix !== undefined && held(existing.invoice_prefix) !== input.invoice_prefix) {
    update.invoice_prefix = input.invoice_prefix;
  }
  if (input.tax_exempt !== undefined && (existing.tax_exempt ?? 'none') !== input.tax_exempt) {
    update.tax_exempt = input.tax_exempt;
  }
  if (input.balance !== undefined && existing.balance !== input.balance) update.balance = input.balance;
  if (input.preferred_locales !== undefined && localesDiffer(existing.preferred_locales, input.preferred_locales)) {
    update.preferred_locales = [...input.preferred_locales];
  }

  if (input.metadata !== undefined) {
    const changed: Record<string, string> = {};
    for (const [key, value] of Object.entries(input.metadata)) {
      if (held(existing.metadata[key]) !== value) changed[key] = value;
    }
    if (Object.keys(changed).length > 0) update.metadata = changed;
  }

  if (addressDiffers(existing.address, input.address)) {
    update.address = mergeAddress(existing.address, input.address);
  }

  const shipping = input.shipping;
  if (shipping !== undefined) {
    const current = existing.shipping;
    const differs =
      (shipping.name !== undefined && held(current?.name) !== shipping.name) ||
      (shipping.phone !== undefined && held(current?.phone) !== shipping.phone) ||
      addressDiffers(current?.address, shipping.address);
    if (differs) {
      const next: Stripe.CustomerUpdateParams.Shipping = {
        name: shipping.name ?? current?.name ?? '',
        address: mergeAddress(current?.address, shipping.address),
      };
      const phone = shipping.phone ?? current?.phone;
      if (phone) next.phone = phone;
      update.shipping = next;
    }
  }

  return Object.keys(update).length > 0 ? update : null;
}
