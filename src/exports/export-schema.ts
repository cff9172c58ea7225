import { z } from 'zod';
import { listEnvelope, nonNegativeInt, timestamp } from '../api-shape-parts.ts';
import { exportOptionsSchema } from './export-options.ts';

/**
 * Exports and export schedules as the API answers them, declared once: exportToJson and scheduleToJson return these
 * types, `/openapi.json` (src/http/openapi/component-schemas.ts) and the CLI (src/cli/api-types.ts) derive from the
 * same schemas. The descriptions are the document's. Objects are `z.object` for the reason given in
 * src/imports/import-schema.ts.
 */

export const exportIdSchema = z
  .string()
  .regex(/^exp_[A-Za-z0-9]{20}$/)
  .meta({ examples: ['exp_8Hq2ZkLm4Pn7Rt1Vx3Yb'] });

export const scheduleIdSchema = z
  .string()
  .regex(/^exs_[A-Za-z0-9]{16}$/)
  .meta({ examples: ['exs_Qm3Tz8Ly2Kp5Wn7R'] });

/**
 * Lifecycle of an export: queued → running → completed | failed | cancelled; a completed file of a schedule that
 * fell out of the retention window becomes expired (record kept, file deleted).
 */
export const exportStatusSchema = z
  .enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'expired'])
  .describe('`expired`: a scheduled run whose file retention deleted (the record stays).');

/** How the export reads Stripe: the created-sliced list, or sequential search pages. */
export const exportModeSchema = z
  .enum(['list', 'search'])
  .describe('`list` reads the exact, created-sliced list; `search` (a `query` was given) trails writes.');

const exportFileSchema = z.object({ name: z.string(), bytes: nonNegativeInt.nullable(), gzip: z.boolean() });

/** `GET /v1/exports/{id}` (and `POST`, `DELETE`, and each entry of the list). */
export const exportSchema = z.object({
  id: exportIdSchema,
  object: z.literal('export'),
  status: exportStatusSchema,
  mode: exportModeSchema,
  options: exportOptionsSchema,
  schedule_id: scheduleIdSchema.nullable(),
  counts: z
    .object({
      customers: nonNegativeInt.describe('Objects written, whatever `options.object` is (kept for compatibility; see `objects`).'),
      objects: nonNegativeInt.describe('Objects written: customers or connected accounts, as `options.object` says.'),
      pages: nonNegativeInt,
      bytes: nonNegativeInt,
    })
    .describe('Updated after every page.'),
  snapshot_created_lte: z
    .number()
    .int()
    .nullable()
    .describe('The fixed created[lte] (unix seconds) of the snapshot, set at the first start.'),
  file: exportFileSchema.nullable(),
  warnings: z.array(z.string()),
  error: z.string().nullable(),
  created_at: timestamp,
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  expired_at: timestamp.nullable(),
  links: z.object({ self: z.string(), file: z.string() }),
});

/** `GET /v1/exports`. */
export const exportListSchema = listEnvelope(exportSchema, 'Newest first.');

/** A schedule as `/v1/export-schedules` answers it. */
export const scheduleSchema = z.object({
  id: scheduleIdSchema,
  object: z.literal('export_schedule'),
  cron: z.string(),
  tz: z.string().nullable(),
  keep: z.number().int().min(1).describe('Files kept by retention (the default when none was given).'),
  options: exportOptionsSchema,
  next_run_at: timestamp.nullable(),
  created_at: timestamp,
  links: z.object({ self: z.string(), exports: z.string().describe('The runs of this schedule.') }),
});

/** `GET /v1/export-schedules`. */
export const scheduleListSchema = listEnvelope(scheduleSchema);

/** `DELETE /v1/export-schedules/{id}`. */
export const scheduleDeletedSchema = z.object({
  id: scheduleIdSchema,
  object: z.literal('export_schedule'),
  deleted: z.literal(true),
});

export type ExportStatus = z.output<typeof exportStatusSchema>;
export type ExportMode = z.output<typeof exportModeSchema>;
/** An export as sent. */
export type ExportJson = z.output<typeof exportSchema>;
/** A schedule as sent. */
export type ScheduleJson = z.output<typeof scheduleSchema>;
/** `GET /v1/exports` as sent. */
export type ExportListJson = z.output<typeof exportListSchema>;
/** `GET /v1/export-schedules` as sent. */
export type ScheduleListJson = z.output<typeof scheduleListSchema>;
/** `DELETE /v1/export-schedules/{id}` as sent. */
export type ScheduleDeletedJson = z.output<typeof scheduleDeletedSchema>;
