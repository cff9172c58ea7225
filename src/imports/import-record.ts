import { importModeSchema, importStatusSchema } from './import-schema.ts';
import { COUNT_FIELDS, emptyCounts, type ImportCounts, type ImportRecord } from './import-types.ts';

/** How far a run has durably got: result lines written and the byte length of results.csv at that point. */
export interface Checkpoint {
  rows: number;
  bytes: number;
  counts: ImportCounts;
}

/** The stored cancel flag. Versions before the stores shared one style wrote 'true'; both are read. */
export const CANCEL_FLAG = '1';
export const isCancelFlag = (value: string | null | undefined): boolean => value === CANCEL_FLAG || value === 'true';

function int(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/**
 * A stored time as the API shows it (ISO-8601 UTC). Times are stored as unix ms, like the export records; records
 * written before that hold ISO strings, which are read as they are. Empty or unreadable: null.
 */
function isoTime(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function countsOf(h: Record<string, string>) {
  const counts = emptyCounts();
  for (const field of COUNT_FIELDS) counts[field] = int(h[field]);
  if (h.matched_by_scan !== undefined) counts.matched_by_scan = int(h.matched_by_scan);
  return counts;
}

/** Parses the Redis hash of an import; null when it is empty or not an import (no id, unknown status or mode). */
export function parseImportRecord(h: Record<string, string>): ImportRecord | null {
  const status = importStatusSchema.safeParse(h.status);
  const mode = importModeSchema.safeParse(h.mode);
  if (!h.id || !status.success || !mode.success) return null;
  return {
    id: h.id,
    status: status.data,
    mode: mode.data,
    dry_run: h.dry_run === 'true',
    account: h.account || null,
    dedupe: h.dedupe === 'scan' ? 'scan' : 'lookup',
    file_name: h.file_name ?? '',
    size_bytes: int(h.size_bytes),
    counts: countsOf(h),
    created_at: isoTime(h.created_at) ?? '',
    started_at: isoTime(h.started_at),
    finished_at: isoTime(h.finished_at),
    error: h.error || null,
    cancel_requested: isCancelFlag(h.cancel_requested),
    undone_by: h.undone_by || null,
  };
}

export function parseCheckpoint(h: Record<string, string>): Checkpoint {
  return { rows: int(h.ck_rows), bytes: int(h.ck_bytes), counts: countsOf(h) };
}
