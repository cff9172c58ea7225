import { spawn, type ChildProcess } from 'node:child_process';
import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import { createRedisConnection } from '../../src/queues/connection.ts';
import type { QueueName } from '../../src/queues/names.ts';
import type { TestServices } from './services.ts';

/** An in-process BullMQ worker for one queue, configured as src/queues/start-workers.ts does; close it in the test. */
export function startQueueWorker(
  services: TestServices,
  queue: QueueName,
  processor: Processor,
  options: Partial<WorkerOptions>,
): Worker {
  const worker = new Worker(queue, processor, {
    connection: createRedisConnection(services.config.redisUrl, `${queue}-test-worker`),
    prefix: services.config.queuePrefix,
    concurrency: services.config.workerConcurrency,
    ...options,
  });
  worker.on('error', () => undefined);
  return worker;
}

/** How a spawned worker runs: from the sources under tsx, or compiled by `npm run build` (as in production). */
export type WorkerEntry = 'source' | 'compiled';

const ENTRY_ARGS: Record<WorkerEntry, string[]> = {
  source: ['--import', 'tsx', 'src/worker.ts'],
  compiled: ['dist/src/worker.js'],
};

/** A real worker process joined to the services' Redis, prefix and DATA_DIR (kill it in the test). */
export function spawnWorkerProcess(services: TestServices, env: Record<string, string> = {}, entry: WorkerEntry = 'source'): ChildProcess {
  const child = spawn(process.execPath, ENTRY_ARGS[entry], {
    env: { ...process.env, ...services.workerEnv, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.resume();
  return child;
}
