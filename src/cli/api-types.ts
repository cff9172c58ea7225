/**
 * The JSON the stripe-bulk HTTP API answers, as the CLI reads it: the server's own schemas (src/imports/import-schema.ts,
 * src/exports/export-schema.ts, src/error-body.ts), so a renamed or removed field breaks the build instead of showing
 * 0. Where the CLI tolerates a server that omits a field, the schema says so (`.partial()`); the client checks every
 * answer against these schemas before a command reads it.
 */
import { z } from 'zod';
import { auditSchema } from '../audits/audit-schema.ts';
import { errorBodySchema } from '../error-body.ts';
import type { ExportOptionsInput } from '../exports/export-options.ts';
import { exportSchema, scheduleSchema, type ExportStatus, type scheduleDeletedSchema } from '../exports/export-schema.ts';
import type { scheduleBodySchema } from '../exports/schedule-options.ts';
import { deletionSchema } from '../deletions/deletion-schema.ts';
import { importSchema, type ImportCreatedJson } from '../imports/import-schema.ts';
import type { ImportCounts, ImportStatus } from '../imports/import-types.ts';

export type { ImportCounts, ImportStatus, ExportStatus };

/** Every status either kind of job can be in. */
export type JobStatus = ImportStatus | ExportStatus;

/** `GET /v1/imports/:id` (and each entry of the list); servers before links, `account`, undo or dedupe did not send them. */
export const cliImportSchema = importSchema.partial({ links: true, account: true, undone_by: true, dedupe: true });
export type ImportRecord = z.output<typeof cliImportSchema>;

/** `POST /v1/imports` (202): the queued import, without counts or times. */
export type ImportCreated = ImportCreatedJson;

/** `POST /v1/exports` body (all optional): the server's ExportOptions. */
export type ExportRequest = ExportOptionsInput;

/** `POST /v1/export-schedules` body: the cron, its zone and retention, and the export options. */
export type ExportScheduleRequest = z.input<typeof scheduleBodySchema>;

/** `DELETE /v1/export-schedules/:id`. */
export type ExportScheduleDeleted = z.output<typeof scheduleDeletedSchema>;

/** `GET /v1/exports/:id` (and each entry of the list): only the id and status are needed to follow an export. */
export const cliExportSchema = exportSchema.partial().required({ id: true, status: true });
export type ExportRecord = z.output<typeof cliExportSchema>;

/** An export schedule: what `schedules` prints is required, the rest may be missing. */
export const cliScheduleSchema = scheduleSchema.partial().required({ id: true, cron: true, tz: true, keep: true, next_run_at: true });
export type ExportSchedule = z.output<typeof cliScheduleSchema>;

/**
 * The body of a 4xx/5xx, read loosely: any field may be missing, `code` may be one a newer server added, and `type`
 * is what Stripe's errors carry (how the CLI notices it was pointed at Stripe or the emulator instead).
 */
export const cliErrorBodySchema = z
  .object({
    error: errorBodySchema.shape.error
      .extend({ code: z.string(), details: z.unknown(), type: z.string() })
      .partial(),
  })
  .partial();
export type ApiErrorBody = z.output<typeof cliErrorBodySchema>;

/** `POST /v1/deletions` (202) and `GET /v1/deletions/:id`. */
export const cliDeletionSchema = deletionSchema.partial({ links: true });
export type DeletionRecord = z.output<typeof cliDeletionSchema>;
/** `GET /v1/audits/:id`: only the id and status are needed to follow an audit. */
export const cliAuditSchema = auditSchema.partial().required({ id: true, status: true });
export type AuditRecord = z.output<typeof cliAuditSchema>;
