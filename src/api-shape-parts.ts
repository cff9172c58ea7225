import { z } from 'zod';

/**
 * Pieces the response schemas of every feature share (src/imports/import-schema.ts, src/exports/export-schema.ts),
 * so a count, a time or a list reads the same in every answer and in `/openapi.json`.
 */

/** A count or a size: a whole number ≥ 0. */
export const nonNegativeInt = z.number().int().min(0);

/** A time as the API answers it: `Date.prototype.toISOString()`, always UTC with `Z`. */
export const timestamp = z.iso.datetime();

/**
 * A connected account (`acct_…`, sent as the `Stripe-Account` header): imports and exports take it to work on that
 * account's customers instead of the platform's.
 */
export const connectedAccountIdSchema = z
  .string()
  .regex(/^acct_[A-Za-z0-9]+$/, 'must be a connected account id such as acct_1A2b3C (acct_ then letters and digits)')
  .max(255, 'must be at most 255 characters')
  .meta({ examples: ['acct_1Nv0FGQ9RKHgCVdK'] });

/** `{object: 'list', data: [...]}`, the shape of every list answer. */
export function listEnvelope<T extends z.ZodType>(item: T, order?: string) {
  const data = z.array(item);
  return z.object({ object: z.literal('list'), data: order === undefined ? data : data.describe(order) });
}
