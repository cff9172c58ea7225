import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import type { Config } from './config.ts';
import { allQueues, type AppDeps, type AppQueues } from './deps.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createApiRedisConnection, createRedisConnection } from './queues/connection.ts';
import { QUEUE_NAMES } from './queues/names.ts';
import { createRedisMonitor, isRedisConnectionError, type RedisMonitor } from './queues/redis-monitor.ts';
import type { RateLimiter } from './rate-limit/rate-limiter.ts';
import { createRedisRateLimiter } from './rate-limit/sliding-log-limiter.ts';
import { createStripeClient } from './stripe/client.ts';
import { createGatewayFor, type GatewayFor } from './stripe/account-gateways.ts';
import type { CustomerGateway } from './stripe/customer-gateway.ts';
import { createCustomerGateway, type CustomerGatewayOptions } from './stripe/throttled-customer-gateway.ts';

/** Everything an entry point wires together from one Config. */
export interface Services {
  config: Config;
  logger: Logger;
  redis: Redis;
  queues: AppQueues;
  stripe: Stripe;
  limiter: RateLimiter;
  gateway: CustomerGateway;
  /** The gateway of a job on a connected account (`Stripe-Account`), within that account's budget. */
  gatewayFor: GatewayFor;
  metrics: Metrics;
  /** Logs the state changes of this process's Redis connections. */
  redisMonitor: RedisMonitor;
  close(): Promise<void>;
}

/** Queues on one connection; their connection errors are the monitor's to report, anything else is logged. */
function createQueues(redis: Redis, prefix: string, logger: Logger): AppQueues {
  const queues = {
    import: new Queue(QUEUE_NAMES.import, { connection: redis, prefix }),
    export: new Queue(QUEUE_NAMES.export, { connection: redis, prefix }),
    delete: new Queue(QUEUE_NAMES.delete, { connection: redis, prefix }),
    audit: new Queue(QUEUE_NAMES.audit, { connection: redis, prefix }),
    deprovision: new Queue(QUEUE_NAMES.deprovision, { connection: redis, prefix }),
  };
  for (const queue of Object.values(queues)) {
    // Without a listener BullMQ prints every reconnection attempt's stack trace to stderr.
    queue.on('error', (err) => {
      if (!isRedisConnectionError(err)) logger.error({ queue: queue.name, err }, 'queue error');
    });
  }
  return queues;
}

/**
 * The limiter of a connected account's requests. Whether Stripe counts them against the platform's limits or the
 * connected account's is not guessed: by default they share the platform's limiter (its keys, its learned budget);
 * an account listed in STRIPE_CONNECTED_ACCOUNT_BUDGETS gets its own keys and that budget.
 */
function connectedLimiter(config: Config, redis: Redis, metrics: Metrics, platform: RateLimiter, connectedAccount: string): RateLimiter {
  const own = config.rate.connectedAccounts[connectedAccount];
  if (own === undefined) return platform;
  // Its waits count in the process's metric; its learned budget is not the platform's gauge, so it stays out of it.
  return createRedisRateLimiter({
    onWait: (kind, _endpoint, ms) => metrics.tokenWaitSeconds.inc({ kind }, ms / 1000),
    budgetFraction: config.rate.budgetFraction,
    redis,
    accountId: config.stripe.accountId,
    connectedAccount,
    budget: { ...own, search: config.rate.search, endpoints: {} },
    windowMarginMs: config.rate.windowMarginMs,
    keyPrefix: config.queuePrefix,
  });
}

/** Connects to Redis and builds the queues, the shared limiter and the throttled Stripe gateway. */
export function createServices(config: Config, logger: Logger = createLogger(config.logLevel)): Services {
  const redis = createRedisConnection(config.redisUrl, 'stripe-bulk');
  // BullMQ defines its ~50 scripts on a queue's connection, and ioredis copies every defined script onto each
  // MULTI or pipeline it builds: on the jobs' own connection that copying was 6% of an import's CPU.
  const queueRedis = createRedisConnection(config.redisUrl, 'stripe-bulk-queues');
  const redisMonitor = createRedisMonitor(config.redisUrl, logger);
  redisMonitor.watch(redis, 'stripe-bulk');
  redisMonitor.watch(queueRedis, 'stripe-bulk-queues');
  const queues = createQueues(queueRedis, config.queuePrefix, logger);
  const stripe = createStripeClient(config.stripe);
  const metrics = createMetrics();
  const limiter = createRedisRateLimiter({
    onWait: (kind, _endpoint, ms) => metrics.tokenWaitSeconds.inc({ kind }, ms / 1000),
    onBudget: (kind, rps) => metrics.learnedBudget.set({ kind }, rps),
    budgetFraction: config.rate.budgetFraction,
    redis,
    accountId: config.stripe.accountId,
    budget: config.rate,
    windowMarginMs: config.rate.windowMarginMs,
    keyPrefix: config.queuePrefix,
  });
  const gatewayOptions: CustomerGatewayOptions = {
    stripe,
    limiter,
    logger,
    onRequest: ({ kind, endpoint, status, ms }) => {
      metrics.stripeRequests.inc({ kind, endpoint, status: String(status) });
      metrics.stripeRequestSeconds.observe({ kind }, ms / 1000);
      if (status === 429) metrics.stripeRateLimited.inc({ kind });
    },
  };
  const gateway = createCustomerGateway(gatewayOptions);
  const gatewayFor = createGatewayFor(gateway, (connectedAccount) =>
    createCustomerGateway({ ...gatewayOptions, stripeAccount: connectedAccount, limiter: connectedLimiter(config, redis, metrics, limiter, connectedAccount) }),
  );
  return {
    config,
    logger,
    redis,
    queues,
    stripe,
    limiter,
    gateway,
    gatewayFor,
    metrics,
    redisMonitor,
    async close() {
      redisMonitor.stop();
      await Promise.allSettled(allQueues(queues).map((q) => q.close()));
      await Promise.all([redis, queueRedis].map((r) => r.quit().catch(() => r.disconnect())));
    },
  };
}

/** What the HTTP API runs on, with its own close(). */
export interface ApiServices extends AppDeps {
  close(): Promise<void>;
}

/**
 * The HTTP API's view of the services: its own connection and queues that fail at once while Redis is away
 * (see createApiRedisConnection), so a request refused with 503 is never carried out later. Workers in the same
 * process keep the patient connection of `services`.
 */
export function createApiServices(services: Services): ApiServices {
  const redis = createApiRedisConnection(services.config.redisUrl);
  services.redisMonitor.watch(redis, 'stripe-bulk-api');
  const queues = createQueues(redis, services.config.queuePrefix, services.logger);
  return {
    config: services.config,
    logger: services.logger,
    metrics: services.metrics,
    redis,
    queues,
    async close() {
      await Promise.allSettled(allQueues(queues).map((q) => q.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
