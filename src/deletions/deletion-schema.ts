import { z } from 'zod';
import { nonNegativeInt, timestamp } from '../api-shape-parts.ts';
import { importIdSchema } from '../imports/import-schema.ts';

/**
 * The deletion as the API answers it, declared once: the server's types (deletion-types.ts), the presenter
 * (src/http/handlers/deletions/present-deletion.ts), `/openapi.json` (src/http/openapi/deletion-paths.ts) and the CLI
 * all derive from these schemas, as the import's do from import-schema.ts.
 */

export const DELETION_ID_PATTERN = /^del_[A-Za-z0-9]{16}$/;

export const deletionIdSchema = z
  .string()
  .regex(DELETION_ID_PATTERN)
  .meta({ description: 'Also the BullMQ job id.', examples: ['del_7hQ2mXp9LkZ4aB0c'] });

export const deletionStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);

export const deletionSourceSchema = z
  .object({
    kind: z.enum(['file', 'import']).describe('`file`: an uploaded CSV of ids or emails; `import`: undo of an import.'),
    digest: z.string().describe('SHA-256 of the uploaded file (kind `file`); a dry run confirms only the same digest.'),
    import_id: importIdSchema.nullable().describe('The import undone (kind `import`); null for a file.'),
    file_name: z.string(),
  })
  .describe('What is deleted. A confirmed run must have the same source as its dry run.');

export const deletionCountsSchema = z
  .object({
    total: nonNegativeInt.describe('Rows to consider (0 until the job has counted them).'),
    processed: nonNegativeInt,
    deleted: nonNegativeInt,
    would_delete: nonNegativeInt.describe('Dry run: rows whose customer would be deleted.'),
    kept: nonNegativeInt.describe('Rows whose customer is kept, with the reason in the results (subscriptions, …).'),
    already_deleted: nonNegativeInt,
    failed: nonNegativeInt,
  })
  .describe('Rows per outcome.');

const nullableTime = timestamp.nullable().describe('ISO-8601 UTC; null until it happens.');

/** A deletion as stored and read back (deletion-record.ts), before the API adds its links. */
export const deletionRecordSchema = z.object({
  id: deletionIdSchema,
  object: z.literal('deletion'),
  status: deletionStatusSchema,
  dry_run: z.boolean(),
  force: z.boolean().describe('Customers with subscriptions, a balance, a payment method or changes are deleted too.'),
  source: deletionSourceSchema,
  confirm_of: deletionIdSchema.nullable().describe('The finished dry run this run carries out; null for a dry run.'),
  counts: deletionCountsSchema,
  created_at: timestamp.describe('ISO-8601 UTC.'),
  started_at: nullableTime,
  finished_at: nullableTime,
  error: z.string().nullable().describe('Why the deletion failed (never a secret); null otherwise.'),
  cancel_requested: z.boolean().describe('A DELETE arrived; the job stops before its next write.'),
});

export const deletionSchema = deletionRecordSchema.extend({
  links: z.object({ self: z.string(), results: z.string().describe('results.csv so far.') }),
});

/** The JSON body of `POST /v1/deletions` (an undo); a CSV body carries its options in the query instead. */
export const deletionRequestSchema = z
  .object({
    import_id: z
      .string()
      .regex(/^imp_[A-Za-z0-9]{16}$/, 'must be an import id, imp_ + 16 letters or digits')
      .describe('Undo this import: delete exactly the customers it created.'),
    dry_run: z.boolean().optional(),
    confirm: z
      .string()
      .regex(DELETION_ID_PATTERN, 'confirm must be the id of a finished dry run, del_ + 16 letters or digits')
      .optional()
      .describe('A finished dry run of the same import.'),
    force: z.boolean().optional(),
  })
  .strict();

/** What a row's customer became. */
export const deletionActionSchema = z.enum(['deleted', 'would_delete', 'kept', 'already_deleted', 'failed']);

export type DeletionJson = z.output<typeof deletionSchema>;
export type DeletionRequest = z.output<typeof deletionRequestSchema>;
