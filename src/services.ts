import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createRedisConnection } from './queues/connection.ts';
import { QUEUE_NAMES } from './queues/names.ts';
import type { RateLimiter } from './rate-limit/rate-limiter.ts';
import { createRedisRateLimiter } from './rate-limit/token-bucket.ts';
import { createStripeClient } from './stripe/client.ts';
import type { CustomerGateway } from './stripe/customer-gateway.ts';
import { createCustomerGateway } from './stripe/throttled-customer-gateway.ts';

/** Everything an entry point wires together from one Config. */
export interface Services {
  config: Config;
  logger: Logger;
  redis: Redis;
  queues: { import: Queue; export: Queue };
  stripe: Stripe;
  limiter: RateLimiter;
  gateway: CustomerGateway;
  metrics: Metrics;
  close(): Promise<void>;
}

/** Connects to Redis and builds the queues, the shared limiter and the throttled Stripe gateway. */
export function createServices(config: Config, logger: Logger = createLogger(config.logLevel)): Services {
  const redis = createRedisConnection(config.redisUrl, 'stripe-bulk');
  const queueOptions = { connection: redis, prefix: config.queuePrefix };
  const queues = {
    import: new Queue(QUEUE_NAMES.import, queueOptions),
    export: new Queue(QUEUE_NAMES.export, queueOptions),
  };
  const stripe = createStripeClient(config.stripe);
  const metrics = createMetrics();
  const limiter = createRedisRateLimiter({
    onWait: (kind, _endpoint, ms) => metrics.tokenWaitSeconds.inc({ kind }, ms / 1000),
    redis,
    accountId: config.stripe.accountId,
    budget: config.rate,
    windowMarginMs: config.rate.windowMarginMs,
    keyPrefix: config.queuePrefix,
  });
  const gateway = createCustomerGateway({
    stripe,
    limiter,
    logger,
    onRequest: ({ kind, endpoint, status, ms }) => {
      metrics.stripeRequests.inc({ kind, endpoint, status: String(status) });
      metrics.stripeRequestSeconds.observe({ kind }, ms / 1000);
      if (status === 429) metrics.stripeRateLimited.inc({ kind });
    },
  });
  return {
    config,
    logger,
    redis,
    queues,
    stripe,
    limiter,
    gateway,
    metrics,
    async close() {
      await Promise.allSettled([queues.import.close(), queues.export.close()]);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
