/**
 * The JSON shapes of the stripe-bulk HTTP API as the CLI reads them. Fields the CLI does not use are left out, and
 * everything the server may omit is optional, so a newer server never breaks an older CLI.
 */

/** A job's lifecycle as the API reports it. */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'expired';

/** Per-row outcomes of an import. */
export interface ImportCounts {
  total: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  /** Dry runs report would_create / would_update instead of created / updated. */
  would_create?: number;
  would_update?: number;
}

/** `GET /v1/imports/:id` (and each entry of the list). */
export interface ImportRecord {
  id: string;
  status: JobStatus;
  mode: 'create' | 'upsert';
  dry_run: boolean;
  file_name?: string | null;
  counts?: Partial<ImportCounts>;
  created_at?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
  error?: string | { message?: string } | null;
  rate_per_s?: number;
}

/** Progress of an export. */
export interface ExportCounts {
  customers: number;
  pages: number;
  bytes: number;
}

/** `GET /v1/exports/:id` (and each entry of the list). */
export interface ExportRecord {
  id: string;
  status: JobStatus;
  counts?: Partial<ExportCounts>;
  options?: ExportRequest;
  /** Set once the file is written. */
  file?: { name: string; bytes?: number; gzip?: boolean } | null;
  schedule_id?: string | null;
  created_at?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
  error?: string | { message?: string } | null;
  warnings?: string[];
}

/** `POST /v1/exports` body (all optional). */
export interface ExportRequest {
  created?: { gt?: number; gte?: number; lt?: number; lte?: number };
  email?: string;
  query?: string;
  columns?: string[];
  metadata_columns?: string[];
  gzip?: boolean;
}

/** An export schedule as listed by `GET /v1/export-schedules`. */
export interface ExportSchedule {
  id: string;
  cron: string;
  tz?: string | null;
  /** ISO-8601, null when the pattern never fires again. */
  next_run_at?: string | null;
  keep?: number;
  options?: ExportRequest;
}

/** `{error: {code, message, details}}`, the body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}
