import type { AccountStore } from './account-store.ts';
import type { CustomerStore } from './customer-store.ts';
import type { FormObject } from './form-decode.ts';
import type { ResolvedOptions } from './options.ts';

/** What a /v1 handler gets: the store and the decoded parameters. Handlers never touch the HTTP response. */
export interface RequestContext {
  store: CustomerStore;
  /** The connected accounts (`/v1/accounts`). */
  accounts: AccountStore;
  options: ResolvedOptions;
  /** Query string for GET and DELETE, form body for POST. */
  params: FormObject;
  /** The `:id` of `/v1/customers/:id`, already URL-decoded. */
  id: string;
  /** True when the request was made with a *_live_* key. */
  livemode: boolean;
  /** Epoch milliseconds of the request's arrival. */
  now: number;
}

/** A handler's answer: the status and the JSON body. Errors are thrown as ApiError. */
export interface HandlerResult {
  status: number;
  body: unknown;
}

export type Handler = (ctx: RequestContext) => HandlerResult;
