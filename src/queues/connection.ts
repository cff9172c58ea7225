import { Redis } from 'ioredis';

/**
 * One ioredis connection for workers and job processors. BullMQ workers need `maxRetriesPerRequest: null` so a
 * blocking command survives a Redis restart instead of failing the job; commands issued while Redis is away wait
 * in ioredis's offline queue and run when it is back, which is what a job in flight wants.
 */
export function createRedisConnection(url: string, name = 'stripe-bulk'): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}

/**
 * How long one API command may wait for Redis. A stopped Redis closes the socket and fails commands at once; this
 * bounds the other case (Redis or the network hangs) so a request still answers 503 within 2 s.
 */
export const API_COMMAND_TIMEOUT_MS = 1_500;

/**
 * The HTTP API's connection: it never queues a command while Redis is away. A request refused with 503 must never
 * be carried out later (a client that retried would run the job twice), so there is no offline queue, commands in
 * flight when the connection drops fail instead of being resent, and every command has a deadline.
 */
export function createApiRedisConnection(url: string, name = 'stripe-bulk-api'): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: API_COMMAND_TIMEOUT_MS,
  });
}

/** REDIS_URL with its password (and a username's secret part) replaced, for logs and messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'an unparsable URL';
  }
}
