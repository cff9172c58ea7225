import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { normaliseEmail } from '../../src/imports/normalise-email.ts';
import type { Logger } from '../../src/logger.ts';
import { randomToken } from '../../src/random-token.ts';
import { loadLuaScript, runLuaScript } from '../../src/redis-scripts.ts';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import { EmailIndex } from '../walk/email-index.ts';
import { walkCustomers } from '../walk/walk-customers.ts';
import type { CreatedEmails } from './created-emails.ts';
import { EVENT_SLACK_S, EVENTS_GTE, type IndexEvents } from './index-events.ts';

// The email lock's compare-and-renew and compare-and-delete: the same rule for a walk's lock.
const RENEW = loadLuaScript(new URL('./renew-email-lock-1.lua', import.meta.url));
const RELEASE = loadLuaScript(new URL('./release-email-lock-1.lua', import.meta.url));

/** A walker killed with -9 blocks the next one at most this long (the import lock's duration); a live one renews every third of it. */
const LOCK_TTL_MS = 15_000;
const LOCK_POLL_MS = 500;

/** What {@link prepareScanIndex} needs. */
export interface ScanIndexOptions {
  redis: Redis;
  prefix: string;
  /** The Stripe account (config.stripe.accountId, a hash of the key): one index per account. */
  accountId: string;
  gateway: CustomerGateway;
  inFlight: number;
  /** An index walked longer ago than this is walked again from scratch; a younger one only gets the newer customers. */
  maxAgeS: number;
  logger: Logger;
  signal?: AbortSignal;
  /** After each checkpoint of a walk: the index's counters (customers and pages walked into it so far). */
  onProgress?: (totals: { customers: number; pages: number }) => Promise<void>;
  now?: () => number;
}

/** How the index was brought up to date. */
export type ScanWalk = 'full' | 'refresh' | 'none';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason as Error); }, { once: true });
  });

/** The range the next walk covers, saved before it starts so that a resumed walk keeps it. */
async function pendingRange(index: EmailIndex, redis: Redis, o: ScanIndexOptions): Promise<{ gte: number; lte: number; walk: ScanWalk }> {
  const meta = await redis.hgetall(index.keys.meta);
  if (meta.pending_lte !== undefined) return { gte: Number(meta.pending_gte), lte: Number(meta.pending_lte), walk: meta.pending_gte === '0' ? 'full' : 'refresh' };
  const now = (o.now ?? Date.now)();
  const nowS = Math.floor(now / 1000);
  const walkedAt = Number(meta.walked_at ?? NaN);
  if (Number.isFinite(walkedAt) && now - walkedAt < o.maxAgeS * 1000 && meta.walked_lte !== undefined) {
    const gte = Number(meta.walked_lte) + 1;
    if (gte > nowS) return { gte, lte: nowS, walk: 'none' };
    await redis.hset(index.keys.meta, 'pending_gte', gte, 'pending_lte', nowS);
    return { gte, lte: nowS, walk: 'refresh' };
  }
  // Too old (emails may have changed since) or never walked: start from nothing. Customer events from a little
  // before the walk on keep the index current after it (index-events.ts): a change during the walk is applied
  // whether the walk read the customer before or after it.
  const { emailIds, groups, slices, casings, appliedEvents, customers } = index.keys;
  await redis
    .multi()
    .del(emailIds, groups, slices, casings, appliedEvents, customers)
    .hset(index.keys.meta, 'pending_gte', 0, 'pending_lte', nowS, EVENTS_GTE, nowS - EVENT_SLACK_S)
    .exec();
  return { gte: 0, lte: nowS, walk: 'full' };
}

