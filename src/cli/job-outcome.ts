import type { ExportRecord, ImportCounts, ImportRecord } from './api-types.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { elapsedSeconds, errorText, formatBytes, formatDuration, formatTable } from './format.ts';

/** The order counts are printed in; any count the server adds later is printed after these. */
const IMPORT_COUNT_ORDER: ReadonlyArray<keyof ImportCounts> = [
  'total',
  'processed',
  'created',
  'would_create',
  'updated',
  'would_update',
  'unchanged',
  'skipped',
  'failed',
];

/**
 * 0 while queued/running or completed cleanly, 2 when completed with failed rows, 3 when failed or cancelled.
 * Skipped rows (exists, ambiguous) are outcomes the user asked for, not failures.
 */
export function importExitCode(record: ImportRecord): number {
  if (record.status === 'failed' || record.status === 'cancelled') return EXIT_CODES.jobFailed;
  if (record.status === 'completed' && (record.counts?.failed ?? 0) > 0) return EXIT_CODES.rowsFailed;
  return EXIT_CODES.ok;
}

/** 3 when the export failed or was cancelled; 0 otherwise (an expired export did complete once). */
export function exportExitCode(record: ExportRecord): number {
  return record.status === 'failed' || record.status === 'cancelled' ? EXIT_CODES.jobFailed : EXIT_CODES.ok;
}

function importCountRows(counts: Partial<ImportCounts> | undefined, dryRun: boolean): Array<[string, number]> {
  const entries = Object.entries(counts ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number');
  const known = IMPORT_COUNT_ORDER.flatMap((key): Array<[string, number]> => {
    const value = counts?.[key];
    // would_* only mean something in a dry run; hide them when zero elsewhere.
    if (value === undefined || (key.startsWith('would_') && value === 0)) return [];
    // A dry run counts would-be creates and updates under created / updated; say so.
    const label = key === 'total' ? 'rows' : dryRun && (key === 'created' || key === 'updated') ? `would ${key.slice(0, -1)}` : key.replace('_', ' ');
    return [[label, value]];
  });
  const extra = entries.filter(([key]) => !(IMPORT_COUNT_ORDER as readonly string[]).includes(key));
  return [...known, ...extra];
}

/** A few lines a person reads at the end of an import (and `status imp_…`). */
export function describeImport(record: ImportRecord): string {
  const took = elapsedSeconds(record.started_at, record.finished_at);
  const head =
    `Import ${record.id} ${record.status}` +
    (took !== undefined ? ` in ${formatDuration(took)}` : '') +
    ` (mode ${record.mode}${record.dry_run ? ', dry run: nothing was written to Stripe' : ''})`;
  const lines = [head];
  if (record.file_name) lines.push(`  file: ${record.file_name}`);
  const rows = importCountRows(record.counts, record.dry_run);
  if (rows.length > 0) lines.push(formatTable(rows));
  const error = errorText(record.error);
  if (error) lines.push(`  error: ${error}`);
  return lines.join('\n');
}

/** A few lines a person reads at the end of an export (and `status exp_…`). */
export function describeExport(record: ExportRecord): string {
  const took = elapsedSeconds(record.started_at, record.finished_at);
  const lines = [`Export ${record.id} ${record.status}${took !== undefined ? ` in ${formatDuration(took)}` : ''}`];
  const counts = record.counts ?? {};
  const rows: Array<[string, string | number]> = [];
  if (counts.customers !== undefined) rows.push(['customers', counts.customers]);
  if (counts.pages !== undefined) rows.push(['pages', counts.pages]);
  if (counts.bytes !== undefined) rows.push(['size', formatBytes(counts.bytes)]);
  if (rows.length > 0) lines.push(formatTable(rows));
  if (record.schedule_id) lines.push(`  schedule: ${record.schedule_id}`);
  for (const warning of record.warnings ?? []) lines.push(`  warning: ${warning}`);
  const error = errorText(record.error);
  if (error) lines.push(`  error: ${error}`);
  return lines.join('\n');
}
