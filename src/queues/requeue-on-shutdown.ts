import { WaitingError, type Job } from 'bullmq';

/** The reason a worker passes to `cancelAllJobs` on SIGTERM/SIGINT: processors checkpoint and hand the job back. */
export const SHUTDOWN_REASON = 'worker-shutdown';

/** True when the processor's signal was aborted because the worker is shutting down (not a user cancel). */
export function isShutdown(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && signal.reason === SHUTDOWN_REASON;
}

/**
 * Puts a checkpointed job back in the wait list so another worker resumes it, without counting a failed attempt.
 * Throws WaitingError, which tells BullMQ the job was moved on purpose; call it as `return requeueOnShutdown(...)`.
 */
export async function requeueOnShutdown(job: Job, token: string | undefined): Promise<never> {
  await job.moveToWait(token);
  throw new WaitingError();
}
