import { ERROR_CODES, type ErrorCode } from '../../errors.ts';
import type { JsonSchema } from './openapi-types.ts';

const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** One line per code: `` `code` (status): what it means ``. */
const ERROR_CODE_TABLE = ERROR_CODE_LIST.map((c) => `- \`${c}\` (${ERROR_CODES[c].status}): ${ERROR_CODES[c].description}`).join('\n');

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
          code: {
            type: 'string',
            enum: ERROR_CODE_LIST,
            description: `Stable, snake_case; scripts branch on it (src/errors.ts lists them):\n${ERROR_CODE_TABLE}`,
            examples: ['invalid_header'],
          },
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
