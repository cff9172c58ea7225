import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Test keys get Stripe's test-mode limits, live keys the live-mode ones. */
const STRIPE_KEY_PATTERN = /^(sk|rk)_(live|test)_[A-Za-z0-9_]+$/;
const LIVE_LIMIT_RPS = 100;
const TEST_LIMIT_RPS = 25;

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  STRIPE_SECRET_KEY: z
    .string({ error: 'is required (a secret key sk_live_/sk_test_ or a restricted key rk_live_/rk_test_)' })
    .regex(STRIPE_KEY_PATTERN, 'must look like sk_live_…, sk_test_…, rk_live_… or rk_test_…'),
  STRIPE_API_URL: z.url({ error: 'must be a URL such as http://127.0.0.1:12111' }).optional(),
  STRIPE_ACCOUNT_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . or -').optional(),
  STRIPE_READ_RPS: positiveInt.optional(),
  STRIPE_WRITE_RPS: positiveInt.optional(),
  STRIPE_SEARCH_RPS: positiveInt.default(20),
  STRIPE_ENDPOINT_RPS: z
    .string()
    .regex(/^(\s*[a-z_.]+\s*=\s*\d+\s*)(,\s*[a-z_.]+\s*=\s*\d+\s*)*$/, 'must look like customers.list=25,customers.create=25')
    .optional(),
  STRIPE_CONNECTED_ACCOUNT_BUDGETS: z
    .string()
    .regex(
      /^\s*acct_[A-Za-z0-9]+\s*:\s*[1-9]\d*\s*\/\s*[1-9]\d*\s*(,\s*acct_[A-Za-z0-9]+\s*:\s*[1-9]\d*\s*\/\s*[1-9]\d*\s*)*$/,
      'must look like acct_x:25/25,acct_y:100/100 (connected account:reads/writes per second)',
    )
    .optional(),
  STRIPE_TIMEOUT_MS: positiveInt.default(30_000),
  STRIPE_BUDGET_FRACTION: z.coerce
    .number({ error: 'must be a number greater than 0 and at most 1, e.g. 0.5' })
    .gt(0, 'must be greater than 0 and at most 1 (the share of the Stripe limits bulk jobs may use), e.g. 0.5')
    .max(1, 'must be at most 1 (the share of the Stripe limits bulk jobs may use), e.g. 0.5')
    .default(1),
  RATE_WINDOW_MARGIN_MS: z.coerce.number().int().min(0).max(1000).default(40),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Loopback by default: a fresh `npm start` must not expose the API (and an open board) to the network.
  HOST: z.string().trim().min(1, 'must not be empty (127.0.0.1 by default; 0.0.0.0 for every interface)').default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  BOARD_USER: z.string().min(1).optional(),
  BOARD_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  BOARD_AUTH: z.enum(['on', 'off']).default('on'),
  BOARD_READ_ONLY: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  DATA_DIR: z.string().min(1).default('./data'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -').default('stripe-bulk'),
  WORKER_CONCURRENCY: positiveInt.default(2),
  IMPORT_ROWS_IN_FLIGHT: positiveInt.max(500).default(64),
  EXPORT_PAGES_IN_FLIGHT: positiveInt.max(200).default(24),
  UPLOAD_MAX_BYTES: positiveInt.default(2 * 1024 * 1024 * 1024),
  EXPORT_KEEP_FILES: positiveInt.default(7),
  DEDUPE_INDEX_MAX_AGE: positiveInt.default(3600),
  STRIPE_BULK_CRASH_AT: z.string().regex(/^[a-z-]+@\d+$/, 'must look like after-create@12 (tests only)').optional(),
  EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES: z.coerce.number().int('must be a whole number of minutes').min(0).default(15),
  STRIPE_SCIM_URL: z.url({ error: 'must be a URL such as https://dashboard.stripe.com/scim/v2' }).default('https://dashboard.stripe.com/scim/v2'),
  STRIPE_SCIM_TOKEN: z.string().regex(/^\S{8,}$/, 'must be at least 8 characters without spaces (the SCIM bearer token)').optional(),
  STRIPE_SCIM_RATE: positiveInt.default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Requests per second that one Stripe account allows, per class of request. */
export interface RateBudget {
  read: number;
  write: number;
  search: number;
  /** Optional per-endpoint budgets, e.g. { 'customers.list': 25 }. */
  endpoints: Record<string, number>;
}

/**
 * Connected accounts whose requests get a budget of their own (reads and writes per second), from
 * STRIPE_CONNECTED_ACCOUNT_BUDGETS. Any other connected account shares the platform's budget.
 */
export type ConnectedAccountBudgets = Record<string, { read: number; write: number }>;

/** Everything an entry point needs, read once from the environment. */
export interface Config {
  redisUrl: string;
  stripe: {
    secretKey: string;
    /** Base URL of a Stripe-compatible API; undefined means api.stripe.com. */
    apiUrl: string | undefined;
    livemode: boolean;
    /** Names the account in Redis keys and logs: a configured name or a hash of the key, never the key. */
    accountId: string;
    timeoutMs: number;
  };
  /** budgetFraction: the share (0 < f ≤ 1) of every budget bulk jobs use, so other traffic on the account keeps the rest. */
  rate: RateBudget & { windowMarginMs: number; budgetFraction: number; connectedAccounts: ConnectedAccountBudgets };
  port: number;
  /** The interface the HTTP API (and a worker's /metrics) binds; 127.0.0.1 unless HOST says otherwise. */
  host: string;
  /** Where a worker-only process serves /metrics and /healthz; unset = not served. */
  metricsPort: number | undefined;
  apiToken: string | undefined;
  /** readOnly: the board shows queues and jobs but offers no control, and its API refuses every change. */
  board: { user: string | undefined; password: string | undefined; authOff: boolean; readOnly: boolean };
  dataDir: string;
  queuePrefix: string;
  workerConcurrency: number;
  importRowsInFlight: number;
  exportPagesInFlight: number;
  uploadMaxBytes: number;
  exportKeepFiles: number;
  /**
   * dedupe=scan: an account's email index younger than this (seconds) is reused by the next import and only
   * topped up with the customers created since its walk; an older one is walked again from scratch.
   */
  dedupeIndexMaxAgeS: number;
  /** Schedules may not fire more often than this (minutes; 0 = no minimum): each run reads every customer. */
  exportScheduleMinIntervalMinutes: number;
  /**
   * Dashboard team members over SCIM 2.0: a credential of its own (never the secret key), only in memory like it;
   * `rps` is its own budget in the shared limiter (all SCIM calls together).
   */
  scim: { url: string; token: string | undefined; rps: number; timeoutMs: number };
  logLevel: string;
  /** Tests only: kill the worker at a named step of one import row (jobs/import/crash-points.ts). */
  testCrashAt: string | undefined;
}

/** A configuration problem: the message names every bad or missing variable. */
export class ConfigError extends Error {
  readonly code = 'stripe-bulk:config';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Hash of the key used to name the account; the key itself never leaves memory. */
export function accountIdForKey(secretKey: string): string {
  return `acct-${createHash('sha256').update(secretKey).digest('hex').slice(0, 16)}`;
}

function parseEndpointBudgets(text: string | undefined): Record<string, number> {
  const budgets: Record<string, number> = {};
  if (!text) return budgets;
  for (const pair of text.split(',')) {
    const [name, value] = pair.split('=').map((s) => s.trim());
    if (name && value) budgets[name] = Number(value);
  }
  return budgets;
}

function parseConnectedBudgets(text: string | undefined): ConnectedAccountBudgets {
  const budgets: ConnectedAccountBudgets = {};
  for (const pair of text?.split(',') ?? []) {
    const [account = '', rates = ''] = pair.split(':').map((s) => s.trim());
    const [read, write] = rates.split('/').map((s) => Number(s.trim()));
    if (read !== undefined && write !== undefined) budgets[account] = { read, write };
  }
  return budgets;
}

/** Reads and validates the environment. Pure: it throws a ConfigError, it never exits. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if ((e.BOARD_USER === undefined) !== (e.BOARD_PASSWORD === undefined)) {
    problems.push('BOARD_USER and BOARD_PASSWORD: set both or neither');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const livemode = e.STRIPE_SECRET_KEY.includes('_live_');
  const defaultRps = livemode ? LIVE_LIMIT_RPS : TEST_LIMIT_RPS;
  return {
    redisUrl: e.REDIS_URL,
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      apiUrl: e.STRIPE_API_URL,
      livemode,
      accountId: e.STRIPE_ACCOUNT_NAME ?? accountIdForKey(e.STRIPE_SECRET_KEY),
      timeoutMs: e.STRIPE_TIMEOUT_MS,
    },
    rate: {
      read: e.STRIPE_READ_RPS ?? defaultRps,
      write: e.STRIPE_WRITE_RPS ?? defaultRps,
      search: e.STRIPE_SEARCH_RPS,
      endpoints: parseEndpointBudgets(e.STRIPE_ENDPOINT_RPS),
      windowMarginMs: e.RATE_WINDOW_MARGIN_MS,
      budgetFraction: e.STRIPE_BUDGET_FRACTION,
      connectedAccounts: parseConnectedBudgets(e.STRIPE_CONNECTED_ACCOUNT_BUDGETS),
    },
    port: e.PORT,
    host: e.HOST,
    metricsPort: e.METRICS_PORT,
    apiToken: e.API_TOKEN,
    board: { user: e.BOARD_USER, password: e.BOARD_PASSWORD, authOff: e.BOARD_AUTH === 'off', readOnly: e.BOARD_READ_ONLY === 'true' },
    dataDir: resolve(e.DATA_DIR),
    queuePrefix: e.QUEUE_PREFIX,
    workerConcurrency: e.WORKER_CONCURRENCY,
    importRowsInFlight: e.IMPORT_ROWS_IN_FLIGHT,
    exportPagesInFlight: e.EXPORT_PAGES_IN_FLIGHT,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    exportKeepFiles: e.EXPORT_KEEP_FILES,
    dedupeIndexMaxAgeS: e.DEDUPE_INDEX_MAX_AGE,
    exportScheduleMinIntervalMinutes: e.EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES,
    scim: { url: e.STRIPE_SCIM_URL.replace(/\/+$/, ''), token: e.STRIPE_SCIM_TOKEN, rps: e.STRIPE_SCIM_RATE, timeoutMs: e.STRIPE_TIMEOUT_MS },
    logLevel: e.LOG_LEVEL,
    testCrashAt: e.STRIPE_BULK_CRASH_AT,
  };
}
