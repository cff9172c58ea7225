import type { PathItemObject } from './openapi-types.ts';
import { errorResponse, jsonResponse } from './refs.ts';

/** Paths outside `/v1`: health, metrics, the board and this document. No bearer token on any of them. */
export const OPERATOR_PATHS: Record<string, PathItemObject> = {
  '/healthz': {
    get: {
      operationId: 'getHealth',
      summary: 'Liveness: the process is up',
      tags: ['operations'],
      security: [],
      responses: { '200': jsonResponse('Up', 'Health') },
    },
  },
  '/readyz': {
    get: {
      operationId: 'getReadiness',
      summary: 'Readiness: Redis answers, DATA_DIR is writable and the Stripe key was accepted at start',
      description:
        'Each call pings Redis and writes then removes a probe file in DATA_DIR. While Redis cannot be reached every ' +
        '`/v1` request answers 503 `redis_unavailable`; a process that cannot reach Redis at start exits (code 4) ' +
        'after 20 s, and one whose DATA_DIR is not a writable directory does not start (code 5).',
      tags: ['operations'],
      security: [],
      responses: {
        '200': jsonResponse('Ready', 'Readiness'),
        '503': jsonResponse('Not ready; `checks` says which part failed', 'Readiness'),
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics (prom-client text exposition format)',
      description:
        'Stripe requests by kind and status, 429s, time waiting for rate-limit tokens, rows by outcome, active jobs, ' +
        'export bytes and customers; every name starts with `stripe_bulk_`.',
      tags: ['operations'],
      security: [],
      responses: {
        '200': {
          description: 'The metrics',
          content: {
            'text/plain; version=0.0.4; charset=utf-8': {
              schema: { type: 'string' },
              example: '# TYPE stripe_bulk_import_rows_total counter\nstripe_bulk_import_rows_total{outcome="created"} 42\n',
            },
          },
        },
      },
    },
  },
  '/admin/queues': {
    get: {
      operationId: 'getQueueBoard',
      summary: 'Bull Board: every queue, its jobs, progress, logs, retry and clean',
      description:
        'An HTML application (its own assets and JSON API live under this path and are not described here). Behind ' +
        'HTTP basic auth with BOARD_USER / BOARD_PASSWORD. Without them the board is not mounted (503) unless ' +
        'BOARD_AUTH=off, which exposes it without auth. Job data holds file names, options and counts, never a secret.',
      tags: ['operations'],
      security: [{ boardBasicAuth: [] }],
      responses: {
        '200': { description: 'The board', content: { 'text/html': { schema: { type: 'string' } } } },
        '401': errorResponse('Missing or wrong board credentials', ['unauthorized']),
        '503': errorResponse('No credentials configured and BOARD_AUTH is not off', ['board_disabled']),
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      tags: ['operations'],
      security: [],
      responses: {
        '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  },
};
