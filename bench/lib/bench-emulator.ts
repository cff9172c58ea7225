import Stripe from 'stripe';
import { startEmulator, type EmulatorOptions, type EmulatorStats, type SeedRequest } from '../../src/emulator/index.ts';

/** The API key every benchmark process uses against its emulator (the emulator accepts any test key). */
export const BENCH_KEY = 'sk_test_bench_stripe_bulk';

/** An emulator started for a group of scenarios, with its admin controls. */
export interface BenchEmulator {
  url: string;
  options: EmulatorOptions;
  /** Drops every customer, idempotency key, counter and peak. */
  reset(): Promise<void>;
  seed(request: SeedRequest): Promise<number>;
  stats(): Promise<EmulatorStats>;
  resetStats(): Promise<void>;
  /** Changes the limits it enforces from now on (`POST /__emulator/limits`), as Stripe does during an incident. */
  setLimits(limits: { readLimit?: number; writeLimit?: number; searchLimit?: number }): Promise<void>;
  /** A stripe-node client as a user would make one: no retries unless asked, so every 429 is seen. */
  client(maxNetworkRetries?: number): Stripe;
  close(): Promise<void>;
}

/** Emulator options that model the live account: 100 reads/s, 100 writes/s, 150 ± 50 ms per request. */
export const LIVE_LIMITS: EmulatorOptions = { readLimit: 100, writeLimit: 100, latencyMs: 150, jitterMs: 50 };

/** Limits no run reaches: the product's limiter is configured this high so it never waits. */
export const UNLIMITED_RPS = 1_000_000;

/** No latency and limits no run can reach: what the code itself can do. */
export const NO_LIMITS: EmulatorOptions = { readLimit: 1e9, writeLimit: 1e9, searchLimit: 1e9, latencyMs: 0, jitterMs: 0 };

async function admin<T>(url: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/__emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Starts an in-process emulator on a free port. */
export async function startBenchEmulator(options: EmulatorOptions): Promise<BenchEmulator> {
  const emulator = await startEmulator(options);
  const { url } = emulator;
  return {
    url,
    options,
    async reset() {
      await admin(url, 'reset', {});
    },
    async seed(request) {
      const answer = await admin<{ count: number }>(url, 'seed', request);
      return answer.count;
    },
    stats: () => admin<EmulatorStats>(url, 'stats'),
    async resetStats() {
      await admin(url, 'stats/reset', {});
    },
    async setLimits(limits) {
      await admin(url, 'limits', limits);
    },
    client(maxNetworkRetries = 0) {
      const parsed = new URL(url);
      return new Stripe(BENCH_KEY, {
        host: parsed.hostname,
        port: Number(parsed.port),
        protocol: 'http',
        maxNetworkRetries,
        telemetry: false,
      });
    },
    close: () => emulator.close(),
  };
}
