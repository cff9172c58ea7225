import type { JobsOptions, Queue } from 'bullmq';
import { QUEUE_NAMES } from '../queues/names.ts';
import type { DeletionJobData } from './deletion-job-data.ts';

/** As the import's: a run that fails for a reason other than a bad row is retried and resumes from its checkpoint. */
export const DELETION_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** Queues the job of a deletion; the job id is the deletion id, so a second add of one deletion is a no-op. */
export async function enqueueDeletion(queue: Queue, data: DeletionJobData): Promise<void> {
  await queue.add(QUEUE_NAMES.delete, data, { ...DELETION_JOB_OPTIONS, jobId: data.deletionId });
}
