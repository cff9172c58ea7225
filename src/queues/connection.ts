import { Redis } from 'ioredis';

/**
 * One ioredis connection. BullMQ workers need `maxRetriesPerRequest: null` so a blocking command
 * survives a Redis restart instead of failing the job.
 */
export function createRedisConnection(url: string, name = 'stripe-bulk'): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}
