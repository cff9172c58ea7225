import { z } from 'zod';

/**
 * Pieces the response schemas of every feature share (src/imports/import-schema.ts, src/exports/export-schema.ts),
 * so a count, a time or a list reads the same in every answer and in `/openapi.json`.
 */

/** A count or a size: a whole number ≥ 0. */
export const nonNegativeInt = z.number().int().min(0);

/** A time as the API answers it: `Date.prototype.toISOString()`, always UTC with `Z`. */
export const timestamp = z.iso.datetime();

/** `{object: 'list', data: [...]}`, the shape of every list answer. */
export function listEnvelope<T extends z.ZodType>(item: T, order?: string) {
  const data = z.array(item);
  return z.object({ object: z.literal('list'), data: order === undefined ? data : data.describe(order) });
}
