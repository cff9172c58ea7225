import { AUDIT_KINDS } from '../../audits/audit-schema.ts';
import { idParameter, notFound, v1Operation } from './api-errors.ts';
import { JSON_BODY_ERRORS } from './export-paths.ts';
import type { PathItemObject } from './openapi-types.ts';
import { errorResponse, jsonOf, jsonResponse } from './refs.ts';

/** `/v1/audits…` (src/http/routes/audit-routes.ts, AUDIT_ROUTES). */
export const AUDIT_PATHS: Record<string, PathItemObject> = {
  '/v1/audits': {
    post: v1Operation('audits', {
      operationId: 'createAudit',
      summary: 'Queue an audit of every customer (read-only: nothing is written to Stripe)',
      description:
        '`duplicate_emails` walks every customer with the export\'s parallel list (one read per 100 customers, within ' +
        'the shared read budget) into a Redis index and lists the customers sharing an email once trimmed and lower-cased. ' +
        'Once completed, its groups are the ones `mode=upsert` imports skip as ambiguous (until the next audit).',
      requestBody: { required: true, description: 'As application/json (415 otherwise).', content: jsonOf('AuditRequest') },
      responses: {
        '202': jsonResponse('Queued', 'Audit'),
        '400': errorResponse(
          `A missing or unknown kind (details.kinds lists ${AUDIT_KINDS.join(', ')}), an unknown field, or a body that is not valid JSON; nothing is queued`,
          ['invalid_request', 'invalid_json', 'bad_request'],
        ),
        ...JSON_BODY_ERRORS,
      },
    }),
  },
  '/v1/audits/{id}': {
    parameters: [idParameter('AuditId', 'audit')],
    get: v1Operation('audits', {
      operationId: 'getAudit',
      summary: 'Status and counts of one audit',
      responses: { '200': jsonResponse('The audit', 'Audit'), '404': notFound('audit') },
    }),
    delete: v1Operation('audits', {
      operationId: 'cancelAudit',
      summary: 'Cancel a queued or running audit',
      description: 'The record says cancelled at once; a running walk stops at its next group of pages and drops its index.',
      responses: {
        '200': jsonResponse('Cancelled', 'Audit'),
        '404': notFound('audit'),
        '409': errorResponse('The audit is already finished', ['audit_finished']),
      },
    }),
  },
  '/v1/audits/{id}/file': {
    parameters: [idParameter('AuditId', 'audit')],
    get: v1Operation('audits', {
      operationId: 'downloadAudit',
      summary: 'The CSV of a completed duplicate audit',
      description:
        'Columns `group,normalised_email,customer_id,email,name,created,balance,delinquent,metadata.<key>…` (keys sorted); ' +
        'one row per customer of a group, largest groups first, each group oldest customer first. Cells a spreadsheet ' +
        'would run as a formula get a leading `\'`, as in exports.',
      responses: {
        '200': {
          description: 'The file',
          headers: { 'Content-Disposition': { description: 'attachment; the name holds the audit id.', schema: { type: 'string' } } },
          content: { 'text/csv': { schema: { type: 'string' } } },
        },
        '404': notFound('audit'),
        '409': errorResponse('Not completed yet (details: status, counts)', ['audit_not_ready']),
      },
    }),
  },
};
