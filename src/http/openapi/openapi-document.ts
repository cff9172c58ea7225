import { AUDIT_PATHS } from './audit-paths.ts';
import { AUDIT_SCHEMAS } from './audit-schemas.ts';
import { COMMON_SCHEMAS } from './common-schemas.ts';
import { DELETION_PATHS } from './deletion-paths.ts';
import { DELETION_SCHEMAS } from './deletion-schemas.ts';
import { DEPROVISION_PATHS, DEPROVISION_SCHEMAS } from './deprovision-paths.ts';
import { EXPORT_PATHS, SCHEDULE_PATHS } from './export-paths.ts';
import { EXPORT_SCHEMAS } from './export-schemas.ts';
import { IMPORT_PATHS } from './import-paths.ts';
import { IMPORT_SCHEMAS } from './import-schemas.ts';
import type { OpenApiDocument, PathItemObject } from './openapi-types.ts';
import { OPERATOR_PATHS } from './operator-paths.ts';
import { errorResponse } from './refs.ts';

const REDIS_UNAVAILABLE = 'Redis at REDIS_URL cannot be reached; nothing was done, retry when /readyz answers 200';

/**
 * Adds 503 `redis_unavailable` to every `/v1` operation (src/http/middleware/redis-gate.ts answers it before any
 * route runs), in one place so the path files need not repeat it. An operation with a 503 of its own gets the code
 * added to that answer's description.
 */
function withRedisUnavailable(paths: Record<string, PathItemObject>): Record<string, PathItemObject> {
  const out: Record<string, PathItemObject> = {};
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/v1')) {
      out[path] = item;
      continue;
    }
    const copy: PathItemObject = { ...item };
    for (const method of ['get', 'post', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const own = op.responses['503'];
      const response = own
        ? { ...own, description: `${own.description}; or ${REDIS_UNAVAILABLE} (error.code: \`redis_unavailable\`)` }
        : errorResponse(REDIS_UNAVAILABLE, ['redis_unavailable']);
      copy[method] = { ...op, responses: { ...op.responses, '503': response } };
    }
    out[path] = copy;
  }
  return out;
}

const DESCRIPTION = `
stripe-bulk moves Stripe Customers in bulk: upload a CSV to import (create or upsert, with a dry run), export
customers to CSV once or on a schedule. Jobs run on BullMQ workers sharing one Redis rate limiter (a sliding log),
so every process together stays under Stripe's rate limits.

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
    { name: 'deletions', description: 'Reviewed deletions: a dry run, then a confirmed run; and undoing an import.' },
    { name: 'audits', description: 'Read-only walks of every customer: duplicate emails.' },
    { name: 'team members', description: 'Dashboard team members over SCIM 2.0: deactivation from a CSV.' },
    { name: 'operations', description: 'Health, metrics, the queue board and this document.' },
  ],
  paths: withRedisUnavailable({ ...IMPORT_PATHS, ...EXPORT_PATHS, ...SCHEDULE_PATHS, ...DELETION_PATHS, ...AUDIT_PATHS, ...DEPROVISION_PATHS, ...OPERATOR_PATHS }),
  components: {
    schemas: { ...COMMON_SCHEMAS, ...IMPORT_SCHEMAS, ...EXPORT_SCHEMAS, ...DELETION_SCHEMAS, ...AUDIT_SCHEMAS, ...DEPROVISION_SCHEMAS },
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'API_TOKEN (at least 16 characters).' },
      boardBasicAuth: { type: 'http', scheme: 'basic', description: 'BOARD_USER / BOARD_PASSWORD, for Bull Board only.' },
    },
  },
};
