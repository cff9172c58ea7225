import { maskSecrets } from '../logger.ts';

/**
 * What to do with a failed Stripe call:
 * - `rate_limited`: a 429; every worker of the account cools down, then the same request is sent again.
 * - `retryable`: 5xx, 409 conflicts (a request with the same idempotency key still in flight), lock timeouts,
 *   connection errors and timeouts; retried a bounded number of times with the same idempotency key.
 * - `fatal`: every other 4xx (invalid request, idempotency key reused with other params, auth, permission) and
 *   anything that is not a Stripe error; retrying cannot help.
 */
export type StripeErrorClass = 'rate_limited' | 'retryable' | 'fatal';

/** The fields of a stripe-node error we read; typed loosely so non-Stripe errors can be classified too. */
interface StripeErrorLike {
  type?: unknown;
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
  requestId?: unknown;
  headers?: unknown;
}

const MAX_MESSAGE_LENGTH = 300;

function fields(err: unknown): StripeErrorLike {
  return typeof err === 'object' && err !== null ? (err) : {};
}

function header(err: StripeErrorLike, name: string): string | undefined {
  const headers = err.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The HTTP status of a stripe-node error, or undefined when no response arrived. */
export function stripeErrorStatus(err: unknown): number | undefined {
  const status = fields(err).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** How long Stripe asked us to wait (`Retry-After`, in seconds) before sending again, in ms; 0 when it did not say. */
export function retryAfterMs(err: unknown): number {
  const seconds = Number(header(fields(err), 'retry-after') ?? Number.NaN);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/** True for Stripe's 404 `resource_missing` (the object does not exist, or not in this mode). */
export function isResourceMissing(err: unknown): boolean {
  const e = fields(err);
  return e.statusCode === 404 && e.code === 'resource_missing';
}

/** Sorts a stripe-node error into rate_limited, retryable or fatal (see StripeErrorClass). */
export function classifyStripeError(err: unknown): StripeErrorClass {
  const e = fields(err);
  const status = stripeErrorStatus(err);
  if (e.type === 'StripeConnectionError') return 'retryable';
  // Stripe answers lock contention on one object with 429 lock_timeout: retry that request, but it says
  // nothing about the account's rate, so it must not cool down every worker.
  if (e.code === 'lock_timeout') return 'retryable';
  if (e.type === 'StripeRateLimitError' || status === 429 || e.code === 'rate_limit') return 'rate_limited';
  // Stripe's explicit advice wins over the status code, as in stripe-node's own _shouldRetry.
  const shouldRetry = header(e, 'stripe-should-retry');
  if (shouldRetry === 'true') return 'retryable';
  if (shouldRetry === 'false') return 'fatal';
  if (status === 409) return 'retryable';
  if (status !== undefined && status >= 500) return 'retryable';
  // A StripeAPIError without a status is a response stripe-node could not parse (a proxy's HTML error page).
  if (e.type === 'StripeAPIError' && status === undefined) return 'retryable';
  return 'fatal';
}

/**
 * Stripe refused the `Stripe-Account` header: the account is not connected to this platform (or does not exist).
 * Every further request of the job would be refused the same way.
 */
export function isAccountInvalid(err: unknown): boolean {
  return fields(err).code === 'account_invalid';
}

/** A short one-line description safe for logs and CSV error columns: type, status, code, message, request id. */
export function describeStripeError(err: unknown): string {
  const e = fields(err);
  const status = stripeErrorStatus(err);
  const type = typeof e.type === 'string' ? e.type : err instanceof Error ? err.name : 'Error';
  const parts = [type];
  if (status !== undefined) parts.push(String(status));
  if (typeof e.code === 'string') parts.push(e.code);
  let message = typeof e.message === 'string' ? e.message : err instanceof Error ? err.message : String(err);
  message = maskSecrets(message).replace(/\s+/g, ' ').trim();
  if (message.length > MAX_MESSAGE_LENGTH) message = `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
  const requestId = typeof e.requestId === 'string' ? ` (request ${e.requestId})` : '';
  return maskSecrets(`${parts.join(' ')}: ${message}${requestId}`);
}
