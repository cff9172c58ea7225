import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateBudget } from '../config.ts';
import { sleep, throwIfAborted, untilAborted } from './abortable.ts';
import { createBudgetView, LEARNING, type BudgetView, type LearningOptions } from './learned-budget.ts';
import { rateLimitKeys } from './rate-limit-keys.ts';
import { createRedisClock } from './redis-clock.ts';
import type { LearnedBudgets, RateLimiter, RequestKind, SlotGrant } from './rate-limiter.ts';
import { extendCoolDown, lowerBudget, reserveSlot, type Growth, type ReserveSlotArgs, type ReserveSlotKeys, type SlotReservation } from './rate-limit-scripts.ts';

export type { SlotGrant } from './rate-limiter.ts';

/**
 * The limiter's timing. Stripe counts requests per sliding second. Aborted jobs must not hoard slots, hence a
 * horizon for reservations. When the search gives up (two buckets that never agree), it is asked again after a
 * short, jittered pause. A caller that wakes later than its slot by more than half the margin (a starved event
 * loop, a GC pause) gives the slot up and reserves again: sent late, it would land in the same Stripe second as
 * requests granted a window later; the other half of the margin absorbs the network. Bounded, so a slow machine
 * still makes progress.
 */
const TIMING = {
  stripeWindowMs: 1000,
  defaultWindowMarginMs: 40,
  defaultMaxAheadMs: 10_000,
  retry: { minMs: 25, jitterMs: 50 },
  minLateToleranceMs: 5,
  maxReservationsGivenUp: 3,
  /** A slot granted under a budget this much above the one now learnt is given back (see grantedTooDense). */
  denseGrantRatio: 0.8,
} as const;

/** Options of createRedisRateLimiter. */
export interface RedisRateLimiterOptions {
  /** A connection shared with the rest of the process is fine: the scripts are namespaced. */
  redis: Redis;
  /** Names the Stripe account in the keys: a configured name or a hash of the key, never the key. */
  accountId: string;
  /**
   * A connected account (`acct_…`) whose requests Stripe counts apart from the platform's: this limiter then keeps
   * its own logs (rateLimitKeys). Unset: the platform's limiter.
   */
  connectedAccount?: string;
  /** Requests per second per class, and optional per-endpoint budgets ('customers.list', …). */
  budget: RateBudget;
  /**
   * The share (0 < f ≤ 1) of every budget this limiter grants, so that other traffic on the account keeps the rest
   * (STRIPE_BUDGET_FRACTION). Default 1. A budget learnt from 429s never grows beyond this share.
   */
  budgetFraction?: number;
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
  /** How the learned budget grows back after a 429; defaults in learned-budget.ts (tests shorten them). */
  learning?: LearningOptions;
  /** Called once per granted acquire() with the milliseconds waited (0 included). */
  onWait?: (kind: RequestKind, endpoint: string, ms: number) => void;
  /** Called once per granted acquire() with the granted send time on the Redis clock. */
  onGrant?: (grant: SlotGrant) => void;
  /** Called with each class's budget at start and whenever it changes (rps): the /metrics gauge. */
  onBudget?: (kind: RequestKind, rps: number) => void;
}

/** Grants per window for a budget in rps: a budget of 0, a negative one or Infinity means "no bucket" (0). */
function perWindow(limit: number | undefined, fraction: number): number {
  if (limit === undefined || !Number.isFinite(limit) || limit <= 0) return 0;
  return Math.max(1, Math.floor(limit * fraction));
}

/** One acquire()'s script arguments and keys. */
interface Request {
  kind: RequestKind;
  endpoint: string;
  keys: ReserveSlotKeys;
  args: ReserveSlotArgs;
}

/** What createRedisRateLimiter derives from its options once. */
interface Settings {
  keys: ReturnType<typeof rateLimitKeys>;
  windowMs: number;
  maxAheadMs: number;
  lateToleranceMs: number;
  growth: Growth;
  minRps: number;
  unclearFactor: number;
  maxCut: number;
  /** Grants per window per class: the configured budget's share. */
  configured: LearnedBudgets;
  endpointLimit(endpoint: string): number;
}

