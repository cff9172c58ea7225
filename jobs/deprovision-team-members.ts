import { UnrecoverableError, type Processor } from 'bullmq';
import type { WorkerDeps } from '../src/deps.ts';
import type { DeprovisionJobData } from '../src/deprovisions/deprovision-job.ts';
import type { DeprovisionStatus } from '../src/deprovisions/deprovision-schema.ts';
import { DeprovisionStore, summaryOf, type DeprovisionRecord } from '../src/deprovisions/deprovision-store.ts';
import { QUEUE_NAMES } from '../src/queues/names.ts';
import { isShutdown, requeueOnShutdown } from '../src/queues/requeue-on-shutdown.ts';
import { REFUSED_SUBMISSION, settleSubmission, submissionKey } from '../src/queues/submission.ts';
import { runDeprovision } from './deprovision/run-deprovision.ts';
import { scimForWorker } from './export/team-members/scim-for-worker.ts';

export { DEPROVISION_WORKER_OPTIONS } from '../src/deprovisions/deprovision-job.ts';

/** The return value of a deprovision job (Bull Board shows it): the counts and the summary with the API-key warning. */
export interface DeprovisionSummary {
  deprovision_id: string;
  status: DeprovisionStatus;
  counts: DeprovisionRecord['counts'];
  summary: string;
}

const summary = (r: DeprovisionRecord): DeprovisionSummary => ({ deprovision_id: r.id, status: r.status, counts: r.counts, summary: summaryOf(r) });

/**
 * The `deprovision-team-members` processor: deactivates (PATCH active=false over SCIM) the team members a CSV lists,
 * never deleting one. Safe to run again at any point (retry, stalled job after a kill -9, requeue on shutdown).
 */
export function createDeprovisionProcessor(deps: WorkerDeps): Processor<DeprovisionJobData, DeprovisionSummary> {
  const store = new DeprovisionStore(deps.redis, deps.config.queuePrefix);
  const scim = scimForWorker(deps);
  return async (job, token, signal) => {
    const id = job.data.deprovisionId;
    const found = await store.get(id);
    if (found === null) throw new UnrecoverableError(`deprovision ${id} has no record (deleted from Redis?)`);
    if (found.status === 'queued' && (await settleSubmission(deps.redis, submissionKey(deps.config.queuePrefix, 'deprovision', id), signal)) === 'refused') {
      await store.finish(id, 'failed', REFUSED_SUBMISSION);
      return summary((await store.get(id)) ?? found);
    }
    if (!(await store.startRun(id))) return summary(found);
    const logger = deps.logger.child({ queue: QUEUE_NAMES.deprovision, jobId: job.id, deprovisionId: id });
    const label = `attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}`;
    const startedAt = Date.now();
    const record = (await store.get(id)) ?? found;
    logger.info({ dryRun: record.dryRun, attempt: label }, 'deprovision started');
    try {
      const status = await runDeprovision({
        record,
        store,
        scim: scim(),
        dataDir: deps.config.dataDir,
        logger,
        signal,
        reportProgress: (rows) => job.updateProgress({ rows }),
        onRow: (action) => deps.metrics?.deprovisionRows.inc({ action }),
      });
      await store.finish(id, status);
    } catch (err) {
      if (isShutdown(signal)) {
        logger.info('worker shutting down: deprovision checkpointed and handed back to the queue');
        return requeueOnShutdown(job, token);
      }
      const message = err instanceof Error ? err.message : String(err);
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.warn({ attempt: label, ms: Date.now() - startedAt, err: { message } }, last ? 'deprovision failed' : 'deprovision attempt failed');
      if (last) await store.finish(id, 'failed', message);
      throw err;
    }
    const final = (await store.get(id)) ?? record;
    logger.info({ status: final.status, counts: final.counts, ms: Date.now() - startedAt }, 'deprovision finished');
    return summary(final);
  };
}
