import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { createTestRedis, deleteKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis.ts';
import { childProcesses } from './child-process.ts';

const CHILD = new URL('./learning-child.ts', import.meta.url);
const children = childProcesses();
const prefix = uniquePrefix('rl-learn');
/** What the processes are told, what the emulator enforces at first, and when it restores the full limit. */
const TOLD = 40;
const ENFORCED = 10;
const RESTORE_AT_MS = 3_500;
const DURATION_MS = 9_000;

interface ChildResult {
  samples: [number, number][];
  statuses: Record<string, number>;
}

let redis: Redis | undefined;
let emulator: TestEmulator | undefined;

afterAll(async () => {
  children.killAll();
  if (redis) {
    await deleteKeys(redis, prefix);
    await redis.quit();
  }
  await emulator?.close();
});

async function setEmulatorLimit(url: string, readLimit: number): Promise<void> {
  const res = await fetch(`${url}/__emulator/limits`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ readLimit }) });
  expect(res.status).toBe(200);
}

describe('the learned budget, shared by two processes', () => {
  it('goes down under 429s for both processes, and back up once Stripe allows the full limit again', async () => {
    redis = createTestRedis();
    emulator = await startTestEmulator({ readLimit: ENFORCED });
    const env = {
      REDIS_URL: testRedisUrl(),
      KEY_PREFIX: prefix,
      ACCOUNT_ID: 'acct-learning',
      EMULATOR_URL: emulator.url,
      LIMIT: String(TOLD),
      DURATION_MS: String(DURATION_MS),
      CONCURRENCY: '8',
      // ×4 back in ~3 s instead of ~18 s: the rule is the same, only faster.
      DOUBLING_MS: '400',
    };
    const two = [0, 1].map(() => children.start<ChildResult>(CHILD, env));
    await Promise.all(two.map((c) => c.ready));
    const running = Promise.all(two.map((c) => c.go()));
    await new Promise((resolve) => setTimeout(resolve, RESTORE_AT_MS));
    // While Stripe allows 10/s, the budget both processes share is kept in Redis, under the account's hash tag.
    const learned = await redis.hgetall(`${prefix}:rate:{acct-learning}:learned:read`);
    expect(Number(learned.rps)).toBeLessThan(TOLD / 2);
    await setEmulatorLimit(emulator.url, TOLD);
    const results = await running;

    for (const { samples } of results) {
      const before = samples.filter(([ms]) => ms >= 1_000 && ms < RESTORE_AT_MS).map(([, rps]) => rps);
      // Each process heard the lowered budget, whether or not its own requests drew the 429s...
      expect(Math.min(...before)).toBeLessThanOrEqual(ENFORCED * 1.5);
      // ...and each heard it grow back once the 429s stopped.
      expect(samples.at(-1)?.[1]).toBeGreaterThanOrEqual(TOLD * 0.75);
    }
    const statuses = results.map((r) => r.statuses);
    const refused = statuses.reduce((n, s) => n + (s['429'] ?? 0), 0);
    const admitted = statuses.reduce((n, s) => n + (s['200'] ?? 0), 0);
    // Told 4× the limit, the processes drew a few 429s while learning and probing, not one per request over it.
    expect(refused).toBeLessThan(admitted / 10);
    const stats = await emulator.admin.stats();
    expect(stats.rate_limited).toBe(refused);
  });
});
