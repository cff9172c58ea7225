import type { JsonSchema } from './openapi-types.ts';

const check = {
  type: 'object',
  required: ['ok', 'message'],
  additionalProperties: false,
  properties: { ok: { type: 'boolean' }, message: { type: 'string' } },
} as const;

/** The error shape of every 4xx/5xx (src/http/middleware/error-handler.ts) and the health answers. */
export const COMMON_SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', description: 'Stable, snake_case; scripts branch on it.', examples: ['invalid_header'] },
          message: { type: 'string', description: 'Says what to fix; never holds a secret.' },
          details: {
            type: 'object',
            description: 'Present for some codes, e.g. `problems: string[]` for validation errors.',
            additionalProperties: true,
          },
        },
      },
    },
  },
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
