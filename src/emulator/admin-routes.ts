import { customerJson } from './customer-record.ts';
import type { CustomerStore } from './customer-store.ts';
import type { IdempotencyStore } from './idempotency-store.ts';
import type { RateLimits } from './rate-limits.ts';
import { seedCustomers, SeedError, type SeedRequest } from './seed.ts';
import { buildStats, type RequestCounter } from './stats.ts';

/** State the admin surface reads and resets. */
export interface AdminState {
  store: CustomerStore;
  idempotency: IdempotencyStore;
  limits: RateLimits;
  counter: RequestCounter;
}

/** An admin answer: status and JSON body. */
export interface AdminResult {
  status: number;
  body: unknown;
}

/**
 * `/__emulator/*`: test and rehearsal controls outside Stripe's API (no auth, no rate limit).
 * Returns undefined when the path is not an admin route.
 */
export function handleAdmin(state: AdminState, method: string, path: string, rawBody: string): AdminResult | undefined {
  const route = `${method} ${path}`;
  switch (route) {
    case 'POST /__emulator/reset':
      state.store.clear();
      state.idempotency.clear();
      state.counter.reset();
      state.limits.resetPeaks(performance.now());
      return { status: 200, body: { ok: true } };
    case 'POST /__emulator/seed': {
      let request: SeedRequest;
      try {
        request = (rawBody.trim() === '' ? {} : JSON.parse(rawBody)) as SeedRequest;
        return { status: 200, body: seedCustomers(state.store, request, Date.now()) };
      } catch (err) {
        if (err instanceof SeedError || err instanceof SyntaxError) return { status: 400, body: { error: err.message } };
        throw err;
      }
    }
    case 'GET /__emulator/stats':
      return { status: 200, body: buildStats(state.counter, state.limits, state.store) };
    case 'POST /__emulator/stats/reset':
      state.counter.reset();
      state.limits.resetPeaks(performance.now());
      return { status: 200, body: { ok: true } };
    case 'GET /__emulator/customers': {
      // Newest first, like the list endpoint.
      const live = state.store.liveAscending();
      const data: unknown[] = new Array(live.length);
      for (let i = 0; i < live.length; i += 1) data[i] = customerJson(live[live.length - 1 - i]!);
      return { status: 200, body: data };
    }
    default:
      return undefined;
  }
}
