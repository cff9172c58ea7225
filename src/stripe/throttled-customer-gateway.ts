import type Stripe from 'stripe';
import type { Logger } from '../logger.ts';
import { sleep, throwIfAborted } from '../rate-limit/abortable.ts';
import type { RateLimiter, RequestKind } from '../rate-limit/rate-limiter.ts';
import { createBackoff } from './backoff.ts';
import type { CustomerGateway } from './customer-gateway.ts';
import { classifyStripeError, describeStripeError, isResourceMissing, retryAfterMs, stripeErrorStatus } from './stripe-errors.ts';

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
  /**
   * Back-off after 5xx/network errors, and before resending a request refused twice or more with 429: full jitter,
   * base ~250 ms, cap ~8 s.
   */
  backoff?: { baseMs?: number; capMs?: number; random?: () => number };
  onRequest?: (e: StripeRequestEvent) => void;
  /**
   * A connected account (`acct_…`): every request of this gateway carries `Stripe-Account` (stripe-node's
   * `stripeAccount` request option), so it reads and writes that account's customers. Unset: the platform's.
   */
  stripeAccount?: string;
}

/** Retry bounds and back-off of the gateway (each overridable in CustomerGatewayOptions). */
const RETRY_DEFAULTS = { maxRetries: 5, maxRateLimitRetries: 10, backoffBaseMs: 250, backoffCapMs: 8_000 } as const;
/** Stripe's largest page. */
const PAGE_SIZE = 100;
/** 100 pages of 100: past that an email is shared by so many customers that the import cannot pick one. */
const MAX_EMAIL_PAGES = 100;

interface CallSpec {
  kind: RequestKind;
  endpoint: string;
  signal: AbortSignal | undefined;
}

type Send = <T>(spec: CallSpec, call: () => Promise<T>) => Promise<T>;

/**
 * Sends one call through the limiter, retrying it with the same idempotency key: after a 429 the limiter lowers the
 * budget of every worker (so no shared pause is needed: the lower budget spaces everyone out) and the request is
 * sent again in the next slot, after its own back-off if it was refused before; after a retryable failure, after
 * a back-off.
 */
