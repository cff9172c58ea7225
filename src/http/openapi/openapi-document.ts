import { COMMON_SCHEMAS } from './common-schemas.ts';
import { EXPORT_PATHS, SCHEDULE_PATHS } from './export-paths.ts';
import { EXPORT_SCHEMAS } from './export-schemas.ts';
import { IMPORT_PATHS } from './import-paths.ts';
import { IMPORT_SCHEMAS } from './import-schemas.ts';
import type { OpenApiDocument } from './openapi-types.ts';
import { OPERATOR_PATHS } from './operator-paths.ts';

const DESCRIPTION = `
stripe-bulk moves Stripe Customers in bulk: upload a CSV to import (create or upsert, with a dry run), export
customers to CSV once or on a schedule. Jobs run on BullMQ workers sharing one Redis token bucket, so every process
together stays under Stripe's rate limits.

Every \`/v1\` route takes \`Authorization: Bearer <API_TOKEN>\` when API_TOKEN is configured (without it the API is
open, for local use). Errors always have the shape \`{"error": {"code", "message", "details"?}}\`; an unknown \`/v1\`
path answers 404 \`not_found\`. The upload page is served at \`/\`; Bull Board at \`/admin/queues\` uses basic auth.
`.trim();

/** The OpenAPI 3.1 description of stripe-bulk's own HTTP API, served as-is at `/openapi.json`. */
export const OPENAPI_DOCUMENT: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'stripe-bulk',
    version: '0.1.0',
    description: DESCRIPTION,
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [{ url: '/', description: 'The server that serves this document' }],
  tags: [
    { name: 'imports', description: 'CSV in: create or upsert customers, with per-row results.' },
    { name: 'exports', description: 'CSV out: a consistent snapshot of customers, or a Stripe search.' },
    { name: 'export schedules', description: 'Recurring exports with file retention.' },
    { name: 'operations', description: 'Health, metrics, the queue board and this document.' },
  ],
  paths: { ...IMPORT_PATHS, ...EXPORT_PATHS, ...SCHEDULE_PATHS, ...OPERATOR_PATHS },
  components: {
    schemas: { ...COMMON_SCHEMAS, ...IMPORT_SCHEMAS, ...EXPORT_SCHEMAS },
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'API_TOKEN (at least 16 characters).' },
      boardBasicAuth: { type: 'http', scheme: 'basic', description: 'BOARD_USER / BOARD_PASSWORD, for Bull Board only.' },
    },
  },
};
