import { deprovisionIdSchema, deprovisionSchema, deprovisionStatusSchema } from '../../deprovisions/deprovision-schema.ts';
import { idParameter, notFound, v1Operation } from './api-errors.ts';
import type { JsonSchema, PathItemObject } from './openapi-types.ts';
import { errorResponse, jsonResponse, ref } from './refs.ts';
import { componentSchemas } from './zod-components.ts';

const csvBody = { schema: { type: 'string', contentMediaType: 'text/csv' } };
const DRY_RUN = { type: 'string', enum: ['true', 'false', '1', '0', 'yes', 'no'], default: 'false' } as const;

/** The schemas of `/v1/team-member-deprovisions` (src/deprovisions/deprovision-schema.ts), the upload form by hand. */
export const DEPROVISION_SCHEMAS: Record<string, JsonSchema> = {
  ...componentSchemas({ DeprovisionId: deprovisionIdSchema, DeprovisionStatus: deprovisionStatusSchema, Deprovision: deprovisionSchema }),
  DeprovisionUploadForm: {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', contentMediaType: 'text/csv', description: 'The CSV: an `email` column (matched to userName, any case) or an `id` column.' },
      dry_run: DRY_RUN,
      file_name: { type: 'string', maxLength: 255 },
    },
  },
};

const WARNING = 'API keys a deactivated member created stay valid until rotated under Developers → API keys.';

/** `/v1/team-member-deprovisions…` (src/http/routes/deprovision-routes.ts). */
export const DEPROVISION_PATHS: Record<string, PathItemObject> = {
  '/v1/team-member-deprovisions': {
    post: v1Operation('team members', {
      operationId: 'createTeamMemberDeprovision',
      summary: 'Deactivate the Dashboard team members a CSV lists (SCIM PATCH active=false)',
      description:
        'Team members are Dashboard users managed over SCIM 2.0 (Enterprise with SSO), not Customers. Each row names ' +
        'a member by `email` (matched to userName case-insensitively; more than one match is `ambiguous`) or `id`. ' +
        `Rows are deactivated, never deleted. Run with dry_run=true first. ${WARNING} Needs STRIPE_SCIM_TOKEN.`,
      parameters: [
        { name: 'dry_run', in: 'query', required: false, description: 'Report would_deactivate without sending any PATCH.', schema: DRY_RUN },
        { name: 'file_name', in: 'query', required: false, schema: { type: 'string', maxLength: 255 } },
      ],
      requestBody: {
        required: true,
        description: 'A text/csv body, or a multipart form with the CSV in one `file` part (the import upload path).',
        content: { 'text/csv': csvBody, 'application/csv': csvBody, 'text/plain': csvBody, 'multipart/form-data': { schema: ref('DeprovisionUploadForm') } },
      },
      responses: {
        '202': {
          ...jsonResponse('Accepted and queued', 'Deprovision'),
          headers: { Location: { description: 'The deprovision, to poll.', schema: { type: 'string' } } },
        },
        '400': errorResponse(
          'Bad options; STRIPE_SCIM_TOKEN not set on the server; a CSV without an email or id column; a bad upload',
          ['invalid_request', 'bad_multipart', 'missing_file', 'multiple_files', 'unexpected_file', 'upload_interrupted', 'not_csv', 'not_utf8', 'empty_header', 'invalid_header'],
        ),
        '413': errorResponse('The file is larger than UPLOAD_MAX_BYTES', ['upload_too_large']),
        '415': errorResponse('Neither a CSV body nor multipart/form-data', ['unsupported_media_type']),
        '507': errorResponse('DATA_DIR cannot store the upload', ['insufficient_storage']),
      },
    }),
  },
  '/v1/team-member-deprovisions/{id}': {
    parameters: [idParameter('DeprovisionId', 'deprovision')],
    get: v1Operation('team members', {
      operationId: 'getTeamMemberDeprovision',
      summary: 'Status, counts and summary (with the API-key warning) of one deprovision',
      responses: { '200': jsonResponse('The deprovision', 'Deprovision'), '404': notFound('deprovision') },
    }),
    delete: v1Operation('team members', {
      operationId: 'cancelTeamMemberDeprovision',
      summary: 'Cancel a queued or running deprovision',
      description: 'A queued one is cancelled at once (200); a running one stops before its next row (202). Members already deactivated stay so.',
      responses: {
        '200': jsonResponse('Cancelled', 'Deprovision'),
        '202': jsonResponse('Cancel requested; the job stops before its next row', 'Deprovision'),
        '404': notFound('deprovision'),
        '409': errorResponse('The deprovision already completed or failed', ['deprovision_finished']),
      },
    }),
  },
  '/v1/team-member-deprovisions/{id}/results': {
    parameters: [idParameter('DeprovisionId', 'deprovision')],
    get: v1Operation('team members', {
      operationId: 'getTeamMemberDeprovisionResults',
      summary: 'results.csv: one line per row, up to the last checkpoint',
      description:
        'Columns `row,email,action,user_id,message`; `action` is deactivated, already_inactive, not_found, ambiguous, ' +
        `failed or would_deactivate (dry run). ${WARNING}`,
      responses: {
        '200': {
          description: 'The results so far (the header line alone before the first row)',
          content: { 'text/csv': { schema: { type: 'string' }, example: 'row,email,action,user_id,message\n' } },
        },
        '404': notFound('deprovision'),
      },
    }),
  },
};
