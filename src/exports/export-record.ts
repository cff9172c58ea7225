import { describeIssues, exportOptionsSchema, type ExportOptions } from './export-options.ts';
import { exportStatusSchema, type ExportJson, type ExportMode, type ExportStatus } from './export-schema.ts';

// Declared with the API's answers, so a status or mode cannot exist in one and not the other.
export type { ExportMode, ExportStatus } from './export-schema.ts';

/** An export as stored in Redis (hash `${prefix}:export:<id>`), parsed. Times are unix milliseconds. */
export interface ExportRecord {
  id: string;
  status: ExportStatus;
  mode: ExportMode;
  options: ExportOptions;
  scheduleId: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  counts: { customers: number; pages: number; bytes: number };
  /** The fixed `created[lte]` (unix seconds), set at the first start and kept on resume. */
  snapshotLte: number | null;
  fileName: string | null;
  fileBytes: number | null;
  error: string | null;
  warnings: string[];
  cancelRequested: boolean;
  expiredAt: number | null;
  /**
   * Why the stored options cannot be used (not JSON, or not valid options), else null. `options` is then `{}` only
   * so the record can still be shown: a worker must refuse to run it, never run it as a full export.
   */
  corrupt: string | null;
}

/** Warning attached to every search export: Stripe's search index is eventually consistent. */
export const SEARCH_LAG_WARNING =
  'query uses Stripe search, which trails writes by up to a minute or more (longer during outages): customers ' +
  'created or changed recently may be missing or stale. Exports without query read the list endpoint and are exact.';

const STATUSES: readonly ExportStatus[] = exportStatusSchema.options;

function int(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function json<T>(value: string | undefined, fallback: T): T {
  if (value === undefined || value === '') return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

/** The stored options, validated as a request's are: a hand-edited or truncated value is a problem, not `{}`. */
function parseOptions(value: string | undefined): { options: ExportOptions; corrupt: string | null } {
  if (value === undefined || value === '') return { options: {}, corrupt: 'the stored options are missing' };
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch (err) {
    return { options: {}, corrupt: `the stored options are not JSON (${(err as Error).message})` };
  }
  const parsed = exportOptionsSchema.safeParse(raw);
  if (!parsed.success) return { options: {}, corrupt: `the stored options are invalid (${describeIssues(parsed.error).join('; ')})` };
  return { options: parsed.data, corrupt: null };
}

/** Parses the Redis hash of an export; null when the hash is empty or not an export. */
export function parseExportRecord(hash: Record<string, string>): ExportRecord | null {
  const id = hash.id;
  const status = hash.status as ExportStatus | undefined;
  if (id === undefined || status === undefined || !STATUSES.includes(status)) return null;
  const { options, corrupt } = parseOptions(hash.options);
  return {
    id,
    status,
    mode: hash.mode === 'search' ? 'search' : 'list',
    options,
    scheduleId: hash.schedule_id || null,
    createdAt: int(hash.created_at) ?? 0,
    startedAt: int(hash.started_at),
    finishedAt: int(hash.finished_at),
    counts: { customers: int(hash.customers) ?? 0, pages: int(hash.pages) ?? 0, bytes: int(hash.bytes) ?? 0 },
    snapshotLte: int(hash.snapshot_lte),
    fileName: hash.file_name || null,
    fileBytes: int(hash.file_bytes),
    error: hash.error || null,
    warnings: json<string[]>(hash.warnings, []),
    cancelRequested: hash.cancel_requested === '1',
    expiredAt: int(hash.expired_at),
    corrupt,
  };
}

/** The fields of a new record's hash. */
export function newRecordFields(input: {
  id: string;
  options: ExportOptions;
  scheduleId?: string | undefined;
  createdAt: number;
}): Record<string, string> {
  const mode: ExportMode = input.options.query === undefined ? 'list' : 'search';
  return {
    id: input.id,
    status: 'queued',
    mode,
    options: JSON.stringify(input.options),
    schedule_id: input.scheduleId ?? '',
    created_at: String(input.createdAt),
    customers: '0',
    pages: '0',
    bytes: '0',
    warnings: JSON.stringify(mode === 'search' ? [SEARCH_LAG_WARNING] : []),
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The public JSON shape of an export (`GET /v1/exports/:id`, `exportSchema`). */
export function exportToJson(record: ExportRecord): ExportJson {
  const base = `/v1/exports/${record.id}`;
  return {
    id: record.id,
    object: 'export',
    status: record.status,
    mode: record.mode,
    options: { ...record.options, object: record.options.object ?? 'customers' },
    schedule_id: record.scheduleId,
    counts: record.counts,
    snapshot_created_lte: record.snapshotLte,
    file:
      record.fileName === null
        ? null
        : { name: record.fileName, bytes: record.fileBytes, gzip: record.options.gzip === true },
    warnings: record.warnings,
    error: record.error ?? (record.corrupt === null ? null : `export ${record.id} cannot run: ${record.corrupt}`),
    created_at: new Date(record.createdAt).toISOString(),
    started_at: iso(record.startedAt),
    finished_at: iso(record.finishedAt),
    expired_at: iso(record.expiredAt),
    links: { self: base, file: `${base}/file` },
  };
}
