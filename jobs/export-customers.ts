import { rm } from 'node:fs/promises';
import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import type { WorkerDeps } from '../src/deps.ts';
import { exportIdForJob } from '../src/exports/export-ids.ts';
import type { ExportJobData } from '../src/exports/export-job-data.ts';
import type { ExportObject } from '../src/exports/export-options.ts';
import { exportDir, partsDir } from '../src/exports/export-paths.ts';
import type { ExportRecord, ExportStatus } from '../src/exports/export-record.ts';
import { ExportStore } from '../src/exports/export-store.ts';
import { applyRetention } from './export/retention.ts';
import { SliceCheckpoint } from './export/slice-checkpoint.ts';
import { QUEUE_NAMES } from '../src/queues/names.ts';
import { isShutdown, requeueOnShutdown } from '../src/queues/requeue-on-shutdown.ts';
import { REFUSED_SUBMISSION, settleSubmission, submissionKey } from '../src/queues/submission.ts';
import { describeStripeError } from '../src/stripe/stripe-errors.ts';
import { unrecoverableExportError } from './export/export-failure.ts';
import { runExport, type ExportRunResult } from './export/export-run.ts';
import { runTeamMembersExport } from './export/team-members/run-team-members.ts';
import { WalkCheckpoint } from './export/team-members/walk-checkpoint.ts';
import { scimForWorker } from './export/team-members/scim-for-worker.ts';
import type { Logger } from '../src/logger.ts';
import type { ExportProgress } from './export/progress-reporter.ts';

export { EXPORT_WORKER_OPTIONS, type ExportJobData } from '../src/exports/export-job-data.ts';

/** The return value of an export job. */
export interface ExportSummary {
  exportId: string;
  status: ExportStatus;
  /** What the export lists (options.object): every count is of these. */
  object: ExportObject;
  /** Objects written (kept for compatibility: the same as `objects`, whatever the object). */
  customers: number;
  objects: number;
  pages: number;
  bytes: number;
  file: string | null;
}

const summaryOf = (record: ExportRecord): ExportSummary => ({
  exportId: record.id,
  status: record.status,
  object: record.options.object,
  customers: record.counts.customers,
  objects: record.counts.customers,
  pages: record.counts.pages,
  bytes: record.counts.bytes,
  file: record.fileName,
});

const TERMINAL: readonly ExportStatus[] = ['completed', 'failed', 'cancelled', 'expired'];

/** The record of this job: an export made over HTTP, or the run of a schedule (created on its first start). */
async function recordFor(store: ExportStore, job: Job<ExportJobData>): Promise<ExportRecord> {
  const data = job.data;
  if ('exportId' in data) {
    const record = await store.get(data.exportId);
    if (record === null) throw new UnrecoverableError(`export ${data.exportId} has no record (deleted from Redis?)`);
    return record;
  }
  if (job.id === undefined) throw new UnrecoverableError('a scheduled export job has no id');
  const id = exportIdForJob(job.id);
  await store.create({ id, options: data.options, scheduleId: data.scheduleId });
  const record = await store.get(id);
  if (record === null) throw new UnrecoverableError(`export ${id} has no record`);
  return record;
}

/** Drops the working files and the resume plan of an export that will not complete. */
async function discard(deps: WorkerDeps, id: string, keepNothing: boolean): Promise<void> {
  await new SliceCheckpoint(deps.redis, deps.config.queuePrefix, id).clear();
  await new WalkCheckpoint(deps.redis, deps.config.queuePrefix, id).clear();
  await rm(keepNothing ? exportDir(deps.config.dataDir, id) : partsDir(deps.config.dataDir, id), { recursive: true, force: true });
}

/** Records a completed run's file (unless the export was cancelled meanwhile) and drops the working files. */
async function settleRun(deps: WorkerDeps, store: ExportStore, record: ExportRecord, result: ExportRunResult): Promise<void> {
  const { id } = record;
  if (result.status !== 'completed') {
    await discard(deps, id, true);
    return;
  }
  const done = await store.setUnlessCancelled(id, {
    status: 'completed',
    finished_at: Date.now(),
    file_name: result.file.name,
    file_bytes: result.file.bytes,
    bytes: result.file.bytes,
    error: '',
  });
  if (done) {
    // Counted once, when the file is final: a retried or resumed attempt's pages are not counted twice. Counted
    // before anything else is awaited, so /metrics agrees with a record that already says `completed`.
    if (record.options.object === 'team_members') deps.metrics?.exportTeamMembers.inc(result.file.rows);
    else (record.options.object === 'accounts' ? deps.metrics?.exportAccounts : deps.metrics?.exportCustomers)?.inc(result.file.rows);
    deps.metrics?.exportBytes.inc(result.file.bytes);
  }
  await discard(deps, id, !done);
}

/** An attempt that threw: the error to end the job with, after recording it (the last attempt drops the files). */
async function failAttempt(
  deps: WorkerDeps,
  store: ExportStore,
  attempt: { id: string; job: Job<ExportJobData>; label: string; startedAt: number; logger: Logger },
  caught: unknown,
): Promise<unknown> {
  const { id, job, logger } = attempt;
  const err = unrecoverableExportError(caught, deps.config.dataDir) ?? caught;
  const message = err instanceof UnrecoverableError ? err.message : describeStripeError(err);
  const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  logger.warn({ attempt: attempt.label, ms: Date.now() - attempt.startedAt, err: { message } }, last ? 'export failed' : 'export attempt failed');
  if (last) {
    await store.setUnlessCancelled(id, { status: 'failed', finished_at: Date.now(), error: message });
    // A broken DATA_DIR may refuse the clean-up too: the job must still fail with the first error, not retry.
    await discard(deps, id, true).catch((e: unknown) => logger.warn({ err: { message: String(e) } }, 'could not delete the working files'));
  } else {
    await store.setUnlessCancelled(id, { error: `${attempt.label} failed, will retry from the checkpoint: ${message}` });
  }
  return err;
}

