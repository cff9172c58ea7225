import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { CustomerGateway } from './stripe/customer-gateway.ts';

/** What the HTTP layer needs: it queues jobs and reads their state, it never calls Stripe itself. */
export interface AppDeps {
  config: Config;
  /** A general-purpose connection (not used for blocking commands). */
  redis: Redis;
  queues: { import: Queue; export: Queue; deprovision: Queue };
  logger: Logger;
  /** This process's Prometheus registry, served at /metrics. */
  metrics: Metrics;
}

/** What a job processor needs. */
export interface WorkerDeps {
  config: Config;
  redis: Redis;
  gateway: CustomerGateway;
  logger: Logger;
  /** The queues, for processors that enqueue follow-up work or read other jobs. */
  queues: { import: Queue; export: Queue; deprovision: Queue };
  /** This process's Prometheus registry (rows by outcome, export bytes, active jobs). */
  metrics?: Metrics;
}
