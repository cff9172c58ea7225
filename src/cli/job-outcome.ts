import type { ExportRecord, ImportCounts, ImportRecord } from './api-types.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { elapsedSeconds, formatBytes, formatDuration, formatTable } from './format.ts';

/**
 * 0 while queued/running or completed cleanly, 2 when completed with failed rows, 3 when failed or cancelled.
 * Skipped rows (exists, ambiguous) are outcomes the user asked for, not failures.
 */
export function importExitCode(record: ImportRecord): number {
  if (record.status === 'failed' || record.status === 'cancelled') return EXIT_CODES.jobFailed;
  if (record.status === 'completed' && record.counts.failed > 0) return EXIT_CODES.rowsFailed;
  return EXIT_CODES.ok;
}

/** 3 when the export failed or was cancelled; 0 otherwise (an expired export did complete once). */
export function exportExitCode(record: ExportRecord): number {
  return record.status === 'failed' || record.status === 'cancelled' ? EXIT_CODES.jobFailed : EXIT_CODES.ok;
}

/**
 * The per-outcome counts with their labels. The server counts a dry run's would-be creates and updates under
 * `created` / `updated`; they are labelled `would create` / `would update` here, in the bar and in the summary alike.
 */
export function importOutcomeRows(counts: ImportCounts, dryRun: boolean): Array<[string, number]> {
  return [
    [dryRun ? 'would create' : 'created', counts.created],
    [dryRun ? 'would update' : 'updated', counts.updated],
    ['unchanged', counts.unchanged],
    ['skipped', counts.skipped],
    ['failed', counts.failed],
  ];
}

/** `created 3, updated 6, unchanged 41, skipped 0, failed 0` (dry run: `would create 3, would update 6, …`). */
export function importCountsText(record: ImportRecord): string {
  return importOutcomeRows(record.counts, record.dry_run).map(([label, n]) => `${label} ${n}`).join(', ');
}

/** Average speed since the job started, and what is left at that speed (imports only: an export's total is unknown). */
export interface JobPace {
  ratePerSecond: number | undefined;
  left: number | undefined;
  etaSeconds: number | undefined;
}

export function importPace(record: ImportRecord, now = Date.now()): JobPace {
  const seconds = elapsedSeconds(record.started_at, record.finished_at ?? now);
  const { processed, total } = record.counts;
  const ratePerSecond = seconds !== undefined && seconds > 0 ? processed / seconds : undefined;
  const left = total > 0 ? Math.max(0, total - processed) : undefined;
  const etaSeconds = left !== undefined && ratePerSecond ? left / ratePerSecond : left === 0 ? 0 : undefined;
  return { ratePerSecond, left, etaSeconds };
}

export function exportRatePerSecond(record: ExportRecord, now = Date.now()): number | undefined {
  const seconds = elapsedSeconds(record.started_at, record.finished_at ?? now);
  return seconds !== undefined && seconds > 0 ? (record.counts?.customers ?? 0) / seconds : undefined;
}

function rateText(rate: number | undefined, unit: string): string {
  return rate === undefined ? '?' : `${rate.toFixed(rate < 10 ? 1 : 0)} ${unit}/s`;
}

/** A few lines a person reads at the end of an import (and `status imp_…`). */
export function describeImport(record: ImportRecord, now = Date.now()): string {
  const took = elapsedSeconds(record.started_at, record.finished_at);
  const finished = record.finished_at !== null;
  const head =
    `Import ${record.id} ${record.status}` +
    (finished && took !== undefined ? ` in ${formatDuration(took)}` : '') +
    ` (mode ${record.mode}${record.dry_run ? ', dry run: nothing was written to Stripe' : ''})`;
  const lines = [head];
  if (record.file_name) lines.push(`  file: ${record.file_name}`);
  if (record.account) lines.push(`  connected account: ${record.account}`);
  const c = record.counts;
  const rows: Array<[string, string | number]> = [['rows', c.total], ['processed', c.processed], ...importOutcomeRows(c, record.dry_run)];
  if (record.started_at) {
    const pace = importPace(record, now);
    rows.push(['rate', rateText(pace.ratePerSecond, 'rows')]);
    if (!finished && pace.left !== undefined) rows.push(['left', `${pace.left} rows, ~${formatDuration(pace.etaSeconds)}`]);
  }
  lines.push(formatTable(rows));
  if (record.cancel_requested && !finished) lines.push('  cancel requested: stops before its next write');
  if (record.error) lines.push(`  error: ${record.error}`);
  return lines.join('\n');
}

/** A few lines a person reads at the end of an export (and `status exp_…`). */
export function describeExport(record: ExportRecord, now = Date.now()): string {
  const took = elapsedSeconds(record.started_at, record.finished_at);
  const finished = record.finished_at !== null && record.finished_at !== undefined;
  const lines = [`Export ${record.id} ${record.status}${finished && took !== undefined ? ` in ${formatDuration(took)}` : ''}`];
  const counts = record.counts;
  const rows: Array<[string, string | number]> = [];
  // Counted in what the export lists (an older server sends no object: customers).
  const unit = record.options?.object ?? 'customers';
  if (counts) rows.push([unit, counts.customers], ['pages', counts.pages]);
  if (record.file?.bytes !== null && record.file?.bytes !== undefined) rows.push(['file size', formatBytes(record.file.bytes)]);
  if (record.started_at) rows.push(['rate', rateText(exportRatePerSecond(record, now), unit)]);
  if (rows.length > 0) lines.push(formatTable(rows));
  if (record.options?.account) lines.push(`  connected account: ${record.options.account}`);
  if (record.schedule_id) lines.push(`  started by schedule: ${record.schedule_id}`);
  for (const warning of record.warnings ?? []) lines.push(`  warning: ${warning}`);
  if (record.error) lines.push(`  error: ${record.error}`);
  return lines.join('\n');
}
