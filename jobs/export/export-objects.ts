import type Stripe from 'stripe';
import { accountDynamicColumns, accountToRow, type ListedAccount } from '../../src/csv/account-row.ts';
import type { ExportOptions } from '../../src/exports/export-options.ts';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import { CUSTOMER_ROWS, type RowRenderer } from './part-writer.ts';
import { runSearchPages } from './search-pages.ts';
import { pageParams, type SliceState } from './slice-plan.ts';
import type { ListedObject, ListPage, PageSink } from './slice-runner.ts';

/**
 * One kind of Stripe object an export can walk: how to read one page of its list endpoint (the created-sliced walk
 * is the same for every object: slice-runner.ts) and how its objects become rows. An export holds one object only.
 */
export interface ExportedObjects<T extends ListedObject> extends RowRenderer<T> {
  /** One page of the list endpoint for a slice: its `created` range and cursor, limit 100, through the read budget. */
  fetchPage(gateway: CustomerGateway, slice: SliceState, options: ExportOptions, signal: AbortSignal): Promise<ListPage<T>>;
  /** The sequential walk of a search export (`query`), for the objects Stripe can search. */
  searchPages?(opts: { gateway: CustomerGateway; slice: SliceState; query: string; sink: PageSink<T>; signal: AbortSignal }): Promise<SliceState>;
}

/** Customers: `GET /v1/customers` (with the exact `email` filter), or `GET /v1/customers/search`. */
export const CUSTOMER_EXPORT: ExportedObjects<Stripe.Customer> = {
  ...CUSTOMER_ROWS,
  fetchPage: (gateway, slice, options, signal) => gateway.listPage(pageParams(slice, options.email), signal),
  searchPages: runSearchPages,
};

/** A listed account with its `created` (optional in Stripe's type; a walk by `created` cannot place one without it). */
function listed(account: Stripe.Account): ListedAccount {
  const { created } = account;
  if (created === undefined) throw new Error(`Stripe listed account ${account.id} without created: cannot place it in a created slice`);
  return { ...account, created };
}

/** Connected accounts: `GET /v1/accounts` (Stripe.AccountListParams: created, cursors, limit). */
export const ACCOUNT_EXPORT: ExportedObjects<ListedAccount> = {
  keysOf: accountDynamicColumns,
  toRow: accountToRow,
  async fetchPage(gateway, slice, _options, signal) {
    const page = await gateway.listAccountsPage(pageParams(slice, undefined), signal);
    return { data: page.data.map(listed), has_more: page.has_more };
  },
};
