import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { createRedisRateLimiter } from './sliding-log-limiter.ts';

/** Every SCIM call is sent as this class and endpoint, so all of them share STRIPE_SCIM_RATE. */
export const SCIM_SLOT = { kind: 'read', endpoint: 'scim.users' } as const;

/**
 * The shared limiter of the SCIM service: the same sliding log in Redis as the Stripe API's, under a key of its
 * own (`<prefix>:rate:{<account>.scim}:…`), because the Dashboard's SCIM endpoint is not counted against the API
 * limits and gets a conservative budget of its own (STRIPE_SCIM_RATE, default 10/s) across every worker.
 */
export function createScimRateLimiter(redis: Redis, config: Pick<Config, 'stripe' | 'scim' | 'queuePrefix' | 'rate'>): RateLimiter {
  const rps = config.scim.rps;
  return createRedisRateLimiter({
    redis,
    accountId: `${config.stripe.accountId}.scim`,
    budget: { read: rps, write: rps, search: rps, endpoints: {} },
    windowMarginMs: config.rate.windowMarginMs,
    keyPrefix: config.queuePrefix,
  });
}
