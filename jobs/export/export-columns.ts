import { ACCOUNT_COLUMNS, buildAccountColumns } from '../../src/csv/account-row.ts';
import { buildExportColumns, EXPORT_COLUMNS, METADATA_PREFIX } from '../../src/csv/columns.ts';
import type { ExportObject, ExportOptions } from '../../src/exports/export-options.ts';

/**
 * The header of an export, known either before the first page (`fixed`) or only once every customer has been seen
 * (`all_metadata`: one `metadata.<key>` column per key present in any exported customer, keys sorted by code point,
 * inserted before `livemode`).
 */
export type ColumnPlan =
  | { kind: 'fixed'; columns: string[] }
  | { kind: 'all_metadata'; base: readonly string[]; object?: ExportObject };

/**
 * Rules (documented in the README):
 * - `columns` with `metadata.<key>` entries: exactly those columns, in that order;
 * - `columns` without metadata entries: those columns, plus `metadata_columns` if given (before `livemode`);
 * - no `columns`: EXPORT_COLUMNS with `metadata_columns` (or, by default, every key present) before `livemode`;
 * - accounts: `columns` exactly, or ACCOUNT_COLUMNS with every `capabilities.<name>` present before `created` and
 *   every `metadata.<key>` present after it (the keys of an accounts export are these column names).
 */
export function planColumns(options: Pick<ExportOptions, 'columns' | 'metadata_columns'> & { object?: ExportObject }): ColumnPlan {
  const { columns, metadata_columns: keys } = options;
  // Accounts: `columns` exactly, or every capability and metadata key present (around `created`, see account-row.ts).
  if (options.object === 'accounts') return columns === undefined ? { kind: 'all_metadata', base: ACCOUNT_COLUMNS, object: 'accounts' } : { kind: 'fixed', columns: [...columns] };
  if (columns !== undefined) {
    if (columns.some((c) => c.startsWith(METADATA_PREFIX)) || keys === undefined) return { kind: 'fixed', columns: [...columns] };
    return { kind: 'fixed', columns: buildExportColumns(keys, columns) };
  }
  if (keys !== undefined) return { kind: 'fixed', columns: buildExportColumns(keys) };
  return { kind: 'all_metadata', base: EXPORT_COLUMNS };
}

/** The final header once the metadata keys present are known (ignored for a fixed plan). */
export function resolveColumns(plan: ColumnPlan, keysPresent: Iterable<string>): string[] {
  if (plan.kind === 'fixed') return plan.columns;
  if (plan.object === 'accounts') return buildAccountColumns(keysPresent);
  return buildExportColumns([...new Set(keysPresent)].sort(), plan.base);
}
