import { newEventId } from './customer-record.ts';

/** The customer events the emulator records, as Stripe names them. */
export type CustomerEventType = 'customer.created' | 'customer.updated' | 'customer.deleted';

/** An event as `GET /v1/events` answers it. */
export interface EventJson {
  id: string;
  object: 'event';
  api_version: string | null;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: CustomerEventType;
}

/** What a list of events asks for: types (empty: all), `created` bounds, a cursor and a page size. */
export interface EventQuery {
  types: ReadonlySet<string>;
  created: { min: number; max: number };
  startingAfter?: string;
  endingBefore?: string;
  limit: number;
}

/** Stripe keeps events for 30 days; older ones leave the list. */
const RETENTION_S = 30 * 86_400;

/**
 * The events of one account, oldest first (appended as changes happen, so `created` never decreases). Only API
 * calls record events: customers seeded through the admin API have none, as if they were older than Stripe's 30
 * days of events.
 */
export class EventLog {
  private events: EventJson[] = [];
  /** Event id → its sequence number; the event at `events[i]` has sequence number `first + i`. */
  private readonly positions = new Map<string, number>();
  private first = 0;
  private next = 0;

  record(type: CustomerEventType, object: Record<string, unknown>, now: number, o: { livemode: boolean; previous?: Record<string, unknown> }): EventJson {
    const event: EventJson = {
      id: newEventId(),
      object: 'event',
      api_version: null,
      created: Math.floor(now / 1000),
      data: o.previous === undefined ? { object } : { object, previous_attributes: o.previous },
      livemode: o.livemode,
      pending_webhooks: 0,
      request: { id: null, idempotency_key: null },
      type,
    };
    this.events.push(event);
    this.positions.set(event.id, this.next++);
    this.expire(event.created - RETENTION_S);
    return event;
  }

  get(id: string): EventJson | undefined {
    const at = this.indexOf(id);
    return at === -1 ? undefined : this.events[at];
  }

  /**
   * One page, newest first. `startingAfter` pages towards older events, `endingBefore` towards newer ones (the
   * page is then the `limit` events right above the cursor). Scans from the cursor or the newest event and stops
   * below `created.min`, so a poll for the last few seconds costs what it returns.
   */
  list(q: EventQuery): { data: EventJson[]; hasMore: boolean } {
    const matches = (e: EventJson) => (q.types.size === 0 || q.types.has(e.type)) && e.created >= q.created.min && e.created <= q.created.max;
    const picked: EventJson[] = [];
    if (q.endingBefore !== undefined) {
      const from = this.indexOf(q.endingBefore) + 1;
      for (let i = from; i < this.events.length && picked.length <= q.limit; i++) {
        const e = this.events[i] as EventJson;
        if (e.created > q.created.max) break;
        if (matches(e)) picked.push(e);
      }
      const hasMore = picked.length > q.limit;
      return { data: picked.slice(0, q.limit).reverse(), hasMore };
    }
    const from = q.startingAfter === undefined ? this.events.length - 1 : this.indexOf(q.startingAfter) - 1;
    for (let i = from; i >= 0 && picked.length <= q.limit; i--) {
      const e = this.events[i] as EventJson;
      if (e.created < q.created.min) break;
      if (matches(e)) picked.push(e);
    }
    return { data: picked.slice(0, q.limit), hasMore: picked.length > q.limit };
  }

  clear(): void {
    this.events = [];
    this.positions.clear();
    this.first = this.next;
  }

  /** Where an event sits in `events`, -1 when it is unknown or expired. */
  private indexOf(id: string): number {
    const seq = this.positions.get(id);
    return seq === undefined ? -1 : seq - this.first;
  }

  private expire(before: number): void {
    let drop = 0;
    while (drop < this.events.length && (this.events[drop] as EventJson).created < before) drop++;
    if (drop === 0) return;
    for (const e of this.events.slice(0, drop)) this.positions.delete(e.id);
    this.events = this.events.slice(drop);
    this.first += drop;
  }
}
