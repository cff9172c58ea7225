import { idParameter, LIMIT_PARAMETER, notFound, startingAfterParameter, v1Operation } from './api-errors.ts';
import type { PathItemObject } from './openapi-types.ts';
import { errorResponse, jsonOf, jsonResponse, ref } from './refs.ts';

const invalidBody = errorResponse(
  'The body is not valid JSON, has unknown fields or bad values, or a query Stripe search would refuse (details.problems lists them); ' +
    'or the body parser could not read the body as sent',
  ['invalid_request', 'invalid_json', 'bad_request'],
);

/** What the JSON routes answer for a body they cannot read (src/http/middleware/json-body.ts). */
export const JSON_BODY_ERRORS = {
  '413': errorResponse('The body is larger than 1 MB', ['body_too_large']),
  '415': errorResponse(
    'The body is not JSON: send Content-Type: application/json (form-encoded, text/plain, an untyped body or a charset other than UTF-8)',
    ['unsupported_media_type'],
  ),
};

/** `/v1/exports…` (src/http/routes/export-routes.ts, EXPORT_ROUTES). */
export const EXPORT_PATHS: Record<string, PathItemObject> = {
  '/v1/exports': {
    post: v1Operation('exports', {
      operationId: 'createExport',
      summary: 'Queue an export of customers to CSV',
      requestBody: {
        required: false,
        description:
          'The options, as application/json. A request with no body and no Content-Type means every default (a full ' +
          'export); any other body must be JSON (415 otherwise), so a form-encoded body never turns into a full export.',
        content: jsonOf('ExportOptions'),
      },
      responses: { '202': jsonResponse('Queued', 'Export'), '400': invalidBody, ...JSON_BODY_ERRORS },
    }),
    get: v1Operation('exports', {
      operationId: 'listExports',
      summary: 'The most recent exports, newest first',
      parameters: [
        LIMIT_PARAMETER,
        startingAfterParameter('ExportId'),
        { name: 'schedule_id', in: 'query', required: false, description: 'Only the runs of this schedule.', schema: ref('ExportScheduleId') },
      ],
      responses: {
        '200': jsonResponse('The exports', 'ExportList'),
        '400': errorResponse('Bad limit, starting_after or schedule_id', ['invalid_request']),
      },
    }),
  },
  '/v1/exports/{id}': {
    parameters: [idParameter('ExportId', 'export')],
    get: v1Operation('exports', {
      operationId: 'getExport',
      summary: 'Status and counts of one export',
      responses: { '200': jsonResponse('The export', 'Export'), '404': notFound('export') },
    }),
    delete: v1Operation('exports', {
      operationId: 'cancelExport',
      summary: 'Cancel a queued or running export',
      description: 'The record says cancelled at once; a running job stops at its next page and deletes its working files.',
      responses: {
        '200': jsonResponse('Cancelled', 'Export'),
        '404': notFound('export'),
        '409': errorResponse('The export is already finished', ['export_finished']),
      },
    }),
  },
  '/v1/exports/{id}/file': {
    parameters: [idParameter('ExportId', 'export')],
    get: v1Operation('exports', {
      operationId: 'downloadExport',
      summary: 'The CSV of a completed export (gzip when the export asked for it)',
      responses: {
        '200': {
          description: 'The file, streamed',
          headers: { 'Content-Disposition': { description: 'attachment; the name holds the export id and date.', schema: { type: 'string' } } },
          content: { 'text/csv': { schema: { type: 'string' } }, 'application/gzip': { schema: { type: 'string', contentEncoding: 'binary' } } },
        },
        '404': notFound('export'),
        '409': errorResponse('Not completed yet (details: status, counts)', ['export_not_ready']),
        '410': errorResponse("The schedule's retention deleted the file", ['export_expired']),
      },
    }),
  },
};

/** `/v1/export-schedules…` (EXPORT_SCHEDULE_ROUTES). */
export const SCHEDULE_PATHS: Record<string, PathItemObject> = {
  '/v1/export-schedules': {
    post: v1Operation('export schedules', {
      operationId: 'createExportSchedule',
      summary: 'Schedule a recurring full export (a BullMQ job scheduler)',
      requestBody: { required: true, description: 'As application/json (415 otherwise).', content: jsonOf('ExportScheduleRequest') },
      responses: {
        '201': jsonResponse('Created', 'ExportSchedule'),
        '400': errorResponse(
          'Bad cron, time zone, keep, options or JSON, or a cron that runs more often than EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES (default 15)',
          ['invalid_request', 'invalid_json'],
        ),
        ...JSON_BODY_ERRORS,
      },
    }),
    get: v1Operation('export schedules', {
      operationId: 'listExportSchedules',
      summary: 'Every schedule with its next run',
      responses: { '200': jsonResponse('The schedules', 'ExportScheduleList') },
    }),
  },
  '/v1/export-schedules/{id}': {
    parameters: [idParameter('ExportScheduleId', 'export schedule')],
    get: v1Operation('export schedules', {
      operationId: 'getExportSchedule',
      summary: 'One schedule with its next run',
      responses: { '200': jsonResponse('The schedule', 'ExportSchedule'), '404': notFound('export schedule') },
    }),
    delete: v1Operation('export schedules', {
      operationId: 'deleteExportSchedule',
      summary: 'Stop a schedule; the files of past runs stay',
      responses: {
        '200': jsonResponse('Deleted', 'ExportScheduleDeleted'),
        '404': notFound('export schedule'),
      },
    }),
  },
};
