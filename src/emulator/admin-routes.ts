import type { EmulatorClock } from './clock.ts';
import type { ConnectedAccounts } from './connected-accounts.ts';
import { customerJson } from './customer-record.ts';
import type { AccountStore } from './account-store.ts';
import { parseAccountSeed, seedAccounts } from './account-seed.ts';
import { accountJson } from './account-record.ts';
import type { CustomerStore } from './customer-store.ts';
import type { FaultInjector } from './faults.ts';
import type { IdempotencyStore } from './idempotency-store.ts';
import { parseFaultPatch } from './options.ts';
import { parseLimitsPatch, type RateLimits } from './rate-limits.ts';
import { parseSeedRequest, seedCustomers, SeedError } from './seed.ts';
import type { ScimState } from './scim/scim-state.ts';
import { buildStats, type RequestCounter } from './stats.ts';
import { addSubscription } from './subscriptions.ts';

/** State the admin surface reads and resets. */
export interface AdminState {
  store: CustomerStore;
  /** Connected accounts and their customers (the `Stripe-Account` header picks one). */
  connectedAccounts: ConnectedAccounts;
  /** Connected accounts as `/v1/accounts` lists them (each created one is also registered above). */
  accounts: AccountStore;
  idempotency: IdempotencyStore;
  limits: RateLimits;
  counter: RequestCounter;
  clock: EmulatorClock;
  faults: FaultInjector;
  scim: ScimState;
}

/** An admin answer: status and JSON body. */
export interface AdminResult {
  status: number;
  body: unknown;
}

/** A malformed admin body: answered 400 with the message. */
class AdminBodyError extends Error {}

function parseJson(rawBody: string): unknown {
  try {
    return rawBody.trim() === '' ? {} : JSON.parse(rawBody);
  } catch (err) {
    throw new AdminBodyError(`the body must be JSON: ${(err as Error).message}`);
  }
}

function clockJson(clock: EmulatorClock): { offset_s: number; now: number } {
  return { offset_s: clock.offset / 1000, now: Math.floor(clock.now() / 1000) };
}

/** `POST /__emulator/clock {"advanceSeconds": N}`: moves the emulator's clock N seconds forward. */
function advanceClock(clock: EmulatorClock, rawBody: string): AdminResult {
  const body = parseJson(rawBody);
  const seconds = typeof body === 'object' && body !== null && 'advanceSeconds' in body ? body.advanceSeconds : undefined;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new AdminBodyError(`advanceSeconds must be a number >= 0 (got ${JSON.stringify(seconds)})`);
  }
  clock.advance(seconds * 1000);
  return { status: 200, body: clockJson(clock) };
}

/** `{"id": "acct_…"}`: the account a body registers. */
function accountIdOf(rawBody: string): string {
  const body = parseJson(rawBody);
  const id = typeof body === 'object' && body !== null && 'id' in body ? body.id : undefined;
  if (typeof id !== 'string') throw new AdminBodyError(`id must be a connected account id acct_… (got ${JSON.stringify(id)})`);
  return id;
}

/** The customers a seed fills: the platform's, or a connected account's (`account`, which becomes known). */
function seedStore(state: AdminState, account: string | undefined): CustomerStore {
  if (account === undefined || account === '') return state.store;
  state.connectedAccounts.register(account);
  return state.connectedAccounts.customersOf(account) ?? state.store;
}

function seed(state: AdminState, rawBody: string): AdminResult {
  const request = parseSeedRequest(parseJson(rawBody));
  return { status: 200, body: seedCustomers(seedStore(state, request.account), request, state.clock.now()) };
}

/** `GET /__emulator/customers[?account=acct_…]`: every live customer, newest first, like the list endpoint. */
function listCustomers(state: AdminState, account: string | null): AdminResult {
  const store = account === null || account === '' ? state.store : state.connectedAccounts.customersOf(account);
  if (store === undefined) return { status: 404, body: { error: `no connected account ${account ?? ''} (register or seed it first)` } };
  return { status: 200, body: store.liveAscending().map((record) => customerJson(record)).reverse() };
}

const CUSTOMER_ATTACHMENT = /^\/__emulator\/customers\/([^/]+)\/(subscriptions|payment-method)$/;

