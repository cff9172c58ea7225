import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import type { Logger } from '../../src/logger.ts';
import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import type { EmailIndex } from '../walk/email-index.ts';

/** Index meta field: customer events from this second (unix) on are not all applied yet. */
export const EVENTS_GTE = 'events_gte';
/**
 * Events are listed again from this long before the last poll: one that becomes visible late (Stripe writes events
 * asynchronously) is still applied; the applied-events set keeps the others from being applied twice.
 */
export const EVENT_SLACK_S = 60;
/** Stripe lists events of the last 30 days; an index whose events go back further is walked again instead. */
const EVENTS_KEPT_S = 30 * 86_400 - 3_600;
/** A poll during an import: how often the index takes the account's latest changes. */
export const EVENT_POLL_MS = 2_000;
/** An index not caught up for this long answers no row alone: rows retrieve their matches again, as without events. */
export const MAX_EVENT_LAG_MS = 10_000;
const PAGE = 100;
const TYPES = ['customer.deleted', 'customer.updated'];

type CustomerObject = { id?: unknown; email?: string | null };

/** What applying an event needs, kept instead of the event (a backlog of changes holds little memory). */
interface Change {
  id: string;
  created: number;
  customer: string;
  email: string;
  /** customer.updated: the email before (undefined when the email did not change); customer.deleted: undefined. */
  previous?: string;
  deleted: boolean;
}

/**
 * Keeps a dedupe=scan email index current between walks with the account's customer events (`GET /v1/events`,
 * one read per 100 changes): a deleted customer leaves the index, a changed email moves its customer. While it is
 * caught up (polled every EVENT_POLL_MS, no older than MAX_EVENT_LAG_MS), a create-mode row the index answers
 * needs no read at all. Resumable: where the events stand and which were applied are in Redis with the index.
 */
export class IndexEvents {
  private caughtUpAt = -Infinity;
  private polling: Promise<void> | undefined;
  private stopped = false;
  /** A failure (or a missing mark) was logged and nothing has worked since. */
  private warned = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly index: EmailIndex,
    private readonly gateway: CustomerGateway,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the index holds every change listed up to MAX_EVENT_LAG_MS ago. */
  isCurrent(): boolean {
    return this.now() - this.caughtUpAt <= MAX_EVENT_LAG_MS;
  }

  /**
   * Applies every customer.deleted and customer.updated event since the index's EVENTS_GTE, oldest first. Answers
   * false (and applies nothing) when the index has no such mark (walked before events were kept) or its events are
   * older than Stripe keeps.
   */
  async catchUp(signal?: AbortSignal): Promise<boolean> {
    const { meta, appliedEvents } = this.index.keys;
    const started = this.now();
    const mark = await this.redis.hget(meta, EVENTS_GTE);
    if (mark === null) return false;
    const gte = Number(mark);
    const startedS = Math.floor(started / 1000);
    if (startedS - gte > EVENTS_KEPT_S) return false;
    const changes = await this.listSince(gte, signal);
    const applied = new Set(changes.length === 0 ? [] : await this.redis.zrangebyscore(appliedEvents, gte, '+inf'));
    // Listed newest first: applied oldest first, so the last email a customer took is the one indexed.
    for (const change of changes.reverse()) {
      if (applied.has(change.id)) continue;
      await this.apply(change);
      await this.redis.zadd(appliedEvents, change.created, change.id);
    }
    const next = Math.max(gte, startedS - EVENT_SLACK_S);
    await this.redis.multi().hset(meta, EVENTS_GTE, next).zremrangebyscore(appliedEvents, '-inf', `(${next}`).exec();
    this.caughtUpAt = started;
    return true;
  }

  /**
   * catchUp that never throws: an account whose key may not read events (a restricted key), or a failed request,
   * leaves the index answering nothing alone (rows retrieve their matches), logged once until it works again.
   */
  async tryCatchUp(signal?: AbortSignal): Promise<boolean> {
    try {
      const ok = await this.catchUp(signal);
      if (!ok && !this.warned) this.logger.info('dedupe=scan: the index keeps no event mark; matches are retrieved');
      if (ok && this.warned) this.logger.info('dedupe=scan: customer events caught up again');
      this.warned = !ok;
      return ok;
    } catch (err) {
      if (signal?.aborted) return false;
      if (!this.warned) this.logger.warn({ err }, 'dedupe=scan: reading customer events failed; matches are retrieved until it works');
      this.warned = true;
      return false;
    }
  }

  /** Polls every EVENT_POLL_MS until stop(). */
  start(signal?: AbortSignal): void {
    const tick = () => {
      if (this.stopped) return;
      this.polling = this.tryCatchUp(signal).then(() => {
        if (!this.stopped) this.timer = setTimeout(tick, EVENT_POLL_MS);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.polling;
  }

  /** The deletions and email changes listed since `gte`, newest first, as compact changes. */
  private async listSince(gte: number, signal?: AbortSignal): Promise<Change[]> {
    const changes: Change[] = [];
    let after: string | undefined;
    for (;;) {
      const params: Stripe.EventListParams = { types: TYPES, created: { gte }, limit: PAGE };
      if (after !== undefined) params.starting_after = after;
      const page = await this.gateway.listEventsPage(params, signal);
      for (const event of page.data) {
        const change = changeOf(event);
        if (change !== null) changes.push(change);
      }
      const last = page.data[page.data.length - 1];
      if (!page.has_more || last === undefined) return changes;
      after = last.id;
    }
  }

  private async apply(change: Change): Promise<void> {
    if (change.deleted) {
      await this.index.remove([{ id: change.customer, email: change.email }]);
      return;
    }
    await this.index.remove([{ id: change.customer, email: change.previous ?? '' }]);
    await this.index.add([{ id: change.customer, email: change.email } as Stripe.Customer]);
  }
}

/** A deletion, or an update that changed the email; null for any other event. */
function changeOf(event: Stripe.Event): Change | null {
  const customer = event.data.object as CustomerObject;
  if (typeof customer.id !== 'string') return null;
  const base = { id: event.id, created: event.created, customer: customer.id, email: customer.email ?? '' };
  if (event.type === 'customer.deleted') return { ...base, deleted: true };
  const previous = event.data.previous_attributes as { email?: string | null } | undefined;
  if (event.type !== 'customer.updated' || previous === undefined || !('email' in previous)) return null;
  return { ...base, previous: previous.email ?? '', deleted: false };
}
