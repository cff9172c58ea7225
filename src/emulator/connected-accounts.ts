import { ApiError, invalidRequest, maskKey } from './api-error.ts';
import { CustomerStore } from './customer-store.ts';

/** The shape of a connected account id, as Stripe issues them. */
export const CONNECTED_ACCOUNT_ID = /^acct_[A-Za-z0-9]+$/;

/**
 * The connected accounts the emulator knows, each with its own customers. Kept minimal on purpose: an account
 * store with `/v1/accounts` can take its place as long as it answers `has` and `customersOf`.
 */
export class ConnectedAccounts {
  private readonly stores = new Map<string, CustomerStore>();

  /** Makes `id` known (idempotent); a malformed id is a RangeError, which the admin surface answers 400. */
  register(id: string): void {
    if (!CONNECTED_ACCOUNT_ID.test(id)) throw new RangeError(`account must look like acct_… (got ${JSON.stringify(id)})`);
    if (!this.stores.has(id)) this.stores.set(id, new CustomerStore());
  }

  has(id: string): boolean {
    return this.stores.has(id);
  }

  /** The customers of a known account; undefined for an unknown one. */
  customersOf(id: string): CustomerStore | undefined {
    return this.stores.get(id);
  }

  /** Every known account and its live customer count. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.stores].map(([id, store]) => [id, store.liveCount]));
  }

  entries(): IterableIterator<[string, CustomerStore]> {
    return this.stores.entries();
  }

  clear(): void {
    this.stores.clear();
  }
}

/**
 * Stripe's answer to a `Stripe-Account` header naming an account the key cannot reach (not connected to this
 * platform, or no such account): 403, `account_invalid`, the key shown only by its last four characters.
 */
export const accountInvalid = (key: string, account: string): ApiError =>
  invalidRequest(
    `The provided key '${maskKey(key)}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
    undefined,
    'account_invalid',
    403,
  );

/**
 * The customers a request works on: the platform's without a `Stripe-Account` header, else the connected
 * account's. An unknown or malformed account gets the 403 above, as Stripe gives. Rate limits stay per API key:
 * whose limits a connected account's requests count against is left configurable by stripe-bulk, not decided here.
 */
export function customersFor(
  accounts: ConnectedAccounts,
  platform: CustomerStore,
  header: string | string[] | undefined,
  key: string,
): { store: CustomerStore; account: string | undefined } {
  if (header === undefined || header === '') return { store: platform, account: undefined };
  const account = Array.isArray(header) ? header.join(',') : header;
  const store = CONNECTED_ACCOUNT_ID.test(account) ? accounts.customersOf(account) : undefined;
  if (store === undefined) throw accountInvalid(key, account);
  return { store, account };
}

/** Stripe keeps idempotency keys per account: the same key on the platform and on a connected account are two keys. */
export function idempotencyScope(key: string, account: string | undefined): string {
  return account === undefined ? key : `${key}\u0000${account}`;
}
