import type { Handler } from './handler-types.ts';
import { createAccount } from './handlers/create-account.ts';
import { listAccounts } from './handlers/list-accounts.ts';
import { retrieveAccount } from './handlers/retrieve-account.ts';
import { createCustomer } from './handlers/create-customer.ts';
import { deleteCustomer } from './handlers/delete-customer.ts';
import { listEvents, retrieveEvent } from './handlers/list-events.ts';
import { listCustomers } from './handlers/list-customers.ts';
import { retrieveCustomer } from './handlers/retrieve-customer.ts';
import { searchCustomers } from './handlers/search-customers.ts';
import { updateCustomer } from './handlers/update-customer.ts';
import type { RequestKind } from './rate-limits.ts';

/** One /v1 route: method, path pattern, the budget it draws from, and its handler. */
export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  kind: RequestKind;
  handler: Handler;
}

/** The Customers, Accounts and (customer) Events APIs. `/search` comes before `/:id`, or "search" would be taken for an id. */
export const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/v1\/customers\/search$/, kind: 'search', handler: searchCustomers },
  { method: 'GET', pattern: /^\/v1\/customers$/, kind: 'read', handler: listCustomers },
  { method: 'POST', pattern: /^\/v1\/customers$/, kind: 'write', handler: createCustomer },
  { method: 'GET', pattern: /^\/v1\/customers\/([^/]+)$/, kind: 'read', handler: retrieveCustomer },
  { method: 'POST', pattern: /^\/v1\/customers\/([^/]+)$/, kind: 'write', handler: updateCustomer },
  { method: 'DELETE', pattern: /^\/v1\/customers\/([^/]+)$/, kind: 'write', handler: deleteCustomer },
  { method: 'GET', pattern: /^\/v1\/accounts$/, kind: 'read', handler: listAccounts },
  { method: 'POST', pattern: /^\/v1\/accounts$/, kind: 'write', handler: createAccount },
  { method: 'GET', pattern: /^\/v1\/accounts\/([^/]+)$/, kind: 'read', handler: retrieveAccount },
  { method: 'GET', pattern: /^\/v1\/events$/, kind: 'read', handler: listEvents },
  { method: 'GET', pattern: /^\/v1\/events\/([^/]+)$/, kind: 'read', handler: retrieveEvent },
];

/** The budget a request draws from when no route matches: GET reads, anything else writes. */
export const kindOfMethod = (method: string): RequestKind => (method === 'GET' ? 'read' : 'write');

export function matchRoute(method: string, path: string): { route: Route; id: string } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) {
      let id = m[1] ?? '';
      try {
        id = decodeURIComponent(id);
      } catch {
        // Keep a malformed id as sent: it will be "No such customer".
      }
      return { route, id };
    }
  }
  return undefined;
}
