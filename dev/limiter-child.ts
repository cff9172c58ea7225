/**
 * A separate process that hammers the shared limiter, for the multi-process test and bench/rate-limit.ts.
 * Environment: REDIS_URL, KEY_PREFIX, ACCOUNT_ID, LIMIT (read budget), DURATION_MS, CONCURRENCY,
 * optional EMULATOR_URL (then every grant also sends GET /v1/customers?limit=1 there), KEY (its API key)
 * and LATE_TOLERANCE_MS (the limiter's lateToleranceMs; 'Infinity' never gives a slot back).
 * Protocol, so that every process hammers during the same span whatever its start-up time: the child prints
 * "ready" once loaded, starts its DURATION_MS when it reads a line on stdin, then prints one JSON line:
 * {"grants": [Redis-clock ms, …], "statuses": {"200": n, "429": n, …}, "lags": [ms from grant to send, …],
 * "missedSlots": n}.
 */
import { once } from 'node:events';
import { createRedisConnection } from '../src/queues/connection.ts';
import { createRedisRateLimiter } from '../src/rate-limit/sliding-log-limiter.ts';
import { stripeErrorStatus } from '../src/stripe/stripe-errors.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const redis = createRedisConnection(required('REDIS_URL'), 'limiter-child');
const limit = Number(required('LIMIT'));
const durationMs = Number(required('DURATION_MS'));
const concurrency = Number(process.env.CONCURRENCY ?? '8');
const emulatorUrl = process.env.EMULATOR_URL;
// stripe-node is large: only the bench, which sends real requests, pays for loading it.
const stripe = emulatorUrl
  ? (await import('../src/stripe/client.ts')).createStripeClient({ secretKey: process.env.KEY ?? 'sk_test_bench', apiUrl: emulatorUrl, timeoutMs: 10_000 })
  : undefined;

const grants: number[] = [];
const statuses: Record<string, number> = {};
const lags: number[] = [];
let missedSlots = 0;
const limiter = createRedisRateLimiter({
  redis,
  accountId: required('ACCOUNT_ID'),
  keyPrefix: required('KEY_PREFIX'),
  budget: { read: limit, write: limit, search: limit, endpoints: {} },
  ...(process.env.LATE_TOLERANCE_MS ? { lateToleranceMs: Number(process.env.LATE_TOLERANCE_MS) } : {}),
  onGrant: (g) => {
    grants.push(g.at);
    missedSlots += g.missedSlots;
  },
});

async function loop(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    await limiter.acquire('read', 'customers.list');
    // onGrant ran just before acquire() resolved, and nothing runs in between: the last grant is ours.
    const grantedAt = grants.at(-1) ?? 0;
    if (!stripe) continue;
    // Redis runs on this machine, so its clock is this clock: how late the request leaves after its slot.
    lags.push(Date.now() - grantedAt);
    let status: string;
    try {
      await stripe.customers.list({ limit: 1 });
      status = '200';
    } catch (err) {
      status = String(stripeErrorStatus(err) ?? 'network');
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
}

try {
  await redis.ping();
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  process.stdin.pause();
  const deadline = Date.now() + durationMs;
  await Promise.all(Array.from({ length: concurrency }, () => loop(deadline)));
  process.stdout.write(`${JSON.stringify({ grants, statuses, lags, missedSlots })}\n`);
} finally {
  await redis.quit();
}
