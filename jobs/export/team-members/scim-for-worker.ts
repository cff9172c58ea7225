import { UnrecoverableError } from 'bullmq';
import type { WorkerDeps } from '../../../src/deps.ts';
import { createScimRateLimiter } from '../../../src/rate-limit/scim-limiter.ts';
import { createScimClient, type ScimClient } from '../../../src/scim/scim-client.ts';

/**
 * The SCIM client of a worker, made on first use: a worker without STRIPE_SCIM_TOKEN fails the job for good, naming
 * the variable (the API refuses such jobs already; this covers a worker configured apart from it).
 */
export function scimForWorker(deps: Pick<WorkerDeps, 'config' | 'redis' | 'metrics'>): () => ScimClient {
  let client: ScimClient | undefined;
  return () => {
    const { token, url, timeoutMs } = deps.config.scim;
    if (token === undefined) throw new UnrecoverableError('STRIPE_SCIM_TOKEN is not set on this worker: team member jobs need the SCIM bearer token');
    client ??= createScimClient({
      url,
      token,
      timeoutMs,
      limiter: createScimRateLimiter(deps.redis, deps.config),
      onRequest: ({ method, status }) => deps.metrics?.scimRequests.inc({ method, status: String(status) }),
    });
    return client;
  };
}