function settingsOf(opts: RedisRateLimiterOptions): Settings {
  const fraction = opts.budgetFraction ?? 1;
  const windowMs = TIMING.stripeWindowMs + Math.max(0, opts.windowMarginMs ?? TIMING.defaultWindowMarginMs);
  return {
    keys: rateLimitKeys(opts.keyPrefix ?? 'stripe-bulk', opts.accountId, opts.connectedAccount),
    windowMs,
    maxAheadMs: Math.max(windowMs, opts.maxAheadMs ?? TIMING.defaultMaxAheadMs),
    lateToleranceMs: opts.lateToleranceMs ?? Math.max(TIMING.minLateToleranceMs, (windowMs - TIMING.stripeWindowMs) / 2),
    growth: {
      firstStep: opts.learning?.growthFirstStep ?? LEARNING.growthFirstStep,
      doublingMs: opts.learning?.growthDoublingMs ?? LEARNING.growthDoublingMs,
    },
    minRps: opts.learning?.minRps ?? LEARNING.minRps,
    unclearFactor: opts.learning?.unclearFactor ?? LEARNING.unclearFactor,
    maxCut: opts.learning?.maxCut ?? LEARNING.maxCut,
    configured: {
      read: perWindow(opts.budget.read, fraction),
      write: perWindow(opts.budget.write, fraction),
      search: perWindow(opts.budget.search, fraction),
    },
    endpointLimit: (endpoint) => perWindow(opts.budget.endpoints[endpoint], fraction),
  };
}

function requestFor(s: Settings, kind: RequestKind, endpoint: string): Request {
  const classLog = s.keys.classLog(kind);
  // The script leaves the endpoint keys alone when the endpoint has no budget of its own.
  const endpointLog = s.keys.endpointLog(endpoint);
  return {
    kind,
    endpoint,
    keys: {
      coolDown: s.keys.coolDown,
      classLog,
      endpointLog,
      classHint: s.keys.hint(classLog),
      endpointHint: s.keys.hint(endpointLog),
      learnedBudget: s.keys.learnedBudget(kind),
    },
    args: {
      classLimit: s.configured[kind],
      endpointLimit: s.endpointLimit(endpoint),
      windowMs: s.windowMs,
      maxAheadMs: s.maxAheadMs,
      member: '',
      forget: '',
      growth: s.growth,
    },
  };
}

/**
 * True when the slot was granted before a lowering this process has heard of, and under a budget so much larger
 * that sending at its density would draw 429s (100/s granted, 25/s learnt): then its caller reserves again. A slot
 * given back at its own time serves nobody, so after a small lowering (a probe's 26/s back to 25/s) the slot is
 * used: giving back the ~2.5 s of slots 64 rows hold ahead would stall every row for that long.
 */
function grantedTooDense(view: BudgetView, kind: RequestKind, slot: SlotReservation): boolean {
  return view.epoch(kind) > slot.epoch && view.budgets()[kind] * 100 < slot.budgetHundredths * TIMING.denseGrantRatio;
}

/** After a refusal: waits until the slot comes within reach, or a short while when the search gave up. */
async function waitToAskAgain(s: Settings, slot: SlotReservation, refusals: number, signal?: AbortSignal): Promise<void> {
  if (slot.at < 0) {
    await sleep(TIMING.retry.minMs + Math.random() * TIMING.retry.jitterMs, signal);
    return;
  }
  // Every caller beyond the horizon hears the same "too far": wait until the slot comes within reach, plus a
  // spread that doubles per refusal (one window, two, … up to half the horizon), so hundreds of queued callers
  // poll about as often as slots free up instead of stampeding at the horizon.
  const spread = Math.min(s.maxAheadMs / 2, s.windowMs * 2 ** (refusals - 1));
  await sleep(slot.at - slot.now - s.maxAheadMs + Math.random() * spread, signal);
}

async function coolDown(redis: Redis, s: Settings, ms: number): Promise<void> {
  if (!(ms > 0)) return;
  await extendCoolDown(redis, s.keys.coolDown, ms);
}

