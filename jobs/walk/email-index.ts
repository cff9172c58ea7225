import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { emailDigest, exactEmailDigest, normaliseEmail } from '../../src/imports/normalise-email.ts';
import { customerWalkKeys } from '../../src/redis-keys.ts';
import { loadLuaScript, runLuaScript } from '../../src/redis-scripts.ts';

const INDEX_EMAILS = loadLuaScript(new URL('./index-emails-5.lua', import.meta.url));
const UNINDEX_EMAILS = loadLuaScript(new URL('./unindex-emails-4.lua', import.meta.url));

/** What an audit file lists of a customer (kept in the index only when the index is built with details). */
export interface IndexedCustomer {
  id: string;
  email: string;
  name: string | null;
  created: number;
  balance: number;
  delinquent: boolean | null;
  metadata: Record<string, string>;
}

/**
 * A Redis index of normalised email → customer ids, filled page by page by a walk of every customer
 * (see index-emails-5.lua). Emails live in it only as digests; with `details`, each customer's listed fields too.
 */
export class EmailIndex {
  readonly keys: ReturnType<typeof customerWalkKeys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    owner: string,
    private readonly details: boolean,
  ) {
    this.keys = customerWalkKeys(prefix, owner);
  }

  /** Adds a page (idempotent: a page added twice changes nothing the second time). */
  async add(customers: readonly Stripe.Customer[]): Promise<void> {
    const withEmail = customers.filter((c) => typeof c.email === 'string' && normaliseEmail(c.email) !== '');
    if (withEmail.length === 0) return;
    const args: string[] = [String(withEmail.length)];
    const metadataKeys = new Set<string>();
    for (const c of withEmail) {
      const stored = (c.email ?? '').trim();
      const casing = stored === normaliseEmail(stored) ? '' : exactEmailDigest(stored);
      args.push(emailDigest(stored), c.id, this.details ? JSON.stringify(detailsOf(c)) : '', casing);
      if (this.details) for (const key of Object.keys(c.metadata)) metadataKeys.add(key);
    }
    args.push(...metadataKeys);
    const { emailIds, groups, customers: details, metadataKeys: keysSet, casings } = this.keys;
    await runLuaScript(this.redis, INDEX_EMAILS, [emailIds, groups, details, keysSet, casings], args);
  }

  /** Takes customers out from under the emails they were indexed with (deleted, or their email changed). */
  async remove(entries: ReadonlyArray<{ id: string; email: string }>): Promise<void> {
    const args = entries.filter((e) => normaliseEmail(e.email) !== '').flatMap((e) => [emailDigest(e.email), e.id]);
    if (args.length === 0) return;
    const { emailIds, groups, customers, casings } = this.keys;
    await runLuaScript(this.redis, UNINDEX_EMAILS, [emailIds, groups, customers, casings], args);
  }

  /**
   * Whether `?email=<written>` would find the indexed customer `id`: Stripe's filter is exact, so only when the
   * email was stored exactly as written (trimmed) or lower-cased. Answered from the index, without a read.
   */
  async exactLookupFinds(id: string, written: string): Promise<boolean> {
    const casing = await this.redis.hget(this.keys.casings, id);
    // No casing kept: the customer's email is stored normalised, which the lower-cased look-up finds.
    return casing === null || casing === exactEmailDigest(written);
  }

  /** The ids indexed under a normalised email. */
  async idsOf(email: string): Promise<string[]> {
    return this.idsOfDigest(emailDigest(email));
  }

  /** The ids indexed under an email digest (`<digest>:<id>` members, read by lexical range). */
  async idsOfDigest(digest: string): Promise<string[]> {
    const members = await this.redis.zrangebylex(this.keys.emailIds, `[${digest}:`, `(${digest};`);
    return members.map((m) => m.slice(digest.length + 1));
  }

  /** Drops the index and its walk plan. */
  async clear(): Promise<void> {
    const { slices, emailIds, groups, customers, metadataKeys, casings, appliedEvents } = this.keys;
    await this.redis.del(slices, emailIds, groups, customers, metadataKeys, casings, appliedEvents);
  }
}

function detailsOf(c: Stripe.Customer): IndexedCustomer {
  return {
    id: c.id,
    email: c.email ?? '',
    name: c.name ?? null,
    created: c.created,
    balance: c.balance,
    delinquent: c.delinquent ?? null,
    metadata: { ...c.metadata },
  };
}
