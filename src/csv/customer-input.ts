/** The six address parts Stripe accepts, in export column order. */
export const ADDRESS_PARTS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const;

/** One of {@link ADDRESS_PARTS}. */
export type AddressPart = (typeof ADDRESS_PARTS)[number];

/** The address parts one row sets (only non-empty cells). */
export type AddressInput = Partial<Record<AddressPart, string>>;

/** The values Stripe accepts for `tax_exempt`. */
export const TAX_EXEMPT_VALUES = ['none', 'exempt', 'reverse'] as const;

/** One of {@link TAX_EXEMPT_VALUES}. */
export type TaxExempt = (typeof TAX_EXEMPT_VALUES)[number];

/** The customer fields one CSV row sets: only non-empty cells (an empty cell leaves the field unchanged). */
export interface CustomerInput {
  id?: string;
  email?: string;
  name?: string;
  phone?: string;
  description?: string;
  address?: AddressInput;
  shipping?: { name?: string; phone?: string; address?: AddressInput };
  metadata?: Record<string, string>;
  tax_exempt?: TaxExempt;
  preferred_locales?: string[];
  invoice_prefix?: string;
  balance?: number;
}
