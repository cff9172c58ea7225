import {
  idempotencyEndpointMismatch,
  idempotencyKeyInUse,
  idempotencyParamsMismatch,
  type ApiError,
} from './api-error.ts';

/** A response kept for replay. */
export interface StoredResponse {
  status: number;
  body: unknown;
  requestId: string;
}

interface Entry {
  endpoint: string;
  fingerprint: string;
  expiresAt: number;
  response: StoredResponse | undefined;
}

/** What to do with a request that carries an Idempotency-Key. */
export type IdempotencyDecision =
  | { action: 'execute'; finish: (response: StoredResponse | undefined) => void }
  | { action: 'replay'; response: StoredResponse }
  | { action: 'reject'; error: ApiError };

/**
 * Stripe's idempotency layer: the first request with a key runs and its result is kept for `ttlMs`;
 * the same key with the same endpoint and parameters replays that result; other parameters or another
 * endpoint are an idempotency_error; while the first is still running, others get 409. Results that
 * Stripe does not keep (validation errors, 500s raised before any work) are dropped, so a retry runs again.
 * Keys are scoped by API key, as Stripe scopes them by account. `now` is the emulator's clock (clock.ts), so a
 * test that moves it 24 h forward sees a key forgotten and its request processed anew, as Stripe would.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number) {}

  begin(scope: string, key: string, endpoint: string, fingerprint: string, now: number): IdempotencyDecision {
    this.expire(now);
    const mapKey = `${scope}\u0000${key}`;
    const existing = this.entries.get(mapKey);
    if (existing !== undefined) {
      if (existing.endpoint !== endpoint) {
        return { action: 'reject', error: idempotencyEndpointMismatch(key, existing.endpoint, endpoint) };
      }
      if (existing.fingerprint !== fingerprint) return { action: 'reject', error: idempotencyParamsMismatch(key) };
      if (existing.response === undefined) return { action: 'reject', error: idempotencyKeyInUse() };
      return { action: 'replay', response: existing.response };
    }
    const entry: Entry = { endpoint, fingerprint, expiresAt: now + this.ttlMs, response: undefined };
    this.entries.set(mapKey, entry);
    return {
      action: 'execute',
      finish: (response) => {
        if (this.entries.get(mapKey) !== entry) return;
        if (response === undefined) this.entries.delete(mapKey);
        else entry.response = response;
      },
    };
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The TTL is the same for every key, so insertion order is expiry order: drop from the front. */
  private expire(now: number): void {
    for (const [mapKey, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      if (entry.response !== undefined) this.entries.delete(mapKey);
    }
  }
}

/** A canonical form of decoded parameters: the same parameters in any order give the same string. */
export function fingerprintParams(params: unknown): string {
  return JSON.stringify(params, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      Object.defineProperty(sorted, k, { value: (value as Record<string, unknown>)[k], enumerable: true });
    }
    return sorted;
  });
}
