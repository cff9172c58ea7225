import Stripe from 'stripe';
import {
  startEmulator,
  type EmulatorOptions,
  type EmulatorStats,
  type FaultCounts,
  type FaultSettings,
  type SeedCustomer,
} from '../../src/emulator/index.ts';
import type { AccountSeedRequest } from '../../src/emulator/account-seed.ts';

/** The key every test client uses; the emulator accepts any sk_test_ key by default. */
export const TEST_EMULATOR_KEY = 'sk_test_emulator';

/** Admin controls of a test emulator (`/__emulator/*`), over fetch. */
export interface EmulatorAdmin {
  reset(): Promise<void>;
  /** Seeds explicit customers (returns their ids) or `count` copies of `template` with `{i}` substituted. */
  seed(
    input:
      | SeedCustomer[]
      | { count: number; template?: SeedCustomer; createdStep?: number; customers?: SeedCustomer[]; account?: string },
  ): Promise<{ count: number; ids: string[] }>;
  /** Makes a connected account known, so requests with `Stripe-Account: id` are accepted. */
  registerAccount(id: string): Promise<void>;
  stats(): Promise<EmulatorStats>;
  resetStats(): Promise<void>;
  /** Every live customer, newest first: the platform's, or a connected account's. */
  customers(account?: string): Promise<Stripe.Customer[]>;
  /** Changes fault injection on the running emulator (same names as the options); returns the settings now in force. */
  faults(patch: Partial<FaultSettings>): Promise<FaultSettings & { injected: FaultCounts }>;
  /** Gives a live customer an active subscription (shown by `expand[]=subscriptions`); returns its id. */
  subscribe(customerId: string): Promise<{ id: string }>;
  /** Sets a live customer's `invoice_settings.default_payment_method`. */
  setPaymentMethod(customerId: string): Promise<{ default_payment_method: string }>;
  /** Moves the emulator's clock forward (customers' `created`, idempotency-key expiry); returns its unix time. */
  advanceClock(seconds: number): Promise<{ offset_s: number; now: number }>;
  /** Seeds connected accounts (`/v1/accounts`): explicit ones and/or `count` copies of `template`. */
  seedAccounts(input: AccountSeedRequest): Promise<{ count: number; ids: string[] }>;
  /** Every connected account, newest first. */
  accounts(): Promise<Stripe.Account[]>;
}

/** A running emulator plus the real stripe-node client pointed at it. */
export interface TestEmulator {
  url: string;
  port: number;
  key: typeof TEST_EMULATOR_KEY;
  /** The real client: `maxNetworkRetries: 0`, so tests see every answer as it is. */
  stripe: Stripe;
  admin: EmulatorAdmin;
  /** Another real client on the same emulator with other settings (e.g. a different key or retries). */
  client(options?: { key?: string; maxNetworkRetries?: number }): Stripe;
  close(): Promise<void>;
}

/** The Stripe error a call rejects with; fails the test when the call succeeds. */
export async function stripeFailure(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (err) {
    return err as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

/** Test defaults: no latency and limits high enough never to bite, unless the test asks otherwise. */
const TEST_DEFAULTS: EmulatorOptions = { latencyMs: 0, jitterMs: 0, readLimit: 100_000, writeLimit: 100_000, searchLimit: 100_000 };

async function call<T>(url: string, method: 'GET' | 'POST', body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Starts an emulator on a free port for one test file; close it in afterAll/afterEach. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const running = await startEmulator({ ...TEST_DEFAULTS, ...options });
  const client = (o: { key?: string; maxNetworkRetries?: number } = {}): Stripe =>
    new Stripe(o.key ?? TEST_EMULATOR_KEY, {
      host: '127.0.0.1',
      port: running.port,
      protocol: 'http',
      maxNetworkRetries: o.maxNetworkRetries ?? 0,
      telemetry: false,
    });
  const admin = `${running.url}/__emulator`;
  return {
    url: running.url,
    port: running.port,
    key: TEST_EMULATOR_KEY,
    stripe: client(),
    client,
    admin: {
      reset: async () => {
        await call(`${admin}/reset`, 'POST');
      },
      seed: (input) => call(`${admin}/seed`, 'POST', Array.isArray(input) ? { customers: input } : input),
      stats: () => call(`${admin}/stats`, 'GET'),
      resetStats: async () => {
        await call(`${admin}/stats/reset`, 'POST');
      },
      registerAccount: async (id) => {
        await call(`${admin}/connected-accounts`, 'POST', { id });
      },
      customers: (account) =>
        call(account === undefined ? `${admin}/customers` : `${admin}/customers?account=${encodeURIComponent(account)}`, 'GET'),
      faults: (patch) => call(`${admin}/faults`, 'POST', patch),
      subscribe: (id) => call(`${admin}/customers/${id}/subscriptions`, 'POST'),
      setPaymentMethod: (id) => call(`${admin}/customers/${id}/payment-method`, 'POST'),
      advanceClock: (seconds) => call(`${admin}/clock`, 'POST', { advanceSeconds: seconds }),
      seedAccounts: (input) => call(`${admin}/accounts/seed`, 'POST', input),
      accounts: () => call(`${admin}/accounts`, 'GET'),
    },
    close: () => running.close(),
  };
}
