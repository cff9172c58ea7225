import type Stripe from 'stripe';
import { METADATA_PREFIX } from './columns.ts';
import { formatCreated, ownString as own } from './customer-row.ts';
import { neutraliseFormula } from './formula.ts';

/** Prefix of the per-capability columns of an accounts export: `capabilities.<name>`, holding its status. */
export const CAPABILITIES_PREFIX = 'capabilities.';

/**
 * The fixed columns of an accounts export, in file order. The dynamic ones go around `created`: one
 * `capabilities.<name>` column per capability present (sorted) before it, one `metadata.<key>` column per key
 * present (sorted) after it ({@link buildAccountColumns}).
 */
export const ACCOUNT_COLUMNS: readonly string[] = [
  'id',
  'type',
  'controller.type',
  'email',
  'country',
  'default_currency',
  'business_type',
  'business_profile.name',
  'business_profile.url',
  'business_profile.mcc',
  'charges_enabled',
  'payouts_enabled',
  'details_submitted',
  'requirements.disabled_reason',
  'requirements.currently_due',
  'created',
];

/** An account as the exporter walks it: Stripe always sends `created` on a listed account, the walk needs it. */
export type ListedAccount = Stripe.Account & { created: number };

type CellReader = (account: ListedAccount) => string;

const text = (value: string | null | undefined): string => value ?? '';
const bool = (value: boolean | null | undefined): string => (typeof value === 'boolean' ? String(value) : '');

const READERS: ReadonlyMap<string, CellReader> = new Map<string, CellReader>([
  ['id', (a) => a.id],
  ['type', (a) => a.type],
  ['controller.type', (a) => text(a.controller?.type)],
  ['email', (a) => text(a.email)],
  ['country', (a) => text(a.country)],
  ['default_currency', (a) => text(a.default_currency)],
  ['business_type', (a) => text(a.business_type)],
  ['business_profile.name', (a) => text(a.business_profile?.name)],
  ['business_profile.url', (a) => text(a.business_profile?.url)],
  ['business_profile.mcc', (a) => text(a.business_profile?.mcc)],
  ['charges_enabled', (a) => bool(a.charges_enabled)],
  ['payouts_enabled', (a) => bool(a.payouts_enabled)],
  ['details_submitted', (a) => bool(a.details_submitted)],
  ['requirements.disabled_reason', (a) => text(a.requirements?.disabled_reason)],
  ['requirements.currently_due', (a) => (a.requirements?.currently_due ?? []).join(';')],
  ['created', (a) => formatCreated(a.created)],
]);

/** True for a column accountToRow can write: one of ACCOUNT_COLUMNS, `capabilities.<name>` or `metadata.<key>`. */
export function isAccountColumn(column: string): boolean {
  if (ACCOUNT_COLUMNS.includes(column)) return true;
  return [CAPABILITIES_PREFIX, METADATA_PREFIX].some((prefix) => column.startsWith(prefix) && column.length > prefix.length);
}

/** The dynamic columns one account contributes: a column per capability and per metadata key it has. */
export function accountDynamicColumns(account: ListedAccount): string[] {
  const columns: string[] = [];
  for (const name in account.capabilities) columns.push(`${CAPABILITIES_PREFIX}${name}`);
  for (const key in account.metadata) columns.push(`${METADATA_PREFIX}${key}`);
  return columns;
}

/**
 * The full header of an accounts export: ACCOUNT_COLUMNS with the capability columns (sorted by code point)
 * before `created` and the metadata columns (sorted) after it; duplicates dropped.
 */
export function buildAccountColumns(dynamicColumns: Iterable<string>): string[] {
  const unique = [...new Set(dynamicColumns)].sort();
  const capabilities = unique.filter((c) => c.startsWith(CAPABILITIES_PREFIX));
  const metadata = unique.filter((c) => c.startsWith(METADATA_PREFIX));
  const at = ACCOUNT_COLUMNS.indexOf('created');
  return [...ACCOUNT_COLUMNS.slice(0, at), ...capabilities, 'created', ...metadata];
}

/**
 * One export line for `account`, a cell per column (names from ACCOUNT_COLUMNS, `capabilities.<name>`,
 * `metadata.<key>`). Nulls become '', booleans 'true'/'false', created ISO-8601 UTC, currently_due joined with
 * ';', a capability absent from the account ''; every cell goes through neutraliseFormula, as customers' do.
 */
export function accountToRow(account: ListedAccount, columns: readonly string[]): string[] {
  return columns.map((column) => {
    if (column.startsWith(METADATA_PREFIX)) return neutraliseFormula(own(account.metadata, column.slice(METADATA_PREFIX.length)));
    if (column.startsWith(CAPABILITIES_PREFIX)) return neutraliseFormula(own(account.capabilities, column.slice(CAPABILITIES_PREFIX.length)));
    const read = READERS.get(column);
    if (!read) throw new Error(`accountToRow: unknown export column '${column}'`);
    return neutraliseFormula(read(account));
  });
}