/**
 * `POST /__emulator/customers/:id/subscriptions` adds an active subscription; `…/payment-method` sets
 * `invoice_settings.default_payment_method`. The emulator has no such objects of its own; tests need customers that
 * hold them (a reviewed deletion keeps those).
 */
function attach(state: AdminState, id: string, what: string): AdminResult {
  const record = state.store.get(id);
  if (record === undefined || record.deleted) return { status: 404, body: { error: `no live customer ${id}` } };
  if (what === 'subscriptions') return { status: 200, body: addSubscription(record, state.clock.now()) };
  const paymentMethod = `pm_${id.slice(4)}`;
  // Replaced, never mutated: seeded records share one frozen invoice_settings object.
  record.invoice_settings = { ...record.invoice_settings, default_payment_method: paymentMethod };
  return { status: 200, body: { id, default_payment_method: paymentMethod } };
}

function route(state: AdminState, method: string, path: string, rawBody: string, query: URLSearchParams): AdminResult | undefined {
  const attachment = method === 'POST' ? CUSTOMER_ATTACHMENT.exec(path) : null;
  if (attachment) return attach(state, attachment[1] ?? '', attachment[2] ?? '');
  switch (`${method} ${path}`) {
    case 'POST /__emulator/connected-accounts': {
      const id = accountIdOf(rawBody);
      state.connectedAccounts.register(id);
      return { status: 200, body: { id, object: 'account' } };
    }
    case 'GET /__emulator/connected-accounts':
      return { status: 200, body: state.connectedAccounts.counts() };
    case 'POST /__emulator/reset':
      state.connectedAccounts.clear();
      state.store.clear();
      state.accounts.clear();
      state.idempotency.clear();
      state.counter.reset();
      state.limits.resetPeaks(performance.now());
      state.limits.restore();
      state.faults.reset();
      state.clock.reset();
      state.scim.reset();
      return { status: 200, body: { ok: true } };
    case 'POST /__emulator/seed':
      return seed(state, rawBody);
    case 'GET /__emulator/stats':
      return { status: 200, body: buildStats(state) };
    case 'POST /__emulator/stats/reset':
      state.counter.reset();
      state.faults.resetCounts();
      state.limits.resetPeaks(performance.now());
      state.scim.resetStats(performance.now());
      return { status: 200, body: { ok: true } };
    case 'GET /__emulator/customers':
      return listCustomers(state, query.get('account'));
    case 'POST /__emulator/accounts/seed':
      return { status: 200, body: seedAccounts(state.accounts, parseAccountSeed(parseJson(rawBody)), state.clock.now()) };
    case 'GET /__emulator/accounts':
      return { status: 200, body: state.accounts.newestFirst().map(accountJson) };
    case 'GET /__emulator/faults':
      return { status: 200, body: { ...state.faults.current(), injected: state.faults.injected } };
    case 'POST /__emulator/faults':
      state.faults.configure(parseFaultPatch(parseJson(rawBody)));
      return { status: 200, body: { ...state.faults.current(), injected: state.faults.injected } };
    case 'GET /__emulator/limits':
      return { status: 200, body: state.limits.current() };
    case 'POST /__emulator/limits':
      state.limits.configure(parseLimitsPatch(parseJson(rawBody)));
      return { status: 200, body: state.limits.current() };
    case 'GET /__emulator/clock':
      return { status: 200, body: clockJson(state.clock) };
    case 'POST /__emulator/clock':
      return advanceClock(state.clock, rawBody);
    default:
      return undefined;
  }
}

/**
 * `/__emulator/*`: test and rehearsal controls outside Stripe's API (no auth, no rate limit).
 * Returns undefined when the path is not an admin route; a malformed body is a 400 naming the problem.
 */
export function handleAdmin(state: AdminState, method: string, path: string, rawBody: string, query = ''): AdminResult | undefined {
  try {
    return route(state, method, path, rawBody, new URLSearchParams(query));
  } catch (err) {
    if (err instanceof SeedError || err instanceof AdminBodyError || err instanceof RangeError) {
      return { status: 400, body: { error: err.message } };
    }
    throw err;
  }
}
