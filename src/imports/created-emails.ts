import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Customers this tool created, by lower-cased email. Stripe's email filter is exact and case-sensitive, so a
 * customer created as `Bob@X.com` is invisible to a look-up of `bob@x.com`; this registry lets a later row (in this
 * file, another import or another process) find it anyway. Customers created outside the tool with a mixed-case
 * email stay invisible to a lower-case row: a limit of Stripe's API.
 */
export interface CreatedEmails {
  add(email: string, customerId: string): Promise<void>;
  ids(email: string): Promise<string[]>;
}

const TTL_S = 30 * 24 * 3600;

export function createCreatedEmails(redis: Redis, queuePrefix: string, accountId: string): CreatedEmails {
  const keyOf = (email: string) =>
    `${queuePrefix}:created-email:${accountId}:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
  return {
    async add(email, customerId) {
      await redis.multi().sadd(keyOf(email), customerId).expire(keyOf(email), TTL_S).exec();
    },
    ids(email) {
      return redis.smembers(keyOf(email));
    },
  };
}