/** Holds the account index's walk lock while `body` runs (waiting for another walker first). */
async function withWalkLock<T>(index: EmailIndex, o: ScanIndexOptions, body: () => Promise<T>): Promise<T> {
  const token = randomToken(16);
  while ((await o.redis.set(index.keys.lock, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') await sleep(LOCK_POLL_MS, o.signal);
  const renew = setInterval(() => {
    void runLuaScript(o.redis, RENEW, [index.keys.lock], [token, LOCK_TTL_MS]).catch(() => undefined);
  }, LOCK_TTL_MS / 3);
  try {
    return await body();
  } finally {
    clearInterval(renew);
    await runLuaScript(o.redis, RELEASE, [index.keys.lock], [token]).catch(() => undefined);
  }
}

/**
 * dedupe=scan: brings the account's email index up to date before an import's first row, with the export's walk
 * (one read per 100 customers, the shared read budget): a full walk when it is missing or older than maxAgeS, else
 * a walk of the customers created since its last walk (`created[gt]`). One process walks at a time; the others wait
 * and then reuse its result. Resumable after kill -9: the range and the slice plan are in Redis, the index ignores
 * pages it holds already.
 */
export async function prepareScanIndex(o: ScanIndexOptions): Promise<{ index: EmailIndex; walk: ScanWalk }> {
  const index = new EmailIndex(o.redis, o.prefix, `account-${o.accountId}`, false);
  const walk = await withWalkLock(index, o, async () => {
    const range = await pendingRange(index, o.redis, o);
    if (range.walk === 'none') return range.walk;
    o.logger.info({ walk: range.walk, gte: range.gte, lte: range.lte }, 'dedupe=scan: walking customers into the email index');
    await walkCustomers({
      redis: o.redis,
      keys: { slices: index.keys.slices, record: index.keys.meta },
      gateway: o.gateway,
      inFlight: o.inFlight,
      range: { gte: range.gte, lte: range.lte },
      consume: (customers) => index.add(customers),
      ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    });
    const done = o.redis.multi().del(index.keys.slices).hdel(index.keys.meta, 'pending_gte', 'pending_lte');
    await done.hset(index.keys.meta, 'walked_lte', range.lte, 'walked_at', (o.now ?? Date.now)()).exec();
    return range.walk;
  });
  return { index, walk };
}

/**
 * The live customers the index lists under `email` (normalised): each is retrieved, so one deleted since the walk
 * (or whose email changed) is absent. Stops at `enough` live ones: a create-mode row needs one, and an email that
 * thousands of customers share (a placeholder address) must not cost thousands of reads per row. `listed`: how many
 * ids the index holds for the email.
 */
export async function scanMatches(
  gateway: CustomerGateway,
  index: EmailIndex,
  email: string,
  enough: number,
  signal?: AbortSignal,
): Promise<{ found: Stripe.Customer[]; listed: number }> {
  const lower = normaliseEmail(email);
  const found: Stripe.Customer[] = [];
  const ids = await index.idsOf(lower);
  for (const id of ids) {
    if (found.length >= enough) break;
    const c = await gateway.retrieve(id, signal);
    if (c && !c.deleted && normaliseEmail(c.email ?? '') === lower) found.push(c);
  }
  return { found, listed: ids.length };
}

/** dedupe=scan during an import: the account's email index and the events that keep it current. */
export interface ScanIndex {
  index: EmailIndex;
  events: IndexEvents;
}

/**
 * dedupe=scan, create mode: the customer the index lists under the row's email, answered without a read: only while
 * the index's events are current (a customer deleted or re-addressed since the walk has left it) and the registry
 * knows no create of stripe-bulk for the email (those rows take the full path, which recognises a resumed row's
 * own customer). `onlyByScan`: `?email=` as written or lower-cased would not have found it. null otherwise.
 */
export async function answerFromIndex(
  scan: ScanIndex,
  registry: CreatedEmails | null,
  email: string,
): Promise<{ id: string; onlyByScan: boolean } | null> {
  if (!scan.events.isCurrent()) return null;
  const lower = normaliseEmail(email);
  const [id] = await scan.index.idsOf(lower);
  if (id === undefined) return null;
  if (registry !== null) {
    const entry = await registry.read(lower);
    if (entry.created.size > 0 || entry.pending.length > 0) return null;
  }
  return { id, onlyByScan: !(await scan.index.exactLookupFinds(id, email)) };
}
