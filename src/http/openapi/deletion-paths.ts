import { idParameter, notFound, v1Operation } from './api-errors.ts';
import type { PathItemObject } from './openapi-types.ts';
import { errorResponse, jsonResponse, ref } from './refs.ts';

const csvBody = { schema: { type: 'string', contentMediaType: 'text/csv' } };
const FLAG = { type: 'string', enum: ['true', 'false', '1', '0', 'yes', 'no'], default: 'false' };

const OPTION_PARAMETERS = [
  { name: 'dry_run', in: 'query', required: false, description: 'Delete nothing: rows report would_delete or why they are kept.', schema: FLAG },
  {
    name: 'confirm',
    in: 'query',
    required: false,
    description: 'Required unless dry_run: the id of a finished dry run of the same source (same file digest or same import).',
    schema: ref('DeletionId'),
  },
  { name: 'force', in: 'query', required: false, description: 'Delete customers with subscriptions, a balance, a payment method or changes too.', schema: FLAG },
  { name: 'file_name', in: 'query', required: false, description: 'The name shown on the board (CSV only).', schema: { type: 'string', maxLength: 255 } },
] as const;

/** `/v1/deletions…` (src/http/routes/deletion-routes.ts). */
export const DELETION_PATHS: Record<string, PathItemObject> = {
  '/v1/deletions': {
    post: v1Operation('deletions', {
      operationId: 'createDeletion',
      summary: 'Queue a reviewed deletion: a CSV of customers, or the undo of an import',
      description:
        'Deleting is permanent and cancels subscriptions, so it takes two steps: first `dry_run=true`, whose results ' +
        'say what would happen; then the same source with `confirm=<the dry run id>`. A confirmed run deletes only ' +
        'customers its dry run listed as would_delete. A customer is kept, with the reason, when it has subscriptions, ' +
        'a non-zero balance or a default payment method, and for an undo when it changed since the import, unless ' +
        '`force=true`. An email matches as imports match (exact look-up and created-email registry); an ambiguous ' +
        'email is never deleted. Options come from the query, the form fields, or the JSON body of an undo.',
      parameters: [...OPTION_PARAMETERS],
      requestBody: {
        required: true,
        description:
          'A CSV with an `id` or `email` column (text/csv, application/csv, or the `file` part of a multipart form), ' +
          'or JSON `{"import_id": "imp_…"}` to undo an import: exactly the customers its results say it created.',
        content: {
          'text/csv': csvBody,
          'application/csv': csvBody,
          'multipart/form-data': { schema: ref('DeletionUploadForm') },
          'application/json': { schema: ref('DeletionRequest') },
        },
      },
      responses: {
        '202': {
          ...jsonResponse('Accepted and queued', 'Deletion'),
          headers: { Location: { description: 'The deletion, to poll.', schema: { type: 'string' } } },
        },
        '400': errorResponse(
          'Bad options or ids, a real run without `confirm`, a CSV without an `id` or `email` column, JSON that does ' +
            'not parse, multipart or encoding problems, or an import to undo that created nothing',
          [
            'invalid_request', 'confirm_required', 'missing_column', 'nothing_to_delete', 'invalid_json', 'bad_multipart',
            'missing_file', 'multiple_files', 'unexpected_file', 'upload_interrupted', 'not_csv', 'not_utf8', 'empty_header',
          ],
        ),
        '404': errorResponse('The import to undo does not exist', ['not_found']),
        '409': errorResponse(
          '`confirm` names no finished dry run of the same source, or the import to undo is still queued or running, or ' +
            'was already undone',
          ['confirm_mismatch', 'import_not_undoable'],
        ),
        '413': errorResponse('The file is larger than UPLOAD_MAX_BYTES, or the JSON body over 64 KiB', ['upload_too_large', 'body_too_large']),
        '415': errorResponse('Neither a CSV, a multipart form nor UTF-8 JSON', ['unsupported_media_type']),
        '507': errorResponse('DATA_DIR cannot store the upload; nothing is queued', ['insufficient_storage']),
      },
    }),
  },
  '/v1/deletions/{id}': {
    parameters: [idParameter('DeletionId', 'deletion')],
    get: v1Operation('deletions', {
      operationId: 'getDeletion',
      summary: 'Status and counts of one deletion',
      responses: { '200': jsonResponse('The deletion', 'Deletion'), '404': notFound('deletion') },
    }),
    delete: v1Operation('deletions', {
      operationId: 'cancelDeletion',
      summary: 'Cancel a queued or running deletion',
      description:
        'A queued deletion is cancelled at once (200); a running one stops before its next batch (202). Customers ' +
        'already deleted stay deleted: Stripe deletions are permanent.',
      responses: {
        '200': jsonResponse('Cancelled', 'Deletion'),
        '202': jsonResponse('Cancel requested; the running job stops before its next batch', 'Deletion'),
        '404': notFound('deletion'),
        '409': errorResponse('The deletion already completed or failed', ['deletion_finished']),
      },
    }),
  },
  '/v1/deletions/{id}/results': {
    parameters: [idParameter('DeletionId', 'deletion')],
    get: v1Operation('deletions', {
      operationId: 'getDeletionResults',
      summary: 'results.csv: one line per row, up to the last checkpoint',
      description:
        'Columns `row,email,action,customer_id,message`; `action` is deleted, would_delete, kept, already_deleted or ' +
        'failed, and `message` gives the reason a customer was kept. For an undo, `row` is the import\'s row.',
      responses: {
        '200': {
          description: 'The results so far (the header line alone before the first checkpoint)',
          headers: { 'Content-Disposition': { schema: { type: 'string', examples: ['attachment; filename="del_…-results.csv"'] } } },
          content: { 'text/csv': { schema: { type: 'string' }, example: 'row,email,action,customer_id,message\n' } },
        },
        '404': notFound('deletion'),
      },
    }),
  },
};
