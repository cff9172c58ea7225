import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { importKeys } from './import-keys.ts';

/** A create this import was about to send (and, once answered, the customer it made). */
export interface CreateIntent {
  email: string;
  /** When the intent was written (ms since epoch, our clock). */
  at: number;
  /** Set once Stripe answered the create. */
  customerId?: string;
}

/**
 * Lets a resumed row tell "I created this before the crash" from "someone else created it": each create is
 * announced here before it is sent, and its customer id recorded after it returns. The row is redone after a
 * crash; its look-up then finds the customer, and the intent says whose it is.
 */
export interface CreateIntents {
  record(row: number, email: string): Promise<void>;
  complete(row: number, email: string, customerId: string): Promise<void>;
  get(row: number): Promise<CreateIntent | null>;
  /** True when `customer` is the one this row's earlier attempt created. */
  isOwnCreate(intent: CreateIntent | null, customer: Stripe.Customer): boolean;
  clear(): Promise<void>;
}

// Stripe's clock and ours differ; a customer created up to this long "before" the intent still counts as ours.
const CLOCK_SLACK_S = 5;

export function createCreateIntents(redis: Redis, queuePrefix: string, importId: string): CreateIntents {
  const key = importKeys(queuePrefix, importId).intents;
  return {
    async record(row, email) {
      await redis.hset(key, String(row), JSON.stringify({ email, at: Date.now() } satisfies CreateIntent));
    },
    async complete(row, email, customerId) {
      await redis.hset(key, String(row), JSON.stringify({ email, at: Date.now(), customerId } satisfies CreateIntent));
    },
    async get(row) {
      const raw = await redis.hget(key, String(row));
      return raw ? (JSON.parse(raw) as CreateIntent) : null;
    },
    isOwnCreate(intent, customer) {
      if (!intent) return false;
      if (intent.customerId) return intent.customerId === customer.id;
      return customer.created >= Math.floor(intent.at / 1000) - CLOCK_SLACK_S;
    },
    async clear() {
      await redis.del(key);
    },
  };
}
