import type { JobsOptions, WorkerOptions } from 'bullmq';

/** The payload of a `deprovision-team-members` job: the id only; everything else is in its record and files. */
export interface DeprovisionJobData {
  deprovisionId: string;
}

/** A run that fails outside a row (Redis, disk) is retried from its checkpoint; rows never run twice. */
export const DEPROVISION_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** As the export's: a worker killed -9 hands its job to another after ~10 s plus a stalled check. */
export const DEPROVISION_WORKER_OPTIONS = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 25,
} as const satisfies Partial<WorkerOptions>;