function createSend(opts: CustomerGatewayOptions): Send {
  const { limiter, logger } = opts;
  const maxRetries = opts.maxRetries ?? RETRY_DEFAULTS.maxRetries;
  const maxRateLimitRetries = opts.maxRateLimitRetries ?? RETRY_DEFAULTS.maxRateLimitRetries;
  const backoff = createBackoff({
    baseMs: opts.backoff?.baseMs ?? RETRY_DEFAULTS.backoffBaseMs,
    capMs: opts.backoff?.capMs ?? RETRY_DEFAULTS.backoffCapMs,
    ...(opts.backoff?.random ? { random: opts.backoff.random } : {}),
  });
  return async function send<T>(spec: CallSpec, call: () => Promise<T>): Promise<T> {
    const { kind, endpoint, signal } = spec;
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      throwIfAborted(signal);
      const grant = await limiter.acquire(kind, endpoint, signal);
      // stripe-node takes no AbortSignal per request: the last chance to stop is before sending.
      throwIfAborted(signal);
      const started = performance.now();
      try {
        const result = await call();
        const status = (result as { lastResponse?: { statusCode?: number } }).lastResponse?.statusCode ?? 200;
        opts.onRequest?.({ kind, endpoint, status, ms: performance.now() - started });
        return result;
      } catch (err) {
        opts.onRequest?.({ kind, endpoint, status: stripeErrorStatus(err) ?? 'network', ms: performance.now() - started });
        const verdict = classifyStripeError(err);
        if (verdict === 'rate_limited' && rateLimited < maxRateLimitRetries) {
          rateLimited += 1;
          await limiter.rateLimited(grant, retryAfterMs(err));
          const delayMs = rateLimited > 1 ? backoff.delay(rateLimited - 1) : 0;
          logger.debug(
            { endpoint, attempt: rateLimited + 1, maxAttempts: maxRateLimitRetries + 1, delayMs, budget: limiter.budgets()[kind] },
            `${endpoint} rate limited (429): ${kind} budget now ${limiter.budgets()[kind]}/s, attempt ${rateLimited + 1} of ${maxRateLimitRetries + 1}`,
          );
          await sleep(delayMs, signal);
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
  };
}

/** Every page of customers with exactly this email (Stripe's filter is exact and case-sensitive). */
async function listAllByEmail(send: Send, stripe: Stripe, on: Stripe.RequestOptions, email: string, signal?: AbortSignal): Promise<Stripe.Customer[]> {
  const found: Stripe.Customer[] = [];
  let startingAfter: string | undefined;
  for (let page = 0; page < MAX_EMAIL_PAGES; page++) {
    const params: Stripe.CustomerListParams = { email, limit: PAGE_SIZE };
    if (startingAfter !== undefined) params.starting_after = startingAfter;
    const list = await send({ kind: 'read', endpoint: 'customers.list', signal }, () => stripe.customers.list(params, on));
    found.push(...list.data);
    const last = list.data.at(-1);
    if (!list.has_more || last === undefined) return found;
    startingAfter = last.id;
  }
  throw new Error(`more than ${MAX_EMAIL_PAGES * PAGE_SIZE} customers share one email: refusing to guess`);
}

/**
 * The CustomerGateway every job uses: each attempt first takes a slot from the shared limiter, then calls
 * stripe-node. stripe-node itself does not retry a 429 (only when Stripe sends `Stripe-Should-Retry: true`)
 * and is configured not to retry at all, so all retries happen here, inside the budget, with the same
 * idempotency key.
 */
export function createCustomerGateway(opts: CustomerGatewayOptions): CustomerGateway {
  const { stripe, limiter } = opts;
  const send = createSend(opts);
  // Spread into every call's request options; empty for the platform, so its requests are sent as before.
  const on: Stripe.RequestOptions = opts.stripeAccount === undefined ? {} : { stripeAccount: opts.stripeAccount };
  return {
    listByEmail: (email, signal) => listAllByEmail(send, stripe, on, email, signal),

    async create(params, idempotencyKey, signal) {
      const customer = await send({ kind: 'write', endpoint: 'customers.create', signal }, () =>
        stripe.customers.create(params, { ...on, idempotencyKey }),
      );
      return { customer, replayed: customer.lastResponse.headers['idempotent-replayed'] === 'true' };
    },

    update(id, params, idempotencyKey, signal) {
      return send({ kind: 'write', endpoint: 'customers.update', signal }, () =>
        stripe.customers.update(id, params, { ...on, idempotencyKey }),
      );
    },

    async retrieve(id, signal) {
      try {
        return await send({ kind: 'read', endpoint: 'customers.retrieve', signal }, () => stripe.customers.retrieve(id, {}, on));
      } catch (err) {
        if (isResourceMissing(err)) return null;
        throw err;
      }
    },

    async retrieveWithSubscriptions(id, signal) {
      try {
        return await send({ kind: 'read', endpoint: 'customers.retrieve', signal }, () =>
          stripe.customers.retrieve(id, { expand: ['subscriptions'] }),
        );
      } catch (err) {
        if (isResourceMissing(err)) return null;
        throw err;
      }
    },

    async del(id, signal) {
      try {
        return await send({ kind: 'write', endpoint: 'customers.del', signal }, () => stripe.customers.del(id));
      } catch (err) {
        if (isResourceMissing(err)) return null;
        throw err;
      }
    },

    listPage(params, signal) {
      return send({ kind: 'read', endpoint: 'customers.list', signal }, () => stripe.customers.list(params, on));
    },

    listAccountsPage(params, signal) {
      return send({ kind: 'read', endpoint: 'accounts.list', signal }, () => stripe.accounts.list(params));
    },

    listEventsPage(params, signal) {
      return send({ kind: 'read', endpoint: 'events.list', signal }, () => stripe.events.list(params, on));
    },

    searchPage(query, page, signal) {
      const params: Stripe.CustomerSearchParams = { query, limit: PAGE_SIZE };
      if (page !== undefined) params.page = page;
      return send({ kind: 'search', endpoint: 'customers.search', signal }, () => stripe.customers.search(params, on));
    },

    learnedBudgets: () => limiter.budgets(),
  };
}
