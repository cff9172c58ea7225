import type { TestProject } from 'vitest/node';
import { startLocalRedis } from '../dev/local-redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * Uses REDIS_URL when it is set; otherwise starts a throwaway redis-server (Debian package `redis-server`)
 * on a free port with persistence off, and stops it when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return async () => {};
  }
  const redis = await startLocalRedis();
  process.env.REDIS_URL = redis.url;
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
