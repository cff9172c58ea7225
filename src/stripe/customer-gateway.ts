import type Stripe from 'stripe';
import type { LearnedBudgets } from '../rate-limit/rate-limiter.ts';

/**
 * Every Customers call the jobs make, each one throttled by the shared RateLimiter and retried
 * (429 after lowering the shared budget, 5xx and network errors a bounded number of times, always with the same
 * idempotency key). Implemented by createCustomerGateway (throttled-customer-gateway.ts).
 * A call that still fails after its retries throws the stripe-node error (Stripe.errors.StripeError).
 */
export interface CustomerGateway {
  /** `GET /v1/customers?email=…&limit=100`, every page: Stripe's filter is exact and case-sensitive. */
  listByEmail(email: string, signal?: AbortSignal): Promise<Stripe.Customer[]>;
  /** `POST /v1/customers` with an Idempotency-Key; `replayed` is true when Stripe answered from its key store. */
  create(
    params: Stripe.CustomerCreateParams,
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<{ customer: Stripe.Customer; replayed: boolean }>;
  /** `POST /v1/customers/:id` with an Idempotency-Key. */
  update(
    id: string,
    params: Stripe.CustomerUpdateParams,
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<Stripe.Customer>;
  /** `GET /v1/customers/:id`; null when Stripe answers 404 resource_missing. */
  retrieve(id: string, signal?: AbortSignal): Promise<Stripe.Customer | Stripe.DeletedCustomer | null>;
  /**
   * `GET /v1/customers/:id?expand[]=subscriptions`: what a reviewed deletion checks before deleting. Null when Stripe
   * answers 404 resource_missing.
   */
  retrieveWithSubscriptions(id: string, signal?: AbortSignal): Promise<Stripe.Customer | Stripe.DeletedCustomer | null>;
  /**
   * `DELETE /v1/customers/:id` (a write: the write budget). Null when Stripe answers 404 resource_missing: the
   * customer was already deleted. Stripe takes no idempotency key on DELETE; a deletion is idempotent by itself.
   */
  del(id: string, signal?: AbortSignal): Promise<Stripe.DeletedCustomer | null>;
  /** One page of `GET /v1/customers` (limit, starting_after, ending_before, created, email). */
  listPage(params: Stripe.CustomerListParams, signal?: AbortSignal): Promise<Stripe.ApiList<Stripe.Customer>>;
  /**
   * One page of `GET /v1/accounts` (limit, starting_after, ending_before, created): the platform's connected
   * accounts, read through the same read budget as customers.
   */
  listAccountsPage(params: Stripe.AccountListParams, signal?: AbortSignal): Promise<Stripe.ApiList<Stripe.Account>>;
  /**
   * One page of `GET /v1/events` (types, created, cursors): what changed on the account's customers, newest first,
   * for 30 days. Keeps a dedupe=scan index current between walks.
   */
  listEventsPage(params: Stripe.EventListParams, signal?: AbortSignal): Promise<Stripe.ApiList<Stripe.Event>>;
  /** One page of `GET /v1/customers/search`. */
  searchPage(
    query: string,
    page: string | undefined,
    signal?: AbortSignal,
  ): Promise<Stripe.ApiSearchResult<Stripe.Customer>>;
  /** Requests per second per class the shared limiter grants now (lowered after 429s): for job progress. */
  learnedBudgets(): LearnedBudgets;
}
