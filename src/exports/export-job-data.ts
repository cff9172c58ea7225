import type { WorkerOptions } from 'bullmq';
import type { ExportOptions } from './export-options.ts';

/**
 * The payload of an `export-customers` job.
 * - An export made through `POST /v1/exports` carries its id: its options live in its Redis record. A connected
 *   account rides along only so Bull Board shows it; the run reads the account from the record.
 * - A run of a schedule carries the schedule's id, options and retention; the processor creates the run's record
 *   on first start, with an id derived from the job id.
 */
export type ExportJobData =
  | { exportId: string; account?: string }
  | { scheduleId: string; options: ExportOptions; keep: number };

/**
 * Worker options for the export queue. A lock of 10 s renewed every 5 s: a worker killed with -9 hands its export
 * to another worker after at most ~10 s plus a stalled check (every 5 s), and resuming is cheap (it starts from the
 * checkpointed cursors). A resumed export is safe to stall again, so maxStalledCount only stops a crash loop
 * (a job that kills its worker every time); the job's record is then marked failed (jobs/stalled-out.ts).
 */
export const EXPORT_WORKER_OPTIONS = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 25,
} as const satisfies Partial<WorkerOptions>;

/** Job options for an export: a Stripe outage that outlasts the gateway's retries gets two more tries from the checkpoint. */
export const EXPORT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;
