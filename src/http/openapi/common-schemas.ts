import { errorBodySchema } from '../../error-body.ts';
import type { JsonSchema } from './openapi-types.ts';
import { componentSchemas } from './zod-components.ts';

const check = {
  type: 'object',
  required: ['ok', 'message'],
  additionalProperties: false,
  properties: { ok: { type: 'boolean' }, message: { type: 'string' } },
} as const;

/** The error shape of every 4xx/5xx (src/http/middleware/error-handler.ts) and the health answers. */
export const COMMON_SCHEMAS: Record<string, JsonSchema> = {
  ...componentSchemas({ Error: errorBodySchema }),
  Health: {
    type: 'object',
    required: ['status'],
    additionalProperties: false,
    properties: { status: { const: 'ok' } },
  },
  Readiness: {
    type: 'object',
    required: ['status', 'checks'],
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: ['ready', 'not_ready'] },
      checks: {
        type: 'object',
        required: ['redis', 'stripe', 'data_dir'],
        additionalProperties: false,
        properties: {
          redis: check,
          stripe: { ...check, description: 'The start-up check of the Stripe key (customers read/write).' },
          data_dir: { ...check, description: 'DATA_DIR is a directory where a probe file can be written and removed.' },
        },
      },
    },
  },
};
