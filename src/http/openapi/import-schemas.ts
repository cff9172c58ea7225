import { connectedAccountIdSchema } from '../../api-shape-parts.ts';
import {
  dedupeModeSchema,
  importCountsSchema,
  importCreatedSchema,
  importIdSchema,
  importLinksSchema,
  importListSchema,
  importModeSchema,
  importSchema,
  importStatusSchema,
} from '../../imports/import-schema.ts';
import type { JsonSchema } from './openapi-types.ts';
import { ref } from './refs.ts';
import { componentSchemas } from './zod-components.ts';

/** The schemas of `/v1/imports`: the answers from src/imports/import-schema.ts, the upload form by hand. */
export const IMPORT_SCHEMAS: Record<string, JsonSchema> = {
  ...componentSchemas({
    ImportId: importIdSchema,
    ImportMode: importModeSchema,
    DedupeMode: dedupeModeSchema,
    ImportStatus: importStatusSchema,
    ImportCounts: importCountsSchema,
    ImportLinks: importLinksSchema,
    Import: importSchema,
    ImportCreated: importCreatedSchema,
    ImportList: importListSchema,
    ConnectedAccountId: connectedAccountIdSchema,
  }),
  // The upload's options are read from the query or the form by src/imports/upload/import-options.ts, not zod.
  ImportUploadForm: {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', contentMediaType: 'text/csv', description: 'The CSV (UTF-8, header line first).' },
      mode: ref('ImportMode'),
      dry_run: { type: 'string', enum: ['true', 'false', '1', '0', 'yes', 'no'] },
      dedupe: ref('DedupeMode'),
      file_name: { type: 'string', maxLength: 255 },
      account: ref('ConnectedAccountId'),
    },
  },
};
