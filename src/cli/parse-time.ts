import { CliUsageError } from './exit-codes.ts';

/**
 * `1735689600` (unix seconds, as Stripe's `created`) or an ISO-8601 date/time (`2025-01-01`, `2025-01-01T12:00:00Z`)
 * → unix seconds. A date without a zone is read as UTC, as Stripe's dashboard exports are.
 */
export function parseTimeArgument(flag: string, value: string): number {
  const text = value.trim();
  if (/^\d{1,12}$/.test(text)) return Number(text);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso);
  const ms = Date.parse(/T\d{2}:\d{2}/.test(iso) && !hasZone ? `${iso}Z` : iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !Number.isFinite(ms)) {
    throw new CliUsageError(`${flag}: '${value}' is neither unix seconds nor an ISO-8601 date such as 2025-01-31 or 2025-01-31T12:00:00Z.`);
  }
  return Math.floor(ms / 1000);
}
