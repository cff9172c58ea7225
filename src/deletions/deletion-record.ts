import { isCancelFlag } from '../imports/import-record.ts';
import { deletionStatusSchema } from './deletion-schema.ts';
import { DELETION_COUNT_FIELDS, emptyDeletionCounts, type DeletionCounts, type DeletionRecord } from './deletion-types.ts';

/** How far a run has durably got: result lines written, the byte length of results.csv then, and the counts. */
export interface DeletionCheckpoint {
  rows: number;
  bytes: number;
  counts: DeletionCounts;
}

function int(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function isoTime(value: string | undefined): string | null {
  if (value === undefined || value === '' || !/^\d+$/.test(value)) return null;
  return new Date(Number(value)).toISOString();
}

function countsOf(h: Record<string, string>): DeletionCounts {
  const counts = emptyDeletionCounts();
  for (const field of DELETION_COUNT_FIELDS) counts[field] = int(h[field]);
  return counts;
}

/** Parses the Redis hash of a deletion (times stored as unix ms, as every record); null when it is not one. */
export function parseDeletionRecord(h: Record<string, string>): DeletionRecord | null {
  const status = deletionStatusSchema.safeParse(h.status);
  if (!h.id || !status.success || (h.source_kind !== 'file' && h.source_kind !== 'import')) return null;
  return {
    id: h.id,
    object: 'deletion',
    status: status.data,
    dry_run: h.dry_run === 'true',
    force: h.force === 'true',
    source: { kind: h.source_kind, digest: h.source_digest ?? '', import_id: h.source_import || null, file_name: h.file_name ?? '' },
    confirm_of: h.confirm_of || null,
    counts: countsOf(h),
    created_at: isoTime(h.created_at) ?? new Date(0).toISOString(),
    started_at: isoTime(h.started_at),
    finished_at: isoTime(h.finished_at),
    error: h.error || null,
    cancel_requested: isCancelFlag(h.cancel_requested),
  };
}

export function parseDeletionCheckpoint(h: Record<string, string>): DeletionCheckpoint {
  return { rows: int(h.ck_rows), bytes: int(h.ck_bytes), counts: countsOf(h) };
}
