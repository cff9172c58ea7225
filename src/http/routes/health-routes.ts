import { Router } from 'express';
import type { Redis } from 'ioredis';

/** The outcome of the start-up check of the Stripe key (see stripe/verify-stripe-key.ts). */
export interface KeyStatus {
  ok: boolean;
  message: string;
}

/** `/healthz`: the process is up. `/readyz`: Redis answers and the Stripe key was accepted. */
export function createHealthRouter(redis: Redis, keyStatus: () => KeyStatus | undefined): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, { ok: boolean; message: string }> = {};
    try {
      const pong = await Promise.race([
        redis.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref()),
      ]);
      checks.redis = { ok: pong === 'PONG', message: pong === 'PONG' ? 'answers' : `answered ${pong}` };
    } catch (err) {
      checks.redis = { ok: false, message: (err as Error).message };
    }
    checks.stripe = keyStatus() ?? { ok: false, message: 'the key has not been checked yet' };
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks });
  });
  return router;
}
