import { z } from 'zod';
import { connectedAccountIdSchema, listEnvelope, nonNegativeInt, timestamp } from '../api-shape-parts.ts';

/**
 * The import as the API answers it, declared once: the server's types (src/imports/import-types.ts), the presenters
 * (src/http/handlers/imports/present-import.ts), `/openapi.json` (src/http/openapi/component-schemas.ts) and the CLI
 * (src/cli/api-types.ts) all derive from these schemas. The descriptions are the document's. Objects are `z.object`:
 * the document says `additionalProperties: false` (an answer holds nothing else), while a reader such as the CLI
 * still accepts a field a newer server adds.
 */

export const importIdSchema = z
  .string()
  .regex(/^imp_[A-Za-z0-9]{16}$/)
  .meta({ description: 'Also the BullMQ job id.', examples: ['imp_3fQ9xKp2LmZ8aB1c'] });

export const importModeSchema = z
  .enum(['create', 'upsert'])
  .describe(
    '`create` leaves customers that exist (same email) untouched; `upsert` also updates them, except an email the latest ' +
      'completed duplicate audit (POST /v1/audits) found shared by several customers: that row is skipped as ambiguous.',
  );

export const importStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);

export const importCountsSchema = z
  .object({
    total: nonNegativeInt.describe('Data rows in the file (0 until the job has counted them).'),
    processed: nonNegativeInt,
    created: nonNegativeInt,
    updated: nonNegativeInt,
    unchanged: nonNegativeInt,
    skipped: nonNegativeInt,
    failed: nonNegativeInt,
    matched_by_scan: nonNegativeInt
      .optional()
      .describe(
        'dedupe=scan only: rows that matched an existing customer whose stored email differs from the row\'s as written ' +
          'and lower-cased, i.e. that dedupe=lookup would not have found (they are also counted under their outcome).',
      ),
  })
  .describe('Rows per outcome; in a dry run `created`/`updated` count would_create/would_update.');

/** How rows find existing customers. */
export const dedupeModeSchema = z
  .enum(['lookup', 'scan'])
  .describe(
    '`lookup`: per-row `?email=` look-ups of the email as written and lower-cased (Stripe\'s filter is case-sensitive). ' +
      '`scan`: first walk every customer into an email index (trimmed, lower-cased), so any casing matches.',
  );

export const importLinksSchema = z.object({
  self: z.string(),
  results: z.string().describe('results.csv so far.'),
});

const createdAt = timestamp.describe('ISO-8601 UTC.');
const nullableTime = timestamp.nullable().describe('ISO-8601 UTC; null until it happens.');

/** An import as stored and read back (src/imports/import-record.ts), before the API adds its links. */
export const importRecordSchema = z.object({
  id: importIdSchema,
  status: importStatusSchema,
  mode: importModeSchema,
  dry_run: z.boolean(),
  account: connectedAccountIdSchema
    .nullable()
    .describe('The connected account whose customers the rows create and update (`Stripe-Account`); null: the platform.'),
  dedupe: dedupeModeSchema,
  file_name: z.string(),
  size_bytes: nonNegativeInt,
  counts: importCountsSchema,
  created_at: createdAt,
  started_at: nullableTime,
  finished_at: nullableTime,
  error: z.string().nullable().describe('Why the import failed (never a secret); null otherwise.'),
  cancel_requested: z.boolean().describe('A DELETE arrived; the job stops before its next write.'),
  undone_by: z
    .string()
    .nullable()
    .describe('The deletion (`del_…`, POST /v1/deletions with this import_id) that undid this import; null otherwise.'),
});

/** `GET /v1/imports/{id}` (and `DELETE`, and each entry of the list): the record plus links. */
export const importSchema = importRecordSchema.extend({ links: importLinksSchema });

/** The answer to an accepted upload: what was stored, before any row ran. */
export const importCreatedSchema = importSchema
  .pick({ id: true, status: true, mode: true, dry_run: true, account: true, file_name: true, size_bytes: true, created_at: true, links: true })
  .extend({ file_name: z.string().describe('The `file_name` option, else the multipart filename, else upload.csv.') })
  .describe('The answer to an accepted upload: the import is queued.');

/** `GET /v1/imports`. */
export const importListSchema = listEnvelope(importSchema, 'Newest first.');

/** `GET /v1/imports/{id}` as sent. */
export type ImportJson = z.output<typeof importSchema>;

/** `POST /v1/imports` as sent (202). */
export type ImportCreatedJson = z.output<typeof importCreatedSchema>;

/** `GET /v1/imports` as sent. */
export type ImportListJson = z.output<typeof importListSchema>;
