import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { emailKeys } from '../../src/redis-keys.ts';

/** A create that was announced (durably, before it was sent) and whose customer is not known yet. */
export interface PendingCreate {
  /** The Idempotency-Key the create is (or was) sent with: replaying it with `params` returns the same customer. */
  key: string;
  /** The email exactly as sent to Stripe (its `?email=` filter is case-sensitive). */
  email: string;
  params: Stripe.CustomerCreateParams;
  /** When it was announced (ms since epoch, our clock). */
  at: number;
}

/** What the registry knows about one normalised email. */
export interface RegistryEntry {
  /** Customers created through stripe-bulk under any casing → the idempotency key that created them ('' if unknown). */
  created: Map<string, string>;
  pending: PendingCreate[];
}

/**
 * Customers stripe-bulk created (or is creating), by normalised email, for one Stripe account. Stripe's email
 * filter is exact and case-sensitive, so a customer created as `Bob@X.com` is invisible to a look-up of
 * `bob@x.com`; this registry lets a later row (in this file, another import, another process) find it anyway.
 *
 * A create is announced here *before* it is sent, with its idempotency key and parameters, and settled with the
 * customer id once Stripe answers. Whatever instant a process dies, the next row of that email (holding the email
 * lock) sees either the settled customer or the pending create, which it resolves by looking the announced email
 * up, or by replaying the create with the same key (see find-customers.ts). Customers created outside the tool
 * under another casing stay invisible to a look-up: a limit of Stripe's API.
 */
export interface CreatedEmails {
  read(email: string): Promise<RegistryEntry>;
  /** Records a create about to be sent; durable before the request leaves. */
  announce(normalisedOf: string, pending: PendingCreate): Promise<void>;
  /** Records the customer a create made (or that a pending create is known to have made). */
  settle(normalisedOf: string, key: string, customerId: string): Promise<void>;
}

// Long enough for any resume, and for later imports to find case variants; bounded so Redis does not grow forever.
const TTL_S = 30 * 24 * 3600;
const CREATED = 'c:';
const PENDING = 'p:';

/** A transaction's replies carry per-command errors instead of rejecting: surface the first. */
function check(replies: [Error | null, unknown][] | null): void {
  if (replies === null) throw new Error('the created-email registry transaction was aborted');
  for (const [err] of replies) if (err) throw err;
}

export function createCreatedEmails(redis: Redis, queuePrefix: string, accountId: string): CreatedEmails {
  const keyOf = (email: string) => emailKeys.registry(queuePrefix, accountId, email);
  // Before the registry held pending creates it was a set of ids under this name; read until those expire.
  const legacyKeyOf = (email: string) => emailKeys.legacyCreated(queuePrefix, accountId, email);
  return {
    async read(email) {
      // A pipeline, not a transaction (two commands fewer per row): the legacy set is never written any more, so the
      // two reads cannot disagree.
      const replies = await redis.pipeline().hgetall(keyOf(email)).smembers(legacyKeyOf(email)).exec();
      const [hashReply, legacyReply] = replies ?? [];
      if (hashReply?.[0]) throw hashReply[0];
      const fields = (hashReply?.[1] ?? {}) as Record<string, string>;
      const legacy = legacyReply && !legacyReply[0] ? (legacyReply[1] as string[]) : [];
      const created = new Map<string, string>(legacy.map((id) => [id, '']));
      const pending: PendingCreate[] = [];
      for (const [field, value] of Object.entries(fields)) {
        if (field.startsWith(CREATED)) created.set(field.slice(CREATED.length), value);
        else if (field.startsWith(PENDING)) pending.push(JSON.parse(value) as PendingCreate);
      }
      pending.sort((a, b) => a.at - b.at);
      return { created, pending };
    },
    async announce(email, pending) {
      const key = keyOf(email);
      check(await redis.multi().hset(key, PENDING + pending.key, JSON.stringify(pending)).expire(key, TTL_S).exec());
    },
    async settle(email, idempotencyKey, customerId) {
      const key = keyOf(email);
      check(await redis.multi().hset(key, CREATED + customerId, idempotencyKey).hdel(key, PENDING + idempotencyKey).expire(key, TTL_S).exec());
    },
  };
}
