import { invalidParameter, invalidRequest, noSuchObject } from './api-error.ts';
import {
  emptyMetadata,
  type AddressRecord,
  type CustomerFields,
  type InvoiceSettingsRecord,
  type ShippingRecord,
} from './customer-record.ts';
import { METADATA_MAX_KEYS, type ParamSpec, type ParamValue } from './param-validator.ts';
import { BANK_ACCOUNT, CARD } from './source-params.ts';
import { TAX_ID_TYPES } from './tax-id-types.ts';

const str = (max: number, nullable = false): ParamSpec => ({ kind: 'string', max, nullable });

const ADDRESS_FIELDS = {
  city: str(5000),
  country: str(5000),
  line1: str(5000),
  line2: str(5000),
  postal_code: str(5000),
  state: str(5000),
} satisfies Record<keyof AddressRecord, ParamSpec>;

const EXPAND: ParamSpec = { kind: 'array', items: str(5000) };

/** Parameters the Customers API takes on create and update (from Stripe's OpenAPI request schemas). */
const SHARED_PARAMS: Readonly<Record<string, ParamSpec>> = {
  address: { kind: 'object', props: ADDRESS_FIELDS, emptyUnsets: true },
  balance: { kind: 'integer' },
  business_name: str(150, true),
  cash_balance: {
    kind: 'object',
    props: {
      settings: {
        kind: 'object',
        props: { reconciliation_mode: { kind: 'enum', values: ['automatic', 'manual', 'merchant_default'] } },
      },
    },
  },
  description: str(5000, true),
  email: str(512, true),
  expand: EXPAND,
  individual_name: str(150, true),
  invoice_prefix: str(5000),
  invoice_settings: {
    kind: 'object',
    props: {
      custom_fields: {
        kind: 'array',
        emptyUnsets: true,
        items: { kind: 'object', props: { name: str(40), value: str(140) }, required: ['name', 'value'] },
      },
      default_payment_method: str(5000),
      footer: str(5000),
      rendering_options: {
        kind: 'object',
        emptyUnsets: true,
        props: {
          amount_tax_display: { kind: 'enum', values: ['', 'exclude_tax', 'include_inclusive_tax'] },
          template: str(5000),
        },
      },
    },
  },
  metadata: { kind: 'metadata' },
  name: str(256, true),
  next_invoice_sequence: { kind: 'integer' },
  phone: str(20, true),
  preferred_locales: { kind: 'array', items: str(5000), emptyUnsets: true },
  shipping: {
    kind: 'object',
    emptyUnsets: true,
    required: ['address', 'name'],
    props: { address: { kind: 'object', props: ADDRESS_FIELDS }, name: str(5000), phone: str(5000) },
  },
  source: str(5000),
  tax_exempt: { kind: 'enum', values: ['', 'exempt', 'none', 'reverse'] },
};

/** `POST /v1/customers`: note that `currency` is not a parameter (Stripe sets it on the first charge). */
export const CREATE_PARAMS: Readonly<Record<string, ParamSpec>> = {
  ...SHARED_PARAMS,
  payment_method: str(5000),
  tax: {
    kind: 'object',
    props: { ip_address: str(5000, true), validate_location: { kind: 'enum', values: ['deferred', 'immediately'] } },
  },
  tax_id_data: {
    kind: 'array',
    items: {
      kind: 'object',
      props: { type: { kind: 'enum', values: TAX_ID_TYPES }, value: str(5000) },
      required: ['type', 'value'],
    },
  },
  test_clock: str(5000),
};

/** `POST /v1/customers/:id`. */
export const UPDATE_PARAMS: Readonly<Record<string, ParamSpec>> = {
  ...SHARED_PARAMS,
  // Legacy Sources API parameters: deprecated, still in Stripe's spec and still accepted by the live API.
  bank_account: BANK_ACCOUNT,
  card: CARD,
  default_alipay_account: str(500),
  default_bank_account: str(500),
  default_card: str(500),
  default_source: str(500),
  tax: {
    kind: 'object',
    props: {
      ip_address: str(5000, true),
      validate_location: { kind: 'enum', values: ['auto', 'deferred', 'immediately'] },
    },
  },
};

/** Parameters that name other Stripe objects; the emulator holds none, so Stripe's answer is "No such …". */
const REFERENCES: Readonly<Record<string, string>> = {
  payment_method: 'PaymentMethod',
  source: 'source',
  test_clock: 'test clock',
  default_source: 'source',
  default_card: 'source',
  default_bank_account: 'source',
  default_alipay_account: 'source',
  card: 'token',
  bank_account: 'token',
};

/** Raw payment details Stripe would turn into a source on the customer: the emulator keeps no sources. */
const SOURCE_DETAILS = ['card', 'bank_account'] as const;

type Params = Record<string, ParamValue>;
type Obj = { [key: string]: ParamValue };

const asObj = (v: ParamValue | undefined): Obj | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
const asStr = (v: ParamValue | undefined): string | null => (typeof v === 'string' ? v : null);

