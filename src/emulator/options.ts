/**
 * Options of the Stripe-compatible emulator. Every field is optional; `resolveOptions` fills the defaults.
 * A limit of 0 or Infinity means "unlimited".
 */
export interface EmulatorOptions {
  /** TCP port; 0 (the default) asks the kernel for a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default. */
  host?: string;
  /** Added to every /v1 request after it has been counted by the rate limiter. Default 0. */
  latencyMs?: number;
  /** Uniform jitter: the latency is drawn from latencyMs ± jitterMs (never below 0). Default 0. */
  jitterMs?: number;
  /** Admitted GET requests per key per sliding second (search excluded). Default 100. */
  readLimit?: number;
  /** Admitted POST/DELETE requests per key per sliding second. Default 100. */
  writeLimit?: number;
  /** Admitted search requests per key per sliding second. Default 20. */
  searchLimit?: number;
  /** A created customer becomes visible to search this many ms later (Stripe's index lags). Default 0. */
  searchLagMs?: number;
  /** Share (0..1) of /v1 requests answered 500 api_error before anything is done: a retry is genuine. */
  errorRate?: number;
  /** Share (0..1) of writes answered 500 api_error after the write was done: only an idempotent retry is safe. */
  errorAfterWriteRate?: number;
  /**
   * Share (0..1) of `POST /v1/customers` that commit the customer (and its idempotent result) and then have their
   * socket destroyed without an answer: the client sees a connection error, and only an idempotent retry is safe.
   */
  resetAfterCreateRate?: number;
  /** The first N `POST /v1/customers` are reset after the commit (as resetAfterCreateRate). Default 0. */
  resetAfterCreateCount?: number;
  /** Seed of the fault dice (errorRate, errorAfterWriteRate, resetAfterCreateRate): a run's faults repeat. */
  faultSeed?: number;
  /** How long an Idempotency-Key is remembered, by the emulator's clock. Default 24 h, as Stripe. */
  idempotencyTtlMs?: number;
  /** When set, only these API keys are accepted; otherwise any sk_/rk_ test or live key is. */
  keys?: string[];
  /** The bearer token `/scim/v2` accepts (a credential of its own, never a Stripe key). Default `scim_test_token`. */
  scimToken?: string;
  /** Admitted `/scim/v2` requests per sliding second, all methods together (0: unlimited). Default 25. */
  scimLimit?: number;
}

/** EmulatorOptions with every default applied. */
export type ResolvedOptions = Required<Omit<EmulatorOptions, 'keys' | 'faultSeed'>> & {
  keys: string[] | undefined;
  faultSeed: number | undefined;
};

export const DEFAULT_OPTIONS: ResolvedOptions = {
  port: 0,
  host: '127.0.0.1',
  latencyMs: 0,
  jitterMs: 0,
  readLimit: 100,
  writeLimit: 100,
  searchLimit: 20,
  searchLagMs: 0,
  errorRate: 0,
  errorAfterWriteRate: 0,
  resetAfterCreateRate: 0,
  resetAfterCreateCount: 0,
  faultSeed: undefined,
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
  keys: undefined,
  scimToken: 'scim_test_token',
  scimLimit: 25,
};

function nonNegative(name: string, value: number): number {
  if (Number.isNaN(value) || value < 0) throw new RangeError(`emulator option ${name} must be >= 0 (got ${value})`);
  return value;
}

function share(name: string, value: number): number {
  if (Number.isNaN(value) || value < 0 || value > 1) {
    throw new RangeError(`emulator option ${name} must be between 0 and 1 (got ${value})`);
  }
  return value;
}

function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`emulator option ${name} must be an integer >= 0 (got ${value})`);
  return value;
}

function seed(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`emulator option ${name} must be an integer (got ${value})`);
  return value;
}

/** Applies the defaults and rejects impossible values (negative latency, a rate above 1, …). */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const o = { ...DEFAULT_OPTIONS, ...stripUndefined(options) };
  return {
    port: nonNegative('port', o.port),
    host: o.host,
    latencyMs: nonNegative('latencyMs', o.latencyMs),
    jitterMs: nonNegative('jitterMs', o.jitterMs),
    readLimit: nonNegative('readLimit', o.readLimit),
    writeLimit: nonNegative('writeLimit', o.writeLimit),
    searchLimit: nonNegative('searchLimit', o.searchLimit),
    searchLagMs: nonNegative('searchLagMs', o.searchLagMs),
    errorRate: share('errorRate', o.errorRate),
    errorAfterWriteRate: share('errorAfterWriteRate', o.errorAfterWriteRate),
    resetAfterCreateRate: share('resetAfterCreateRate', o.resetAfterCreateRate),
    resetAfterCreateCount: count('resetAfterCreateCount', o.resetAfterCreateCount),
    faultSeed: o.faultSeed === undefined ? undefined : seed('faultSeed', o.faultSeed),
    idempotencyTtlMs: nonNegative('idempotencyTtlMs', o.idempotencyTtlMs),
    keys: o.keys,
    scimToken: o.scimToken,
    scimLimit: nonNegative('scimLimit', o.scimLimit),
  };
}

function stripUndefined(options: EmulatorOptions): Partial<EmulatorOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/** The fault settings `POST /__emulator/faults` accepts: the names and checks of the matching options. */
const FAULT_CHECKS = {
  errorRate: share,
  errorAfterWriteRate: share,
  resetAfterCreateRate: share,
  resetAfterCreateCount: count,
  faultSeed: seed,
} as const;

/** Validates a fault patch (a JSON object); throws a RangeError naming every bad or unknown field. */
export function parseFaultPatch(body: unknown): Partial<Pick<ResolvedOptions, keyof typeof FAULT_CHECKS>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RangeError(`the body must be a JSON object with some of: ${Object.keys(FAULT_CHECKS).join(', ')}`);
  }
  const out: Record<string, number | undefined> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    const check = (FAULT_CHECKS as Record<string, (n: string, v: number) => number>)[name];
    if (check === undefined || !Object.prototype.hasOwnProperty.call(FAULT_CHECKS, name)) {
      problems.push(`unknown field ${name} (expected one of: ${Object.keys(FAULT_CHECKS).join(', ')})`);
    } else if (name === 'faultSeed' && value === null) {
      out[name] = undefined;
    } else if (typeof value !== 'number') {
      problems.push(`${name} must be a number (got ${JSON.stringify(value)})`);
    } else {
      try {
        out[name] = check(name, value);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  }
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  return out;
}
