import type { CustomerRecord } from './customer-record.ts';
import type { EmulatorClock } from './clock.ts';
import type { ConnectedAccounts } from './connected-accounts.ts';
import type { AccountStore } from './account-store.ts';
import type { CustomerStore } from './customer-store.ts';
import type { FaultCounts, FaultInjector } from './faults.ts';
import type { RateLimits, RequestKind } from './rate-limits.ts';
import type { ScimState } from './scim/scim-state.ts';

/** The JSON of `GET /__emulator/stats`. */
export interface EmulatorStats {
  /** Answers per `kind:status`, e.g. `{"write:200": 10, "write:429": 2}`; `write:reset` is a dropped connection. */
  requests: Record<string, number>;
  rate_limited: number;
  max_reads_in_one_second: number;
  max_writes_in_one_second: number;
  max_search_in_one_second: number;
  /** Live customers. */
  customers: number;
  /** Connected accounts (`/v1/accounts`). */
  accounts: number;
  /** Customers deleted (`DELETE /v1/customers/:id` answered 200) since the last reset. */
  deleted_customers: number;
  /** Live customers sharing an email once trimmed and lower-cased: the duplicates a migration must avoid. */
  duplicate_emails: { email: string; ids: string[] }[];
  /** Per connected account (`Stripe-Account`): its live customers and their duplicates, kept apart from the platform's. */
  connected_accounts: Record<string, { customers: number; duplicate_emails: { email: string; ids: string[] }[] }>;
  /** Faults injected since the last reset (injected 500s are also in `requests` as `kind:500`). */
  faults: FaultCounts;
  /** How far the emulator's clock runs ahead of the wall clock (POST /__emulator/clock), in seconds. */
  clock_offset_s: number;
  /** `/scim/v2`: answers per `METHOD:status`, 429s, the busiest second, team members (all and active), the limit. */
  scim: ReturnType<ScimState['stats']>;
}

/** Counts answers by kind and status. */
export class RequestCounter {
  private counts = new Map<string, number>();
  rateLimited = 0;

  record(kind: RequestKind, status: number | 'reset'): void {
    const key = `${kind}:${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (status === 429) this.rateLimited += 1;
  }

  toJson(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts = new Map();
    this.rateLimited = 0;
  }
}

// Array.isArray narrows a readonly array to any[]: this guard keeps the element type.
const isMany = (records: CustomerRecord | readonly CustomerRecord[]): records is readonly CustomerRecord[] =>
  Array.isArray(records);

/**
 * Groups live customers by normalised email (trimmed, lower-cased); only groups of two or more are
 * duplicates. Most emails are already normalised and unshared, so only shared exact emails and
 * non-normalised ones are gathered, then joined with their normalised twin: O(n) with little allocation.
 */
export function duplicateEmails(store: CustomerStore): { email: string; ids: string[] }[] {
  const groups = new Map<string, Set<string>>();
  const add = (normalised: string, records: CustomerRecord | readonly CustomerRecord[]): void => {
    let ids = groups.get(normalised);
    if (ids === undefined) {
      ids = new Set();
      groups.set(normalised, ids);
    }
    for (const r of isMany(records) ? records : [records]) ids.add(r.id);
  };
  for (const [email, records] of store.emailEntries()) {
    const normalised = email.trim().toLowerCase();
    if (normalised !== email || isMany(records)) add(normalised, records);
  }
  for (const normalised of [...groups.keys()]) {
    const twin = store.withEmail(normalised);
    if (twin.length > 0) add(normalised, twin);
  }
  return [...groups]
    .filter(([, ids]) => ids.size > 1)
    .map(([email, ids]) => ({ email, ids: [...ids] }))
    .sort((a, b) => a.email.localeCompare(b.email));
}

/** What the stats are read from. */
export interface StatsSources {
  counter: RequestCounter;
  limits: RateLimits;
  store: CustomerStore;
  connectedAccounts: ConnectedAccounts;
  accounts: AccountStore;
  faults: FaultInjector;
  clock: EmulatorClock;
  scim: ScimState;
}

function connectedStats(accounts: ConnectedAccounts): EmulatorStats['connected_accounts'] {
  const stats: EmulatorStats['connected_accounts'] = {};
  for (const [id, store] of accounts.entries()) stats[id] = { customers: store.liveCount, duplicate_emails: duplicateEmails(store) };
  return stats;
}

export function buildStats({ counter, limits, store, connectedAccounts, accounts, faults, clock, scim }: StatsSources): EmulatorStats {
  return {
    requests: counter.toJson(),
    rate_limited: counter.rateLimited,
    max_reads_in_one_second: limits.peak('read'),
    max_writes_in_one_second: limits.peak('write'),
    max_search_in_one_second: limits.peak('search'),
    customers: store.liveCount,
    accounts: accounts.length,
    deleted_customers: store.deletedCount,
    duplicate_emails: duplicateEmails(store),
    connected_accounts: connectedStats(connectedAccounts),
    faults: faults.injected,
    clock_offset_s: clock.offset / 1000,
    scim: scim.stats(),
  };
}
