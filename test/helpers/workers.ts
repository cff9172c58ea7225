import { spawn, type ChildProcess } from 'node:child_process';
import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import { createRedisConnection } from '../../src/queues/connection.ts';
import type { QueueName } from '../../src/queues/names.ts';
import type { TestServices } from './services.ts';
import { WORKER_ENTRY_ARGS, type WorkerEntry } from '../../dev/worker-entry.ts';

export type { WorkerEntry } from '../../dev/worker-entry.ts';

/** An in-process BullMQ worker for one queue, configured as src/startup/start-workers.ts does; close it in the test. */
export function startQueueWorker(
  services: TestServices,
  queue: QueueName,
  processor: Processor,
  options: Partial<WorkerOptions>,
): Worker {
  const connection = createRedisConnection(services.config.redisUrl, `${queue}-test-worker`);
  const worker = new Worker(queue, processor, {
    connection,
    prefix: services.config.queuePrefix,
    concurrency: services.config.workerConcurrency,
    ...options,
  });
  worker.on('error', () => undefined);
  // BullMQ never closes a connection it was handed: quit it once the worker has closed.
  worker.once('closed', () => void connection.quit().catch(() => connection.disconnect()));
  return worker;
}


/** A real worker process joined to the services' Redis, prefix and DATA_DIR (kill it in the test). */
export function spawnWorkerProcess(services: TestServices, env: Record<string, string> = {}, entry: WorkerEntry = 'source'): ChildProcess {
  const child = spawn(process.execPath, [...WORKER_ENTRY_ARGS[entry]], {
    env: { ...process.env, ...services.workerEnv, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.resume();
  return child;
}