function toAddress(v: ParamValue | undefined): AddressRecord {
  const o = asObj(v) ?? {};
  return {
    city: asStr(o.city),
    country: asStr(o.country),
    line1: asStr(o.line1),
    line2: asStr(o.line2),
    postal_code: asStr(o.postal_code),
    state: asStr(o.state),
  };
}

function toShipping(o: Obj): ShippingRecord {
  return { address: toAddress(o.address), name: asStr(o.name) ?? '', phone: asStr(o.phone) };
}

function mergeInvoiceSettings(current: InvoiceSettingsRecord, o: Obj): InvoiceSettingsRecord {
  const next = { ...current };
  if ('custom_fields' in o) {
    const fields = o.custom_fields as Obj[];
    next.custom_fields = fields.length === 0 ? null : fields.map((f) => ({ name: asStr(f.name) ?? '', value: asStr(f.value) ?? '' }));
  }
  if ('footer' in o) next.footer = asStr(o.footer);
  if ('rendering_options' in o) {
    const r = asObj(o.rendering_options);
    next.rendering_options =
      r === null ? null : { amount_tax_display: asStr(r.amount_tax_display) || null, template: asStr(r.template) };
  }
  return next;
}

/** Stripe merges metadata on update: `metadata[k]=` removes one key, `metadata=` removes them all. */
function mergeMetadata(current: Record<string, string>, patch: ParamValue | undefined): Record<string, string> {
  const next = emptyMetadata();
  if (patch === null) return next;
  // A Map keeps the key order an object would (kept keys in place, new ones last) and deletes without `delete`.
  const merged = new Map(Object.entries(current));
  for (const [k, v] of Object.entries(asObj(patch ?? null) ?? {})) {
    // validateMetadata leaves a string to set or null to remove.
    if (typeof v === 'string') merged.set(k, v);
    else merged.delete(k);
  }
  for (const [k, v] of merged) next[k] = v;
  if (Object.keys(next).length > METADATA_MAX_KEYS) {
    throw invalidParameter('metadata', `Invalid metadata: metadata can have at most ${METADATA_MAX_KEYS} keys`);
  }
  return next;
}

/** Rejects what the emulator cannot honour the way Stripe would: references to objects it does not hold. */
function checkReferences(params: Params): void {
  for (const [param, what] of Object.entries(REFERENCES)) {
    const id = asStr(params[param]);
    if (id !== null && id !== '') throw noSuchObject(what, id, param);
  }
  for (const param of SOURCE_DETAILS) {
    if (asObj(params[param]) !== null) {
      throw invalidRequest(
        `The emulator keeps no payment sources, so ${param} details cannot be attached; use a PaymentMethod on real Stripe.`,
        param,
      );
    }
  }
  const pm = asStr(asObj(params.invoice_settings)?.default_payment_method);
  if (pm !== null && pm !== '') throw noSuchObject('PaymentMethod', pm, 'invoice_settings[default_payment_method]');
  const prefix = asStr(params.invoice_prefix);
  if (prefix !== null && !/^[A-Z0-9]{1,12}$/.test(prefix)) {
    throw invalidParameter('invoice_prefix', `Invalid invoice_prefix: must be 1-12 uppercase letters or numbers (got '${prefix}')`);
  }
}

/**
 * Applies validated create/update parameters to a customer's fields, returning the new fields.
 * `tax`, `tax_id_data` and `cash_balance` are validated but not stored: the emulator has no tax objects.
 */
export function applyCustomerParams(current: CustomerFields, params: Params): CustomerFields {
  checkReferences(params);
  const next: CustomerFields = { ...current };
  for (const key of Object.keys(params)) {
    const v = params[key];
    switch (key) {
      case 'address':
        next.address = v === null ? null : toAddress(v);
        break;
      case 'shipping': {
        const o = asObj(v);
        next.shipping = o === null ? null : toShipping(o);
        break;
      }
      case 'balance':
      case 'next_invoice_sequence':
        next[key] = v as number;
        break;
      case 'description':
      case 'email':
      case 'name':
      case 'phone':
        next[key] = asStr(v);
        break;
      case 'business_name':
      case 'individual_name':
        next[key] = asStr(v) ?? undefined;
        break;
      case 'invoice_prefix':
        next.invoice_prefix = v as string;
        break;
      case 'invoice_settings':
        next.invoice_settings = mergeInvoiceSettings(current.invoice_settings, asObj(v) ?? {});
        break;
      case 'metadata':
        next.metadata = mergeMetadata(current.metadata, v);
        break;
      case 'preferred_locales':
        next.preferred_locales = (v as ParamValue[]).map(String);
        break;
      case 'tax_exempt':
        next.tax_exempt = v === '' ? 'none' : (v as CustomerFields['tax_exempt']);
        break;
      default:
        // expand, tax, tax_id_data, cash_balance: validated, nothing to store.
        break;
    }
  }
  return next;
}
