import type { EmulatorClock } from './clock.ts';
import { customerJson } from './customer-record.ts';
import type { CustomerStore } from './customer-store.ts';
import type { FaultInjector } from './faults.ts';
import type { IdempotencyStore } from './idempotency-store.ts';
import { parseFaultPatch } from './options.ts';
import { parseLimitsPatch, type RateLimits } from './rate-limits.ts';
import { parseSeedRequest, seedCustomers, SeedError } from './seed.ts';
import type { ScimState } from './scim/scim-state.ts';
import { buildStats, type RequestCounter } from './stats.ts';

/** State the admin surface reads and resets. */
export interface AdminState {
  store: CustomerStore;
  idempotency: IdempotencyStore;
  limits: RateLimits;
  counter: RequestCounter;
  clock: EmulatorClock;
  faults: FaultInjector;
  scim: ScimState;
}

/** An admin answer: status and JSON body. */
export interface AdminResult {
  status: number;
  body: unknown;
}

/** A malformed admin body: answered 400 with the message. */
class AdminBodyError extends Error {}

function parseJson(rawBody: string): unknown {
  try {
    return rawBody.trim() === '' ? {} : JSON.parse(rawBody);
  } catch (err) {
    throw new AdminBodyError(`the body must be JSON: ${(err as Error).message}`);
  }
}

function clockJson(clock: EmulatorClock): { offset_s: number; now: number } {
  return { offset_s: clock.offset / 1000, now: Math.floor(clock.now() / 1000) };
}

/** `POST /__emulator/clock {"advanceSeconds": N}`: moves the emulator's clock N seconds forward. */
function advanceClock(clock: EmulatorClock, rawBody: string): AdminResult {
  const body = parseJson(rawBody);
  const seconds = typeof body === 'object' && body !== null && 'advanceSeconds' in body ? body.advanceSeconds : undefined;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new AdminBodyError(`advanceSeconds must be a number >= 0 (got ${JSON.stringify(seconds)})`);
  }
  clock.advance(seconds * 1000);
  return { status: 200, body: clockJson(clock) };
}

function route(state: AdminState, method: string, path: string, rawBody: string): AdminResult | undefined {
  switch (`${method} ${path}`) {
    case 'POST /__emulator/reset':
      state.store.clear();
      state.idempotency.clear();
      state.counter.reset();
      state.limits.resetPeaks(performance.now());
      state.limits.restore();
      state.faults.reset();
      state.clock.reset();
      state.scim.reset();
      return { status: 200, body: { ok: true } };
    case 'POST /__emulator/seed':
      return { status: 200, body: seedCustomers(state.store, parseSeedRequest(parseJson(rawBody)), state.clock.now()) };
    case 'GET /__emulator/stats':
      return { status: 200, body: buildStats(state) };
    case 'POST /__emulator/stats/reset':
      state.counter.reset();
      state.faults.resetCounts();
      state.limits.resetPeaks(performance.now());
      state.scim.resetStats(performance.now());
      return { status: 200, body: { ok: true } };
    case 'GET /__emulator/customers': {
      // Newest first, like the list endpoint.
      const live = state.store.liveAscending();
      return { status: 200, body: live.map((record) => customerJson(record)).reverse() };
    }
    case 'GET /__emulator/faults':
      return { status: 200, body: { ...state.faults.current(), injected: state.faults.injected } };
    case 'POST /__emulator/faults':
      state.faults.configure(parseFaultPatch(parseJson(rawBody)));
      return { status: 200, body: { ...state.faults.current(), injected: state.faults.injected } };
    case 'GET /__emulator/limits':
      return { status: 200, body: state.limits.current() };
    case 'POST /__emulator/limits':
      state.limits.configure(parseLimitsPatch(parseJson(rawBody)));
      return { status: 200, body: state.limits.current() };
    case 'GET /__emulator/clock':
      return { status: 200, body: clockJson(state.clock) };
    case 'POST /__emulator/clock':
      return advanceClock(state.clock, rawBody);
    default:
      return undefined;
  }
}

/**
 * `/__emulator/*`: test and rehearsal controls outside Stripe's API (no auth, no rate limit).
 * Returns undefined when the path is not an admin route; a malformed body is a 400 naming the problem.
 */
export function handleAdmin(state: AdminState, method: string, path: string, rawBody: string): AdminResult | undefined {
  try {
    return route(state, method, path, rawBody);
  } catch (err) {
    if (err instanceof SeedError || err instanceof AdminBodyError || err instanceof RangeError) {
      return { status: 400, body: { error: err.message } };
    }
    throw err;
  }
}
