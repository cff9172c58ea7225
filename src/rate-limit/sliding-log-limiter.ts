import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateBudget } from '../config.ts';
import { sleep, throwIfAborted, untilAborted } from './abortable.ts';
import { rateLimitKeys } from './rate-limit-keys.ts';
import { createRedisClock } from './redis-clock.ts';
import type { RateLimiter, RequestKind } from './rate-limiter.ts';
import { extendCoolDown, reserveSlot } from './rate-limit-scripts.ts';

/** Stripe counts requests per sliding second. */
const STRIPE_WINDOW_MS = 1000;
const DEFAULT_WINDOW_MARGIN_MS = 40;
/** Aborted jobs must not hoard slots: no reservation further ahead than this. */
const DEFAULT_MAX_AHEAD_MS = 10_000;
/** When the search gives up (two buckets that never agree), ask again after this plus jitter. */
const MIN_RETRY_MS = 25;
const RETRY_JITTER_MS = 50;
/**
 * A caller that wakes later than this after its slot (a starved event loop, a GC pause) gives the slot up and
 * reserves again: sent late, it would land in the same Stripe second as requests granted a window later.
 * Half the margin, so the other half absorbs the network. Bounded, so a slow machine still makes progress.
 */
const MIN_LATE_TOLERANCE_MS = 5;
const MAX_LATE_RESERVATIONS = 3;

/** One granted request, for metrics and for tests that check the shaping. */
export interface SlotGrant {
  kind: RequestKind;
  endpoint: string;
  /** The granted send time, ms on the Redis clock (comparable across processes). */
  at: number;
  /** Milliseconds the caller waited in acquire(), Redis round-trips included. */
  waitedMs: number;
  /** Earlier slots of this acquire() given up because the caller woke too late for them. */
  missedSlots: number;
}

/** Options of createRedisRateLimiter. */
export interface RedisRateLimiterOptions {
  /** A connection shared with the rest of the process is fine: the scripts are namespaced. */
  redis: Redis;
  /** Names the Stripe account in the keys: a configured name or a hash of the key, never the key. */
  accountId: string;
  /** Requests per second per class, and optional per-endpoint budgets ('customers.list', …). */
  budget: RateBudget;
  /**
   * Added to the one-second window, to absorb the jitter between the grant and the arrival at Stripe
   * (timer lateness, socket queueing). Default 40 ms: sustained throughput is limit × 1000 / (1000 + margin).
   */
  windowMarginMs?: number;
  /** First part of every key. Default 'stripe-bulk'. */
  keyPrefix?: string;
  /** Furthest ahead a reservation may be. Default 10 s. */
  maxAheadMs?: number;
  /**
   * A caller that wakes this much later than its slot gives it back and reserves again (at most 3 times per
   * acquire). Default half the window margin (20 ms); Infinity never gives a slot back.
   */
  lateToleranceMs?: number;
  /** Called once per granted acquire() with the milliseconds waited (0 included). */
  onWait?: (kind: RequestKind, endpoint: string, ms: number) => void;
  /** Called once per granted acquire() with the granted send time on the Redis clock. */
  onGrant?: (grant: SlotGrant) => void;
}

/** A budget of 0, a negative one or Infinity means "no bucket" for the script. */
function perWindow(limit: number | undefined): number {
  return limit !== undefined && Number.isFinite(limit) && limit > 0 ? Math.floor(limit) : 0;
}

/**
 * The RateLimiter shared by every worker of every process using one Stripe account: a sliding-log
 * reservation in Redis (reserve-slot-5.lua). Each acquire() costs one round-trip and then sleeps until its
 * own slot, so callers never poll and never stampede; no window of (1 s + margin) ever holds more grants than
 * the budget, in the class bucket and in the endpoint bucket alike, and grants are spaced evenly rather than
 * sent in bursts. A caller that wakes too late for its slot hands it back and reserves again, so a stalled
 * event loop does not push a request into the next window's second.
 */
