import type { RequestKind } from './rate-limiter.ts';

/** Anything shaped like a Stripe secret or restricted key: it must never become part of a Redis key. */
const SECRET_SHAPE = /(sk|rk)_(live|test)_/;
const SAFE_PART = /^[A-Za-z0-9_.-]{1,128}$/;

/** Names of the Redis keys of one account's limiter. */
export interface RateLimitKeys {
  /** String key holding the end of the shared cool-down after a 429. */
  coolDown: string;
  /** Sorted set of granted send times for one class of request. */
  classLog(kind: RequestKind): string;
  /** Sorted set of granted send times for one endpoint, e.g. 'customers.list'. */
  endpointLog(endpoint: string): string;
  /** The "known full up to" hint of a log (see reserve-slot-5.lua). */
  hint(log: string): string;
}

function checkedPart(what: string, value: string): string {
  if (SECRET_SHAPE.test(value)) throw new Error(`${what} looks like a Stripe key: name the account by a hash instead`);
  if (!SAFE_PART.test(value)) throw new Error(`${what} must be 1-128 letters, digits, _ . or -`);
  return value;
}

/**
 * `<prefix>:rate:{<accountId>}:…`. The hash tag keeps every key of one account in one Redis Cluster slot,
 * which the multi-key Lua script requires.
 */
export function rateLimitKeys(keyPrefix: string, accountId: string): RateLimitKeys {
  const base = `${checkedPart('keyPrefix', keyPrefix)}:rate:{${checkedPart('accountId', accountId)}}`;
  return {
    coolDown: `${base}:cool-down`,
    classLog: (kind) => `${base}:${kind}`,
    endpointLog: (endpoint) => `${base}:endpoint:${checkedPart('endpoint', endpoint)}`,
    hint: (log) => `${log}:hint`,
  };
}
