/**
 * Glossary of the import:
 * - import: one uploaded CSV and everything done with it, named `imp_<random>`; it is also the BullMQ job id.
 * - row: one data record of the CSV, numbered from 1 (the header is not a row); quoted newlines do not
 *   start a new row, so `row` is the record number, not the line number.
 * - result line: the one line of results.csv that reports what happened to a row.
 * - checkpoint: how many result lines are durably written, and the byte length of results.csv at that point.
 */

import type { z } from 'zod';
import { importCountsSchema, importModeSchema, type importRecordSchema, type importStatusSchema } from './import-schema.ts';

/** `create` leaves existing customers untouched; `upsert` also updates the ones that exist. */
export type ImportMode = z.output<typeof importModeSchema>;

export const IMPORT_MODES: readonly ImportMode[] = importModeSchema.options;

/** Where an import is in its life. */
export type ImportStatus = z.output<typeof importStatusSchema>;

/** What happened to one row; a dry run reports would_create / would_update instead of created / updated. */
export type RowAction = 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed' | 'would_create' | 'would_update';

/** Rows per outcome. `created` and `updated` also count would_create / would_update in a dry run. */
export type ImportCounts = z.output<typeof importCountsSchema>;

/** The fields of ImportCounts every import has, in the order the API sends them (matched_by_scan: scan imports only). */
export const COUNT_FIELDS = importCountsSchema
  .keyof()
  .options.filter((f): f is Exclude<keyof ImportCounts, 'matched_by_scan'> => f !== 'matched_by_scan');

/**
 * The state of one import as stored and read back; the API adds links (`importSchema`). Times are ISO-8601 UTC, null
 * until they happen.
 */
export type ImportRecord = z.output<typeof importRecordSchema>;

/** The one result line of one row. */
export interface RowOutcome {
  row: number;
  email: string;
  action: RowAction;
  customerId: string;
  message: string;
  /** dedupe=scan: the row matched a customer only the email index could find (counts.matched_by_scan). */
  byScan?: boolean;
}

/** The return value of the import job (shown by Bull Board). */
export interface ImportSummary {
  import_id: string;
  status: ImportStatus;
  counts: ImportCounts;
  /** Rows processed per second by this run (a resumed run counts only its own rows). */
  rate_per_s: number;
  duration_ms: number;
  /** True when this run continued from a checkpoint left by an earlier run. */
  resumed: boolean;
}

export function emptyCounts(): ImportCounts {
  return { total: 0, processed: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
}

/** Which count a row's action adds to. */
export function countFieldFor(action: RowAction): Exclude<keyof ImportCounts, 'total' | 'processed' | 'matched_by_scan'> {
  switch (action) {
    case 'created':
    case 'would_create':
      return 'created';
    case 'updated':
    case 'would_update':
      return 'updated';
    default:
      return action;
  }
}
