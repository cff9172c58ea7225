/**
 * A worker-like process for the learned-budget test: the production gateway (real stripe-node client, the shared
 * Redis limiter) reading one page of customers after another from an emulator, for DURATION_MS.
 * Environment: REDIS_URL, KEY_PREFIX, ACCOUNT_ID, EMULATOR_URL, LIMIT (the configured read budget), DURATION_MS,
 * CONCURRENCY, DOUBLING_MS (the learned budget's growth, shortened so the test need not wait ~20 s).
 * Protocol (as dev/limiter-child.ts): prints "ready", starts on a line on stdin, then prints one JSON line:
 * {"samples": [[ms since start, read budget this process knows], …], "statuses": {"200": n, "429": n}}.
 */
import { once } from 'node:events';
import { createLogger } from '../../../src/logger.ts';
import { createRedisConnection } from '../../../src/queues/connection.ts';
import { createRedisRateLimiter } from '../../../src/rate-limit/sliding-log-limiter.ts';
import { createStripeClient } from '../../../src/stripe/client.ts';
import { createCustomerGateway } from '../../../src/stripe/throttled-customer-gateway.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const SAMPLE_MS = 100;
const redis = createRedisConnection(required('REDIS_URL'), 'learning-child');
const limit = Number(required('LIMIT'));
const statuses: Record<string, number> = {};
const limiter = createRedisRateLimiter({
  redis,
  accountId: required('ACCOUNT_ID'),
  keyPrefix: required('KEY_PREFIX'),
  budget: { read: limit, write: limit, search: limit, endpoints: {} },
  learning: { growthDoublingMs: Number(required('DOUBLING_MS')) },
});
const gateway = createCustomerGateway({
  stripe: createStripeClient({ secretKey: 'sk_test_learning', apiUrl: required('EMULATOR_URL'), timeoutMs: 10_000 }),
  limiter,
  logger: createLogger('silent'),
  backoff: { baseMs: 20, capMs: 200 },
  onRequest: (e) => (statuses[String(e.status)] = (statuses[String(e.status)] ?? 0) + 1),
});

async function loop(deadline: number): Promise<void> {
  while (Date.now() < deadline) await gateway.listPage({ limit: 1 });
}

try {
  await redis.ping();
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  process.stdin.pause();
  const started = Date.now();
  const deadline = started + Number(required('DURATION_MS'));
  const samples: [number, number][] = [];
  const timer = setInterval(() => samples.push([Date.now() - started, gateway.learnedBudgets().read]), SAMPLE_MS);
  await Promise.all(Array.from({ length: Number(process.env.CONCURRENCY ?? '8') }, () => loop(deadline)));
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ samples, statuses })}\n`);
} finally {
  await redis.quit();
}
