/**
 * The JSON the stripe-bulk HTTP API answers, as the CLI reads it. The import shapes are the server's own types
 * (src/imports/import-types.ts, sent as is by presentImport), so a renamed or removed field breaks the build
 * instead of showing 0; the export shapes reuse the server's status and option types and mirror exportToJson and
 * scheduleToJson (src/exports/), which build plain objects.
 */
import type { ExportMode, ExportStatus } from '../exports/export-record.ts';
import type { ExportOptions } from '../exports/export-options.ts';
import type { ImportCounts, ImportRecord as ServerImportRecord, ImportStatus } from '../imports/import-types.ts';

export type { ImportCounts, ImportStatus, ExportStatus };

/** Every status either kind of job can be in. */
export type JobStatus = ImportStatus | ExportStatus;

/** `GET /v1/imports/:id` (and each entry of the list): the record plus links. */
export type ImportRecord = ServerImportRecord & { links?: { self: string; results: string } };

/** `POST /v1/exports` body (all optional): the server's ExportOptions. */
export type ExportRequest = ExportOptions;

/** `GET /v1/exports/:id` (and each entry of the list), as exportToJson builds it. */
export interface ExportRecord {
  id: string;
  status: ExportStatus;
  mode?: ExportMode;
  options?: ExportRequest;
  /** Set for the runs of a schedule. */
  schedule_id?: string | null;
  counts?: { customers: number; pages: number; bytes: number };
  /** Set once the file is written; `bytes` is the file's final size. */
  file?: { name: string; bytes: number | null; gzip: boolean } | null;
  warnings?: string[];
  error?: string | null;
  created_at?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
}

/** An export schedule as scheduleToJson builds it. */
export interface ExportSchedule {
  id: string;
  cron: string;
  /** IANA zone of the pattern; null means UTC. */
  tz: string | null;
  keep: number;
  options?: ExportRequest;
  /** ISO-8601 UTC, null when the pattern never fires again. */
  next_run_at: string | null;
  created_at?: string;
}

/** `{error: {code, message, details}}`, the body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: unknown; type?: string };
}
