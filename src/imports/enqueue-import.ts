import type { JobsOptions, Queue } from 'bullmq';
import { QUEUE_NAMES } from '../queues/names.ts';
import type { ImportJobData } from './import-job-data.ts';

/**
 * A run that fails for a reason other than a bad row (Redis or disk trouble) is retried and resumes from its
 * checkpoint. Finished jobs stay a week so Bull Board can show them; the import record outlives them.
 */
export const IMPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** Queues the job of an import; the job id is the import id, so a second add of one import is a no-op. */
export async function enqueueImport(queue: Queue, data: ImportJobData): Promise<void> {
  await queue.add(QUEUE_NAMES.import, data, { ...IMPORT_JOB_OPTIONS, jobId: data.importId });
}
