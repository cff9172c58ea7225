import type { WorkerOptions } from 'bullmq';

/** The payload of an `audit-customers` job: its options live in its Redis record. */
export interface AuditJobData {
  auditId: string;
}

/** As the export's (src/exports/export-job-data.ts): a worker killed with -9 hands the walk on within ~15 s. */
export const AUDIT_WORKER_OPTIONS = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 25,
} as const satisfies Partial<WorkerOptions>;

/** A Stripe outage that outlasts the gateway's retries gets two more tries from the checkpoint. */
export const AUDIT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;
