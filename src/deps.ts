import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { GatewayFor } from './stripe/account-gateways.ts';
import type { CustomerGateway } from './stripe/customer-gateway.ts';

/** One BullMQ queue per job kind (src/queues/names.ts). */
export interface AppQueues {
  import: Queue;
  export: Queue;
  delete: Queue;
  audit: Queue;
  deprovision: Queue;
}

/** Every queue of `queues`, to close or obliterate them all. */
export function allQueues(queues: AppQueues): Queue[] {
  return [queues.import, queues.export, queues.delete, queues.audit, queues.deprovision];
}

/** What the HTTP layer needs: it queues jobs and reads their state, it never calls Stripe itself. */
export interface AppDeps {
  config: Config;
  /** A general-purpose connection (not used for blocking commands). */
  redis: Redis;
  queues: AppQueues;
  logger: Logger;
  /** This process's Prometheus registry, served at /metrics. */
  metrics: Metrics;
}

/** What a job processor needs. */
export interface WorkerDeps {
  config: Config;
  redis: Redis;
  gateway: CustomerGateway;
  /** The gateway of a job on a connected account (`account=acct_…`); the platform's `gateway` for none. */
  gatewayFor: GatewayFor;
  logger: Logger;
  /** The queues, for processors that enqueue follow-up work or read other jobs. */
  queues: AppQueues;
  /** This process's Prometheus registry (rows by outcome, export bytes, active jobs). */
  metrics?: Metrics;
}
