import type Stripe from 'stripe';
import type { Logger } from '../logger.ts';
import { sleep, throwIfAborted } from '../rate-limit/abortable.ts';
import type { RateLimiter, RequestKind } from '../rate-limit/rate-limiter.ts';
import { createBackoff } from './backoff.ts';
import type { CustomerGateway } from './customer-gateway.ts';
import { classifyStripeError, describeStripeError, isResourceMissing, stripeErrorStatus } from './stripe-errors.ts';

/** One request that reached (or tried to reach) Stripe, for metrics. */
export interface StripeRequestEvent {
  kind: RequestKind;
  endpoint: string;
  /** HTTP status, or 'network' when no response arrived (connection error, timeout). */
  status: number | 'network';
  /** Time spent in stripe-node for this attempt, limiter wait excluded. */
  ms: number;
}

/** Options of createCustomerGateway. */
export interface CustomerGatewayOptions {
  /** A client from createStripeClient (maxNetworkRetries 0: this layer retries). */
  stripe: Stripe;
  limiter: RateLimiter;
  logger: Logger;
  /** Retries after 5xx, 409 conflicts and network errors. Default 5. */
  maxRetries?: number;
  /** Retries after 429. Default 10. */
  maxRateLimitRetries?: number;
  /** Back-off after 5xx/network errors, and the cool-down after 429: full jitter, base ~250 ms, cap ~8 s. */
  backoff?: { baseMs?: number; capMs?: number; random?: () => number };
  onRequest?: (e: StripeRequestEvent) => void;
}

const DEFAULT_MAX_RETRIES = 5;
const DEFAULT_MAX_RATE_LIMIT_RETRIES = 10;
const DEFAULT_BACKOFF_BASE_MS = 250;
const DEFAULT_BACKOFF_CAP_MS = 8_000;
/** Stripe's largest page. */
const PAGE_SIZE = 100;
/** 100 pages of 100: past that an email is shared by so many customers that the import cannot pick one. */
const MAX_EMAIL_PAGES = 100;

interface CallSpec {
  kind: RequestKind;
  endpoint: string;
  signal: AbortSignal | undefined;
}

function retryAfterMs(err: unknown): number {
  const headers = (err as { headers?: Record<string, unknown> } | null)?.headers;
  const value = headers?.['retry-after'];
  const seconds = typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/**
 * The CustomerGateway every job uses: each attempt first takes a slot from the shared limiter, then calls
 * stripe-node. stripe-node itself does not retry a 429 (only when Stripe sends `Stripe-Should-Retry: true`)
 * and is configured not to retry at all, so all retries happen here, inside the budget, with the same
 * idempotency key.
 */
export function createCustomerGateway(opts: CustomerGatewayOptions): CustomerGateway {
  const { stripe, limiter, logger } = opts;
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxRateLimitRetries = opts.maxRateLimitRetries ?? DEFAULT_MAX_RATE_LIMIT_RETRIES;
  const backoff = createBackoff({
    baseMs: opts.backoff?.baseMs ?? DEFAULT_BACKOFF_BASE_MS,
    capMs: opts.backoff?.capMs ?? DEFAULT_BACKOFF_CAP_MS,
    ...(opts.backoff?.random ? { random: opts.backoff.random } : {}),
  });

  async function send<T>(spec: CallSpec, call: () => Promise<T>): Promise<T> {
    const { kind, endpoint, signal } = spec;
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      throwIfAborted(signal);
      await limiter.acquire(kind, endpoint, signal);
      // stripe-node takes no AbortSignal per request: the last chance to stop is before sending.
      throwIfAborted(signal);
      const started = performance.now();
      try {
        const result = await call();
        const status = (result as { lastResponse?: { statusCode?: number } }).lastResponse?.statusCode ?? 200;
        opts.onRequest?.({ kind, endpoint, status, ms: performance.now() - started });
        return result;
      } catch (err) {
        const ms = performance.now() - started;
        opts.onRequest?.({ kind, endpoint, status: stripeErrorStatus(err) ?? 'network', ms });
        const verdict = classifyStripeError(err);
        if (verdict === 'rate_limited' && rateLimited < maxRateLimitRetries) {
          rateLimited += 1;
          // The shared cool-down makes every worker of the account hold off, and the next acquire() honours it.
          const coolMs = Math.max(backoff.delay(rateLimited), retryAfterMs(err));
          logger.debug(
            { endpoint, attempt: rateLimited + 1, maxAttempts: maxRateLimitRetries + 1, coolDownMs: coolMs },
            `${endpoint} rate limited (429): cooling down ${coolMs} ms, attempt ${rateLimited + 1} of ${maxRateLimitRetries + 1}`,
          );
          await limiter.coolDown(coolMs);
          continue;
        }
        if (verdict === 'retryable' && failures < maxRetries) {
          failures += 1;
          const delayMs = backoff.delay(failures);
          logger.warn(
            { endpoint, attempt: failures + 1, maxAttempts: maxRetries + 1, delayMs, error: describeStripeError(err) },
            `${endpoint} failed, retrying in ${delayMs} ms (attempt ${failures + 1} of ${maxRetries + 1})`,
          );
          await sleep(delayMs, signal);
          continue;
        }
        throw err;
      }
    }
  }

  return {
    async listByEmail(email, signal) {
      const found: Stripe.Customer[] = [];
      let startingAfter: string | undefined;
      for (let page = 0; page < MAX_EMAIL_PAGES; page++) {
        const params: Stripe.CustomerListParams = { email, limit: PAGE_SIZE };
        if (startingAfter !== undefined) params.starting_after = startingAfter;
        const list = await send({ kind: 'read', endpoint: 'customers.list', signal }, () =>
          stripe.customers.list(params),
        );
        found.push(...list.data);
        const last = list.data.at(-1);
        if (!list.has_more || last === undefined) return found;
        startingAfter = last.id;
      }
      throw new Error(`more than ${MAX_EMAIL_PAGES * PAGE_SIZE} customers share one email: refusing to guess`);
    },

    async create(params, idempotencyKey, signal) {
      const customer = await send({ kind: 'write', endpoint: 'customers.create', signal }, () =>
        stripe.customers.create(params, { idempotencyKey }),
      );
      return { customer, replayed: customer.lastResponse?.headers?.['idempotent-replayed'] === 'true' };
    },

    update(id, params, idempotencyKey, signal) {
      return send({ kind: 'write', endpoint: 'customers.update', signal }, () =>
        stripe.customers.update(id, params, { idempotencyKey }),
      );
    },

    async retrieve(id, signal) {
      try {
        return await send({ kind: 'read', endpoint: 'customers.retrieve', signal }, () =>
          stripe.customers.retrieve(id),
        );
      } catch (err) {
        if (isResourceMissing(err)) return null;
        throw err;
      }
    },

    listPage(params, signal) {
      return send({ kind: 'read', endpoint: 'customers.list', signal }, () => stripe.customers.list(params));
    },

    searchPage(query, page, signal) {
      const params: Stripe.CustomerSearchParams = { query, limit: PAGE_SIZE };
      if (page !== undefined) params.page = page;
      return send({ kind: 'search', endpoint: 'customers.search', signal }, () => stripe.customers.search(params));
    },
  };
}