/** Deletes the older files of the schedule a completed run belongs to, as many as its `keep` asks. */
async function retainScheduleFiles(deps: WorkerDeps, final: ExportRecord, data: ExportJobData, logger: Logger): Promise<void> {
  if (final.status !== 'completed' || final.scheduleId === null || !('keep' in data)) return;
  const expired = await applyRetention({
    redis: deps.redis,
    prefix: deps.config.queuePrefix,
    dataDir: deps.config.dataDir,
    scheduleId: final.scheduleId,
    keep: data.keep,
  });
  if (expired.length > 0) logger.info({ expired }, 'retention deleted older files of the schedule');
}

/**
 * Why a job does not run its export: already over, a submission the client was refused, or a corrupt record.
 * Answers the summary to return, or null to run it.
 */
async function refuseToRun(deps: WorkerDeps, store: ExportStore, record: ExportRecord, logger: Logger, signal?: AbortSignal): Promise<ExportSummary | null> {
  if (TERMINAL.includes(record.status)) return summaryOf(record);
  if ((await settleSubmission(deps.redis, submissionKey(deps.config.queuePrefix, 'export', record.id), signal)) === 'refused') {
    logger.warn('export not run: its submission was never accepted (the client was answered 503)');
    await store.setUnlessCancelled(record.id, { status: 'failed', finished_at: Date.now(), error: REFUSED_SUBMISSION });
    return summaryOf((await store.get(record.id)) ?? record);
  }
  if (record.corrupt !== null) {
    // Running it with `{}` would be a full, unfiltered export of every customer: never.
    const message = `export ${record.id} cannot run: ${record.corrupt}; create the export again`;
    logger.error({ err: { message } }, 'export failed');
    await store.setUnlessCancelled(record.id, { status: 'failed', finished_at: Date.now(), error: message });
    await discard(deps, record.id, true).catch(() => undefined);
    throw new UnrecoverableError(message);
  }
  if (!(await store.markRunning(record.id))) {
    await discard(deps, record.id, true);
    return summaryOf((await store.get(record.id)) ?? record);
  }
  return null;
}

/**
 * The `export-customers` processor. Safe to run again for the same job at any point (retry, stalled job taken over
 * after a kill -9, requeue on shutdown): it resumes from the checkpointed slices and part files.
 */
export function createExportProcessor(deps: WorkerDeps): Processor<ExportJobData, ExportSummary> {
  const store = new ExportStore(deps.redis, deps.config.queuePrefix);
  const scim = scimForWorker(deps);
  return async (job, token, signal) => {
    let record = await recordFor(store, job);
    const connected = record.options.account === undefined ? {} : { connectedAccount: record.options.account };
    const logger = deps.logger.child({ queue: QUEUE_NAMES.export, jobId: job.id, exportId: record.id, ...connected });
    const refused = await refuseToRun(deps, store, record, logger, signal);
    if (refused !== null) return refused;
    record = (await store.get(record.id)) ?? record;
    const startedAt = Date.now();
    const label = `attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}`;
    logger.info({ mode: record.mode, object: record.options.object, attempt: label }, 'export started');
    try {
      const common = {
        record,
        store,
        redis: deps.redis,
        prefix: deps.config.queuePrefix,
        dataDir: deps.config.dataDir,
        logger,
        signal,
        reportProgress: (progress: ExportProgress) => job.updateProgress({ ...progress }),
      };
      // Team members are Dashboard users read over SCIM: a walk of their own (jobs/export/team-members/).
      const result = record.options.object === 'team_members' ? await runTeamMembersExport({ ...common, scim: scim() }) : await runExport({
        record,
        store,
        redis: deps.redis,
        prefix: deps.config.queuePrefix,
        dataDir: deps.config.dataDir,
        gateway: deps.gatewayFor(record.options.account),
        pagesInFlight: deps.config.exportPagesInFlight,
        logger,
        ...(signal === undefined ? {} : { signal }),
        // `object` and `objects` (written so far) beside `customers`, so Bull Board says what the export lists.
        reportProgress: (progress) =>
          job.updateProgress({ object: record.options.object, objects: progress.customers, ...progress, learned_budget: deps.gatewayFor(record.options.account).learnedBudgets() }),
      });
      await settleRun(deps, store, record, result);
    } catch (caught) {
      if (isShutdown(signal)) {
        logger.info('worker shutting down: export checkpointed and handed back to the queue');
        return requeueOnShutdown(job, token);
      }
      throw await failAttempt(deps, store, { id: record.id, job, label, startedAt, logger }, caught);
    }
    const final = (await store.get(record.id)) ?? record;
    logger.info({ status: final.status, object: final.options.object, objects: final.counts.customers, ms: Date.now() - startedAt }, 'export finished');
    await retainScheduleFiles(deps, final, job.data, logger);
    return summaryOf(final);
  };
}
