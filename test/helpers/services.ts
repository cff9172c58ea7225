import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startWorkers, type RunningWorkers } from '../../src/startup/start-workers.ts';
import { createServices, type Services } from '../../src/services.ts';
import { deleteKeys, testRedisUrl, uniquePrefix } from './redis.ts';

/** Options of createTestServices: the emulator to talk to and any environment overrides. */
export interface TestServicesOptions {
  emulatorUrl: string;
  key?: string;
  /** Extra environment variables (STRIPE_READ_RPS, IMPORT_ROWS_IN_FLIGHT, …). */
  env?: Record<string, string>;
}

/** Services wired exactly as in production, on the test Redis, with their own queue prefix and DATA_DIR. */
export interface TestServices extends Services {
  prefix: string;
  dataDir: string;
  /** The environment a spawned `src/worker.ts` needs to join these services. */
  workerEnv: Record<string, string>;
  /** Starts in-process workers for every queue (closed by close()). */
  startWorkers(): RunningWorkers;
}

export function createTestServices(options: TestServicesOptions): TestServices {
  const prefix = uniquePrefix('sb');
  const dataDir = mkdtempSync(join(tmpdir(), 'stripe-bulk-data-'));
  const env: Record<string, string> = {
    REDIS_URL: testRedisUrl(),
    STRIPE_SECRET_KEY: options.key ?? 'sk_test_emulator',
    STRIPE_API_URL: options.emulatorUrl,
    STRIPE_READ_RPS: '1000',
    STRIPE_WRITE_RPS: '1000',
    STRIPE_SEARCH_RPS: '1000',
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  };
  const config: Config = loadConfig(env);
  const services = createServices(config, createLogger(config.logLevel));
  const running: RunningWorkers[] = [];
  return {
    ...services,
    prefix,
    dataDir,
    workerEnv: env,
    startWorkers() {
      const workers = startWorkers(services);
      running.push(workers);
      return workers;
    },
    async close() {
      await Promise.all(running.map((w) => w.close(5_000)));
      await Promise.allSettled([services.queues.import.obliterate({ force: true }), services.queues.export.obliterate({ force: true }), services.queues.deprovision.obliterate({ force: true })]);
      await deleteKeys(services.redis, prefix);
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
