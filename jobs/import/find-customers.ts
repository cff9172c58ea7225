import type Stripe from 'stripe';
import type { CreatedEmails, PendingCreate, RegistryEntry } from './created-emails.ts';
import { normaliseEmail } from '../../src/imports/normalise-email.ts';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import type { EmailIndex } from '../walk/email-index.ts';
import { scanMatches } from './scan-index.ts';


/** Every customer a row's email matches, and who created them as far as the registry knows. */
export interface EmailMatches {
  customers: Stripe.Customer[];
  /** Customer id → the idempotency key of the stripe-bulk create that made it ('' when unknown). */
  creators: Map<string, string>;
  /** The casings looked up with `?email=` (none when a customer stripe-bulk created answered alone). */
  lookedUp: readonly string[];
  /**
   * dedupe=scan: how many customers the index lists under the email when it lists more than were retrieved (the
   * retrieves stop once the row's outcome is certain).
   */
  indexed?: number;
}

/** Options of {@link findCustomersByEmail}. */
export interface FindOptions {
  signal?: AbortSignal;
  /**
   * Resolve creates that were announced but never settled (their process died): look the announced email up,
   * and when no customer has this email, replay the create with its idempotency key to learn (or make) the
   * customer. Only a caller holding the email lock may do this; a dry run never does (it never writes).
   */
  resolvePending: boolean;
  /** Called as each look-up answers (a crash point for tests). */
  onLookup?: () => void;
  /**
   * One live customer is all the caller needs (create mode skips the row whatever else shares the email): when the
   * registry names a customer stripe-bulk created for this email, it is retrieved first, and if it is live and still
   * has this email the look-ups are not made. One read instead of one or two look-ups plus a retrieve whenever a case
   * variant created the customer; the price is that a customer created outside stripe-bulk with the same email is not
   * named (the row says `exists`, not `ambiguous`).
   */
  oneSuffices?: boolean;
  /**
   * dedupe=scan: the account's email index. When it lists live customers under the row's normalised email, they
   * answer the row with the registry's, and no `?email=` look-up is made; when it lists none, the look-ups run as
   * usual (they catch customers created since the walk).
   */
  scan?: EmailIndex;
}

const NO_ENTRY: RegistryEntry = { created: new Map<string, string>(), pending: [] };

// Stripe's clock and ours differ; a customer created up to this long "before" an announcement can still be its create.
const CLOCK_SLACK_S = 5;

/**
 * Every live customer whose email equals `email` case-insensitively, as far as Stripe lets us see: a look-up of
 * the email as written and, when it differs, of its lower-cased form (Stripe's filter is exact), plus customers
 * stripe-bulk created or was creating under another casing (the registry). Merged by id.
 */
export async function findCustomersByEmail(
  gateway: CustomerGateway,
  registry: CreatedEmails | null,
  email: string,
  options: FindOptions,
): Promise<EmailMatches> {
  const lower = normaliseEmail(email);
  if (options.scan !== undefined) {
    const answered = await fromIndex(gateway, registry, options.scan, lower, options);
    if (answered !== null) return answered;
  }
  if (!options.oneSuffices || !registry) return search(gateway, registry, email, options, registry ? registry.read(lower) : Promise.resolve(NO_ENTRY), new Set());
  const entry = await registry.read(lower);
  const dead = new Set<string>();
  // A pending create is resolved by the full search (it may need a replay); so is an email with no known customer.
  if (entry.pending.length === 0) {
    for (const [id, key] of entry.created) {
      const c = await gateway.retrieve(id, options.signal);
      if (c && !c.deleted && normaliseEmail(c.email ?? '') === lower) return { customers: [c], creators: new Map([[id, key]]), lookedUp: [] };
      dead.add(id);
    }
  }
  return search(gateway, registry, email, options, Promise.resolve(entry), dead);
}

/**
 * The index's live customers for `lower`, merged with the customers the registry knows stripe-bulk created; null
 * when the index lists none alive, or when a create is pending for the email (the full search resolves it).
 */
