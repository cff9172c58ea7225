import { randomBytes } from 'node:crypto';

/** An address as Stripe returns it: every field present, null when unset. */
export interface AddressRecord {
  city: string | null;
  country: string | null;
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  state: string | null;
}

/** Shipping details as Stripe returns them. */
export interface ShippingRecord {
  address: AddressRecord;
  name: string;
  phone: string | null;
}

/** Invoice settings as Stripe returns them on a customer. */
export interface InvoiceSettingsRecord {
  custom_fields: { name: string; value: string }[] | null;
  default_payment_method: string | null;
  footer: string | null;
  rendering_options: { amount_tax_display: string | null; template: string | null } | null;
}

/** The fields of a customer a client can set. */
export interface CustomerFields {
  address: AddressRecord | null;
  balance: number;
  business_name: string | undefined;
  description: string | null;
  email: string | null;
  individual_name: string | undefined;
  invoice_prefix: string;
  invoice_settings: InvoiceSettingsRecord;
  metadata: Record<string, string>;
  name: string | null;
  next_invoice_sequence: number;
  phone: string | null;
  preferred_locales: string[];
  shipping: ShippingRecord | null;
  tax_exempt: 'none' | 'exempt' | 'reverse';
}

/** A stored customer: its fields plus the bookkeeping the store needs. */
export interface CustomerRecord extends CustomerFields {
  id: string;
  /** Unix seconds, as Stripe. */
  created: number;
  /** Creation order: breaks ties between customers created in the same second. */
  seq: number;
  livemode: boolean;
  deleted: boolean;
  /** Epoch ms from which search sees this customer (Stripe's search index lags behind writes). */
  searchableAt: number;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

// Seeding a million customers draws tens of millions of characters: take them from a pooled buffer.
let pool = randomBytes(0);
let poolAt = 0;

function randomByte(): number {
  if (poolAt >= pool.length) {
    pool = randomBytes(16_384);
    poolAt = 0;
  }
  const byte = pool[poolAt] ?? 0;
  poolAt += 1;
  return byte;
}

function randomString(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const ceiling = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < ceiling) out += alphabet.charAt(byte % alphabet.length);
  }
  return out;
}

/** `cus_` + 14 random alphanumerics, the shape of Stripe's customer ids. */
export const newCustomerId = (): string => `cus_${randomString(ALPHANUMERIC, 14)}`;

/** `evt_` + 24 random alphanumerics, the shape of Stripe's event ids. */
export const newEventId = (): string => `evt_${randomString(ALPHANUMERIC, 24)}`;

/** `req_` + 14 random alphanumerics. */
export const newRequestId = (): string => `req_${randomString(ALPHANUMERIC, 14)}`;

/** Stripe generates an 8-character uppercase invoice prefix when none is given. */
export const newInvoicePrefix = (): string => randomString(UPPER, 8);

/** Metadata keys are user data (`__proto__` included): a null-prototype object stores them safely. */
export const emptyMetadata = (): Record<string, string> => Object.create(null) as Record<string, string>;

export const emptyInvoiceSettings = (): InvoiceSettingsRecord => ({
  custom_fields: null,
  default_payment_method: null,
  footer: null,
  rendering_options: null,
});

/*
 * A million seeded customers mostly carry default nested values: they share these frozen ones. Updates
 * never mutate nested values in place, they replace them (see customer-params.ts).
 */
const SHARED_METADATA: Record<string, string> = Object.freeze(emptyMetadata());
const SHARED_INVOICE_SETTINGS: InvoiceSettingsRecord = Object.freeze(emptyInvoiceSettings());
const SHARED_LOCALES: string[] = Object.freeze([]) as unknown as string[];

/** Bookkeeping of a stored customer, apart from its fields. */
export interface RecordMeta {
  id: string;
  created: number;
  seq: number;
  livemode: boolean;
  searchableAt: number;
}

/**
 * Builds a record as one object literal of fixed shape: V8 keeps such objects compact and fast, where
 * spreading into a literal and adding keys tends to leave a slow dictionary object (it matters at 1M).
 */
export function makeRecord(f: CustomerFields, m: RecordMeta): CustomerRecord {
  return {
    id: m.id,
    created: m.created,
    seq: m.seq,
    livemode: m.livemode,
    deleted: false,
    searchableAt: m.searchableAt,
    address: f.address,
    balance: f.balance,
    business_name: f.business_name,
    description: f.description,
    email: f.email,
    individual_name: f.individual_name,
    invoice_prefix: f.invoice_prefix,
    invoice_settings: f.invoice_settings,
    metadata: f.metadata,
    name: f.name,
    next_invoice_sequence: f.next_invoice_sequence,
    phone: f.phone,
    preferred_locales: f.preferred_locales,
    shipping: f.shipping,
    tax_exempt: f.tax_exempt,
  };
}

/** The fields of a customer created with no parameters. */
export function defaultFields(): CustomerFields {
  return {
    address: null,
    balance: 0,
    business_name: undefined,
    description: null,
    email: null,
    individual_name: undefined,
    invoice_prefix: newInvoicePrefix(),
    invoice_settings: SHARED_INVOICE_SETTINGS,
    metadata: SHARED_METADATA,
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: SHARED_LOCALES,
    shipping: null,
    tax_exempt: 'none',
  };
}

/*
 * V8 stores a number field as a small integer until some object of the same shape holds a larger or
 * fractional value; then every existing object of that shape is migrated on its next access. With a
 * million seeded customers (created ~1.5e9 fits no small integer; seeded searchableAt is 0, a created one
 * is ~1.8e12) that migration cost seconds on the first request that touched them all. Building one record
 * with fractional numbers up front makes these fields doubles from the start.
 */
makeRecord(
  { ...defaultFields(), balance: 0.5, next_invoice_sequence: 0.5 },
  { id: 'cus_warmup', created: 0.5, seq: 0.5, livemode: false, searchableAt: 0.5 },
);

/** The JSON Stripe answers for a deleted customer (delete, and retrieve after delete). */
export function deletedCustomerJson(id: string): { id: string; object: 'customer'; deleted: true } {
  return { id, object: 'customer', deleted: true };
}

/** The `customer` object as Stripe's API returns it, fields in Stripe's order. */
export function customerJson(c: CustomerRecord): Record<string, unknown> {
  return {
    id: c.id,
    object: 'customer',
    address: c.address,
    balance: c.balance,
    ...(c.business_name === undefined ? {} : { business_name: c.business_name }),
    created: c.created,
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: c.description,
    discount: null,
    email: c.email,
    ...(c.individual_name === undefined ? {} : { individual_name: c.individual_name }),
    invoice_prefix: c.invoice_prefix,
    invoice_settings: c.invoice_settings,
    livemode: c.livemode,
    metadata: c.metadata,
    name: c.name,
    next_invoice_sequence: c.next_invoice_sequence,
    phone: c.phone,
    preferred_locales: c.preferred_locales,
    shipping: c.shipping,
    tax_exempt: c.tax_exempt,
    test_clock: null,
  };
}
