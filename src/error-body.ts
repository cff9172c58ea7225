import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './errors.ts';

const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** One line per code: `` `code` (status): what it means ``. */
const ERROR_CODE_TABLE = ERROR_CODE_LIST.map((c) => `- \`${c}\` (${String(ERROR_CODES[c].status)}): ${ERROR_CODES[c].description}`).join('\n');

/**
 * The body of every 4xx/5xx answer, `{error: {code, message, details?}}`, declared once: errorBody (src/errors.ts)
 * builds it, `/openapi.json` publishes it as `Error`, the CLI reads it (src/cli/api-types.ts).
 */
export const errorBodySchema = z.object({
  error: z.object({
    code: z
      .enum(ERROR_CODE_LIST)
      .meta({
        description: `Stable, snake_case; scripts branch on it (src/errors.ts lists them):\n${ERROR_CODE_TABLE}`,
        examples: ['invalid_header'],
      }),
    message: z.string().describe('Says what to fix; never holds a secret.'),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Present for some codes, e.g. `problems: string[]` for validation errors.'),
  }),
});

/** An error answer as sent. */
export type ErrorBody = z.output<typeof errorBodySchema>;