async function fromIndex(
  gateway: CustomerGateway,
  registry: CreatedEmails | null,
  index: EmailIndex,
  lower: string,
  options: FindOptions,
): Promise<EmailMatches | null> {
  const { signal } = options;
  // Create mode needs one live match; upsert needs two to know the row is ambiguous.
  const { found: indexed, listed } = await scanMatches(gateway, index, lower, options.oneSuffices ? 1 : 2, signal);
  if (indexed.length === 0) return null;
  const entry = registry ? await registry.read(lower) : NO_ENTRY;
  if (entry.pending.length > 0) return null;
  const byId = new Map(indexed.map((c) => [c.id, c]));
  for (const id of entry.created.keys()) {
    if (byId.has(id)) continue;
    const c = await gateway.retrieve(id, signal);
    if (c && !c.deleted && normaliseEmail(c.email ?? '') === lower) byId.set(c.id, c);
  }
  const creators = new Map([...entry.created].filter(([id]) => byId.has(id)));
  const matches: EmailMatches = { customers: [...byId.values()], creators, lookedUp: [] };
  if (listed > indexed.length) matches.indexed = listed;
  return matches;
}

/**
 * The look-ups of the email as written and lower-cased (and any casing a pending create was sent with), merged with
 * what the registry knows; `dead` are registry ids already retrieved and found gone or changed.
 */
async function search(
  gateway: CustomerGateway,
  registry: CreatedEmails | null,
  email: string,
  options: FindOptions,
  registryEntry: Promise<RegistryEntry>,
  dead: ReadonlySet<string>,
): Promise<EmailMatches> {
  const { signal } = options;
  const written = email.trim();
  const lower = normaliseEmail(email);
  const lookUp = (address: string) =>
    gateway.listByEmail(address, signal).then((list) => {
      options.onLookup?.();
      return list;
    });
  const lookedUp = written === lower ? [written] : [written, lower];
  const [lists, entry] = await Promise.all([Promise.all(lookedUp.map(lookUp)), registryEntry]);
  const byId = new Map<string, Stripe.Customer>();
  const keep = (c: Stripe.Customer) => {
    if (normaliseEmail(c.email ?? '') === lower) byId.set(c.id, c);
  };
  for (const c of lists.flat()) keep(c);
  // A pending create's email as it was sent: only a casing not looked up yet costs a request.
  const casings = new Set(entry.pending.map((p) => p.email.trim()).filter((e) => e !== written && e !== lower));
  for (const list of await Promise.all([...casings].map(lookUp))) for (const c of list) keep(c);
  lookedUp.push(...casings);
  // Only ids the look-ups missed cost a request, i.e. only when another casing was created earlier.
  for (const id of entry.created.keys()) {
    if (byId.has(id) || dead.has(id)) continue;
    const c = await gateway.retrieve(id, signal);
    if (c && !c.deleted) keep(c);
  }
  const creators = new Map([...entry.created].filter(([id]) => byId.has(id)));
  if (registry && options.resolvePending && entry.pending.length > 0) {
    await resolvePending(gateway, registry, lower, entry.pending, byId, creators, signal);
  }
  return { customers: [...byId.values()], creators, lookedUp };
}

/**
 * A pending create whose customer exists is settled with it when exactly one unattributed customer could be it;
 * when no customer has this email, the oldest pending create is replayed with its own key and parameters: Stripe
 * answers the customer it made, or makes it now if the request never arrived. Never replayed once a customer is
 * visible: past Stripe's 24 h idempotency window a replay would create a second one.
 */
async function resolvePending(
  gateway: CustomerGateway,
  registry: CreatedEmails,
  lower: string,
  pending: PendingCreate[],
  byId: Map<string, Stripe.Customer>,
  creators: Map<string, string>,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (byId.size === 0) {
    const oldest = pending[0] as PendingCreate;
    const { customer } = await gateway.create(oldest.params, oldest.key, signal);
    await registry.settle(lower, oldest.key, customer.id);
    byId.set(customer.id, customer);
    creators.set(customer.id, oldest.key);
    return;
  }
  for (const p of pending) {
    const candidates = [...byId.values()].filter((c) => !creators.get(c.id) && c.created >= Math.floor(p.at / 1000) - CLOCK_SLACK_S);
    if (candidates.length !== 1) continue;
    const customer = candidates[0] as Stripe.Customer;
    await registry.settle(lower, p.key, customer.id);
    creators.set(customer.id, p.key);
  }
}
