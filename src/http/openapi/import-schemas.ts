import type { JsonSchema } from './openapi-types.ts';
import { ref } from './refs.ts';

const timestamp = { type: 'string', format: 'date-time', description: 'ISO-8601 UTC.' } as const;
const nullableTimestamp = { type: ['string', 'null'], format: 'date-time', description: 'ISO-8601 UTC; null until it happens.' } as const;
const count = { type: 'integer', minimum: 0 } as const;

/** The schemas of `/v1/imports`, mirroring src/imports/import-types.ts and the import handlers. */
export const IMPORT_SCHEMAS: Record<string, JsonSchema> = {
  ImportId: { type: 'string', pattern: '^imp_[A-Za-z0-9]{16}$', description: 'Also the BullMQ job id.', examples: ['imp_3fQ9xKp2LmZ8aB1c'] },
  ImportMode: {
    type: 'string',
    enum: ['create', 'upsert'],
    description: '`create` leaves customers that exist (same email) untouched; `upsert` also updates them.',
  },
  ImportStatus: { type: 'string', enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] },
  ImportCounts: {
    type: 'object',
    description: 'Rows per outcome; in a dry run `created`/`updated` count would_create/would_update.',
    required: ['total', 'processed', 'created', 'updated', 'unchanged', 'skipped', 'failed'],
    additionalProperties: false,
    properties: {
      total: { ...count, description: 'Data rows in the file (0 until the job has counted them).' },
      processed: count,
      created: count,
      updated: count,
      unchanged: count,
      skipped: count,
      failed: count,
    },
  },
  ImportLinks: {
    type: 'object',
    required: ['self', 'results'],
    additionalProperties: false,
    properties: { self: { type: 'string' }, results: { type: 'string', description: 'results.csv so far.' } },
  },
  Import: {
    type: 'object',
    required: [
      'id', 'status', 'mode', 'dry_run', 'file_name', 'size_bytes', 'counts',
      'created_at', 'started_at', 'finished_at', 'error', 'cancel_requested', 'links',
    ],
    additionalProperties: false,
    properties: {
      id: ref('ImportId'),
      status: ref('ImportStatus'),
      mode: ref('ImportMode'),
      dry_run: { type: 'boolean' },
      file_name: { type: 'string' },
      size_bytes: count,
      counts: ref('ImportCounts'),
      created_at: timestamp,
      started_at: nullableTimestamp,
      finished_at: nullableTimestamp,
      error: { type: ['string', 'null'], description: 'Why the import failed (never a secret); null otherwise.' },
      cancel_requested: { type: 'boolean', description: 'A DELETE arrived; the job stops before its next write.' },
      links: ref('ImportLinks'),
    },
  },
  ImportCreated: {
    type: 'object',
    description: 'The answer to an accepted upload: the import is queued.',
    required: ['id', 'status', 'mode', 'dry_run', 'file_name', 'size_bytes', 'created_at', 'links'],
    additionalProperties: false,
    properties: {
      id: ref('ImportId'),
      status: ref('ImportStatus'),
      mode: ref('ImportMode'),
      dry_run: { type: 'boolean' },
      file_name: { type: 'string', description: 'The `file_name` option, else the multipart filename, else upload.csv.' },
      size_bytes: count,
      created_at: timestamp,
      links: ref('ImportLinks'),
    },
  },
  ImportList: {
    type: 'object',
    required: ['object', 'data'],
    additionalProperties: false,
    properties: { object: { const: 'list' }, data: { type: 'array', items: ref('Import'), description: 'Newest first.' } },
  },
  ImportUploadForm: {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', contentMediaType: 'text/csv', description: 'The CSV (UTF-8, header line first).' },
      mode: ref('ImportMode'),
      dry_run: { type: 'string', enum: ['true', 'false', '1', '0', 'yes', 'no'] },
      file_name: { type: 'string', maxLength: 255 },
    },
  },
};
