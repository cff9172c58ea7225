import { idParameter, LIMIT_PARAMETER, notFound, startingAfterParameter, v1Operation } from './api-errors.ts';
import type { PathItemObject } from './openapi-types.ts';
import { errorResponse, jsonResponse, ref } from './refs.ts';

const csvBody = { schema: { type: 'string', contentMediaType: 'text/csv' } };

const OPTION_PARAMETERS = [
  { name: 'mode', in: 'query', required: false, schema: ref('ImportMode') },
  {
    name: 'dry_run',
    in: 'query',
    required: false,
    description: 'Validate and compare with Stripe without writing: rows report would_create / would_update.',
    schema: { type: 'string', enum: ['true', 'false', '1', '0', 'yes', 'no'], default: 'false' },
  },
  {
    name: 'dedupe',
    in: 'query',
    required: false,
    description:
      '`scan` walks every customer into the account\'s email index (trimmed, lower-cased) before the first row, so a row ' +
      'matches a customer stored in any casing; the index is reused and topped up while younger than DEDUPE_INDEX_MAX_AGE. ' +
      'counts.matched_by_scan says how many rows only the scan matched.',
    schema: ref('DedupeMode'),
  },
  {
    name: 'file_name',
    in: 'query',
    required: false,
    description: 'The name shown in lists and on the board (a text/csv body has none of its own).',
    schema: { type: 'string', maxLength: 255 },
  },
  {
    name: 'account',
    in: 'query',
    required: false,
    description:
      "A connected account: the rows create and update its customers (every Stripe request sends it as `Stripe-Account`), " +
      "with email locks, dedupe and idempotency apart from the platform's. Rate budget: the platform's, unless " +
      'STRIPE_CONNECTED_ACCOUNT_BUDGETS gives the account its own. An account Stripe refuses (403 `account_invalid`) ' +
      'fails the import at its first row.',
    schema: ref('ConnectedAccountId'),
  },
] as const;

/** `/v1/imports…` (src/http/routes/import-routes.ts). */
export const IMPORT_PATHS: Record<string, PathItemObject> = {
  '/v1/imports': {
    post: v1Operation('imports', {
      operationId: 'createImport',
      summary: 'Upload a CSV of customers and queue its import',
      description:
        'The CSV is streamed to disk (never held in memory), its header checked, and a job queued. The options come ' +
        'from the query or from multipart form fields (the same option given both ways must agree). Any problem ' +
        'answers at once and leaves nothing behind. Poll the `Location` for progress.',
      parameters: [...OPTION_PARAMETERS],
      requestBody: {
        required: true,
        description:
          'A text/csv body (application/csv and text/plain are accepted too), or a multipart form with the CSV in one ' +
          '`file` part, with or without a filename (`curl -F file=@customers.csv` or `-F file=<customers.csv`).',
        content: {
          'text/csv': csvBody,
          'application/csv': csvBody,
          'text/plain': csvBody,
          'multipart/form-data': { schema: ref('ImportUploadForm') },
        },
      },
      responses: {
        '202': {
          ...jsonResponse('Accepted and queued', 'ImportCreated'),
          headers: { Location: { description: 'The import, to poll.', schema: { type: 'string' } } },
        },
        '400': errorResponse(
          'Bad options (e.g. an `account` not shaped `acct_…`), multipart (no `file` part, more than one file part, a file part under another name), ' +
            'encoding or CSV header; or a body cut short (the connection closed first)',
          [
            'invalid_request', 'bad_multipart', 'missing_file', 'multiple_files', 'unexpected_file', 'upload_interrupted',
            'not_csv', 'not_utf8', 'empty_header', 'invalid_header',
          ],
        ),
        '413': errorResponse('The file is larger than UPLOAD_MAX_BYTES', ['upload_too_large']),
        '415': errorResponse('Neither a CSV body nor multipart/form-data', ['unsupported_media_type']),
        '507': errorResponse(
          'DATA_DIR cannot store the upload (disk full, read-only or not writable); the partial file is removed and ' +
            'nothing is queued',
          ['insufficient_storage'],
        ),
      },
    }),
    get: v1Operation('imports', {
      operationId: 'listImports',
      summary: 'The most recent imports, newest first',
      parameters: [LIMIT_PARAMETER, startingAfterParameter('ImportId')],
      responses: {
        '200': jsonResponse('The imports', 'ImportList'),
        '400': errorResponse('Bad limit or starting_after', ['invalid_request']),
      },
    }),
  },
  '/v1/imports/{id}': {
    parameters: [idParameter('ImportId', 'import')],
    get: v1Operation('imports', {
      operationId: 'getImport',
      summary: 'Status and counts of one import',
      responses: { '200': jsonResponse('The import', 'Import'), '404': notFound('import') },
    }),
    delete: v1Operation('imports', {
      operationId: 'cancelImport',
      summary: 'Cancel a queued or running import',
      description:
        'A queued import is cancelled at once (200). A running one stops before its next write (202 while it winds ' +
        'down). The results written so far stay. Cancelling a cancelled import answers 200 again.',
      responses: {
        '200': jsonResponse('Cancelled', 'Import'),
        '202': jsonResponse('Cancel requested; the running job stops before its next write', 'Import'),
        '404': notFound('import'),
        '409': errorResponse('The import already completed or failed', ['import_finished']),
      },
    }),
  },
  '/v1/imports/{id}/results': {
    parameters: [idParameter('ImportId', 'import')],
    get: v1Operation('imports', {
      operationId: 'getImportResults',
      summary: 'results.csv: one line per row, up to the last checkpoint',
      description:
        'Columns `row,email,action,customer_id,message`; `action` is created, updated, unchanged, skipped, failed, ' +
        'would_create or would_update. A running import shows its rows so far, never a half-written batch.',
      responses: {
        '200': {
          description: 'The results so far (the header line alone before the first checkpoint)',
          headers: {
            'Content-Disposition': { schema: { type: 'string', examples: ['attachment; filename="imp_…-results.csv"'] } },
          },
          content: { 'text/csv': { schema: { type: 'string' }, example: 'row,email,action,customer_id,message\n' } },
        },
        '404': notFound('import'),
      },
    }),
  },
};
