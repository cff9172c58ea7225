import { Worker, type Job, type Processor, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { AUDIT_WORKER_OPTIONS, createAuditProcessor } from '../../jobs/audit-customers.ts';
import { createExportProcessor, EXPORT_WORKER_OPTIONS } from '../../jobs/export-customers.ts';
import { createDeletionProcessor, DELETION_WORKER_OPTIONS } from '../../jobs/delete-customers.ts';
import { createImportProcessor, IMPORT_WORKER_OPTIONS } from '../../jobs/import-customers.ts';
import { createDeprovisionProcessor, DEPROVISION_WORKER_OPTIONS } from '../../jobs/deprovision-team-members.ts';
import { STALLED_OUT, STALLED_OUT_REASON } from '../../jobs/stalled-out.ts';
import type { WorkerDeps } from '../deps.ts';
import { createRedisConnection } from '../queues/connection.ts';
import { QUEUE_NAMES, type QueueKey } from '../queues/names.ts';
import { isRedisConnectionError } from '../queues/redis-monitor.ts';
import { SHUTDOWN_REASON } from '../queues/requeue-on-shutdown.ts';

/** One processor factory per queue; the compiler checks that every queue has one. */
const PROCESSORS = {
  import: { create: createImportProcessor, options: IMPORT_WORKER_OPTIONS },
  export: { create: createExportProcessor, options: EXPORT_WORKER_OPTIONS },
  delete: { create: createDeletionProcessor, options: DELETION_WORKER_OPTIONS },
  audit: { create: createAuditProcessor, options: AUDIT_WORKER_OPTIONS },
  deprovision: { create: createDeprovisionProcessor, options: DEPROVISION_WORKER_OPTIONS },
} satisfies Record<QueueKey, { create: (deps: WorkerDeps) => Processor<never>; options: Partial<WorkerOptions> & { maxStalledCount: number } }>;

/** The running workers of one process. */
export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs, asks running jobs to checkpoint and hand themselves back, then closes. */
  close(graceMs?: number): Promise<void>;
}

/** Starts one BullMQ worker per queue, each on its own connection (workers block on Redis). */
export function startWorkers(deps: WorkerDeps): RunningWorkers {
  // BullMQ closes only the connections it made itself: a connection passed in is the caller's to quit.
  const connections: Redis[] = [];
  const workers = (Object.keys(PROCESSORS) as QueueKey[]).map((key) => {
    const { create, options } = PROCESSORS[key];
    // Each queue carries its own payload type; the table above ties them, BullMQ's Worker is untyped here.
    const processor = create(deps) as Processor;
    const connection = createRedisConnection(deps.config.redisUrl, `stripe-bulk-worker-${key}`);
    connections.push(connection);
    const worker = new Worker(QUEUE_NAMES[key], processor, {
      connection,
      prefix: deps.config.queuePrefix,
      concurrency: deps.config.workerConcurrency,
      ...options,
    });
    worker.on('active', () => deps.metrics?.activeJobs.inc({ queue: QUEUE_NAMES[key] }));
    worker.on('completed', () => deps.metrics?.activeJobs.dec({ queue: QUEUE_NAMES[key] }));
    const stalledOut = STALLED_OUT[key](deps, options.maxStalledCount) as (job: Job) => Promise<void>;
    worker.on('failed', (job, err) => {
      if (job) deps.metrics?.activeJobs.dec({ queue: QUEUE_NAMES[key] });
      if (job && err.message === STALLED_OUT_REASON) {
        stalledOut(job).catch((e: unknown) => deps.logger.error({ queue: QUEUE_NAMES[key], jobId: job.id, err: e }, 'could not record a stalled-out job'));
      }
      deps.logger.warn(
        { queue: QUEUE_NAMES[key], jobId: job?.id, attempt: job?.attemptsMade, err: { message: err.message } },
        'job failed',
      );
    });
    worker.on('error', (err) => {
      // Redis being away is reported once per state change by the process's RedisMonitor, not once per retry here.
      if (!isRedisConnectionError(err)) deps.logger.error({ queue: QUEUE_NAMES[key], err }, 'worker error');
    });
    return worker;
  });
  return {
    workers,
    async close(graceMs = 20_000) {
      // Closing goes on even if a worker cannot pause: close() below stops it anyway.
      await Promise.all(
        workers.map((w) =>
          w.pause(true).catch((err: unknown) => deps.logger.warn({ queue: w.name, err }, 'could not pause a worker before closing')),
        ),
      );
      for (const w of workers) w.cancelAllJobs(SHUTDOWN_REASON);
      const closing = Promise.all(workers.map((w) => w.close()));
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      if ((await Promise.race([closing, timer])) === 'timeout') {
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
