import { Router } from 'express';
import type { Redis } from 'ioredis';
import { checkDataDir } from '../../data-dir-probe.ts';
import { CONNECTING_WAIT_MS, readyWithin } from '../middleware/redis-gate.ts';

/** The outcome of the start-up check of the Stripe key (see stripe/verify-stripe-key.ts). */
export interface KeyStatus {
  ok: boolean;
  message: string;
}

type Check = { ok: boolean; message: string };

async function checkRedis(redis: Redis): Promise<Check> {
  // A connection that is not ready would only fail (or queue) the PING: say so at once, unless an attempt is under way.
  const connecting = redis.status === 'connecting' || redis.status === 'connect';
  if (connecting) await readyWithin(redis, CONNECTING_WAIT_MS);
  if (redis.status !== 'ready') return { ok: false, message: `Redis at REDIS_URL cannot be reached (connection ${redis.status})` };
  try {
    // ioredis resolves PING only with PONG; anything else arrives as a rejection.
    await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref()),
    ]);
    return { ok: true, message: 'answers' };
  } catch (err) {
    return { ok: false, message: `Redis at REDIS_URL does not answer: ${(err as Error).message}` };
  }
}

/** `/healthz`: the process is up. `/readyz`: Redis answers, DATA_DIR is writable and the Stripe key was accepted. */
export function createHealthRouter(redis: Redis, keyStatus: () => KeyStatus | undefined, dataDir: string): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [redisCheck, dataDirCheck] = await Promise.all([checkRedis(redis), checkDataDir(dataDir)]);
    const checks: Record<string, Check> = {
      redis: redisCheck,
      stripe: keyStatus() ?? { ok: false, message: 'the key has not been checked yet' },
      data_dir: dataDirCheck,
    };
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks });
  });
  return router;
}
