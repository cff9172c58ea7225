import { Router } from 'express';
import type { Metrics } from '../../metrics.ts';

/** `/metrics` in Prometheus text format: this process's Stripe requests, 429s, token waits, rows, jobs, bytes. */
export function createMetricsRouter(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });
  return router;
}
