import { ADDRESS_PARTS, type AddressInput, type AddressPart, type CustomerInput } from './customer-input.ts';
import {
  LIMITS,
  maxLength,
  parseBalance,
  parseCountry,
  parseCustomerId,
  parseEmail,
  parseInvoicePrefix,
  parseLocales,
  parseTaxExempt,
  type CellParse,
} from './validators.ts';

/**
 * The column table: header name → how a non-empty, trimmed cell is checked and where it lands in a CustomerInput.
 * `apply` returns the problem (without the column name) or null when the value was stored.
 */
export interface FieldColumnSpec {
  readonly name: string;
  apply(input: CustomerInput, cell: string): string | null;
}

/** Columns the export writes and the import accepts but ignores, so an exported file re-imports unchanged. */
export const READ_ONLY_COLUMNS: readonly string[] = ['created', 'currency', 'delinquent', 'livemode'];

/** Prefix of the flattened metadata columns: `metadata.<key>`, the key keeping its case. */
export const METADATA_PREFIX = 'metadata.';

function field<T>(
  name: string,
  parse: (cell: string) => CellParse<T>,
  assign: (input: CustomerInput, value: T) => void,
): FieldColumnSpec {
  return {
    name,
    apply(input, cell) {
      const parsed = parse(cell);
      if (!parsed.ok) return parsed.error;
      assign(input, parsed.value);
      return null;
    },
  };
}

function addressField(prefix: 'address' | 'shipping.address', part: AddressPart): FieldColumnSpec {
  const parse = part === 'country' ? parseCountry : maxLength(LIMITS.text);
  return field(`${prefix}.${part}`, parse, (input, value) => {
    let address: AddressInput;
    if (prefix === 'address') {
      address = input.address ??= {};
    } else {
      const shipping = (input.shipping ??= {});
      address = shipping.address ??= {};
    }
    address[part] = value;
  });
}

const FIELD_LIST: readonly FieldColumnSpec[] = [
  field('id', parseCustomerId, (input, v) => (input.id = v)),
  field('email', parseEmail, (input, v) => (input.email = v)),
  field('name', maxLength(LIMITS.name), (input, v) => (input.name = v)),
  field('phone', maxLength(LIMITS.phone), (input, v) => (input.phone = v)),
  field('description', maxLength(LIMITS.description), (input, v) => (input.description = v)),
  field('tax_exempt', parseTaxExempt, (input, v) => (input.tax_exempt = v)),
  field('preferred_locales', parseLocales, (input, v) => {
    // A cell of only `;` holds no locale: leave the field unchanged like any empty cell.
    if (v.length > 0) input.preferred_locales = v;
  }),
  field('invoice_prefix', parseInvoicePrefix, (input, v) => (input.invoice_prefix = v)),
  field('balance', parseBalance, (input, v) => (input.balance = v)),
  ...ADDRESS_PARTS.map((part) => addressField('address', part)),
  field('shipping.name', maxLength(LIMITS.text), (input, v) => ((input.shipping ??= {}).name = v)),
  field('shipping.phone', maxLength(LIMITS.text), (input, v) => ((input.shipping ??= {}).phone = v)),
  ...ADDRESS_PARTS.map((part) => addressField('shipping.address', part)),
];

/** Every importable non-metadata column, by its normalised (lower-case) name. */
export const FIELD_COLUMNS: ReadonlyMap<string, FieldColumnSpec> = new Map(FIELD_LIST.map((c) => [c.name, c]));

/**
 * The default export columns, in order, without the `metadata.<key>` columns (an export adds those per file, before
 * `livemode`; {@link buildExportColumns} does it).
 */
export const EXPORT_COLUMNS: readonly string[] = [
  'id',
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
  ...ADDRESS_PARTS.map((p) => `address.${p}`),
  'shipping.name',
  'shipping.phone',
  ...ADDRESS_PARTS.map((p) => `shipping.address.${p}`),
  'livemode',
];

/**
 * The full export header: `base` (default {@link EXPORT_COLUMNS}) with one `metadata.<key>` column per key inserted
 * before `livemode` (or appended when `base` has no `livemode`), keys in the order given, duplicates dropped.
 */
export function buildExportColumns(
  metadataKeys: Iterable<string>,
  base: readonly string[] = EXPORT_COLUMNS,
): string[] {
  const metadata = [...new Set(metadataKeys)].map((key) => `${METADATA_PREFIX}${key}`);
  const at = base.indexOf('livemode');
  if (at === -1) return [...base, ...metadata];
  return [...base.slice(0, at), ...metadata, ...base.slice(at)];
}

/** True for a column customerToRow can write: one of EXPORT_COLUMNS or `metadata.<non-empty key>`. */
export function isExportColumn(column: string): boolean {
  if (EXPORT_COLUMNS.includes(column)) return true;
  return column.startsWith(METADATA_PREFIX) && column.length > METADATA_PREFIX.length;
}