export function createRedisRateLimiter(opts: RedisRateLimiterOptions): RateLimiter {
  const { redis, budget } = opts;
  const keys = rateLimitKeys(opts.keyPrefix ?? 'stripe-bulk', opts.accountId);
  const windowMs = STRIPE_WINDOW_MS + Math.max(0, opts.windowMarginMs ?? DEFAULT_WINDOW_MARGIN_MS);
  const maxAheadMs = Math.max(windowMs, opts.maxAheadMs ?? DEFAULT_MAX_AHEAD_MS);
  const lateToleranceMs = opts.lateToleranceMs ?? Math.max(MIN_LATE_TOLERANCE_MS, (windowMs - STRIPE_WINDOW_MS) / 2);
  const memberPrefix = randomUUID().slice(0, 12);
  let sequence = 0;
  const clock = createRedisClock();

  const classLimit = (kind: RequestKind): number =>
    perWindow(kind === 'read' ? budget.read : kind === 'write' ? budget.write : budget.search);

  async function acquire(kind: RequestKind, endpoint: string, signal?: AbortSignal): Promise<number> {
    const started = performance.now();
    const endpointLimit = perWindow(budget.endpoints[endpoint]);
    const args = {
      classLimit: classLimit(kind),
      endpointLimit,
      windowMs,
      maxAheadMs,
      member: '',
      forget: '',
    };
    const classLog = keys.classLog(kind);
    // The script leaves the endpoint keys alone when the endpoint has no budget of its own.
    const endpointLog = keys.endpointLog(endpoint);
    const reserveKeys = {
      coolDown: keys.coolDown,
      classLog,
      endpointLog,
      classHint: keys.hint(classLog),
      endpointHint: keys.hint(endpointLog),
    };
    let missedSlots = 0;
    let tooFar = 0;
    for (;;) {
      throwIfAborted(signal);
      args.member = `${memberPrefix}:${++sequence}`;
      const sentAt = clock.local();
      const slot = await untilAborted(reserveSlot(redis, reserveKeys, args), signal);
      const receivedAt = clock.local();
      clock.sample(sentAt, receivedAt, slot.now);
      args.forget = '';
      if (slot.granted) {
        // On the local clock: when the slot comes, from the Redis clock offset once known, else relative to
        // the reply (which errs late, never early).
        const offset = clock.offset();
        const wakeAt = offset === undefined ? receivedAt + (slot.at - slot.now) : slot.at - offset;
        // An abort while sleeping simply wastes the slot: we cannot tell whether the request went out.
        await sleep(wakeAt - clock.local(), signal);
        if (clock.local() - wakeAt > lateToleranceMs && missedSlots < MAX_LATE_RESERVATIONS) {
          missedSlots += 1;
          args.forget = args.member;
          continue;
        }
        const waitedMs = performance.now() - started;
        opts.onGrant?.({ kind, endpoint, at: slot.at, waitedMs, missedSlots });
        opts.onWait?.(kind, endpoint, waitedMs);
        return waitedMs;
      }
      if (slot.at < 0) {
        await sleep(MIN_RETRY_MS + Math.random() * RETRY_JITTER_MS, signal);
        continue;
      }
      // Every caller beyond the horizon hears the same "too far": wait until the slot comes within reach,
      // plus a spread that doubles per refusal (one window, two, … up to half the horizon), so hundreds of
      // queued callers poll about as often as slots free up instead of stampeding at the horizon.
      tooFar += 1;
      const spread = Math.min(maxAheadMs / 2, windowMs * 2 ** (tooFar - 1));
      await sleep(slot.at - slot.now - maxAheadMs + Math.random() * spread, signal);
    }
  }

  async function coolDown(ms: number): Promise<void> {
    if (!(ms > 0)) return;
    await extendCoolDown(redis, keys.coolDown, ms);
  }

  return { acquire, coolDown };
}