/** A 429 for `grant`: lowers the class budget (lower-budget-5.lua), then the cool-down Stripe asked for, if any. */
async function reportRefusal(redis: Redis, s: Settings, view: BudgetView, grant: SlotGrant, retryAfterMs: number): Promise<void> {
  const req = requestFor(s, grant.kind, grant.endpoint);
  const reply = await lowerBudget(redis, req.keys, {
    configuredLimit: req.args.classLimit,
    growth: s.growth,
    minRps: s.minRps,
    unclearFactor: s.unclearFactor,
    maxCut: s.maxCut,
    stripeWindowMs: TIMING.stripeWindowMs,
    member: grant.member,
    sentAt: grant.at,
    epoch: grant.epoch,
  });
  if (req.args.classLimit > 0) view.heard(grant.kind, reply.budgetHundredths, reply.epoch);
  await coolDown(redis, s, retryAfterMs);
}

/**
 * The RateLimiter shared by every worker of every process using one Stripe account: a sliding-log
 * reservation in Redis (reserve-slot-6.lua). Each acquire() costs one round-trip and then sleeps until its
 * own slot, so callers never poll and never stampede; no window of (1 s + margin) ever holds more grants than
 * the budget, in the class bucket and in the endpoint bucket alike, and grants are spaced evenly rather than
 * sent in bursts. A caller that wakes too late for its slot hands it back and reserves again, so a stalled
 * event loop does not push a request into the next window's second. A 429 lowers the class budget for everyone
 * to what Stripe admitted, and the budget grows back while Stripe stays quiet (learned-budget.ts); a caller whose
 * slot was granted under a much larger budget than the one this process has since heard of reserves again.
 */
export function createRedisRateLimiter(opts: RedisRateLimiterOptions): RateLimiter {
  const { redis } = opts;
  const s = settingsOf(opts);
  const memberPrefix = randomUUID().slice(0, 12);
  let sequence = 0;
  const clock = createRedisClock();
  const view = createBudgetView(s.configured, opts.onBudget);

  async function reserve(req: Request, signal: AbortSignal | undefined): Promise<SlotReservation & { receivedAt: number }> {
    req.args.member = `${memberPrefix}:${String(++sequence)}`;
    const sentAt = clock.local();
    const slot = await untilAborted(reserveSlot(redis, req.keys, req.args), signal);
    const receivedAt = clock.local();
    clock.sample(sentAt, receivedAt, slot.now);
    if (req.args.classLimit > 0) view.heard(req.kind, slot.budgetHundredths, slot.epoch);
    req.args.forget = '';
    return { ...slot, receivedAt };
  }

  /** Sleeps until the slot; false when the caller should give it back (woke too late, or the budget was lowered). */
  async function useSlot(req: Request, slot: SlotReservation & { receivedAt: number }, signal?: AbortSignal): Promise<boolean> {
    // On the local clock: when the slot comes, from the Redis clock offset once known, else relative to the
    // reply (which errs late, never early).
    const offset = clock.offset();
    const wakeAt = offset === undefined ? slot.receivedAt + (slot.at - slot.now) : slot.at - offset;
    // An abort while sleeping simply wastes the slot: we cannot tell whether the request went out.
    await sleep(wakeAt - clock.local(), signal);
    const late = clock.local() - wakeAt > s.lateToleranceMs;
    return !late && !grantedTooDense(view, req.kind, slot);
  }

  async function acquire(kind: RequestKind, endpoint: string, signal?: AbortSignal): Promise<SlotGrant> {
    const started = performance.now();
    const req = requestFor(s, kind, endpoint);
    let missedSlots = 0;
    let refusals = 0;
    for (;;) {
      throwIfAborted(signal);
      const slot = await reserve(req, signal);
      if (!slot.granted) {
        await waitToAskAgain(s, slot, ++refusals, signal);
        continue;
      }
      if (!(await useSlot(req, slot, signal)) && missedSlots < TIMING.maxReservationsGivenUp) {
        missedSlots += 1;
        req.args.forget = req.args.member;
        continue;
      }
      const waitedMs = performance.now() - started;
      const grant = { kind, endpoint, at: slot.at, waitedMs, missedSlots, member: req.args.member, epoch: slot.epoch };
      opts.onGrant?.(grant);
      opts.onWait?.(kind, endpoint, waitedMs);
      return grant;
    }
  }

  return {
    acquire,
    rateLimited: (grant, retryAfterMs = 0) => reportRefusal(redis, s, view, grant, retryAfterMs),
    coolDown: (ms) => coolDown(redis, s, ms),
    budgets: () => view.budgets(),
  };
}
