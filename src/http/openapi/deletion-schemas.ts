import {
  deletionActionSchema,
  deletionCountsSchema,
  deletionIdSchema,
  deletionRequestSchema,
  deletionSchema,
  deletionSourceSchema,
  deletionStatusSchema,
} from '../../deletions/deletion-schema.ts';
import type { JsonSchema } from './openapi-types.ts';
import { componentSchemas } from './zod-components.ts';

/** The schemas of `/v1/deletions`, from src/deletions/deletion-schema.ts; the upload form by hand, as the import's. */
export const DELETION_SCHEMAS: Record<string, JsonSchema> = {
  ...componentSchemas({
    DeletionId: deletionIdSchema,
    DeletionStatus: deletionStatusSchema,
    DeletionSource: deletionSourceSchema,
    DeletionCounts: deletionCountsSchema,
    DeletionAction: deletionActionSchema,
    Deletion: deletionSchema,
    DeletionRequest: deletionRequestSchema,
  }),
  DeletionUploadForm: {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', contentMediaType: 'text/csv', description: 'The CSV: an `id` column, or an `email` column.' },
      dry_run: { type: 'string', enum: ['true', 'false', '1', '0', 'yes', 'no'] },
      confirm: { type: 'string', description: 'The id of a finished dry run of the same file.' },
      force: { type: 'string', enum: ['true', 'false', '1', '0', 'yes', 'no'] },
      file_name: { type: 'string', maxLength: 255 },
    },
  },
};
